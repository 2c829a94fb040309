#!/usr/bin/env bash
# fetch-ort.sh installs a pinned, checksum-verified ONNX Runtime shared library
# into vlmask's cache (outside the repository), where vlmask finds it without
# any flag. It uses `npm pack`, which downloads a package tarball from the npm
# registry without running its install scripts.
#
#   scripts/fetch-ort.sh cpu    ORT 1.30.0 core (onnxruntime-node@1.30.0)
#   scripts/fetch-ort.sh cuda   ORT 1.29.0 core (onnxruntime-node@1.29.0) plus the
#                               CUDA providers built for the same version
#                               (com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9;
#                               CUDA 13 and cuDNN 9 must be installed on the host)
#
# The cache root is $VLMASK_CACHE_DIR, else $XDG_CACHE_HOME/vlmask, else
# ~/.cache/vlmask; the same rule vlmask uses to look the library up.
set -euo pipefail

flavor=${1:-cpu}
cache_root=${VLMASK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vlmask}

case "$(uname -s)/$(uname -m)" in
Linux/x86_64) ;;
*)
	echo "fetch-ort: only linux/x86_64 is pinned here; see README.md (\"Getting ONNX Runtime\") for other platforms" >&2
	exit 1
	;;
esac

# pkg file sha256 ... : one line per file to take out of a package.
case "$flavor" in
cpu)
	dest="$cache_root/ort/1.30.0"
	files=(
		"onnxruntime-node@1.30.0 package/bin/napi-v6/linux/x64/libonnxruntime.so.1 ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23"
	)
	;;
cuda)
	dest="$cache_root/ort/1.29.0-cuda"
	files=(
		"onnxruntime-node@1.29.0 package/bin/napi-v6/linux/x64/libonnxruntime.so.1 89688f5cf51c7e31befbb7b9101bc027799009b18d1baa9a5b1146a72e69538d"
		"com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 package/Plugins/Linux/x64/libonnxruntime_providers_shared.so c6a12593396095f5670160e284c35d1700b7708cf3037b7042e2a5200ccae772"
		"com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 package/Plugins/Linux/x64/libonnxruntime_providers_cuda.so 56cf3254b118ad837ccc4ed8f6d1b23504bbf7ef91b34cbc0b289cb7f10b3037"
	)
	;;
*)
	echo "fetch-ort: unknown flavor '$flavor' (want cpu or cuda)" >&2
	exit 2
	;;
esac

verified() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

all_present=1
for line in "${files[@]}"; do
	read -r _ path sum <<<"$line"
	verified "$dest/$(basename "$path")" "$sum" || all_present=0
done
if [ "$all_present" = 1 ]; then
	echo "ONNX Runtime ($flavor) already in $dest"
	exit 0
fi

command -v npm >/dev/null || { echo "fetch-ort: npm is needed to download ONNX Runtime (apt-get install npm)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"
declare -A packed=()
for line in "${files[@]}"; do
	read -r pkg path sum <<<"$line"
	if [ -z "${packed[$pkg]:-}" ]; then
		echo "fetch-ort: downloading $pkg from the npm registry"
		mkdir -p "$work/$pkg"
		(cd "$work/$pkg" && npm pack --silent "$pkg" >/dev/null)
		packed[$pkg]=1
	fi
	tar -xzf "$work/$pkg"/*.tgz -C "$work/$pkg" "$path"
	got=$(sha256sum "$work/$pkg/$path" | cut -d' ' -f1)
	if [ "$got" != "$sum" ]; then
		echo "fetch-ort: checksum mismatch for $pkg:$path: got $got, want $sum" >&2
		exit 1
	fi
	install -m 0644 "$work/$pkg/$path" "$dest/.$(basename "$path").tmp"
	mv -f "$dest/.$(basename "$path").tmp" "$dest/$(basename "$path")"
done
echo "ONNX Runtime ($flavor) installed in $dest"
