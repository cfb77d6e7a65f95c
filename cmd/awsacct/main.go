// Command awsacct runs one AWS API operation across a whole set of accounts
// and regions, rate limited per target. See `awsacct help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/redis/go-redis/v9"
)

// quietRedis drops go-redis's own log lines.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

func main() {
	// go-redis prints connection failures through a package-global logger;
	// redislimit already reports outages through the CLI's own logger.
	redis.SetLogger(quietRedis{})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, newFactory(os.Stdout, os.Stderr), os.Args[1:])
	stop()
	os.Exit(code)
}
