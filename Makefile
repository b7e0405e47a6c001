# The two commands that matter: `make run` (the whole system on this machine) and `make test`.
SHELL := /bin/bash
DOTNET ?= dotnet
SLN := Restcomm.Fabric.sln
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: build test run bench example-chaincode network-up network-down clean

build:
	$(DOTNET) build $(SLN) -c Release

## Runs every test project; real-Fabric tests run only when FABRIC_BIN points at Fabric 2.5 binaries.
test:
	bash tests/run-tests.sh

## Starts the embedded dev network, the chaincodes and the REST API on 127.0.0.1.
run:
	bash network/dev/run.sh

bench:
	$(DOTNET) run -c Release --project benchmarks/Restcomm.Benchmarks -- $(BENCH_ARGS)

## The example chaincode as a service, in the foreground.
example-chaincode: export CHAINCODE_SERVER_ADDRESS ?= 127.0.0.1:9999
example-chaincode: export CORE_CHAINCODE_ID_NAME ?= example:dev
example-chaincode:
	$(DOTNET) run -c Release --project chaincode/Restcomm.Chaincode.Example

## Real Fabric 2.5: Docker by default, native binaries when FABRIC_BIN is set.
network-up:
	bash network/fabric/network.sh up

network-down:
	bash network/fabric/network.sh down

clean:
	$(DOTNET) clean $(SLN)
	rm -rf .run
