// Package redact hides the secrets a URL may carry before it is printed, in
// an error, a log record or a String:
//
//	redact.URL("rediss://app:s3cret@cache:6380/0?password=x") // "rediss://app:xxxxx@cache:6380/0"
//
// It is shared by the root package (endpoint URLs) and ratelimit/redislimit
// (Redis URLs), which must not depend on each other.
package redact

import "net/url"

// URL is raw with its password replaced by "xxxxx" and its query and
// fragment dropped (either may hold a token). A URL that does not parse is
// "(unparsable URL)": a password holding a '/' or '#' breaks the URL
// anywhere, so no piece of it is safe to show.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	return u.String()
}
