package awstest

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// Main runs a package's tests against one moto_server and returns the exit
// code: it isolates the environment (IsolateEnv), starts moto (code 1 when
// it cannot), gives it to use, runs m, stops moto, and fails the run when
// goroutines leaked. A package's TestMain is then one line:
//
//	func TestMain(m *testing.M) { os.Exit(awstest.Main(m, func(mo *awstest.Moto) { moto = mo })) }
func Main(m *testing.M, use func(*Moto)) int {
	IsolateEnv()
	moto, err := StartMoto()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if use != nil {
		use(moto)
	}
	code := m.Run()
	moto.Close()
	if code == 0 {
		if err := goleak.Find(LeakOptions()...); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	return code
}
