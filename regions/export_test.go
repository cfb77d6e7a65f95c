package regions

// ServiceNames returns every service name in the tables, sorted.
func ServiceNames() []string {
	out := make([]string, len(serviceNames))
	for i, s := range serviceNames {
		out[i] = s.name
	}
	return out
}
