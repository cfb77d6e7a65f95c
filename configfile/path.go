package configfile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/awsaccount/awsaccount/internal/keypath"
)

// A path names a value in a file: keys joined by dots, list items by
// [index]: YourApp.RegionalAccountSet[1].RegionalAccounts. The empty path
// is the whole document. Keys holding '.' or '[' cannot be named.

func joinPath(parent, child string) string { return keypath.Join(parent, child) }

func indexPath(parent string, i int) string { return parent + "[" + strconv.Itoa(i) + "]" }

// lastKey is the last key of a path, without indexes.
func lastKey(path string) string {
	path = strings.TrimRight(path, "]0123456789[")
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[i+1:]
	}
	return path
}

// step is one element of a parsed path: a key, or an index when key is "".
type step struct {
	key   string
	index int
}

func parsePath(path string) ([]step, error) {
	var steps []step
	rest := path
	for rest != "" {
		if strings.HasPrefix(rest, "[") {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed [ in path %q", path)
			}
			i, err := strconv.Atoi(rest[1:end])
			if err != nil || i < 0 {
				return nil, fmt.Errorf("bad index %q in path %q", rest[1:end], path)
			}
			steps = append(steps, step{index: i})
			rest = strings.TrimPrefix(rest[end+1:], ".")
			continue
		}
		i := strings.IndexAny(rest, ".[")
		key := rest
		if i >= 0 {
			key, rest = rest[:i], rest[i:]
			rest = strings.TrimPrefix(rest, ".")
		} else {
			rest = ""
		}
		if key == "" {
			return nil, fmt.Errorf("empty key in path %q", path)
		}
		steps = append(steps, step{key: key})
	}
	return steps, nil
}

// lookupRel returns the position of the value at rel under n: of its key
// when it is a mapping's value. When the path goes further than the file
// does, it returns the position of the deepest part found.
func lookupRel(n *node, rel string) (pos, bool) {
	steps, err := parsePath(rel)
	if err != nil {
		return pos{}, false
	}
	p, found := n.pos, false
	for _, s := range steps {
		switch {
		case s.key != "" && n.kind == mapNode:
			e, ok := n.get(s.key)
			if !ok {
				return p, found
			}
			n, p, found = e.value, e.pos, true
		case s.key == "" && n.kind == seqNode && s.index < len(n.items):
			n = n.items[s.index]
			p, found = n.pos, true
		default:
			return p, found
		}
	}
	return p, found
}
