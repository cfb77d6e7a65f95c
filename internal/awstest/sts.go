package awstest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ShortLivedSTS is an in-process STS that issues credentials with a short
// lifetime and refuses calls signed with expired ones. moto cannot show
// refresh: its credentials last an hour and it checks no signature.
//
// It serves AssumeRole and GetCallerIdentity (the Query protocol the SDK
// speaks). Calls signed with BaseKeyID are always accepted.
type ShortLivedSTS struct {
	// Lifetime of the credentials AssumeRole returns.
	Lifetime time.Duration
	// BaseKeyID is the static key the base layer signs with.
	BaseKeyID string

	srv *httptest.Server

	assumeRoles atomic.Int64
	accepted    atomic.Int64
	rejected    atomic.Int64

	mu      sync.Mutex
	expires map[string]time.Time // issued key id → expiry
	seq     int
}

// StartShortLivedSTS starts a ShortLivedSTS on loopback; Close stops it.
func StartShortLivedSTS(lifetime time.Duration, baseKeyID string) *ShortLivedSTS {
	s := &ShortLivedSTS{Lifetime: lifetime, BaseKeyID: baseKeyID, expires: map[string]time.Time{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the endpoint to give the SDK.
func (s *ShortLivedSTS) URL() string { return s.srv.URL }

// Close stops the server.
func (s *ShortLivedSTS) Close() { s.srv.Close() }

// AssumeRoleCalls is how many AssumeRole requests were served.
func (s *ShortLivedSTS) AssumeRoleCalls() int64 { return s.assumeRoles.Load() }

// Accepted is how many other calls were signed with valid credentials.
func (s *ShortLivedSTS) Accepted() int64 { return s.accepted.Load() }

// Rejected is how many calls were signed with expired or unknown credentials.
func (s *ShortLivedSTS) Rejected() int64 { return s.rejected.Load() }

func (s *ShortLivedSTS) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	key := signingKeyID(r.Header.Get("Authorization"))
	now := time.Now()
	valid := key == s.BaseKeyID
	if !valid {
		s.mu.Lock()
		exp, ok := s.expires[key]
		s.mu.Unlock()
		valid = ok && now.Before(exp)
	}
	if !valid {
		s.rejected.Add(1)
		writeSTSError(w, "ExpiredToken", "The security token included in the request is expired")
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	switch r.Form.Get("Action") {
	case "AssumeRole":
		s.assumeRoles.Add(1)
		s.mu.Lock()
		s.seq++
		id := fmt.Sprintf("ASIASHORTLIVED%06d", s.seq)
		exp := now.Add(s.Lifetime)
		s.expires[id] = exp
		s.mu.Unlock()
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>secret-%s</SecretAccessKey><SessionToken>token-%s</SessionToken><Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/test/%s</Arn><AssumedRoleId>AROATEST:%s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			id, id, id, exp.UTC().Format("2006-01-02T15:04:05.000Z"), r.Form.Get("RoleSessionName"), r.Form.Get("RoleSessionName"))
	case "GetCallerIdentity":
		s.accepted.Add(1)
		account := "123456789012"
		if key != s.BaseKeyID {
			account = "111122223333"
		}
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
<Arn>arn:aws:sts::%s:assumed-role/test/s</Arn><UserId>%s</UserId><Account>%s</Account>
</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, account, key, account)
	default:
		writeSTSError(w, "InvalidAction", "unsupported action")
	}
}

func writeSTSError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>r</RequestId></ErrorResponse>`, code, msg)
}

// signingKeyID extracts the access key id from a SigV4 Authorization header.
func signingKeyID(auth string) string {
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}
