#!/usr/bin/env bash
# make demo: start moto_server on a free loopback port, run awsacct across
# 3 accounts × 3 regions of examples/demo.yaml, stop moto.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

work=$(mktemp -d)
moto_pid=""
cleanup() {
  if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building awsacct"
go build -o "$work/awsacct" ./cmd/awsacct

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
if command -v moto_server >/dev/null 2>&1; then moto=(moto_server); else moto=(python3 -m moto.server); fi
"${moto[@]}" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null || { echo "moto_server did not start:"; cat "$work/moto.log"; exit 1; }
echo "== moto_server (the AWS emulator) on 127.0.0.1:$port"

# Only the emulator is ever called: every SDK client honours AWS_ENDPOINT_URL.
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
acct() { echo; echo "\$ awsacct $*"; "$work/awsacct" "$@"; }

acct targets -c examples/demo.yaml
acct whoami -c examples/demo.yaml
acct call ec2 run_instances -c examples/demo.yaml --no-progress \
  --input '{"ImageId": "ami-12c6146b", "InstanceType": "t3.micro", "MinCount": 2, "MaxCount": 2}'
acct call ec2 describe_instances -c examples/demo.yaml --paginate --input '{"MaxResults": 5}' -o table
acct call sts get_caller_identity -c examples/demo.yaml -o jsonl
echo
echo "== done: moto_server stops now"
