# The two commands a newcomer runs: `make demo` and `make test`.
GO        ?= go
PKGS      ?= ./...
BENCHTIME ?= 1s
FUZZTIME  ?= 20s

.PHONY: all demo test deps vet unit fuzz bench build fleetbench awslimitsbench

all: test

build:
	$(GO) build $(PKGS)

deps:
	@scripts/deps.sh

# test = vet + the race-enabled suite against a real moto_server and
# redis-server (installed by scripts/deps.sh when missing).
test: deps vet unit

vet:
	$(GO) vet $(PKGS)

# -p 1: packages one at a time, so load tests measure the code, not a
# neighbour package hogging the 2 cores.
unit:
	$(GO) test -race -count=1 -p 1 -timeout 9m $(PKGS)

# fuzz = a bounded run of the config loader's fuzz target (CI runs it too).
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) ./configfile/

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

# fleetbench = a fleet run of the CLI (N accounts entered by AssumeRole × 17
# regions) behind a proxy that adds 50 ms to every request: wall time,
# latency floor, AssumeRole count, TCP connections, peak RSS. BASELINE=path
# to an older awsacct binary runs it beside this tree's.
FLEETBENCH_ARGS ?= -accounts 50,200 -regions 17 -latency 50ms
fleetbench: deps
	$(GO) run ./internal/fleetbench $(FLEETBENCH_ARGS) $(if $(BASELINE),-baseline $(BASELINE))

# awslimitsbench = 64 workers × 30 s of EC2 Describe* against the throttling
# emulator (one bucket: 100 tokens, 20/s) in front of moto, in five modes:
# no limit, the SDK's adaptive retry mode, the aws preset, adaptive mode,
# both. AWSLIMITS_BENCH_RUN=10s shortens it.
awslimitsbench: deps
	$(GO) test -run '^$$' -bench BenchmarkAWSLimits -benchtime 1x -timeout 30m ./ratelimit/awslimits/

demo:
	@scripts/demo.sh
