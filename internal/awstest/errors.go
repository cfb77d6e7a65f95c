package awstest

import "errors"

// ErrNoMoto reports that neither moto_server nor python3 -m moto.server can
// be started on this machine.
var ErrNoMoto = errors.New("awstest: moto_server not found (install it with: pip install 'moto[server]')")

// ErrOrgSpec reports an OrgSpec that BuildOrganization refuses: an account
// without a name or with a repeated one, an OU without a name or at a path
// already used.
var ErrOrgSpec = errors.New("awstest: bad organization spec")

// ErrOptions reports options a fixture cannot start with (a negative
// latency, a target that is not a URL, an unknown stall mode).
var ErrOptions = errors.New("awstest: invalid options")
