#!/usr/bin/env bash
# Three workers split one fleet run (--shard 1/3, 2/3, 3/3) against one moto
# and one redis-server, twice at once (as two jobs would), then check that
# the shards' union is the unsharded run and that no account+region ever
# had more than its shared limit (3 per second) of requests.
#   examples/shards/run.sh            (from the repository's root)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/deps.sh
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/awsacct" ./cmd/awsacct

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
moto_port=$(free_port); redis_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 & pids+=($!)
redis-server --port "$redis_port" --save '' --appendonly no >"$work/redis.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$moto_port/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done

export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port" REDIS_URL="redis://127.0.0.1:$redis_port/0"
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE
acct() { "$work/awsacct" "$@" -c examples/shards/fleet.yaml --no-progress; }

echo "== four queues in every account and region (so each target pages four times)"
for q in a b c d; do acct call sqs create_queue --input "{\"QueueName\": \"q-$q\"}" -o json >/dev/null; done

echo "== the unsharded run"
acct call sqs list_queues --input '{"MaxResults": 1}' -o jsonl >"$work/all.jsonl"

echo "== 2 jobs × 3 shards at once, one shared limit per account+region"
for job in 1 2; do for k in 1 2 3; do
  acct call sqs list_queues --input '{"MaxResults": 1}' -o jsonl --shard "$k/3" >"$work/job$job-shard$k.jsonl" & pids+=($!)
done; done
wait "${pids[@]:2}"

keys() { python3 -c 'import json,sys; [print(json.loads(l)["account_id"], json.loads(l)["region"]) for l in sys.stdin]' | sort; }
for job in 1 2; do
  cat "$work"/job$job-shard*.jsonl | keys >"$work/union$job"
  keys <"$work/all.jsonl" | diff - "$work/union$job" >/dev/null && echo "job $job: the 3 shards' union is the unsharded run ($(wc -l <"$work/union$job") targets)" \
    || { echo "job $job: the shards' union differs from the unsharded run"; exit 1; }
done
echo "== done"
