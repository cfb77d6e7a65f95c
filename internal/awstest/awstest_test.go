package awstest

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// moto is the emulator the package's tests share.
var moto *Moto

func TestMain(m *testing.M) { os.Exit(Main(m, func(mo *Moto) { moto = mo })) }

func post(t *testing.T, url, action, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader("Action="+action+"&Version=2011-06-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func auth(key, region, service string) string {
	return "AWS4-HMAC-SHA256 Credential=" + key + "/20260101/" + region + "/" + service + "/aws4_request, SignedHeaders=host, Signature=x"
}

// The fault proxy fails matching requests the given number of times, in
// the service's wire format, then forwards; it records what it saw.
func TestFaultProxy(t *testing.T) {
	backend := StartShortLivedSTS(time.Minute, "AKIDBASE")
	defer backend.Close()
	p, err := StartFaultProxy(backend.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Inject(func(r Request) bool { return r.Action == "GetCallerIdentity" && r.Region == "eu-west-1" },
		Fault{Status: 400, Code: "Throttling", Message: "slow down", Times: 2})
	a := auth("AKIDBASE", "eu-west-1", "sts")
	for i := range 2 {
		if code, body := post(t, p.URL(), "GetCallerIdentity", a); code != 400 || !strings.Contains(body, "<Code>Throttling</Code>") {
			t.Fatalf("attempt %d: %d %s", i, code, body)
		}
	}
	if code, body := post(t, p.URL(), "GetCallerIdentity", a); code != 200 || !strings.Contains(body, "123456789012") {
		t.Fatalf("third attempt should pass through: %d %s", code, body)
	}
	if code, _ := post(t, p.URL(), "GetCallerIdentity", auth("AKIDBASE", "us-east-1", "sts")); code != 200 {
		t.Fatalf("another region is not matched: %d", code)
	}
	reqs := p.Requests()
	if len(reqs) != 4 || reqs[0].Service != "sts" || reqs[0].Region != "eu-west-1" || reqs[0].KeyID != "AKIDBASE" {
		t.Fatalf("recorded %+v", reqs)
	}
}

// The short-lived STS refuses expired credentials.
func TestShortLivedSTS(t *testing.T) {
	s := StartShortLivedSTS(100*time.Millisecond, "AKIDBASE")
	defer s.Close()
	code, body := post(t, s.URL(), "AssumeRole", auth("AKIDBASE", "us-east-1", "sts"))
	if code != 200 {
		t.Fatalf("AssumeRole: %d %s", code, body)
	}
	key := body[strings.Index(body, "<AccessKeyId>")+len("<AccessKeyId>") : strings.Index(body, "</AccessKeyId>")]
	if code, _ := post(t, s.URL(), "GetCallerIdentity", auth(key, "us-east-1", "sts")); code != 200 {
		t.Fatalf("fresh credentials refused: %d", code)
	}
	time.Sleep(150 * time.Millisecond)
	if code, body := post(t, s.URL(), "GetCallerIdentity", auth(key, "us-east-1", "sts")); code != 403 || !strings.Contains(body, "ExpiredToken") {
		t.Fatalf("expired credentials accepted: %d %s", code, body)
	}
	if s.AssumeRoleCalls() != 1 || s.Accepted() != 1 || s.Rejected() != 1 {
		t.Fatalf("counts %d %d %d", s.AssumeRoleCalls(), s.Accepted(), s.Rejected())
	}
}
