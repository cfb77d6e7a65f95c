package configfile_test

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/awsaccount/awsaccount/internal/awstest"
)

// The moto_server of the tests that build objects; started on first use, so
// that fuzz workers and unit tests do not pay for it.
var (
	motoOnce sync.Once
	moto     *awstest.Moto
	motoErr  error
)

// startMoto returns the package's moto_server, starting it on first call.
// Without moto it skips t outside CI and fails it in CI.
func startMoto(t testing.TB) *awstest.Moto {
	t.Helper()
	motoOnce.Do(func() { moto, motoErr = awstest.StartMoto() })
	awstest.Require(t, motoErr)
	return moto
}

func TestMain(m *testing.M) {
	awstest.IsolateEnv()
	code := m.Run()
	if moto != nil {
		moto.Close()
	}
	if code == 0 {
		if err := goleak.Find(awstest.LeakOptions()...); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
