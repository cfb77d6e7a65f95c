// Package redistest starts a throwaway redis-server for tests: the Debian
// binary on a free loopback port, with no persistence, stopped when the
// test ends.
//
// A test starts its own with [Run], which stops it in t.Cleanup:
//
//	srv := redistest.Run(t)
//	client := redis.NewClient(&redis.Options{Addr: srv.Addr()})
//	defer client.Close()
//
// A package that shares one server calls [Start] in TestMain and Close after
// m.Run. Fault tests stop the server abruptly with [Server.Kill] and bring it
// back, empty, on the same port with [Server.Restart].
//
// When redis-server is not installed, [Start] returns [ErrNoRedis]; [Run]
// fails the test when the CI environment variable is set (to anything but
// "false" or "0") and skips it elsewhere. `make test` installs the binary.
package redistest
