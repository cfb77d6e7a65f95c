package awstest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// StallMode says how far a StalledServer answers before it stops.
type StallMode int

const (
	// StallBeforeHeaders reads requests and never answers.
	StallBeforeHeaders StallMode = iota
	// StallMidBody answers with a status line, headers and a Content-Length
	// for the whole Body, sends Sent bytes of it, and then sends nothing
	// more while holding the connection open.
	StallMidBody
	// CloseMidBody is StallMidBody, then closes the connection: a truncated
	// body.
	CloseMidBody
)

func (m StallMode) String() string {
	switch m {
	case StallBeforeHeaders:
		return "stall before headers"
	case StallMidBody:
		return "stall mid-body"
	case CloseMidBody:
		return "close mid-body"
	}
	return "unknown stall mode"
}

// StalledOptions configure a StalledServer. DefaultStalledOptions are
// applied before the option functions.
type StalledOptions struct {
	Mode        StallMode
	Status      int    // status of a mid-body response
	ContentType string // of a mid-body response
	Body        []byte // the whole body a mid-body response promises
	Sent        int    // bytes of Body sent before the stall or the close
}

// DefaultStalledOptions never answer; in a mid-body mode they promise an
// EC2-shaped XML body of about 1 KiB and send its first 100 bytes.
func DefaultStalledOptions() StalledOptions {
	return StalledOptions{
		Mode:        StallBeforeHeaders,
		Status:      http.StatusOK,
		ContentType: "text/xml;charset=UTF-8",
		Body: []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>stalled</requestId><regionInfo>` +
			strings.Repeat(`<item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint></item>`, 8) +
			`</regionInfo></DescribeRegionsResponse>`),
		Sent: 100,
	}
}

// StalledServer accepts TCP connections on 127.0.0.1 and answers too
// little: nothing at all, or a response whose body stops part way (see
// StallMode). Clients see their timeouts fire, or a truncated body.
//
// A StalledServer is safe for concurrent use by multiple goroutines.
type StalledServer struct {
	opts  StalledOptions
	ln    net.Listener
	conns atomic.Int64

	mu     sync.Mutex
	closed bool
	open   map[net.Conn]struct{}
	wg     sync.WaitGroup // accept loop and connections; Add requires mu held
}

// StartStalledServer starts a StalledServer; Close stops it.
func StartStalledServer(optFns ...func(*StalledOptions)) (*StalledServer, error) {
	o := DefaultStalledOptions()
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Mode < StallBeforeHeaders || o.Mode > CloseMidBody {
		return nil, fmt.Errorf("%w: unknown stall mode %d", ErrOptions, o.Mode)
	}
	if o.Sent < 0 || o.Sent > len(o.Body) {
		return nil, fmt.Errorf("%w: a stalled response sends %d bytes of a %d-byte body", ErrOptions, o.Sent, len(o.Body))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &StalledServer{opts: o, ln: ln, open: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// RunStalledServer starts a StalledServer for one test and stops it in
// t.Cleanup; it fails t when the server cannot start.
func RunStalledServer(t testing.TB, optFns ...func(*StalledOptions)) *StalledServer {
	t.Helper()
	s, err := StartStalledServer(optFns...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// URL is the server's endpoint, e.g. http://127.0.0.1:41234.
func (s *StalledServer) URL() string { return "http://" + s.Addr() }

// Addr is the server's host:port.
func (s *StalledServer) Addr() string { return s.ln.Addr().String() }

// Conns is how many TCP connections the server accepted.
func (s *StalledServer) Conns() int64 { return s.conns.Load() }

// Close stops the server, closes every connection it holds, and waits for
// its goroutines. It is safe to call more than once.
func (s *StalledServer) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	_ = s.ln.Close()
	for c := range s.open {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *StalledServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return // closed
		}
		s.conns.Add(1)
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = c.Close()
			return
		}
		s.open[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.handle(c)
	}
}

func (s *StalledServer) handle(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.open, c)
		s.mu.Unlock()
		_ = c.Close()
	}()
	if s.opts.Mode == StallBeforeHeaders {
		_, _ = io.Copy(io.Discard, c) // until the client or Close hangs up
		return
	}
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, req.Body)
	bw := bufio.NewWriter(c)
	h := http.Header{"Content-Type": {s.opts.ContentType}, "X-Amzn-Requestid": {"awstest-stalled"}}
	writePartial(bw, s.opts.Status, h, s.opts.Body, s.opts.Sent)
	if bw.Flush() != nil || s.opts.Mode == CloseMidBody {
		return
	}
	_, _ = io.Copy(io.Discard, br) // hold the connection until one side hangs up
}
