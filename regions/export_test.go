package regions

import "regexp"

// ServiceNames returns every service name in the tables, sorted.
func ServiceNames() []string {
	out := make([]string, len(serviceNames))
	for i, s := range serviceNames {
		out[i] = s.name
	}
	return out
}

// CheckRegexes compiles every partition's regionRegex with Go's regexp.
func CheckRegexes() error {
	for _, p := range partitions {
		if _, err := regexp.Compile(p.regionRegex); err != nil {
			return err
		}
	}
	return nil
}
