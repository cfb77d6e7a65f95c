// Command gen writes the service table of package awsapi: for each supported
// service, its names, its client constructor, and one entry per SDK
// paginator (operation name → a function that builds the paginator, and the
// output fields that carry the next-page token).
//
// Paginators are package functions (ec2.NewDescribeInstancesPaginator), which
// reflection cannot reach, so gen finds them in the source of the SDK module
// versions this module requires (located with `go list -m`) and emits a
// table of data: one row per service, clientOf(<pkg>.NewFromConfig), and one
// line per paginator, pagerOf(<pkg>.New<Op>Paginator, <token fields>...).
// The generic clientOf and pagerOf (table.go) do the type erasure once; Go
// infers their type arguments. Run gen through go generate in internal/awsapi:
//
//	go generate ./internal/awsapi
//
// or directly: go run ./internal/gen -o services_gen.go (from internal/awsapi).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// services are the supported services: boto3 name and Go package (under
// github.com/aws/aws-sdk-go-v2/service/). Keep sorted by boto3 name.
var services = []struct{ name, pkg string }{
	{"cloudwatch", "cloudwatch"},
	{"dynamodb", "dynamodb"},
	{"ec2", "ec2"},
	{"ecs", "ecs"},
	{"eks", "eks"},
	{"iam", "iam"},
	{"kms", "kms"},
	{"lambda", "lambda"},
	{"logs", "cloudwatchlogs"},
	{"organizations", "organizations"},
	{"rds", "rds"},
	{"s3", "s3"},
	{"secretsmanager", "secretsmanager"},
	{"sns", "sns"},
	{"sqs", "sqs"},
	{"ssm", "ssm"},
	{"sts", "sts"},
}

const sdkPrefix = "github.com/aws/aws-sdk-go-v2/service/"

type paginator struct {
	op     string
	tokens []string // output field paths the paginator reads the next token from
}

type service struct {
	name, pkg, dir, version, sdkID string
	paginators                     []paginator
}

func main() {
	out := flag.String("o", "services_gen.go", "output file")
	flag.Parse()
	var svcs []service
	for _, s := range services {
		svc, err := scan(s.name, s.pkg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		svcs = append(svcs, svc)
	}
	src, err := render(svcs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func scan(name, pkg string) (service, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", sdkPrefix+pkg)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return service{}, fmt.Errorf("locate %s: %w", pkg, err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	if dir == "" {
		return service{}, fmt.Errorf("locate %s: module not downloaded (run go mod download)", pkg)
	}
	svc := service{name: name, pkg: pkg, dir: dir, version: version}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return svc, err
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return svc, err
		}
		isClient := filepath.Base(f) == "api_client.go"
		if !isClient && !bytes.Contains(src, []byte("Paginator(client ")) {
			continue // most files declare no paginator; parsing ec2's serializers is slow
		}
		file, err := parser.ParseFile(fset, f, src, parser.SkipObjectResolution)
		if err != nil {
			return svc, err
		}
		if isClient {
			svc.sdkID = serviceID(file)
		}
		svc.paginators = append(svc.paginators, paginators(file)...)
	}
	if svc.sdkID == "" {
		return svc, fmt.Errorf("%s: no ServiceID constant in api_client.go", pkg)
	}
	sort.Slice(svc.paginators, func(i, j int) bool { return svc.paginators[i].op < svc.paginators[j].op })
	return svc, nil
}

func serviceID(file *ast.File) string {
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if n.Name == "ServiceID" && i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
						s, _ := strconv.Unquote(lit.Value)
						return s
					}
				}
			}
		}
	}
	return ""
}

// paginators finds func New<Op>Paginator(client <Op>APIClient, params
// *<Op>Input, ...) and, in (*<Op>Paginator).NextPage, the assignments
// p.x = result.Path that carry the next token.
func paginators(file *ast.File) []paginator {
	ops := map[string]bool{}
	tokens := map[string][]string{}
	for _, d := range file.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if op, ok := constructorOp(fn); ok {
			ops[op] = true
		} else if op, paths, ok := nextPageTokens(fn); ok {
			tokens[op] = append(tokens[op], paths...)
		}
	}
	var out []paginator
	for op := range ops {
		out = append(out, paginator{op: op, tokens: tokens[op]})
	}
	return out
}

// constructorOp returns <Op> for func New<Op>Paginator(client
// <Op>APIClient, params *<Op>Input, ...).
func constructorOp(fn *ast.FuncDecl) (string, bool) {
	if fn.Recv != nil {
		return "", false
	}
	op, ok := strings.CutPrefix(fn.Name.Name, "New")
	op, ok2 := strings.CutSuffix(op, "Paginator")
	if !ok || !ok2 || op == "" || len(fn.Type.Params.List) < 2 {
		return "", false
	}
	p0, p1 := fn.Type.Params.List[0], fn.Type.Params.List[1]
	if id, ok := p0.Type.(*ast.Ident); !ok || id.Name != op+"APIClient" {
		return "", false
	}
	star, ok := p1.Type.(*ast.StarExpr)
	if !ok {
		return "", false
	}
	if id, ok := star.X.(*ast.Ident); !ok || id.Name != op+"Input" {
		return "", false
	}
	return op, true
}

// nextPageTokens returns <Op> and the output paths X of the assignments
// p.field = result.X in func (p *<Op>Paginator) NextPage, in order and
// without repeats.
func nextPageTokens(fn *ast.FuncDecl) (op string, paths []string, ok bool) {
	if fn.Name.Name != "NextPage" || fn.Recv == nil || len(fn.Recv.List) != 1 || fn.Body == nil {
		return "", nil, false
	}
	star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return "", nil, false
	}
	recv, ok := star.X.(*ast.Ident)
	if !ok {
		return "", nil, false
	}
	if op, ok = strings.CutSuffix(recv.Name, "Paginator"); !ok {
		return "", nil, false
	}
	seen := map[string]bool{}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		lhs, ok := as.Lhs[0].(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := lhs.X.(*ast.Ident); !ok || id.Name != "p" {
			return true
		}
		if path := resultPath(as.Rhs[0]); path != "" && !seen[path] {
			seen[path] = true
			paths = append(paths, path)
		}
		return true
	})
	return op, paths, true
}

// resultPath returns "A.B" for the expression result.A.B, else "".
func resultPath(e ast.Expr) string {
	var parts []string
	for {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			break
		}
		parts = append([]string{sel.Sel.Name}, parts...)
		e = sel.X
	}
	if id, ok := e.(*ast.Ident); !ok || id.Name != "result" || len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ".")
}

func render(svcs []service) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/gen from the SDK service modules; DO NOT EDIT.\n//\n")
	for _, s := range svcs {
		fmt.Fprintf(&b, "// %s%s %s\n", sdkPrefix, s.pkg, s.version)
	}
	b.WriteString("\npackage awsapi\n\nimport (\n")
	for _, s := range svcs {
		fmt.Fprintf(&b, "\t%q\n", sdkPrefix+s.pkg)
	}
	b.WriteString(")\n\n// serviceSpecs is the read-only table of supported services, sorted by\n// boto3 name.\nvar serviceSpecs = []*serviceSpec{\n")
	for _, s := range svcs {
		p := s.pkg
		fmt.Fprintf(&b, "{name: %q, sdkID: %q, pkg: %q, client: clientOf(%s.NewFromConfig), paginators: map[string]paginatorSpec{\n", s.name, s.sdkID, p, p)
		for _, pg := range s.paginators {
			fmt.Fprintf(&b, "%q: pagerOf(%s.New%sPaginator", pg.op, p, pg.op)
			for _, t := range pg.tokens {
				fmt.Fprintf(&b, ", %q", t)
			}
			b.WriteString("),\n")
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return b.Bytes(), fmt.Errorf("format generated code: %w", err)
	}
	return src, nil
}
