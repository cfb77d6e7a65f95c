// Package redislimit shares one rate limit among many processes through
// Redis. AWS counts the requests of an account and region across every
// caller; a fleet of workers that each limit themselves still overruns the
// account. With this package they all draw on one limit.
//
// # Config
//
// A RateLimit block gets a backend:
//
//	RateLimit:
//	  max_count: 100
//	  interval: 1
//	  block: true
//	  backend:
//	    redis:
//	      url: redis://127.0.0.1:6379/0   # or rediss://user:password@host:6380/0
//	      prefix: awsaccount              # default
//	      on_backend_error: local         # default; or fail
//
// or, in one line, RateLimit: {max_count: 100, interval: 1, block: true,
// backend: {redis: {url: redis://127.0.0.1:6379/0, prefix: awsaccount}}}.
// The program enables the backend by registering a Backend with its
// Registry (the root package does not depend on Redis):
//
//	b := redislimit.NewBackend(func(o *redislimit.Options) { o.Logger = logger })
//	defer b.Close()
//	reg := awsaccount.NewRegistry(func(o *awsaccount.RegistryOptions) {
//		o.Backends = map[string]ratelimit.BackendFactory{"redis": b.Open}
//	})
//
// Each limit is one Redis key, "<prefix>:<account id>:<region>" for a
// RateLimit block and "...:<service>[:<operation>]" for an APILimits entry;
// every process that uses the same key on the same Redis shares the limit.
// The Backend opens one client per URL and shares it among the keys.
// Library users without a Registry make a Store directly with NewStore and
// pass it to ratelimit.New with ratelimit.WithStore.
//
// # Semantics
//
// A Store has the semantics of ratelimit.MemoryStore, for all processes at
// once: no window of length Interval holds more than MaxCount starts of
// any of them, requests get their turns first come first served, block:
// false refuses with ratelimit.ErrExceeded, and each process's Limiter may
// change its knobs at run time (a start is granted under the limit of the
// process that asks, counting every process's starts). Each admission is
// one Lua script that Redis runs atomically (see script.go): it reads the
// server's clock (TIME, never the clients'), finds the earliest start the
// window allows, records it and returns the delay; a blocked request sleeps
// that delay in its process without asking Redis again. Starts the window
// has left behind are forgotten into a horizon that assumes they were as
// late as possible, and a key expires once idle (Options.KeyTTL).
//
// A token bucket (burst and rate) is kept in the same key by its own
// script (bucket_script.go), the GCRA of ratelimit.MemoryStore: the set
// holds the recent starts and, on top, one member that records the
// bucket's limit and is scored by the instant the bucket is full again.
// Every process's starts take tokens from one bucket, on the server's
// clock. Cancel gives a token back only for the latest start held (a
// Limiter gives back its waiting requests newest first, so they all come
// back); a key that changes form is converted strictly (see the Store
// contract in package ratelimit).
//
// # Faults
//
// Every Redis call is bounded by Options.Timeout (200ms by default). While
// Redis is unreachable or slower than that, on_backend_error decides:
// local (the default) admits under the same limit kept in this process,
// so the program goes on but each process is limited on its own; fail
// makes Wait return an error matching ErrBackend that wraps the cause.
// One record is logged (Options.Logger) when an outage starts and one when
// it ends; during an outage one request per Options.ProbeInterval (1s)
// tries Redis, the others do not wait for it, and sharing resumes as soon
// as the probe succeeds. A Redis URL's password is never printed.
//
// Each process keeps its own limit across an outage, both ways. The local
// fallback counts the starts Redis granted to the process, so an outage
// does not begin with a fresh budget; and when Redis answers again, it is
// first told the starts the process made meanwhile (and those a restarted,
// empty server lost), placed by the server's clock, so the shared windows
// count them. The probe of an outage is granted locally like the requests
// around it and only replays. One gap remains: a request that Redis
// answers after another request found it down (a slow server, not a dead
// one) is not seen by the local grants made meanwhile, so that moment may
// admit one extra start per such late answer.
//
// # Metrics
//
// With Options.MeterProvider, the Stores report to OpenTelemetry, meter
// "github.com/awsaccount/awsaccount/ratelimit/redislimit":
//
//	b := redislimit.NewBackend(func(o *redislimit.Options) { o.MeterProvider = mp })
//
//	awsaccount.redislimit.fallbacks           {outage}   counter: outages begun (Redis did not answer
//	                                                     within Options.Timeout; the Stores follow
//	                                                     on_backend_error until it answers)
//	awsaccount.redislimit.recoveries          {outage}   counter: outages ended (a probe was answered)
//	awsaccount.redislimit.roundtrip.duration  s          histogram: Redis calls that Redis answered
//	                                                     (an admission, a probe with its replay, a
//	                                                     give-back); a failed call is not timed
//	awsaccount.redislimit.local.admissions    {request}  counter: starts the local fallback granted
//
// Their one attribute is redis_host, the server's host:port (from the URL,
// without its user or password; for NewStore, the client's Addr, or a
// ClusterClient's Addrs joined by commas). Nothing is per key: the Stores
// of one Backend URL share its client, its outages and one series. The
// Limiter's own metrics (requests waiting, store errors) are package
// ratelimit's. Without a provider, or with a no-op one, nothing is
// measured and nothing costs more; no measurement is made under a lock.
//
// # Redis Cluster and Sentinel
//
// All state of a limit is one sorted set under one key, so a script touches
// one key and any cluster slot works. A Backend opens single-server
// clients from redis:// and rediss:// URLs; for Cluster or Sentinel, build
// a redis.UniversalClient (redis.NewUniversalClient with Addrs, or
// MasterName for Sentinel, and ContextTimeoutEnabled: true) and register a
// factory of your own:
//
//	client := redis.NewUniversalClient(&redis.UniversalOptions{
//		Addrs: addrs, ContextTimeoutEnabled: true, MaxRetries: -1,
//	})
//	factory := func(_ context.Context, spec ratelimit.BackendSpec, key string) (ratelimit.Store, error) {
//		return redislimit.NewStore(client, spec.Redis.Prefix+":"+key), nil
//	}
//
// After a Sentinel failover, starts not yet replicated to the new master
// are lost: for a moment the limit may admit more than MaxCount.
package redislimit
