package main

import "github.com/awsaccount/awsaccount"

// backends are the shared rate-limit stores a config file may name.
func backends() map[string]awsaccount.BackendFactory { return nil }
