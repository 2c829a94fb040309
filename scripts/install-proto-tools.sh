#!/usr/bin/env bash
# install-proto-tools.sh makes the pinned protobuf toolchain available for
# `make proto` and `make proto-check`:
#   - protoc 3.21.12 (Debian 12's protobuf-compiler; installed with apt-get
#     when missing and this runs as root, else the install command is named);
#   - protoc-gen-go v1.36.12 and protoc-gen-go-grpc v1.6.2, built from the
#     Go module proxy (checksums verified by the go command) into $1
#     (default bin/tools).
# It fails when protoc is present in another version: the generated code
# records the protoc version, so a different one would show as a diff.
set -euo pipefail

PROTOC_VERSION=3.21.12
PROTOC_GEN_GO=google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
PROTOC_GEN_GO_GRPC=google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/bin/tools}"

if ! command -v protoc >/dev/null 2>&1; then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		echo "install-proto-tools: installing protobuf-compiler with apt-get" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null ||
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null; }
	else
		echo "install-proto-tools: protoc $PROTOC_VERSION not found; install it (Debian 12: apt-get install protobuf-compiler)" >&2
		exit 1
	fi
fi
have="$(protoc --version | awk '{print $2}')"
if [[ "$have" != "$PROTOC_VERSION" ]]; then
	echo "install-proto-tools: protoc $have found, the generated code is pinned to $PROTOC_VERSION" >&2
	exit 1
fi

mkdir -p "$bin"
for tool in "$PROTOC_GEN_GO" "$PROTOC_GEN_GO_GRPC"; do
	name="${tool##*/}"
	name="${name%@*}"
	stamp="$bin/.$name.version"
	if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$tool" ]]; then
		continue
	fi
	GOBIN="$bin" CGO_ENABLED=0 go install "$tool"
	echo "$tool" >"$stamp"
done
