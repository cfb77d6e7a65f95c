package organization

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// reason says why s does not select m, or "" when it does. known maps the
// root and OU ids to their paths, for the message.
//
// The checks, in order: the status; ManagementAccount skip, for the
// management account; Exclude, which wins over Include (any value of any
// kind excludes); Include (every kind given must match, any value within
// it).
func (s Spec) reason(m member, known map[string]string) string {
	if !slices.Contains(s.Statuses, m.Status) {
		return fmt.Sprintf("status %s is not in Statuses [%s]", m.Status, strings.Join(s.Statuses, " "))
	}
	if m.Management && s.ManagementAccount == managementSkip {
		return "the management account (ManagementAccount: skip)"
	}
	for _, k := range kinds {
		if hit, ok := k.match(s.Exclude, m, known); ok {
			return "excluded by Exclude." + k.name + " " + hit
		}
	}
	for _, k := range kinds {
		if !k.given(s.Include) {
			continue
		}
		if _, ok := k.match(s.Include, m, known); !ok {
			return "not matched by Include." + k.name
		}
	}
	return ""
}

// kind is one kind of Selector value: how to tell whether it is given and
// which value of it matches an account (described for a Reason).
type kind struct {
	name  string
	given func(Selector) bool
	match func(Selector, member, map[string]string) (string, bool)
}

var kinds = [...]kind{
	{"OrganizationalUnits", func(s Selector) bool { return len(s.OrganizationalUnits) > 0 }, matchOU},
	{"Accounts", func(s Selector) bool { return len(s.Accounts) > 0 }, matchAccount},
	{"Names", func(s Selector) bool { return len(s.Names) > 0 }, matchName},
	{"Tags", func(s Selector) bool { return len(s.Tags) > 0 }, matchTags},
}

// matchOU finds an OU (or root) of s that m is beneath.
func matchOU(s Selector, m member, known map[string]string) (string, bool) {
	for _, id := range s.OrganizationalUnits {
		if slices.Contains(m.ancestors, id) {
			return id + " (" + known[id] + ")", true
		}
	}
	return "", false
}

func matchAccount(s Selector, m member, _ map[string]string) (string, bool) {
	if slices.Contains(s.Accounts, m.ID) {
		return m.ID, true
	}
	return "", false
}

func matchName(s Selector, m member, _ map[string]string) (string, bool) {
	for _, p := range s.Names {
		if ok, _ := path.Match(p, m.Name); ok {
			return p, true
		}
	}
	return "", false
}

// matchTags finds a tag of s (key and value glob) that m has, trying keys
// in order so that the Reason does not change from one listing to the
// next.
func matchTags(s Selector, m member, _ map[string]string) (string, bool) {
	for _, k := range sortedKeys(s.Tags) {
		v, ok := m.Tags[k]
		if !ok {
			continue
		}
		if hit, _ := path.Match(s.Tags[k], v); hit {
			return k + "=" + s.Tags[k], true
		}
	}
	return "", false
}
