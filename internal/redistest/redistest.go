package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount/internal/awstest"
)

// ErrNoRedis reports that redis-server is not installed.
var ErrNoRedis = errors.New("redistest: redis-server not found (install it with: apt-get install -y redis-server)")

// readyTimeout bounds the wait for a starting server to answer PING.
const readyTimeout = 10 * time.Second

// Server is a redis-server bound to 127.0.0.1 with no persistence. Its
// methods are safe for concurrent use by multiple goroutines.
type Server struct {
	bin  string
	port int
	dir  string // working directory, removed by Close

	mu   sync.Mutex
	proc *process // nil while killed; requires mu
}

// process is one run of redis-server.
type process struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{} // closed when cmd.Wait returns
}

// Start starts redis-server on a free loopback port and waits until it
// answers PING. The caller must call Close.
func Start() (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, ErrNoRedis
	}
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return nil, fmt.Errorf("redistest: %w", err)
	}
	var lastErr error
	// The free port may be taken between the probe and the server's bind.
	for range 3 {
		port, err := awstest.FreePort()
		if err != nil {
			lastErr = err
			continue
		}
		s := &Server{bin: bin, port: port, dir: dir}
		if lastErr = s.start(); lastErr == nil {
			return s, nil
		}
	}
	_ = os.RemoveAll(dir)
	return nil, lastErr
}

// Run starts a server for one test and stops it in t.Cleanup. Without
// redis-server it fails the test under CI and skips it elsewhere.
func Run(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		if errors.Is(err, ErrNoRedis) && !awstest.InCI() {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Addr is the server's host:port, e.g. "127.0.0.1:40123".
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// URL is the server's database 0 as a redis:// URL.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Kill stops the server at once (SIGKILL) and waits for it to exit. Clients
// see their connections reset and new ones refused. Killing a stopped server
// does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p != nil {
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Restart starts the server again, empty, on the same port, after a Kill
// (it kills a running one first), and waits until it answers.
func (s *Server) Restart() error {
	s.Kill()
	return s.start()
}

// Close stops the server and removes its working directory.
func (s *Server) Close() {
	s.Kill()
	_ = os.RemoveAll(s.dir)
}

func (s *Server) start() error {
	cmd := exec.Command(s.bin,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--protected-mode", "no")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redistest: start %s: %w", s.bin, err)
	}
	p := &process{cmd: cmd, out: out, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	if err := s.waitReady(p); err != nil {
		_ = cmd.Process.Kill()
		<-p.done
		return err
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	return nil
}

// waitReady polls PING until the server answers, exits or readyTimeout
// passes.
func (s *Server) waitReady(p *process) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		if ping(s.Addr()) == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("redistest: redis-server on port %d exited: %s", s.port, p.out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redistest: redis-server on port %d not ready after %v: %s", s.port, readyTimeout, p.out.String())
		}
	}
}

// ping sends PING in the inline protocol and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("redistest: PING answered %q", line)
	}
	return nil
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
