package main

import (
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/ratelimit/redislimit"
)

// backends are the shared rate-limit stores a config file may name
// (RateLimit: {..., backend: {redis: {url: ...}}}). The Redis backend opens
// a client only when a config names it; runCommand closes it.
func (c *cli) backends() map[string]ratelimit.BackendFactory {
	if c.redis == nil {
		c.redis = redislimit.NewBackend(func(o *redislimit.Options) { o.Logger = c.log })
	}
	return map[string]ratelimit.BackendFactory{"redis": c.redis.Open}
}
