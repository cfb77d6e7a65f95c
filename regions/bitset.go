package regions

import (
	"math/bits"
	"path"
)

// bitset is a set of indices into names. It fits on the stack, so filter
// evaluation allocates only its result; iterating it yields sorted names.
type bitset [(len(names) + 63) / 64]uint64

func (s *bitset) add(i uint16)      { s[i/64] |= 1 << (i % 64) }
func (s *bitset) has(i uint16) bool { return s[i/64]&(1<<(i%64)) != 0 }

func (s *bitset) addList(l []uint16) {
	for _, i := range l {
		s.add(i)
	}
}

func (s *bitset) or(t *bitset) {
	for w := range s {
		s[w] |= t[w]
	}
}

func (s *bitset) and(t *bitset) {
	for w := range s {
		s[w] &= t[w]
	}
}

func (s *bitset) andNot(t *bitset) {
	for w := range s {
		s[w] &^= t[w]
	}
}

// each calls fn for each index in s, in ascending order, until fn returns false.
func (s *bitset) each(fn func(uint16) bool) {
	for w, word := range s {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << b
			if !fn(uint16(w*64 + b)) {
				return
			}
		}
	}
}

// any reports whether fn holds for the name of some index in s.
func (s *bitset) any(fn func(string) bool) bool {
	found := false
	s.each(func(i uint16) bool {
		found = fn(names[i])
		return !found
	})
	return found
}

// match adds to out the indices of s whose names entry (a name or a valid
// glob) matches.
func (s *bitset) match(entry string, out *bitset) {
	if !isGlob(entry) {
		if i, ok := nameIndex(entry); ok && s.has(i) {
			out.add(i)
		}
		return
	}
	s.each(func(i uint16) bool {
		if ok, _ := path.Match(entry, names[i]); ok {
			out.add(i)
		}
		return true
	})
}

// names returns the names in s, sorted.
func (s *bitset) names() []string {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	out := make([]string, 0, n)
	s.each(func(i uint16) bool {
		out = append(out, names[i])
		return true
	})
	return out
}
