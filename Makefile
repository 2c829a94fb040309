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
build: ## Build bin/vlmask and the built-in plugins as standalone bin/vlmask-plugin-*
	$(GO) build $(GOFLAGS) -o $(BIN)/vlmask ./cmd/vlmask
	$(GO) build $(GOFLAGS) -o $(BIN)/ ./plugins/masking-text/cmd/... ./plugins/masking-vision/cmd/... ./plugins/masking-both/cmd/... ./plugins/metrics/cmd/...

.PHONY: ort
ort: ## Fetch the pinned ONNX Runtime 1.30.0 (CPU) into the cache (~/.cache/vlmask)
	@scripts/fetch-ort.sh cpu

.PHONY: gpu-bundle
gpu-bundle: ## Pack a CUDA check and benchmark for a GPU machine without Go or network into .gpu/ (see scripts/gpu-run.sh)
	@scripts/gpu-bundle.sh

.PHONY: ort-cuda
ort-cuda: ## Fetch ONNX Runtime 1.29.0 with its CUDA providers (needs CUDA 13 + cuDNN 9 on the host)
	@scripts/fetch-ort.sh cuda

.PHONY: test-tools
test-tools: ## Install what tests use beyond Go: the independent Parquet readers, Chromium and playwright-core
	@VLMASK_REQUIRE_TEST_TOOLS=1 scripts/install-test-tools.sh

# Packages whose concurrency is tested under the race detector (needs cgo).
RACE_PKGS := ./backend/onnx/ort/ ./backend/onnx/qwen3vl/ ./core/ ./core/pluginhost/ ./core/results/ ./core/viewer/ ./hf/hub/ ./internal/testmodel/ ./sdk/...

.PHONY: test
test: golden-check ort test-tools lint proto-check ## Run every test, lint and proto-check (fetches what the tests need first)
	VLMASK_REQUIRE_TEST_TOOLS=1 $(GO) test $(GOFLAGS) ./...
	VLMASK_REQUIRE_TEST_TOOLS=1 CGO_ENABLED=1 $(GO) test $(GOFLAGS) -race $(RACE_PKGS)
	@$(MAKE) --no-print-directory fuzz FUZZTIME=10s

.PHONY: test-slurm
test-slurm: ## Run the Slurm recipe on a real single-node Slurm cluster (root; installs slurm-wlm and munge with apt-get if missing)
	@scripts/install-slurm.sh
	VLMASK_REQUIRE_TEST_TOOLS=1 $(GO) test $(GOFLAGS) -count=1 -v -run '^TestSlurmArray$$' ./deploy

.PHONY: golden-check
golden-check: ## Fail unless the golden reference data the tests compare against is in the repository
	@test -f testdata/golden/README.md || { echo "make test: testdata/golden/README.md is missing: the golden reference data is part of the repository (git checkout -- testdata/golden)"; exit 1; }
	@for c in qwen3_vl_basic qwen3_vl_resize qwen3_vl_textonly qwen3_text qwen2_vl_basic qwen2_5_vl_basic llava_basic gemma3_basic tokenizer_qwen3 imageproc templates; do \
		test -d testdata/golden/$$c || { echo "make test: golden case testdata/golden/$$c is missing"; exit 1; }; done
	@for c in tokenizer_llama2 tokenizer_gemma3; do \
		test -d testdata/golden-next/$$c || { echo "make test: golden fixture testdata/golden-next/$$c is missing"; exit 1; }; done

FUZZTIME ?= 30s
.PHONY: fuzz
fuzz: ## Fuzz the safetensors header parser and the tokenizer briefly (FUZZTIME each)
	$(GO) test $(GOFLAGS) -run '^$$' -fuzz '^FuzzParseHeader$$' -fuzztime $(FUZZTIME) ./hf/safetensors
	$(GO) test $(GOFLAGS) -run '^$$' -fuzz '^FuzzEncode$$' -fuzztime $(FUZZTIME) ./hf/tokenizer

.PHONY: lint
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint: ## gofmt check, go vet (which compiles every test binary make gpu-bundle packs), staticcheck, shell syntax
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@for f in $$(git ls-files 'scripts/*.sh' '.ci/*'); do bash -n "$$f" || exit 1; done
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

PROTO_TOOLS := $(abspath $(BIN))/tools

.PHONY: proto
proto: ## Regenerate the protobuf code with the pinned protoc 3.21.12, protoc-gen-go v1.36.12, protoc-gen-go-grpc v1.6.2
	@scripts/install-proto-tools.sh $(PROTO_TOOLS)
	cd backend/onnx/onnxpb && PATH=$(PROTO_TOOLS):$$PATH protoc --proto_path=. --go_out=. --go_opt=paths=source_relative --go_opt=Monnx.proto=github.com/vlmask/vlmask/backend/onnx/onnxpb onnx.proto
	cd sdk/internal/pb/pluginv1 && PATH=$(PROTO_TOOLS):$$PATH protoc --proto_path=. --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative plugin.proto

.PHONY: proto-check
proto-check: proto ## Fail if the committed generated code differs from a regeneration
	git diff --exit-code -- backend/onnx/onnxpb sdk/internal/pb

DEMO_MODEL  ?= build/demo-model
DEMO_IMAGE  ?= examples/images/house.png
DEMO_PROMPT ?= What's in this image?

.PHONY: demo
demo: build ort ## Generate a tiny random-weight model, analyse the bundled image, summarise and draw heatmaps (numbers are meaningless: random weights)
	$(BIN)/vlmask testmodel --family qwen3_vl --preset tiny --seed 1 --out $(DEMO_MODEL)
	$(BIN)/vlmask run --model $(DEMO_MODEL) --image $(DEMO_IMAGE) --prompt "$(DEMO_PROMPT)" \
		--num-tokens 3 --mask-mode both --save-attention-weights --effect --window 1 --window 3 --output demo --force
	$(BIN)/vlmask report output/demo.parquet
	$(BIN)/vlmask report --variant Effect_W1 output/demo.parquet
	$(BIN)/vlmask view output/demo.parquet

BENCH_OUT ?= bench/results.json

.PHONY: bench
DEVICE ?= cpu
bench: ort ## Measure knockout/forward, recompute/fast and plugin overhead ratios; writes $(BENCH_OUT). DEVICE=cuda: the GPU benchmark (scripts/gpu-run.sh bench)
	$(GO) build $(GOFLAGS) -o $(BIN)/vlmask-bench ./bench
	$(GO) build $(GOFLAGS) -o $(BIN)/vlmask ./cmd/vlmask
ifeq ($(DEVICE),cuda)
	@scripts/fetch-ort.sh cuda
	GPU_BIN=$(abspath $(BIN)) GPU_ORT=$${VLMASK_CACHE_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/vlmask}/ort/1.29.0-cuda \
		SEED_SCRIPT=bench/seedloop/seed_loop.py OUT=$(abspath bench/gpu-out) bash scripts/gpu-run.sh info bench
else
	BENCH_OUT=$(BENCH_OUT) $(BIN)/vlmask-bench
endif

.PHONY: clean
clean: ## Remove build outputs (not the runtime cache)
	rm -rf $(BIN) output build
