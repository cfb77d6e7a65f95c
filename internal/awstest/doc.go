// Package awstest starts the test substrate of this module: a real AWS API
// emulator (moto_server) on a free loopback port, and small in-process fakes
// for what moto cannot show (short-lived STS credentials, injected faults).
//
// A package starts one emulator in TestMain and shares it:
//
//	var moto *awstest.Moto
//
//	func TestMain(m *testing.M) {
//		var err error
//		moto, err = awstest.StartMoto()
//		if err != nil { ... }
//		code := m.Run()
//		moto.Close()
//		os.Exit(code)
//	}
//
// or one test starts its own with [RunMoto], which stops it in t.Cleanup.
//
// moto's default account is 123456789012; AssumeRole into
// arn:aws:iam::111122223333:role/anything yields credentials whose calls act
// in account 111122223333, with separate IAM and EC2 state per account.
// moto does not check signatures, so any static key works.
//
// When moto_server is not installed, [StartMoto] returns [ErrNoMoto]; tests
// fail on it when the CI environment variable is set and skip otherwise (see
// [Require]).
package awstest
