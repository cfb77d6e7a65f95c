# The two commands a newcomer runs: `make demo` and `make test`.
GO        ?= go
PKGS      ?= ./...
BENCHTIME ?= 1s
FUZZTIME  ?= 20s

.PHONY: all demo test deps vet unit fuzz bench build

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

demo:
	@if [ -x scripts/demo.sh ]; then scripts/demo.sh; else echo "make demo: coming with the CLI (issue: the awsacct CLI)"; fi
