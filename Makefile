# vlmask — see README.md. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := bash

GO       ?= go
BIN      ?= bin
GOFLAGS  ?=
export CGO_ENABLED ?= 0

.PHONY: help
help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

.PHONY: build
build: ## Build bin/vlmask
	$(GO) build $(GOFLAGS) -o $(BIN)/vlmask ./cmd/vlmask

.PHONY: ort
ort: ## Fetch the pinned ONNX Runtime 1.30.0 (CPU) into the cache (~/.cache/vlmask)
	@scripts/fetch-ort.sh cpu

.PHONY: ort-cuda
ort-cuda: ## Fetch ONNX Runtime 1.29.0 with its CUDA providers (needs CUDA 13 + cuDNN 9 on the host)
	@scripts/fetch-ort.sh cuda

.PHONY: test-tools
test-tools: ## Install the node packages tests use as independent Parquet readers
	@VLMASK_REQUIRE_TEST_TOOLS=1 scripts/install-test-tools.sh

.PHONY: test
test: ort test-tools ## Run every test (fetches what the tests need first)
	$(GO) test $(GOFLAGS) ./...

.PHONY: lint
lint: ## gofmt check and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

.PHONY: proto
proto: ## Regenerate generated protobuf code (needs protoc and protoc-gen-go)
	cd backend/onnx/onnxpb && protoc --proto_path=. --go_out=. --go_opt=paths=source_relative --go_opt=Monnx.proto=github.com/vlmask/vlmask/backend/onnx/onnxpb onnx.proto

.PHONY: demo
demo: build ort ## Run the embedded demo
	$(BIN)/vlmask version

.PHONY: bench
bench: build ort ## Run the benchmarks and write bench/results.json
	@echo "no benchmarks yet"

.PHONY: clean
clean: ## Remove build outputs (not the runtime cache)
	rm -rf $(BIN) output build
