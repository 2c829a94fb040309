#!/usr/bin/env bash
# install-test-tools.sh installs the pinned node packages that vlmask's Go
# tests use as independent Parquet readers (tools/parquet-reader: hyparquet,
# hyparquet 1.5.0, DuckDB). It runs `npm ci` only when node_modules is
# missing or was installed from another package-lock.json, so calling it
# before every `go test` is cheap.
#
# Without node or npm it prints a note and exits 0 (the Go tests then skip
# the independent-reader checks), except under CI=true or
# VLMASK_REQUIRE_TEST_TOOLS=1, where a missing tool is an error.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/parquet-reader"
stamp="$dir/node_modules/.vlmask-lock.sha256"
required="${VLMASK_REQUIRE_TEST_TOOLS:-}"
if [[ "${CI:-}" == "true" ]]; then
	required=1
fi

missing() {
	if [[ -n "$required" ]]; then
		echo "install-test-tools: $1 not found; the independent-reader tests need node >= 20 and npm" >&2
		exit 1
	fi
	echo "install-test-tools: $1 not found; skipping (the independent-reader tests will skip)" >&2
	exit 0
}

command -v node >/dev/null 2>&1 || missing node
command -v npm >/dev/null 2>&1 || missing npm

major="$(node -p 'process.versions.node.split(".")[0]')"
if ((major < 20)); then
	echo "install-test-tools: node $(node --version) is too old; tools/parquet-reader needs node >= 20" >&2
	[[ -n "$required" ]] && exit 1
	exit 0
fi

want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
	exit 0
fi

echo "install-test-tools: npm ci in tools/parquet-reader" >&2
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
