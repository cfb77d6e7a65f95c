package awsapi

import (
	"sort"
	"strings"

	"github.com/awsaccount/awsaccount/internal/names"
	"github.com/awsaccount/awsaccount/internal/textdist"
)

// suggest returns up to n of candidates that look like name: those
// containing it (or contained in it) first, then those within a small edit
// distance, both compared by names.Fold.
func suggest(name string, candidates []string, n int) []string {
	key := names.Fold(name)
	if key == "" {
		return nil
	}
	type scored struct {
		name  string
		score int
	}
	var hits []scored
	limit := max(2, len(key)/3)
	for _, cand := range candidates {
		ck := names.Fold(cand)
		switch {
		case strings.Contains(ck, key) || strings.Contains(key, ck):
			hits = append(hits, scored{cand, abs(len(ck) - len(key))})
		default:
			if d := textdist.Distance(key, ck); d <= limit {
				hits = append(hits, scored{cand, 100 + d})
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score < hits[j].score
		}
		return hits[i].name < hits[j].name
	})
	var out []string
	for i := 0; i < len(hits) && i < n; i++ {
		out = append(out, hits[i].name)
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
