package awstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestAccountID is the account moto acts in for credentials that were not
// obtained by assuming a role.
const TestAccountID = "123456789012"

// Moto is a running moto_server bound to 127.0.0.1.
type Moto struct {
	url  string
	cmd  *exec.Cmd
	out  *lockedBuffer
	once sync.Once
	done chan struct{}
}

// StartMoto starts moto_server on a free loopback port and waits until it
// answers. The caller must call Close.
func StartMoto() (*Moto, error) {
	argv, err := motoCommand()
	if err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		m, err := startMotoOnce(argv)
		if err == nil {
			return m, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// RunMoto starts a moto_server for one test and stops it in t.Cleanup. When
// moto is not installed, it fails the test under CI and skips it elsewhere.
func RunMoto(t testing.TB) *Moto {
	t.Helper()
	m, err := StartMoto()
	if err != nil {
		Require(t, err)
	}
	t.Cleanup(m.Close)
	return m
}

// Require fails t when err is not nil. For ErrNoMoto outside CI it skips t
// instead, so a laptop without Python still runs the unit tests; CI (CI set
// to anything but "false") never skips.
func Require(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if errors.Is(err, ErrNoMoto) && !InCI() {
		t.Skip(err)
	}
	t.Fatal(err)
}

// InCI reports whether the CI environment variable asks for strict runs.
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "false" && v != "0"
}

func motoCommand() ([]string, error) {
	if p, err := exec.LookPath("moto_server"); err == nil {
		return []string{p}, nil
	}
	if p, err := exec.LookPath("python3"); err == nil {
		if exec.Command(p, "-c", "import moto.server").Run() == nil {
			return []string{p, "-m", "moto.server"}, nil
		}
	}
	return nil, ErrNoMoto
}

func startMotoOnce(argv []string) (*Moto, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	args := append(append([]string(nil), argv[1:]...), "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd := exec.Command(argv[0], args...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// moto must not see real credentials or endpoints of the caller.
	cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=false")
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("awstest: start %s: %w", argv[0], err)
	}
	m := &Moto{url: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, out: out, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(m.done) }()
	if err := m.waitReady(30 * time.Second); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func (m *Moto) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-m.done:
			return fmt.Errorf("awstest: moto_server exited early: %s", m.out.String())
		default:
		}
		resp, err := client.Get(m.url + "/moto-api/")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				client.CloseIdleConnections()
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("awstest: moto_server did not answer at %s within %v: %s", m.url, limit, m.out.String())
}

// URL is the emulator's base URL, e.g. http://127.0.0.1:41234.
func (m *Moto) URL() string { return m.url }

// Reset drops all state the emulator holds, in every account and region.
func (m *Moto) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("awstest: reset moto: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("awstest: reset moto: %s", resp.Status)
	}
	return nil
}

// Close stops the emulator and waits for it to exit. It is safe to call more
// than once.
func (m *Moto) Close() {
	m.once.Do(func() {
		if m.cmd.Process != nil {
			_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-m.done:
			case <-time.After(5 * time.Second):
				_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
				<-m.done
			}
		}
	})
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("awstest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	const keep = 64 << 10
	b.buf = append(b.buf, p...)
	if len(b.buf) > keep {
		b.buf = append(b.buf[:0:0], b.buf[len(b.buf)-keep:]...)
	}
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
