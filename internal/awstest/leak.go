package awstest

import "go.uber.org/goleak"

// LeakOptions are the goleak options every package's TestMain uses: idle
// keep-alive connections of HTTP clients (the SDK's among them) are pooled
// on purpose and are not leaks.
func LeakOptions() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
	}
}
