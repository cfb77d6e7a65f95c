package configfile

import (
	"context"
	"fmt"
	"strings"
)

// scanYAML checks the rendered text against MaxDepth, MaxTokens and
// MaxKeyPairs, and refuses a second document, before goccy/go-yaml parses
// it. The parser cannot be interrupted, and it is slow on exactly these:
// its work grows with the number of tokens, with the depth of nesting, with
// the square of a block mapping's length and of the number of documents.
//
// The scan is a lexer of YAML's structure, not a parser: it follows flow
// brackets, block collections by their indentation, quoted and block
// scalars and comments, and counts tokens. Where it misjudges a text, the
// text is malformed, and goccy says so; it errs towards counting more.
//
// It also refuses a comment that starts inside the text of a substitution:
// YAML would silently drop the rest of the line (a value "p4ss #1" would
// read as "p4ss").
func scanYAML(ctx context.Context, name string, src []byte, subs []substitution) error {
	s := &yamlScanner{ctx: ctx, name: name, src: src, line: 1, subs: subs}
	return s.run()
}

type yamlScanner struct {
	ctx       context.Context
	name      string
	src       []byte
	i         int // offset of the next byte
	line      int // line of offset i, from 1
	lineStart int // offset of the first byte of that line
	checked   int // offset of the last cancellation check

	flow   []pos        // open [ and {
	block  []blockLevel // open block collections, innermost last
	tokens int
	pairs  int // pairs of keys sharing a block mapping, so far

	docs    int  // document start markers (---) seen
	content bool // the document has content
	ended   bool // a document end marker (...) was seen

	inScalar     bool // inside a block scalar (| or >)
	scalarIndent int  // its lines are those indented deeper than this

	subs []substitution // in the order of the text
	sub  int            // the first that does not end before offset i
}

// blockLevel is a block collection: a mapping or a sequence, and the
// column of its keys or "- " items.
type blockLevel struct {
	col  int
	seq  bool
	keys int // mappings: keys so far
	line int // where it began
}

func (s *yamlScanner) errAt(p pos, k error, format string, args ...any) error {
	return &Error{File: s.name, Line: p.line, Column: p.col, Problem: fmt.Sprintf(format, args...), Kind: k}
}

func (s *yamlScanner) here() pos { return pos{s.line, s.i - s.lineStart + 1} }

func (s *yamlScanner) run() error {
	for s.i < len(s.src) {
		if s.i-s.checked >= 64<<10 || s.i == 0 {
			s.checked = s.i
			if err := s.ctx.Err(); err != nil {
				return err
			}
		}
		if err := s.startLine(); err != nil {
			return err
		}
		if err := s.inline(); err != nil {
			return err
		}
	}
	return s.ctx.Err()
}

// startLine handles what the start of a line decides: document markers,
// the end of a block scalar, and in block context the indentation, "- "
// and "? " indicators and keys, which open and close block collections.
func (s *yamlScanner) startLine() error {
	if done, err := s.docMarker(); done || err != nil {
		return err
	}
	j := s.i
	for j < len(s.src) && s.src[j] == ' ' {
		j++
	}
	blank := j == len(s.src) || s.src[j] == '\n' || s.src[j] == '\r'
	if s.inScalar {
		if blank || j-s.lineStart > s.scalarIndent {
			s.skipLine()
			return nil
		}
		s.inScalar = false
	}
	if blank || s.src[j] == '#' || len(s.flow) > 0 {
		return nil // inline reads comments and flow content
	}
	if s.ended {
		return s.errAt(s.here(), ErrSyntax, "expected a single YAML document, found another after the end marker (...)")
	}
	s.content = true
	s.i = j
	s.popTo(j - s.lineStart)
	for s.i < len(s.src) {
		c := s.src[s.i]
		if (c != '-' && c != '?') || !s.blankAt(s.i+1) {
			break
		}
		col := s.i - s.lineStart
		if c == '-' {
			s.sequenceItem(col)
		} else if err := s.key(col); err != nil {
			return err
		}
		if err := s.checkDepth(); err != nil {
			return err
		}
		if err := s.countToken(); err != nil {
			return err
		}
		s.i++
		for s.i < len(s.src) && s.src[s.i] == ' ' {
			s.i++
		}
	}
	if s.isKey() {
		if err := s.key(s.i - s.lineStart); err != nil {
			return err
		}
	}
	return s.checkDepth()
}

// docMarker handles "---" and "..." at the start of a line, and directives.
func (s *yamlScanner) docMarker() (bool, error) {
	rest := s.src[s.i:]
	if len(rest) == 0 {
		return false, nil
	}
	if rest[0] == '%' && s.docs == 0 && !s.content {
		s.skipLine() // a directive (%YAML 1.1)
		return true, s.countToken()
	}
	if len(rest) < 3 || !s.blankAt(s.i+3) {
		return false, nil
	}
	switch string(rest[:3]) {
	case "---":
		if s.docs > 0 || s.content || s.ended {
			return true, s.errAt(s.here(), ErrSyntax, "expected a single YAML document, found another")
		}
		s.docs++
		s.block, s.flow, s.inScalar = nil, nil, false
		s.i += 3
		s.tokens++
		return true, nil // inline reads the rest of the line
	case "...":
		s.ended = true
		s.block, s.flow, s.inScalar = nil, nil, false
		s.skipLine()
		return true, s.countToken()
	}
	return false, nil
}

// popTo closes the block collections deeper than col.
func (s *yamlScanner) popTo(col int) {
	for len(s.block) > 0 && s.block[len(s.block)-1].col > col {
		s.block = s.block[:len(s.block)-1]
	}
}

func (s *yamlScanner) top() *blockLevel {
	if len(s.block) == 0 {
		return nil
	}
	return &s.block[len(s.block)-1]
}

// sequenceItem is a "- " at col: the next item of the sequence there, or
// the first of a new one (which may sit at the column of its mapping's
// keys).
func (s *yamlScanner) sequenceItem(col int) {
	if t := s.top(); t != nil && t.col == col && t.seq {
		return
	}
	s.block = append(s.block, blockLevel{col: col, seq: true, line: s.line})
}

// key is a mapping key at col: the next key of the mapping there, or the
// first of a new one. A key at the column of a sequence's "- " ends that
// sequence (the value of the previous key).
func (s *yamlScanner) key(col int) error {
	if t := s.top(); t != nil && t.col == col && t.seq {
		s.block = s.block[:len(s.block)-1]
	}
	t := s.top()
	if t == nil || t.col != col || t.seq {
		s.block = append(s.block, blockLevel{col: col, keys: 1, line: s.line})
		return nil
	}
	s.pairs += t.keys
	t.keys++
	if s.pairs > MaxKeyPairs {
		return s.errAt(s.here(), ErrLimit,
			"block mappings too long: this is key %d of the mapping at line %d, and the file's block mappings now hold more than MaxKeyPairs (%d) pairs of keys (a mapping of n keys holds n*(n-1)/2; the YAML parser's work grows with it): split long mappings, or write them as lists or flow mappings {...}",
			t.keys, t.line, MaxKeyPairs)
	}
	return nil
}

// isKey reports whether the text at s.i, on this line, is an implicit key:
// a scalar (after any anchor or tag) followed by ':' and a blank.
func (s *yamlScanner) isKey() bool {
	j := s.i
	for j < len(s.src) && (s.src[j] == '&' || s.src[j] == '!') {
		for j < len(s.src) && !isSpace(s.src[j]) && s.src[j] != '\n' {
			j++
		}
		for j < len(s.src) && s.src[j] == ' ' {
			j++
		}
	}
	if j < len(s.src) && (s.src[j] == '[' || s.src[j] == '{') {
		return false // a flow collection; as a key, too rare to count
	}
	if j < len(s.src) && (s.src[j] == '"' || s.src[j] == '\'') {
		q := s.src[j]
		for j++; j < len(s.src) && s.src[j] != '\n'; j++ {
			if s.src[j] == '\\' && q == '"' {
				j++
			} else if s.src[j] == q {
				break
			}
		}
		j++
	}
	for ; j < len(s.src) && s.src[j] != '\n'; j++ {
		switch {
		case s.src[j] == ':' && s.blankAt(j+1):
			return true
		case s.src[j] == '#' && j > 0 && isSpace(s.src[j-1]):
			return false
		}
	}
	return false
}

func (s *yamlScanner) checkDepth() error {
	if d := len(s.block) + len(s.flow); d > MaxDepth {
		return s.errAt(s.here(), ErrLimit, "nesting deeper than MaxDepth (%d) levels", MaxDepth)
	}
	return nil
}

// inline reads tokens to the end of the line (further, for a quoted scalar
// that spans lines), and the line break.
func (s *yamlScanner) inline() error {
	for s.i < len(s.src) {
		c := s.src[s.i]
		if c == '\n' {
			s.newline()
			return nil
		}
		if isSpace(c) || c == '\r' {
			s.i++
			continue
		}
		if err := s.countToken(); err != nil {
			return err
		}
		if err := s.token(c); err != nil {
			return err
		}
	}
	return nil
}

func (s *yamlScanner) countToken() error {
	if s.tokens++; s.tokens > MaxTokens {
		return s.errAt(s.here(), ErrLimit, "more than MaxTokens (%d) YAML tokens", MaxTokens)
	}
	return nil
}

// token reads one token, which starts with c.
func (s *yamlScanner) token(c byte) error {
	switch {
	case c == '#' && (s.i == s.lineStart || isSpace(s.src[s.i-1])):
		if sub, ok := s.substituted(); ok {
			fix := "end the expression with | tojson"
			if name := strings.TrimSuffix(strings.TrimPrefix(sub.ref, "{{ "), " }}"); !strings.ContainsAny(name, ", .") {
				fix = "write {{ " + name + " | tojson }}"
			}
			return s.errAt(s.here(), ErrSyntax,
				"the text substituted by %s holds a ' #', where YAML starts a comment and drops the rest of the line: %s to take the value as a string",
				sub.ref, fix)
		}
		s.skipLine()
	case c == '[' || c == '{':
		s.flow = append(s.flow, s.here())
		if err := s.checkDepth(); err != nil {
			return err
		}
		s.i++
	case c == ']' || c == '}':
		if len(s.flow) > 0 {
			s.flow = s.flow[:len(s.flow)-1]
		}
		s.i++
	case c == ',':
		s.i++
	case c == '"' || c == '\'':
		s.quoted(c)
	case (c == '|' || c == '>') && len(s.flow) == 0:
		s.inScalar, s.scalarIndent = true, -1
		if t := s.top(); t != nil {
			s.scalarIndent = t.col
		}
		s.skipLine()
	case c == '&' || c == '*' || c == '!':
		for s.i < len(s.src) && !isSpace(s.src[s.i]) && s.src[s.i] != '\n' && !(len(s.flow) > 0 && isFlowIndicator(s.src[s.i])) {
			s.i++
		}
	case (c == '-' || c == '?' || c == ':') && s.blankAt(s.i+1):
		s.i++
	default:
		s.plain()
	}
	return nil
}

// quoted reads a quoted scalar, which may span lines.
func (s *yamlScanner) quoted(q byte) {
	for s.i++; s.i < len(s.src); s.i++ {
		switch c := s.src[s.i]; {
		case c == '\n':
			s.line, s.lineStart = s.line+1, s.i+1
		case c == '\\' && q == '"' && s.i+1 < len(s.src) && s.src[s.i+1] != '\n':
			s.i++
		case c == q && q == '\'' && s.i+1 < len(s.src) && s.src[s.i+1] == '\'':
			s.i++
		case c == q:
			s.i++
			return
		}
	}
}

// plain reads a plain scalar: to a ": ", a " #", the end of the line, or in
// flow context a flow indicator.
func (s *yamlScanner) plain() {
	inFlow := len(s.flow) > 0
	for s.i++; s.i < len(s.src); s.i++ {
		c := s.src[s.i]
		switch {
		case c == '\n':
			return
		case c == ':' && (s.blankAt(s.i+1) || inFlow && s.i+1 < len(s.src) && isFlowIndicator(s.src[s.i+1])):
			return
		case c == '#' && isSpace(s.src[s.i-1]):
			return
		case inFlow && isFlowIndicator(c):
			return
		}
	}
}

// substituted returns the substitution whose text holds offset s.i.
func (s *yamlScanner) substituted() (substitution, bool) {
	for s.sub < len(s.subs) && s.subs[s.sub].end <= s.i {
		s.sub++
	}
	if s.sub < len(s.subs) && s.subs[s.sub].start <= s.i {
		return s.subs[s.sub], true
	}
	return substitution{}, false
}

func (s *yamlScanner) newline() {
	s.i++
	s.line, s.lineStart = s.line+1, s.i
}

// skipLine moves to the line break ending this line.
func (s *yamlScanner) skipLine() {
	for s.i < len(s.src) && s.src[s.i] != '\n' {
		s.i++
	}
}

// blankAt reports whether offset j is a space, a line break or the end.
func (s *yamlScanner) blankAt(j int) bool {
	return j >= len(s.src) || isSpace(s.src[j]) || s.src[j] == '\n' || s.src[j] == '\r'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}
