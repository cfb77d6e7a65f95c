package regions

import "github.com/awsaccount/awsaccount/internal/textdist"

// suggest returns the candidate closest to name by edit distance, as a
// "did you mean X?" hint, or "" when none is close enough to be a typo. On a
// tie, a candidate that only adds characters ("aws-gov" → "aws-us-gov") wins.
func suggest(name string, candidates []string) string {
	limit := min(len(name)/2+1, 4)
	best, bestScore := "", 2*limit
	for _, c := range candidates {
		score := 2 * textdist.Distance(name, c)
		if subsequence(name, c) {
			score--
		}
		if score < bestScore {
			best, bestScore = c, score
		}
	}
	if best == "" {
		return ""
	}
	return "did you mean " + best + "?"
}

// suggestService also maps an endpoint prefix to the service name boto3
// wants for it ("monitoring" → "cloudwatch").
func suggestService(name string) string {
	for _, s := range serviceNames {
		if s.prefix == name {
			return "did you mean " + s.name + "? " + name + " is its endpoint prefix"
		}
	}
	cands := make([]string, len(serviceNames))
	for i, s := range serviceNames {
		cands[i] = s.name
	}
	return suggest(name, cands)
}

// subsequence reports whether a's bytes appear in b in order.
func subsequence(a, b string) bool {
	for i := 0; i < len(b) && len(a) > 0; i++ {
		if a[0] == b[i] {
			a = a[1:]
		}
	}
	return a == ""
}
