package configfile

// The bounds a config must keep within. Configs are small (the seed's are
// a kilobyte; one with hundreds of accounts is a few hundred): the bounds
// are far above that, and low enough that a hostile or broken file (deep
// nesting, a "billion laughs" of aliases, a template that loops) fails in
// well under a second and a hundred MiB, with an ErrLimit naming the bound
// and the position. They are checked before the engine that would pay for
// the excess runs: the template's text before gonja parses it, the
// rendered text before goccy/go-yaml parses it (neither can be
// interrupted), the expansion of aliases while the document is resolved.
const (
	// MaxSize bounds the source, in bytes, and the text it renders to.
	MaxSize = 1 << 20

	// MaxDepth bounds nesting: of YAML collections, block (by indentation,
	// and "- " items on one line) and flow ([ and {) together; of brackets
	// inside a template tag, and of a template expression's operators,
	// attributes and filters' arguments; of {% if %} blocks.
	MaxDepth = 100

	// MaxTokens bounds the YAML tokens of the rendered text: scalars,
	// keys, indicators (- : , [ ] { }), anchors, aliases, tags and
	// comments. The parser takes about half a kilobyte for each.
	MaxTokens = 50_000

	// MaxKeyPairs bounds the pairs of keys that share a block mapping,
	// summed over the file: a mapping of n keys holds n*(n-1)/2 of them.
	// goccy/go-yaml's work on a block mapping grows with the square of its
	// length; this allows one mapping of 2,000 keys, or a hundred of 200.
	// Flow mappings ({a: 1, b: 2}) and lists do not count.
	MaxKeyPairs = 2_000_000

	// MaxValues bounds the values of the document counted as a reader of
	// the data sees them: each alias counts the values of its anchor
	// again, and each merge key (<<) the entries it brings.
	MaxValues = 100_000

	// MaxTemplateCode bounds the bytes inside the template's tags ({{ }},
	// {% %} and {# #}): the engine takes over a hundred bytes for each.
	MaxTemplateCode = 64 << 10

	// MaxTemplateWork bounds, in bytes, the text the template's
	// expressions may build, as reckoned before rendering from the sizes of
	// the variables they use: every expression counted once, both branches
	// of an if included.
	MaxTemplateWork = 16 << 20
)
