package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"golang.org/x/term"
)

// mfaCodes hands out MFA codes for the roles a run assumes: one per MFA
// device (serial) for the whole run, asked once on the terminal (or given
// by --mfa-code), however many accounts and profiles name that device.
//
// An mfaCodes is safe for concurrent use by multiple goroutines.
type mfaCodes struct {
	fixed string // --mfa-code: the code for every device, never asked
	ask   func(ctx context.Context, serial string) (string, error)
	// ctx bounds a question asked from stscreds' TokenProvider, which
	// takes no context: the run's.
	ctx context.Context

	// mu is held while a question is on the terminal: one question at a
	// time, and whoever wants the same device's code meanwhile waits for
	// that answer instead of asking again. A person, not a network call,
	// is on the other side.
	mu    sync.Mutex
	codes map[string]string // serial → code; guarded by mu
}

func newMFACodes(ctx context.Context, fixed string, ask func(context.Context, string) (string, error)) *mfaCodes {
	return &mfaCodes{fixed: fixed, ask: ask, ctx: ctx, codes: map[string]string{}}
}

// code returns the code for serial, asking for it the first time.
func (m *mfaCodes) code(ctx context.Context, serial string) (string, error) {
	if m.fixed != "" {
		return m.fixed, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.codes[serial]; ok {
		return c, nil
	}
	c, err := m.ask(ctx, serial)
	if err != nil {
		return "", err
	}
	if !validMFACode(c) {
		return "", fmt.Errorf("MFA code for %s: want 6 digits", serial)
	}
	m.codes[serial] = c
	return c, nil
}

// tokenProvider is stscreds' TokenProvider for serial.
func (m *mfaCodes) tokenProvider(serial string) func() (string, error) {
	return func() (string, error) { return m.code(m.ctx, serial) }
}

// loadOption gives the roles of shared-config profiles with mfa_serial
// their codes (the SDK refuses such a profile without a TokenProvider).
func (m *mfaCodes) loadOption() func(*config.LoadOptions) error {
	return config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
		if o.SerialNumber != nil && o.TokenProvider == nil {
			o.TokenProvider = m.tokenProvider(*o.SerialNumber)
		}
	})
}

var mfaCodePattern = regexp.MustCompile(`^[0-9]{6}$`)

func validMFACode(c string) bool { return mfaCodePattern.MatchString(c) }

// askProfiles asks, before any request, for the codes the roles of these
// shared-config profiles need (mfa_serial, along their source_profile
// chains), so that no question comes up in the middle of a run. A profile
// the SDK cannot read is left to the SDK to report.
func (m *mfaCodes) askProfiles(ctx context.Context, profiles []string) error {
	for _, p := range profiles {
		sc, err := config.LoadSharedConfigProfile(ctx, p)
		if err != nil {
			continue
		}
		for c := &sc; c != nil; c = c.Source {
			if c.MFASerial != "" && c.RoleARN != "" {
				if _, err := m.code(ctx, c.MFASerial); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// fillCodes gives every role in a RegionalAccountSet list, decoded as
// plain data, that names an MFA device (SerialNumber) without a code
// (TokenCode) the device's code, asked once per device. It reports
// whether it filled any.
func (m *mfaCodes) fillCodes(ctx context.Context, list []any) (bool, error) {
	filled := false
	for _, item := range list {
		acct, _ := dig(item, "RegionalAccounts", "Account").(map[string]any)
		if acct == nil {
			continue
		}
		roles := []any{acct["AssumeRole"]}
		if chain, ok := acct["AssumeRoles"].([]any); ok {
			roles = append(roles, chain...)
		}
		for _, r := range roles {
			role, _ := r.(map[string]any)
			serial, _ := role["SerialNumber"].(string)
			if serial == "" || role["TokenCode"] != nil {
				continue
			}
			code, err := m.code(ctx, serial)
			if err != nil {
				return false, err
			}
			role["TokenCode"] = code
			filled = true
		}
	}
	return filled, nil
}

// dig follows keys through nested maps.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// profilesIn lists the shared-config profiles the accounts of a
// RegionalAccountSet list (decoded as plain data) use: profile_name, else
// AWS_PROFILE for an account on the default chain.
func profilesIn(list []any, envProfile string) []string {
	var out []string
	seen := map[string]bool{}
	for _, item := range list {
		params, _ := dig(item, "RegionalAccounts", "Account", "SessionParameters").(map[string]any)
		name, _ := params["profile_name"].(string)
		if name == "" && params["aws_access_key_id"] == nil {
			name = envProfile
		}
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// askOnTerminal asks for serial's code on the terminal (/dev/tty, so that
// it works with stdout and stderr redirected), without echoing what is
// typed.
func askOnTerminal(ctx context.Context, serial string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("an MFA code is needed for %s and there is no terminal to ask on: give --mfa-code", serial)
	}
	fd := int(tty.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		tty.Close()
		return "", fmt.Errorf("an MFA code is needed for %s and %s is not a terminal: give --mfa-code", serial, tty.Name())
	}
	fmt.Fprintf(tty, "MFA code for %s: ", serial)
	type answer struct {
		code []byte
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		ch <- answer{b, err}
	}()
	select {
	case a := <-ch:
		fmt.Fprintln(tty)
		tty.Close()
		if a.err != nil {
			return "", fmt.Errorf("read the MFA code for %s: %w", serial, a.err)
		}
		return strings.TrimSpace(string(a.code)), nil
	case <-ctx.Done():
		// Echo back on. The reader stays blocked on the terminal until
		// the process, which is ending, exits; closing the descriptor
		// under it could hand its number to another file.
		_ = term.Restore(fd, state)
		fmt.Fprintln(tty)
		return "", ctx.Err()
	}
}
