#!/usr/bin/env bash
# gpu-check.sh: one-shot check that vlmask's ONNX Runtime binding works on a
# GPU, for a Linux x86-64 host with an NVIDIA driver, the CUDA 13 user-space
# libraries, cuDNN 9, Go and npm (or an already filled ORT cache).
#
#   scripts/gpu-check.sh
#
# Steps, stopping at the first failure:
#   1. `make ort-cuda`: ORT 1.29.0 plus its CUDA providers into the cache
#      ($VLMASK_CACHE_DIR, else ~/.cache/vlmask, at ort/1.29.0-cuda/).
#   2. `nvidia-smi`.
#   3. The libraries the CUDA provider needs, found with `ldconfig -p` or in
#      $LD_LIBRARY_PATH (pip-installed CUDA wheels live there only).
#   4. `go test ./backend/onnx/ort/` with VLMASK_ORT_LIB pointing at the
#      1.29.0-cuda library and VLMASK_TEST_CUDA=1: the whole binding suite
#      on ORT 1.29, plus TestCUDAMatchesCPU, which runs the test graphs on
#      CUDA and compares them with the CPU and with Go (it skips without
#      VLMASK_TEST_CUDA=1, so plain `go test` never needs a GPU).
#   5. The model on CUDA: the Qwen3-VL golden tests (vision tower, every
#      layer, logits, greedy tokens, knockout tables, fast and recompute)
#      with VLMASK_TEST_CUDA=1 run on the CPU and on CUDA, each against
#      transformers' reference data.
set -euo pipefail
cd "$(dirname "$0")/.."

cache_root=${VLMASK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vlmask}
lib="$cache_root/ort/1.29.0-cuda/libonnxruntime.so.1"

echo "== 1. ONNX Runtime with CUDA providers"
make ort-cuda

echo "== 2. GPU"
nvidia-smi

echo "== 3. CUDA libraries"
have() { # have NAME...: true if ldconfig or $LD_LIBRARY_PATH has one of the names
	local name dir dirs
	for name in "$@"; do
		ldconfig -p | grep -q "[[:space:]]$name " && return 0
		IFS=: read -ra dirs <<<"${LD_LIBRARY_PATH:-}"
		for dir in "${dirs[@]}"; do
			[ -n "$dir" ] && [ -e "$dir/$name" ] && return 0
		done
	done
	return 1
}
missing=()
for names in libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 "libcudnn.so.9 libcudnn.so"; do
	# shellcheck disable=SC2086 # word splitting lists alternatives
	if have $names; then echo "found   ${names%% *}"; else echo "MISSING ${names%% *}"; missing+=("${names%% *}"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "gpu-check: missing ${missing[*]}: install CUDA 13 and cuDNN 9 (or add their lib directories to LD_LIBRARY_PATH)" >&2
	exit 1
fi

echo "== 4. go test on ORT 1.29.0 with CUDA"
VLMASK_TEST_CUDA=1 VLMASK_ORT_LIB="$lib" CGO_ENABLED=0 go test -count=1 -timeout 300s -v ./backend/onnx/ort/
echo "== 5. Qwen3-VL golden tests on CUDA and on the CPU"
VLMASK_TEST_CUDA=1 VLMASK_ORT_LIB="$lib" CGO_ENABLED=0 go test -count=1 -timeout 300s -v -run 'TestGolden' ./backend/onnx/qwen3vl/
echo "gpu-check: OK"
