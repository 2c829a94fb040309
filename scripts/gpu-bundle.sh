#!/usr/bin/env bash
# gpu-bundle.sh builds, into .gpu/ (git-ignored), everything a GPU machine
# without Go or network needs to check vlmask on CUDA and benchmark it:
#
#   .gpu/ort/ort.tar.xz   ONNX Runtime 1.29.0 with its CUDA provider, the
#                         provider's GPU code cut to one architecture
#                         (GPU_ARCH, default 90: H100/H200) so it compresses
#                         to about 50 MB;
#   .gpu/b/bundle.tar.xz  the vlmask and vlmask-bench binaries, `go test -c`
#                         binaries of the packages with CUDA tests, the golden
#                         cases they read, the seed-loop benchmark script;
#   .gpu/b/gpu-run.sh     the script to run there (scripts/gpu-run.sh).
#
# Each part fits in one 64 MiB copy. On the GPU machine, from the directory
# holding .gpu/: bash .gpu/b/gpu-run.sh (see that script). Needs Go, npm
# (make ort-cuda), python3 and xz here.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${GPU_ARCH:-90}
root=.gpu
cache=${VLMASK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vlmask}/ort/1.29.0-cuda
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >>.git/info/exclude

make --no-print-directory ort-cuda >/dev/null
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
stamp="ort 1.29.0-cuda sm_$arch"
if [ -f "$root/ort/ort.tar.xz" ] && [ "$(cat "$root/ort/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "gpu-bundle: $root/ort is up to date"
else
	echo "gpu-bundle: ONNX Runtime with the CUDA provider cut to sm_$arch"
	rm -rf "$root/ort" && mkdir -p "$root/ort" "$stage/ort"
	cp "$cache/libonnxruntime.so.1" "$cache/libonnxruntime_providers_shared.so" "$stage/ort/"
	python3 scripts/fatbin-keep-arch.py "$cache/libonnxruntime_providers_cuda.so" "$stage/ort/libonnxruntime_providers_cuda.so" "$arch"
	tar -C "$stage" -cf - ort | xz -9e -T0 >"$root/ort/ort.tar.xz"
	echo "$stamp" >"$root/ort/stamp"
fi
rm -rf "$root/b"
mkdir -p "$root/b" "$stage/bin"

echo "gpu-bundle: binaries"
export CGO_ENABLED=0 GOOS=linux GOARCH=amd64
go build -trimpath -ldflags='-s -w' -o "$stage/bin/vlmask" ./cmd/vlmask
go build -trimpath -ldflags='-s -w' -o "$stage/bin/vlmask-bench" ./bench
# Packages with CUDA tests (VLMASK_TEST_CUDA=1): the binding and the families.
pkgs=(backend/onnx/ort backend/onnx/qwen3vl)
for p in backend/onnx/qwen2vl backend/onnx/llava backend/onnx/gemma3; do
	[ -d "$p" ] && pkgs+=("$p")
done
for p in "${pkgs[@]}"; do
	go test -c -trimpath -ldflags='-s -w' -o "$stage/bin/$(basename "$p").test" "./$p"
	mkdir -p "$stage/repo/$p"
done
echo "${pkgs[@]}" >"$stage/bin/test-packages"
cp bench/seedloop/seed_loop.py "$stage/bin/"

echo "gpu-bundle: golden cases"
touch "$stage/repo/go.mod" # the tests find testdata/golden under the first go.mod above them
mkdir -p "$stage/repo/testdata/golden"
cp -r testdata/golden/README.md testdata/golden/qwen* testdata/golden/llava_* testdata/golden/gemma3_* "$stage/repo/testdata/golden/"
tar -C "$stage" -cf - bin repo | xz -9e -T0 >"$root/b/bundle.tar.xz"
cp scripts/gpu-run.sh "$root/b/gpu-run.sh"

tree=$(git ls-files -z | xargs -0 stat -c%s 2>/dev/null | awk '{s += $1} END {print s}')
for part in "$root/ort" "$root/b"; do
	echo "gpu-bundle: $part $(du -sb "$part" | cut -f1) bytes (+ the tracked tree's $tree)"
done
