#!/usr/bin/env bash
# gpu-run.sh checks and benchmarks vlmask on a GPU machine that has no Go and
# no network, from what `make gpu-bundle` packed (.gpu/ort and .gpu/b,
# copied next to each other). It needs the NVIDIA driver, python3 and the
# CUDA 13 user-space libraries (a PyTorch environment's nvidia-* wheels, or a
# CUDA 13 + cuDNN 9 install); PyTorch for the seed-loop comparison.
#
#   bash .gpu/b/gpu-run.sh [STAGE...]
#
# Stages (default: all of them, in this order):
#   unpack  ONNX Runtime (when .gpu/ort came along) and the bundle, into
#           $GPU_WORK (default /tmp/vlmask-gpu), which outlives one call;
#   info    versions, nvidia-smi, the libraries found;
#   tests   the CUDA tests of every bundled package (VLMASK_TEST_CUDA=1):
#           the binding, the golden forward/generation/knockout tests in
#           float32 and the half-precision ones;
#   bench   for the Qwen3-VL 8B and 2B shapes (BENCH_PRESETS), a random
#           bfloat16 checkpoint (vlmask testmodel), a 1024x1024 image and 3
#           steps of the full analysis: vlmask-bench's timings, `vlmask run`
#           end to end with the GPU's peak memory, and the seed-style loop
#           (bench/seedloop/seed_loop.py) on the same checkpoint.
#
# Logs and JSON go to $OUT (default ./gpu-out): run.log (this script's
# output), tests.log, bench.json, e2e.json, seed.json, and a CPU profile of
# each vlmask-bench run (cpu-PRESET-DTYPE.pprof, for go tool pprof).
#
# On a GPU machine with Go, `make bench DEVICE=cuda` runs the bench stage
# with bin/ and `make ort-cuda`'s library (GPU_BIN, GPU_ORT, SEED_SCRIPT).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here") # the .gpu directory
work=${GPU_WORK:-/tmp/vlmask-gpu}
OUT=${OUT:-$PWD/gpu-out}
mkdir -p "$OUT" "$work"
exec > >(tee -a "$OUT/run.log") 2>&1
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(unpack info tests bench)
want() { [[ " ${stages[*]} " == *" $1 "* ]]; }
now() { date +%s.%N; }
since() { python3 -c "import sys;print(f'{float(sys.argv[2])-float(sys.argv[1]):.2f}')" "$1" "$(now)"; }
unxz() { python3 -c 'import lzma,shutil,sys;shutil.copyfileobj(lzma.open(sys.stdin.buffer),sys.stdout.buffer)'; }

if want unpack; then
	t=$(now)
	if [ -f "$top/ort/ort.tar.xz" ]; then
		rm -rf "$work/ort" && unxz <"$top/ort/ort.tar.xz" | tar -xf - -C "$work" || exit 1
	fi
	if [ -f "$here/bundle.tar.xz" ]; then
		rm -rf "$work/bin" "$work/repo" && unxz <"$here/bundle.tar.xz" | tar -xf - -C "$work" || exit 1
	fi
	echo "== unpack: $(since "$t") s; $(ls "$work" | tr '\n' ' ')"
	[ ${#stages[@]} -eq 1 ] && exit 0 # an unpack-only call (the ONNX Runtime part alone)
fi
# GPU_BIN and GPU_ORT point at binaries and ONNX Runtime elsewhere (make
# bench DEVICE=cuda on a machine with Go: bin/ and the project cache).
bin=${GPU_BIN:-$work/bin}
ortdir=${GPU_ORT:-$work/ort}
[ -f "$ortdir/libonnxruntime.so.1" ] || { echo "no ONNX Runtime in $ortdir: run this with .gpu/ort first"; exit 3; }
[ -x "$bin/vlmask" ] || { echo "no bundle in $bin: run this with .gpu/b"; exit 3; }

# The CUDA libraries: a PyTorch environment's nvidia-* wheels, else the
# system's (ldconfig), else $CUDA_HOME.
sp=$(python3 -c 'import sysconfig;print(sysconfig.get_paths()["purelib"])' 2>/dev/null)
libs=$(find "$sp/nvidia" \( -name 'libcublasLt.so.13' -o -name 'libcudart.so.13' -o -name 'libcurand.so.10' \
	-o -name 'libcudnn.so.9' -o -name 'libcufft.so.12' -o -name 'libnvrtc.so.13' \) -printf '%h\n' 2>/dev/null | sort -u | paste -sd:)
export LD_LIBRARY_PATH=${libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export VLMASK_ORT_LIB=$ortdir/libonnxruntime.so.1 VLMASK_TEST_CUDA=1
export PATH=$bin:$PATH

if want info; then
	echo "== info"
	echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
	nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total --format=csv,noheader
	python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda)' 2>/dev/null || echo "no torch"
	vlmask version 2>&1 | head -n 5
	nproc; free -g | head -2
fi

if want tests; then
	echo "== tests (VLMASK_TEST_CUDA=1)"
	for p in $(cat "$work/bin/test-packages"); do
		t=$(now)
		(cd "$work/repo/$p" && timeout 240 "$work/bin/$(basename "$p").test" -test.v -test.count=1 -test.timeout 230s) >>"$OUT/tests.log" 2>&1
		rc=$?
		echo "$p: rc=$rc in $(since "$t") s"
		grep -E -- '^--- (FAIL|SKIP)' "$OUT/tests.log" | grep -v 'TestCUDAAvailableExplains' | tail -n 20
	done
	grep -E -- '^    --- (PASS|FAIL).*cuda' "$OUT/tests.log" | cut -c1-160 | head -n 40
fi

# peak_gpu_mib CMD...: runs CMD while sampling the GPU's used memory; prints
# the peak (MiB) on the last line of stderr as "peak_gpu_mib N".
peak_gpu_mib() {
	local samples
	samples=$(mktemp)
	nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 >"$samples" 2>/dev/null &
	local sampler=$!
	"$@"
	local rc=$?
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	echo "peak_gpu_mib $(sort -n "$samples" | tail -n 1)" >&2
	rm -f "$samples"
	return $rc
}

if want bench; then
	echo "== bench"
	models=$work/models
	mkdir -p "$models"
	img=$work/image1024.png
	python3 - "$img" <<'PY'
import struct, sys, zlib
w = h = 1024  # an RGB pattern with detail everywhere, as a PNG (no PIL needed)
raw = bytearray()
for y in range(h):
    raw.append(0)
    for x in range(w):
        raw += bytes(((x * 7 + y) % 256, (y * 5 + x // 3) % 256, ((x ^ y) * 3) % 256))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
	echo "[]" >"$OUT/bench.json"
	echo "[]" >"$OUT/e2e.json"
	echo "[]" >"$OUT/seed.json"
	for preset in ${BENCH_PRESETS:-8b 2b}; do
		m=$models/qwen3vl-$preset
		t=$(now)
		[ -f "$m/config.json" ] || timeout 240 vlmask testmodel --family qwen3_vl --preset "$preset" --dtype bfloat16 --out "$m" >/dev/null || { echo "testmodel $preset failed"; continue; }
		echo "-- $preset: checkpoint ready in $(since "$t") s ($(du -sh "$m" | cut -f1))"
		vlmask inputs --model "$m" --image "$img" --prompt "Describe this image." --json >"$work/ids-$preset.json"
		# The user's path, end to end: load, encode, 3 steps, every variant, Parquet.
		t=$(now)
		peak=$( { peak_gpu_mib timeout 200 vlmask --verbose run --model "$m" --image "$img" --prompt "Describe this image." \
			--num-tokens 3 --mask-mode both --save-attention-weights --device "${GPU_DEVICE:-cuda}" --output "$work/e2e-$preset" --quiet --json \
			>"$work/e2e-$preset.json"; } 2>&1 | tee "$work/e2e-$preset.log" | grep '^peak_gpu_mib' | cut -d' ' -f2)
		secs=$(since "$t")
		grep -E 'model loaded|error' "$work/e2e-$preset.log" | cut -c1-300
		echo "   vlmask run end to end, $preset: $secs s, peak GPU memory $peak MiB"
		python3 - "$OUT/e2e.json" "$work/e2e-$preset.json" "$preset" "$secs" "$peak" <<'PY'
import json, sys
all_ = json.load(open(sys.argv[1]))
entry = {"preset": sys.argv[3], "seconds": float(sys.argv[4]), "peak_gpu_mib": sys.argv[5]}
try:
    entry["summary"] = json.load(open(sys.argv[2]))
except Exception as e:
    entry["error"] = str(e)
all_.append(entry)
json.dump(all_, open(sys.argv[1], "w"), indent=1)
PY
		dtypes_var=BENCH_DTYPES_$preset
		for dtype in ${!dtypes_var:-${BENCH_DTYPES:-bfloat16}}; do
			t=$(now)
			timeout 220 vlmask-bench -model "$m" -image "$img" -device "${GPU_DEVICE:-cuda}" -dtype "$dtype" -steps 3 -runs 3 -out "$work/bench-$preset-$dtype.json" -cpuprofile "$OUT/cpu-$preset-$dtype.pprof" 2>&1 | tail -n 8
			echo "   vlmask-bench $preset $dtype: rc=$? in $(since "$t") s"
			python3 - "$OUT/bench.json" "$work/bench-$preset-$dtype.json" "$preset" "$dtype" <<'PY'
import json, sys
all_ = json.load(open(sys.argv[1]))
try:
    r = json.load(open(sys.argv[2])); r["preset"], r["dtype"] = sys.argv[3], sys.argv[4]; all_.append(r)
except Exception as e:
    all_.append({"preset": sys.argv[3], "dtype": sys.argv[4], "error": str(e)})
json.dump(all_, open(sys.argv[1], "w"), indent=1)
PY
		done
		t=$(now)
		timeout 180 python3 "${SEED_SCRIPT:-$bin/seed_loop.py}" --model "$m" --ids "$work/ids-$preset.json" --layers 2 \
			--positions "${SEED_POSITIONS:-48}" --steps 3 --out "$work/seed-$preset.json" >/dev/null
		echo "   seed loop $preset: rc=$? in $(since "$t") s"
		python3 - "$OUT/seed.json" "$work/seed-$preset.json" "$preset" <<'PY'
import json, sys
all_ = json.load(open(sys.argv[1]))
try:
    r = json.load(open(sys.argv[2])); r["preset"] = sys.argv[3]; all_.append(r)
    print("   seed loop estimate: %.1f s for 3 steps (%.4f s per position)" % (r["estimated_seconds_total"], r["seconds_per_position"]))
except Exception as e:
    all_.append({"preset": sys.argv[3], "error": str(e)})
json.dump(all_, open(sys.argv[1], "w"), indent=1)
PY
	done
fi
echo "== done"
