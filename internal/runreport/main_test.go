package runreport_test

import (
	"os"
	"testing"

	"github.com/awsaccount/awsaccount/internal/awstest"
)

var moto *awstest.Moto

func TestMain(m *testing.M) { os.Exit(awstest.Main(m, func(mo *awstest.Moto) { moto = mo })) }
