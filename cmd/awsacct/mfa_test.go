package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// stsRecorder forwards to moto and records the MFA fields of AssumeRole.
type stsRecorder struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []string // "serial=code" per AssumeRole
}

func startSTSRecorder(t *testing.T) *stsRecorder {
	t.Helper()
	target, _ := url.Parse(moto.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	r := &stsRecorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		if v, err := url.ParseQuery(string(body)); err == nil && v.Get("Action") == "AssumeRole" {
			r.mu.Lock()
			r.got = append(r.got, v.Get("SerialNumber")+"="+v.Get("TokenCode"))
			r.mu.Unlock()
		}
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *stsRecorder) assumed() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

const mfaSerial = "arn:aws:iam::123456789012:mfa/me"

// Roles that need MFA, from profiles (mfa_serial) and from the config
// (SerialNumber), across three accounts: one question per device for the
// whole run, or none with --mfa-code; the code reaches every AssumeRole
// and is never printed.
func TestMFA(t *testing.T) {
	sharedConfig(t, `
[profile base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = x

[profile a]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = base
mfa_serial = `+mfaSerial+`

[profile b]
role_arn = arn:aws:iam::444455556666:role/b
source_profile = base
mfa_serial = `+mfaSerial+`
`)
	rec := startSTSRecorder(t)
	t.Setenv("AWS_ENDPOINT_URL_STS", rec.srv.URL) // profiles' role chains do not follow AWS_ENDPOINT_URL
	cfg := filepath.Join(t.TempDir(), "mfa.yaml")
	body := `
Filter: &one {Partitions: {aws: {Regions: {include: [us-east-1]}}}}
MFA:
 RegionalAccountSet:
  - RegionalAccounts: {Account: {SessionParameters: {profile_name: a}}, Filter: *one}
  - RegionalAccounts: {Account: {SessionParameters: {profile_name: b}}, Filter: *one}
  - RegionalAccounts:
     Account:
      SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: x}
      AssumeRole: {RoleArn: "arn:aws:iam::777788889999:role/c", RoleSessionName: cc, SerialNumber: "` + mfaSerial + `"}
     Filter: *one
`
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	const code = "914207"
	run := func(ask func(context.Context, string) (string, error), args ...string) result {
		t.Helper()
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
		f, out, errOut := testFactory()
		f.askMFA = ask
		return result{code: execute(context.Background(), f, args), stdout: out.String(), stderr: errOut.String()}
	}

	var mu sync.Mutex
	var asked []string
	ask := func(_ context.Context, serial string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, serial)
		return code, nil
	}
	r := run(ask, "whoami", "-c", cfg, "-o", "json", "--debug")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, id := range []string{"111122223333", "444455556666", "777788889999"} {
		if !strings.Contains(r.stdout, `"account_id": "`+id+`"`) {
			t.Errorf("whoami lacks account %s:\n%s", id, r.stdout)
		}
	}
	if len(asked) != 1 || asked[0] != mfaSerial {
		t.Fatalf("asked %v, want one question for %s", asked, mfaSerial)
	}
	got := rec.assumed()
	if len(got) != 3 {
		t.Fatalf("AssumeRole calls %v, want 3", got)
	}
	for _, g := range got {
		if g != mfaSerial+"="+code {
			t.Fatalf("AssumeRole sent %q, want the device and its code", g)
		}
	}
	if strings.Contains(r.stdout+r.stderr, code) {
		t.Fatal("the MFA code was printed")
	}

	// --mfa-code: no question; the same without a config, by --profile.
	never := func(context.Context, string) (string, error) { t.Error("asked despite --mfa-code"); return "", nil }
	if r := run(never, "whoami", "-c", cfg, "--mfa-code", "123123"); r.code != 0 {
		t.Fatalf("--mfa-code: exit %d: %s", r.code, r.stderr)
	}
	asked = nil
	if r := run(ask, "whoami", "--profile", "a", "--region", "us-east-1"); r.code != 0 || len(asked) != 1 {
		t.Fatalf("--profile a: exit %d, asked %v: %s", r.code, asked, r.stderr)
	}

	// No terminal and no --mfa-code: the run cannot start.
	noTTY := func(_ context.Context, serial string) (string, error) {
		return "", errors.New("an MFA code is needed for " + serial + " and there is no terminal to ask on: give --mfa-code")
	}
	if r := run(noTTY, "whoami", "-c", cfg); r.code != exitError || !strings.Contains(r.stderr, "give --mfa-code") {
		t.Fatalf("no terminal: exit %d: %s", r.code, r.stderr)
	}
	if r := run(never, "whoami", "-c", cfg, "--mfa-code", "12"); r.code != exitError || !strings.Contains(r.stderr, "--mfa-code") {
		t.Fatalf("bad --mfa-code: exit %d: %s", r.code, r.stderr)
	}
}
