package regions

// suggest returns the candidate closest to name by edit distance, as a
// "did you mean X?" hint, or "" when none is close enough to be a typo. On a
// tie, a candidate that only adds characters ("aws-gov" → "aws-us-gov") wins.
func suggest(name string, candidates []string) string {
	limit := min(len(name)/2+1, 4)
	best, bestScore := "", 2*limit
	for _, c := range candidates {
		score := 2 * distance(name, c)
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

// distance is the Levenshtein distance of a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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
