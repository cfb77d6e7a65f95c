package main

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"testing"
)

func TestPaginators(t *testing.T) {
	const src = `package svc

func NewListThingsPaginator(client ListThingsAPIClient, params *ListThingsInput, optFns ...func(*ListThingsPaginatorOptions)) *ListThingsPaginator {
	return nil
}

func (p *ListThingsPaginator) NextPage(ctx context.Context, optFns ...func(*Options)) (*ListThingsOutput, error) {
	result, err := p.client.ListThings(ctx, p.params)
	p.firstPage = false
	p.nextToken = result.Page.Marker
	p.other = result.NextVersion
	p.nextToken = nil
	return result, err
}

// Not paginators: wrong client or input type.
func NewOddPaginator(client Other, params *OddInput) *OddPaginator { return nil }
func NewEvenPaginator(client EvenAPIClient, params OddInput) *EvenPaginator { return nil }
`
	file, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := paginators(file)
	want := []paginator{{op: "ListThings", tokens: []string{"Page.Marker", "NextVersion"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paginators = %+v, want %+v", got, want)
	}
}

// TestGeneratedUpToDate fails when services_gen.go differs from what gen
// writes for the SDK versions in go.mod: run go generate ./internal/awsapi.
func TestGeneratedUpToDate(t *testing.T) {
	var svcs []service
	for _, s := range services {
		svc, err := scan(s.name, s.pkg)
		if err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, svc)
	}
	want, err := render(svcs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../services_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("services_gen.go is stale: run go generate ./internal/awsapi")
	}
}
