package awsapi_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"

	"github.com/awsaccount/awsaccount/internal/awsapi"
)

func TestValidate(t *testing.T) {
	tests := map[string]struct {
		service, op, input string
		missing            []string // nil: valid
	}{
		"missing top field":  {"s3", "ListObjectsV2", `{"MaxKeys":1}`, []string{"Bucket"}},
		"zero input":         {"s3", "ListObjectsV2", ``, []string{"Bucket"}},
		"top field given":    {"s3", "ListObjectsV2", `{"Bucket":"b"}`, nil},
		"two missing":        {"s3", "GetObject", `{}`, []string{"Bucket", "Key"}},
		"no required fields": {"ec2", "DescribeInstances", `{}`, nil},
		"missing nested":     {"s3", "DeleteObjects", `{"Bucket":"b","Delete":{"Objects":[{"Key":"a"},{}]}}`, []string{"Delete.Objects[1].Key"}},
		"nested given":       {"s3", "DeleteObjects", `{"Bucket":"b","Delete":{"Objects":[{"Key":"a"}]}}`, nil},
		"idempotency token":  {"ec2", "RunInstances", `{"MinCount":1,"MaxCount":1}`, nil},
		"required in list":   {"sqs", "SendMessageBatch", `{"QueueUrl":"q","Entries":[{"Id":"1"}]}`, []string{"Entries[0].MessageBody"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			op := lookup(t, tt.service, tt.op)
			in, err := op.DecodeInput([]byte(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			err = op.Validate(in)
			if tt.missing == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var ie *awsapi.InputError
			if !errors.As(err, &ie) || !errors.Is(err, awsapi.ErrInvalidInput) {
				t.Fatalf("Validate = %#v, want an *InputError", err)
			}
			if !slices.Equal(ie.Missing, tt.missing) {
				t.Errorf("Missing = %q, want %q", ie.Missing, tt.missing)
			}
			if want := strings.Join(tt.missing, ", "); !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %s", err, want)
			}
			var sdkErr smithy.InvalidParamsError
			if !errors.As(err, &sdkErr) {
				t.Errorf("errors.As(smithy.InvalidParamsError) = false for %v", err)
			}
		})
	}
}

func TestValidateLeavesInputAlone(t *testing.T) {
	op := lookup(t, "ec2", "RunInstances")
	in := &ec2.RunInstancesInput{MinCount: new(int32(1)), MaxCount: new(int32(1))}
	if err := op.Validate(in); err != nil {
		t.Fatal(err)
	}
	if in.ClientToken != nil {
		t.Errorf("Validate set ClientToken = %q on the caller's input", *in.ClientToken)
	}
}

func TestValidateWrongInput(t *testing.T) {
	err := lookup(t, "s3", "ListObjectsV2").Validate(&ec2.DescribeInstancesInput{})
	if !errors.Is(err, awsapi.ErrInvalidInput) {
		t.Errorf("Validate(wrong type) = %v, want ErrInvalidInput", err)
	}
}
