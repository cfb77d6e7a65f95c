package awsapi_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go/middleware"

	"github.com/awsaccount/awsaccount/internal/awsapi"
)

func TestToJSON(t *testing.T) {
	md := middleware.Metadata{}
	md.Set("k", "v")
	launch := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := map[string]struct {
		in   any
		want string
	}{
		"nil": {nil, `null`},
		"drops metadata and nil fields": {
			&ec2.DescribeInstancesOutput{
				Reservations: []types.Reservation{{
					ReservationId: aws.String("r-1"),
					Instances: []types.Instance{{
						InstanceId: aws.String("i-1"),
						LaunchTime: &launch,
						State:      &types.InstanceState{Name: types.InstanceStateNameRunning, Code: aws.Int32(16)},
						Tags:       []types.Tag{},
					}},
				}},
				ResultMetadata: md,
			},
			`{"Reservations":[{"Instances":[{"InstanceId":"i-1","LaunchTime":"2024-01-02T03:04:05Z","State":{"Code":16,"Name":"running"},"Tags":[]}],"ReservationId":"r-1"}]}`,
		},
		"zero non-pointer fields": {
			&iam.ListUsersOutput{IsTruncated: false},
			`{}`,
		},
		"kept zero pointer": {
			&ec2.DescribeInstancesInput{MaxResults: aws.Int32(0), DryRun: aws.Bool(false)},
			`{"DryRun":false,"MaxResults":0}`,
		},
		"union and sorted map": {
			&dynamodb.GetItemOutput{Item: map[string]ddbtypes.AttributeValue{
				"n":  &ddbtypes.AttributeValueMemberN{Value: "1"},
				"id": &ddbtypes.AttributeValueMemberS{Value: "a<b"},
				"l":  &ddbtypes.AttributeValueMemberL{Value: []ddbtypes.AttributeValue{&ddbtypes.AttributeValueMemberBOOL{Value: true}}},
			}},
			`{"Item":{"id":{"S":"a<b"},"l":{"L":[{"BOOL":true}]},"n":{"N":"1"}}}`,
		},
		"blob": {&kms.EncryptOutput{CiphertextBlob: []byte("hi"), KeyId: aws.String("k")}, `{"CiphertextBlob":"aGk=","KeyId":"k"}`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := awsapi.ToJSON(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("ToJSON =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestToJSONStrings(t *testing.T) {
	values := []string{"", "plain", `q"uote\back`, "tab\tnl\nret\r", "ctl\x01\x1f\b\f", "<&>", "ünï©ødé 日本", "sep\u2028\u2029"}
	for _, v := range values {
		got, err := awsapi.ToJSON(map[string]string{v: v})
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]string
		if err := json.Unmarshal(got, &back); err != nil || back[v] != v {
			t.Errorf("ToJSON(%q) = %s, does not read back: %v", v, got, err)
		}
	}
	if got, _ := awsapi.ToJSON("bad\xffutf8"); string(got) != `"bad\ufffdutf8"` {
		t.Errorf("invalid UTF-8 = %s", got)
	}
	if got, _ := awsapi.ToJSON([]any{int8(-3), uint16(7), 1.5, true}); string(got) != `[-3,7,1.5,true]` {
		t.Errorf("numbers = %s", got)
	}
}
