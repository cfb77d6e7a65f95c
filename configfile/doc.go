// Package configfile reads the seed's config files: YAML with anchors,
// aliases, merge keys and repeated keys, rendered first as a Jinja template
// whose variables are, by default, the environment. It decodes any part of
// such a file into Go values, strictly, and builds the RegionalAccountSets
// it describes.
//
// The package is named configfile, not config, so that it can be imported
// beside the AWS SDK's config package.
//
// # Loading
//
// Load reads a file and Read an io.Reader; LoadContext and ReadContext do
// the same, and give up when their context is done:
//
//	f, err := configfile.LoadContext(ctx, "configure.yaml")
//
// The text is rendered with Jinja (github.com/nikolalohinski/gonja/v2):
// {{ NAME }} is the variable NAME. The variables are the process
// environment unless Options.Data says otherwise:
//
//	f, err := configfile.Load("configure.yaml", func(o *configfile.Options) {
//		o.Data = map[string]any{"AWS_ASSUME_ROLE": "arn:aws:iam::111122223333:role/ops"}
//	})
//
// A variable that is not set and has no default is an error (ErrUndefined)
// that names every such variable and its line, so that one run tells all
// that is missing.
//
// A config template is Jinja cut to what a config needs, so that no file
// can make the engine run for ever or build text without end (the engine
// cannot be interrupted):
//
//   - the filters default (d), lower, upper, capitalize, title, trim,
//     replace, string, int, float, length (count), first, last and tojson:
//     {{ NAME | default('x') }}, {{ NAME | lower }};
//   - tests ({% if NAME is defined %}), comparisons, and, or, not, in, ~
//     and arithmetic other than *;
//   - {% if %} (elif, else) and {% raw %}.
//
// A substitution is YAML text: key: {{ NAME }} reads what NAME holds as
// YAML reads it (a number, an *alias, a [list]). A value holding " #"
// would lose its end to YAML's comment rule; that is an error (ErrSyntax)
// naming the variable, not a silent cut. {{ NAME | tojson }} takes any
// value as one string: JSON's quoting is YAML's double-quoted style.
//
// Loops ({% for %}), assignments ({% set %}, {% with %}), macros, calls
// (NAME(...), NAME.method()), the * operator (which repeats text) and the
// other filters (center, indent, format, ...) are refused with ErrTemplate,
// an unknown filter by its name and line. Include, import and extends are
// refused too: a config reads no other file. Jinja's global functions
// (range, lipsum, ...) are left out.
//
// The rendered text must be one YAML document. It is read as PyYAML's
// safe_load reads it, since the seed's files were written for PyYAML:
//
//   - anchors (&name), aliases (*name) and merge keys (<<: *name, or
//     <<: [*a, *b], where the mapping's own keys win, then the first merged
//     mapping that has the key);
//   - a key repeated in one mapping keeps its last value, and an anchor on
//     any of the repeats stays usable (the seed's example repeats
//     RegionalAccounts: at the top level to define two anchors);
//   - an alias must follow its anchor, and an anchor name is defined once;
//   - True, yes, on are true where a bool is wanted (YAML 1.1); tags other
//     than the standard ones (!!str, !!int, ...) are refused.
//
// # Limits
//
// A config is small; the package refuses one that is not, before the
// engine that would pay for it runs, with an ErrLimit that names the bound
// and the line (and column):
//
//   - MaxSize: 1 MiB of source, and of rendered text;
//   - MaxTemplateCode: 64 KiB inside template tags; MaxTemplateWork: 16 MiB
//     of text the expressions may build, reckoned from the sizes of the
//     variables they use;
//   - MaxDepth: 100 levels of nesting (YAML collections, block and flow;
//     brackets in a tag, and the operators and attributes of a template
//     expression; {% if %} blocks);
//   - MaxTokens: 50,000 YAML tokens;
//   - MaxKeyPairs: the YAML parser's work on a block mapping of n keys
//     grows with its n*(n-1)/2 pairs of keys, and the file's block
//     mappings may hold 2,000,000 pairs (one mapping of 2,000 keys); lists
//     and flow mappings do not count;
//   - MaxValues: 100,000 values, each alias counting its anchor's again (a
//     "billion laughs" stops here), and each merge key its entries.
//
// Within them, a load takes well under a second and a hundred MiB (the
// fuzz test checks this of every input it tries). A second YAML document
// is refused (ErrSyntax) before the parser reads it.
//
// # Decoding
//
// A path names a value in the file: keys joined by dots, list items by
// [index], "" for the whole document.
//
//	var specs []struct {
//		RegionalAccounts awsaccount.RegionalAccountsSpec `yaml:"RegionalAccounts"`
//	}
//	err := f.Decode("YourApp.RegionalAccountSet", &specs)
//
// Decode fills the spec types of package awsaccount, or an application's
// own section, as the seed's YourApp is, made of what configs hold:
// strings, bools, ints, floats, durations, structs, maps with string keys,
// slices, pointers and any (map[string]any, []any, string, int, float64,
// bool). Other Go types (unsigned integers, arrays, non-empty interfaces)
// are ErrType. Struct fields are named by their yaml tags. Decoding is
// strict: a key the type does not have is ErrUnknownKey (unless
// Options.AllowUnknownKeys), a value of the wrong shape is ErrType. A time.Duration, such as a RateLimit's interval,
// takes seconds (1, 1.0, 0.5) or a Go duration string ("500ms", "2m"). A
// string takes any scalar as written, so that an all-digit value keeps its
// leading zeros. A key with no value leaves its field unchanged.
//
// Each value that has a Validate method (SessionParameters,
// AssumeRoleParameters, AccountSpec, the rate limit, the region filter) is
// validated as soon as it is decoded; a refusal is ErrInvalid, and
// errors.As reaches the field error beneath: the *awsaccount.ParameterError
// of the root package's types, the *ratelimit.LimitError of a RateLimit,
// the *regions.FilterError of a Filter. Their paths, relative to the value
// checked, are joined under the value's path and located in the file.
//
// # Errors
//
// Every error about the file's content is an *Error that matches one of
// the package's sentinels with errors.Is. It is an awsaccount.FieldError,
// as the root package's errors are, so that one errors.As finds the key
// path and the problem whichever layer refused the input. It reads
//
//	configure.yaml:13:2: YourApp.RegionalAccountSet[1].RegionalAccounts.RateLimit.max_count: must be an integer, not "ten"
//
// that is: file, line and column of the key (or value), the key path
// through which the value was reached (aliases included), and the problem.
// Through an alias, the line is that of the anchor's text, where the fix
// belongs.
//
// Lines are those of the source as long as template substitutions do not
// add or remove line breaks (the seed's files are such). When they do,
// positions are those of the rendered text, and the message says so.
//
// An error never shows the value of a secret (aws_secret_access_key,
// aws_session_token, ExternalId, TokenCode, WebIdentityToken or any key
// naming a secret, token or password), nor a line of the source. Nor does
// it show text that a {{ ... }} substituted, which may be a secret of the
// environment whatever the key: {{ NAME }} stands in its place, and the
// message names the line of the substitution:
//
//	s.yaml:2:8: alias {{ SECRET }} refers to no anchor defined before it (not showing the text substituted by {{ SECRET }} at line 2)
//
// A substituted text of eight bytes or more is hidden wherever a message
// would quote it; a shorter one (a 1, a true) in a message about its own
// line. The cause that errors.As reaches (an *awsaccount.ParameterError)
// is the lower layer's error, unchanged.
//
// # RegionalAccountSets
//
// The seed's applications hold a list of {RegionalAccounts: spec} items;
// an item may also be {Organization: spec} (package organization), whose
// selected member accounts become containers. SetPaths lists every such
// list in a file, RegionalAccountSpecs decodes one (of RegionalAccounts
// items only), RegionalAccountSet builds it through an awsaccount.Registry,
// and Organizations lists its organizations:
//
//	set, err := f.RegionalAccountSet(ctx, "YourApp.RegionalAccountSet", nil) // nil: awsaccount.DefaultRegistry
//	for _, ra := range set.Targets() {
//		// one *awsaccount.RegionalAccount per account and region
//	}
//
// An empty path means the only such list in the file; none, or several, is
// an error (ErrNoSet, ErrAmbiguousSet) that lists the candidates.
package configfile
