package ratelimit

import "context"

// Spec is a RateLimit block of a config file: the limit's knobs (max_count,
// interval, block) and, optionally, where its state lives (backend). The
// root package takes one per target, per region and per API; a program
// builds the Store of a Spec whose Backend is set with the BackendFactory
// registered under the backend's name.
type Spec struct {
	Limit `yaml:",inline" json:",inline"`
	// Backend shares the limit with other processes (see BackendSpec). Nil
	// keeps the state in this process.
	Backend *BackendSpec `yaml:"backend,omitempty" json:"backend,omitempty"`
}

// BackendSpec selects a shared store for the state of a limit: the backend
// block of a RateLimit block. Exactly one field is set; its name ("redis")
// is the name of the BackendFactory that builds the store.
type BackendSpec struct {
	// Redis shares the limit through Redis (package ratelimit/redislimit).
	Redis *RedisSpec `yaml:"redis,omitempty" json:"redis,omitempty"`
}

// RedisSpec shares a limit through Redis: the redis block of a backend
// block, read by package ratelimit/redislimit.
type RedisSpec struct {
	// URL is a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0. A
	// password in it is never printed.
	URL string `yaml:"url" json:"url"`
	// Prefix of every key; default "awsaccount".
	Prefix string `yaml:"prefix,omitempty" json:"prefix,omitempty"`
	// OnBackendError is "local" (default: fall back to the in-process limit
	// while Redis is unreachable) or "fail" (the request fails).
	OnBackendError string `yaml:"on_backend_error,omitempty" json:"on_backend_error,omitempty"`
}

// BackendFactory builds the Store of one limit whose Spec has a Backend.
// key names what the limit covers, "<account id>:<region>[:<service>
// [:<operation>]]"; every process that builds a store for the same key and
// backend shares the limit. redislimit.Backend.Open is one.
type BackendFactory func(ctx context.Context, spec BackendSpec, key string) (Store, error)
