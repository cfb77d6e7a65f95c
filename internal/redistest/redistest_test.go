package redistest

import (
	"os"
	"testing"

	"github.com/awsaccount/awsaccount/internal/awstest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, awstest.LeakOptions()...) }

func TestServerLifecycle(t *testing.T) {
	s := Run(t)
	if err := ping(s.Addr()); err != nil {
		t.Fatalf("ping a started server: %v", err)
	}
	if want := "redis://" + s.Addr() + "/0"; s.URL() != want {
		t.Errorf("URL() = %q, want %q", s.URL(), want)
	}
	s.Kill()
	if err := ping(s.Addr()); err == nil {
		t.Fatal("ping a killed server: no error")
	}
	s.Kill() // a second Kill is harmless
	if err := s.Restart(); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	if err := ping(s.Addr()); err != nil {
		t.Fatalf("ping a restarted server: %v", err)
	}
}

func TestCloseRemovesDir(t *testing.T) {
	s, err := Start()
	if err != nil {
		if err == ErrNoRedis && !awstest.InCI() {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("working directory %s still there after Close: %v", s.dir, err)
	}
}
