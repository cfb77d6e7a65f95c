package regions_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/awsaccount/awsaccount/regions"
)

func aws(pf regions.PartitionFilter) regions.Filter {
	return regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": pf}}
}

func include(names ...string) regions.PartitionFilter {
	return regions.PartitionFilter{Regions: regions.RegionFilter{Include: names}}
}

func mustRegions(t *testing.T, partition, service string, nonRegional bool) []string {
	t.Helper()
	r, err := regions.Regions(partition, service, nonRegional)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestFilterRegions(t *testing.T) {
	allEC2 := mustRegions(t, "aws", "ec2", false)
	withNonRegional := mustRegions(t, "aws", "ec2", true)
	without := func(all []string, drop ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return slices.Contains(drop, s) })
	}
	tests := map[string]struct {
		filter  regions.Filter
		service string
		want    []string
	}{
		"seed filter1": {
			filter: aws(include("us-east-1")),
			want:   []string{"us-east-1"},
		},
		"absent filter is all aws ec2 regions": {
			filter: regions.Filter{},
			want:   allEC2,
		},
		"empty partitions map is the default": {
			filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{}},
			want:   allEC2,
		},
		"empty partition filter": {
			filter: aws(regions.PartitionFilter{}),
			want:   allEC2,
		},
		"empty include means all": {
			filter: aws(include()),
			want:   allEC2,
		},
		"exclude only": {
			filter: aws(regions.PartitionFilter{Regions: regions.RegionFilter{Exclude: []string{"us-west-1", "ap-*"}}}),
			want: without(allEC2, "us-west-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2",
				"ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
				"ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7"),
		},
		"exclude wins over include": {
			filter: aws(regions.PartitionFilter{Regions: regions.RegionFilter{
				Include: []string{"us-east-1", "us-east-2"},
				Exclude: []string{"us-east-2"},
			}}),
			want: []string{"us-east-1"},
		},
		"glob include": {
			filter: aws(include("us-*")),
			want:   []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2"},
		},
		"glob with ?": {
			filter: aws(include("*-west-?")),
			want:   []string{"ca-west-1", "eu-west-1", "eu-west-2", "eu-west-3", "us-west-1", "us-west-2"},
		},
		"glob exclude": {
			filter: aws(regions.PartitionFilter{Regions: regions.RegionFilter{
				Include: []string{"*-west-?"},
				Exclude: []string{"eu-*", "ca-*"},
			}}),
			want: []string{"us-west-1", "us-west-2"},
		},
		"duplicates collapse": {
			filter: aws(include("us-east-1", "us-east-*", "us-east-1")),
			want:   []string{"us-east-1", "us-east-2"},
		},
		"non-regional names": {
			filter: aws(regions.PartitionFilter{IncludeNonRegional: true}),
			want:   withNonRegional,
		},
		"non-regional literal": {
			filter: aws(regions.PartitionFilter{IncludeNonRegional: true, Regions: regions.RegionFilter{Include: []string{"fips-us-east-1", "us-east-1"}}}),
			want:   []string{"fips-us-east-1", "us-east-1"},
		},
		"iam has no regions": {
			filter:  regions.Filter{},
			service: "iam",
			want:    []string{},
		},
		"iam non-regional": {
			filter:  aws(regions.PartitionFilter{IncludeNonRegional: true}),
			service: "iam",
			want:    []string{"aws-global", "aws-global-fips", "iam", "iam-fips"},
		},
		"region not offered for the service is dropped": {
			filter:  aws(include("us-east-1", "us-west-1")),
			service: "iam",
			want:    []string{},
		},
		"multiple partitions": {
			filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{
				"aws":        include("us-east-1"),
				"aws-cn":     {},
				"aws-us-gov": include("us-gov-*"),
			}},
			want: []string{"cn-north-1", "cn-northwest-1", "us-east-1", "us-gov-east-1", "us-gov-west-1"},
		},
		"multiple partitions, non-regional": {
			filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{
				"aws":    {IncludeNonRegional: true, Regions: regions.RegionFilter{Include: []string{"aws-*"}}},
				"aws-cn": {IncludeNonRegional: true, Regions: regions.RegionFilter{Exclude: []string{"cn-*"}}},
			}},
			service: "iam",
			want:    []string{"aws-cn-global", "aws-global", "aws-global-fips"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			svc := tt.service
			if svc == "" {
				svc = regions.DefaultService
			}
			got, err := tt.filter.Regions(svc)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%v.Regions(%s) =\n %v\nwant\n %v", tt.filter, svc, got, tt.want)
			}
		})
	}
	t.Run("absent filter has us-east-2", func(t *testing.T) {
		got, _ := regions.Filter{}.Regions(regions.DefaultService)
		if !slices.Contains(got, "us-east-2") || len(got) < 2 {
			t.Errorf("got %v", got)
		}
	})
}

func TestFilterSelect(t *testing.T) {
	enabled := func(partition string) ([]string, error) {
		switch partition {
		case "aws":
			// as EC2 DescribeRegions answers: opt-in ap-east-1 is off; a
			// region newer than the tables is ignored.
			return []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "xx-future-1"}, nil
		case "aws-cn":
			return nil, errors.New("no credentials for aws-cn")
		}
		return nil, nil
	}
	tests := map[string]struct {
		filter  regions.Filter
		service string
		want    []string
		err     string
	}{
		"all enabled": {
			filter: regions.Filter{},
			want:   []string{"eu-west-1", "us-east-1", "us-east-2", "us-west-2"},
		},
		"include narrows": {
			filter: aws(include("us-*", "ap-east-1")),
			want:   []string{"us-east-1", "us-east-2", "us-west-2"},
		},
		"non-regional kept": {
			filter:  aws(regions.PartitionFilter{IncludeNonRegional: true, Regions: regions.RegionFilter{Exclude: []string{"*-fips", "us-*"}}}),
			service: "sts",
			want:    []string{"aws-global", "eu-west-1"},
		},
		"available fails": {
			filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {}, "aws-cn": {}}},
			err:    "Partitions.aws-cn: available regions: no credentials for aws-cn",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			svc := tt.service
			if svc == "" {
				svc = regions.DefaultService
			}
			got, err := tt.filter.Select(svc, enabled)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v; want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("nil available is Regions", func(t *testing.T) {
		a, _ := regions.Filter{}.Select("ec2", nil)
		b, _ := regions.Filter{}.Regions("ec2")
		if !slices.Equal(a, b) {
			t.Errorf("%v != %v", a, b)
		}
	})
}

func TestFilterErrors(t *testing.T) {
	tests := map[string]struct {
		filter  regions.Filter
		service string
		is      []error
		text    string
	}{
		"unknown partition": {
			filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws-gov": {}}},
			is:     []error{regions.ErrUnknownPartition},
			text:   `Partitions.aws-gov: unknown partition "aws-gov" (did you mean aws-us-gov?)`,
		},
		"unknown region with suggestion": {
			filter: aws(include("us-east-1", "us-eest-1")),
			is:     []error{regions.ErrUnknownRegion},
			text:   `Partitions.aws.Regions.include[1]: unknown region "us-eest-1" in partition aws (did you mean us-east-1?)`,
		},
		"unknown region, no suggestion": {
			filter: aws(include("moon-base-1")),
			is:     []error{regions.ErrUnknownRegion},
			text:   `Partitions.aws.Regions.include[0]: unknown region "moon-base-1" in partition aws`,
		},
		"region of another partition": {
			filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws-cn": include("us-east-1")}},
			is:     []error{regions.ErrUnknownRegion},
			text:   `Partitions.aws-cn.Regions.include[0]: unknown region "us-east-1" in partition aws-cn (a region of partition aws: put it under Partitions.aws)`,
		},
		"unknown exclude": {
			filter: aws(regions.PartitionFilter{Regions: regions.RegionFilter{Exclude: []string{"eu-west-4"}}}),
			is:     []error{regions.ErrUnknownRegion},
			text:   `Partitions.aws.Regions.exclude[0]: unknown region "eu-west-4" in partition aws (did you mean eu-west-1?)`,
		},
		"non-regional name without IncludeNonRegional": {
			filter: aws(include("aws-global")),
			is:     []error{regions.ErrUnknownRegion},
			text:   `Partitions.aws.Regions.include[0]: unknown region "aws-global" in partition aws (a non-regional endpoint name: set IncludeNonRegional)`,
		},
		"malformed glob": {
			filter: aws(include("us-[")),
			is:     []error{regions.ErrBadPattern},
			text:   `Partitions.aws.Regions.include[0]: bad pattern "us-[": syntax error in pattern`,
		},
		"glob matching nothing": {
			filter: aws(include("eu-*-9")),
			is:     []error{regions.ErrNoMatch},
			text:   `Partitions.aws.Regions.include[0]: pattern "eu-*-9" matches nothing in partition aws`,
		},
		"non-regional glob without IncludeNonRegional": {
			filter: aws(include("aws-*")),
			is:     []error{regions.ErrNoMatch},
			text:   `Partitions.aws.Regions.include[0]: pattern "aws-*" matches nothing in partition aws`,
		},
		"all problems, in order": {
			filter: regions.Filter{Partitions: map[string]regions.PartitionFilter{
				"aws":    {Regions: regions.RegionFilter{Include: []string{"us-east-1", "us-eest-1"}, Exclude: []string{"[a"}}},
				"aws-cn": include("cn-*", "cn-nort-1"),
				"nope":   {},
			}},
			is: []error{regions.ErrUnknownPartition, regions.ErrUnknownRegion, regions.ErrBadPattern},
			text: `Partitions.nope: unknown partition "nope"` + "\n" +
				`Partitions.aws.Regions.include[1]: unknown region "us-eest-1" in partition aws (did you mean us-east-1?)` + "\n" +
				`Partitions.aws.Regions.exclude[0]: bad pattern "[a": syntax error in pattern` + "\n" +
				`Partitions.aws-cn.Regions.include[1]: unknown region "cn-nort-1" in partition aws-cn (did you mean cn-north-1?)`,
		},
		"unknown service": {
			filter:  regions.Filter{},
			service: "ec3",
			is:      []error{regions.ErrUnknownService},
			text:    `unknown service "ec3" (did you mean ec2?)`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			svc := tt.service
			if svc == "" {
				svc = regions.DefaultService
			}
			got, err := tt.filter.Regions(svc)
			if err == nil {
				t.Fatalf("Regions = %v, want an error", got)
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v) = false", err, target)
				}
			}
			if err.Error() != tt.text {
				t.Errorf("error text\n got %s\nwant %s", err, tt.text)
			}
			if tt.service == "" {
				if verr := tt.filter.Validate(); verr == nil || verr.Error() != err.Error() {
					t.Errorf("Validate() = %v; want the same error", verr)
				}
				var fe *regions.FilterError
				if !errors.As(err, &fe) || !strings.HasPrefix(fe.Path, "Partitions.") {
					t.Errorf("errors.As FilterError: %v", fe)
				}
			}
		})
	}
	t.Run("valid", func(t *testing.T) {
		f := aws(regions.PartitionFilter{IncludeNonRegional: true, Regions: regions.RegionFilter{Include: []string{"aws-global", "us-*"}}})
		if err := f.Validate(); err != nil {
			t.Error(err)
		}
	})
}

func TestFilterClone(t *testing.T) {
	f := regions.Filter{Partitions: map[string]regions.PartitionFilter{
		"aws":    {Regions: regions.RegionFilter{Include: []string{"us-east-1"}, Exclude: []string{}}},
		"aws-cn": {IncludeNonRegional: true},
	}}
	c := f.Clone()
	if c.String() != f.String() {
		t.Fatalf("clone %v != %v", c, f)
	}
	c.Partitions["aws"].Regions.Include[0] = "us-west-2"
	c.Partitions["aws-iso"] = regions.PartitionFilter{}
	if f.Partitions["aws"].Regions.Include[0] != "us-east-1" || len(f.Partitions) != 2 {
		t.Errorf("Clone shares storage: %v", f)
	}
	if c.Partitions["aws"].Regions.Exclude == nil || c.Partitions["aws-cn"].Regions.Include != nil {
		t.Error("Clone changed nil-ness")
	}
	if z := (regions.Filter{}).Clone(); z.Partitions != nil {
		t.Error("Clone of zero filter is not zero")
	}
}

func TestFilterString(t *testing.T) {
	tests := map[string]struct {
		filter regions.Filter
		want   string
	}{
		"zero":  {regions.Filter{}, `{}`},
		"seed":  {aws(include("us-east-1")), `{"Partitions":{"aws":{"Regions":{"include":["us-east-1"]}}}}`},
		"order": {regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws-cn": {IncludeNonRegional: true}, "aws": {}}}, `{"Partitions":{"aws":{},"aws-cn":{"IncludeNonRegional":true}}}`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tt.filter.String(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			var back regions.Filter
			if err := json.Unmarshal([]byte(tt.filter.String()), &back); err != nil || back.String() != tt.want {
				t.Errorf("round trip: %v, %v", back, err)
			}
		})
	}
}

// TestFilterJSONKeys checks the seed's keys decode.
func TestFilterJSONKeys(t *testing.T) {
	var f regions.Filter
	in := `{"Partitions":{"aws":{"IncludeNonRegional":true,"Regions":{"include":["us-east-1"],"exclude":["us-west-*"]}}}}`
	if err := json.Unmarshal([]byte(in), &f); err != nil {
		t.Fatal(err)
	}
	pf := f.Partitions["aws"]
	if !pf.IncludeNonRegional || !slices.Equal(pf.Regions.Include, []string{"us-east-1"}) || !slices.Equal(pf.Regions.Exclude, []string{"us-west-*"}) {
		t.Errorf("decoded %+v", f)
	}
}

func TestFilterConcurrent(t *testing.T) {
	f := regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": include("us-*"), "aws-cn": {}}}
	want, err := f.Regions("ec2")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				got, err := f.Regions("ec2")
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("got %v, %v", got, err)
					return
				}
				regions.PartitionOf("ap-southwest-9")
			}
		})
	}
	wg.Wait()
}

// A region or glob of another partition is refused with a hint that names
// the partition that has it, not a look-alike of the wrong partition.
func TestFilterNamesTheRightPartition(t *testing.T) {
	tests := map[string]struct {
		f    regions.Filter
		want string
	}{
		"literal of another partition": {regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {Regions: regions.RegionFilter{Include: []string{"us-gov-west-1"}}}}},
			"a region of partition aws-us-gov: put it under Partitions.aws-us-gov"},
		"glob of another partition": {regions.Filter{Partitions: map[string]regions.PartitionFilter{"aws": {Regions: regions.RegionFilter{Include: []string{"us-gov-*"}}}}},
			"it matches regions of partition aws-us-gov"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.f.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// FilterOf puts each name and glob in the partitions that have it.
func TestFilterOf(t *testing.T) {
	f, err := regions.FilterOf("", "us-*", "us-gov-*", "cn-north-1")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for p, pf := range f.Partitions {
		got[p] = pf.Regions.Include
	}
	if !slices.Equal(got["aws"], []string{"us-*"}) || !slices.Equal(got["aws-us-gov"], []string{"us-gov-*"}) ||
		!slices.Equal(got["aws-cn"], []string{"cn-north-1"}) || len(got) != 3 {
		t.Fatalf("FilterOf = %v", got)
	}
	names, err := f.Regions("ec2")
	if err != nil || !slices.Contains(names, "us-gov-west-1") || !slices.Contains(names, "us-east-1") {
		t.Fatalf("regions %v, %v", names, err)
	}
	for _, bad := range []string{"us-moon-1", "mars-*", "us-[*"} {
		if _, err := regions.FilterOf("", bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("regions.FilterOf(%q) = %v, want an error naming it", bad, err)
		}
	}
}
