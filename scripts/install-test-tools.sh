#!/usr/bin/env bash
# install-test-tools.sh installs what vlmask's Go tests use beyond Go:
#   - the pinned node packages of tools/parquet-reader (hyparquet,
#     hyparquet 1.5.0, DuckDB), independent Parquet readers;
#   - the system Chromium and the pinned playwright-core of
#     tools/browser-test, which drive the viewer's end-to-end browser test
#     (playwright-core only talks to the installed Chromium; no browser is
#     downloaded).
# It runs `npm ci` only when a node_modules is missing or was installed
# from another package-lock.json, so calling it before every `go test` is
# cheap. As root on Debian or Ubuntu it installs missing system packages
# (nodejs, npm, chromium) with apt-get.
#
# Without a tool it prints a note and exits 0 (the Go tests then skip what
# needs it), except under CI=true or VLMASK_REQUIRE_TEST_TOOLS=1, where a
# missing tool is an error.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
required="${VLMASK_REQUIRE_TEST_TOOLS:-}"
if [[ "${CI:-}" == "true" ]]; then
	required=1
fi

missing() {
	if [[ -n "$required" ]]; then
		echo "install-test-tools: $1 not found; $2" >&2
		exit 1
	fi
	echo "install-test-tools: $1 not found; skipping ($2)" >&2
	exit 0
}

# apt_install installs Debian packages when this is root on a system with
# apt-get; it returns non-zero otherwise.
apt_updated=""
apt_install() {
	[[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1 || return 1
	echo "install-test-tools: apt-get install $*" >&2
	if [[ -z "$apt_updated" ]]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
		apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# npm_ci installs a tools/ project's pinned packages unless its lock file
# is already what node_modules was installed from.
npm_ci() {
	local dir="$root/tools/$1"
	local stamp="$dir/node_modules/.vlmask-lock.sha256"
	local want
	want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
	if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
		return 0
	fi
	echo "install-test-tools: npm ci in tools/$1" >&2
	(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	echo "$want" >"$stamp"
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	apt_install nodejs npm || true
fi
command -v node >/dev/null 2>&1 || missing node "the independent-reader and browser tests need node >= 20 and npm"
command -v npm >/dev/null 2>&1 || missing npm "the independent-reader and browser tests need node >= 20 and npm"

major="$(node -p 'process.versions.node.split(".")[0]')"
if ((major < 20)); then
	echo "install-test-tools: node $(node --version) is too old; the test tools need node >= 20" >&2
	[[ -n "$required" ]] && exit 1
	exit 0
fi

npm_ci parquet-reader

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && [[ -z "${VLMASK_CHROMIUM:-}" ]]; then
	apt_install chromium || true
fi
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && [[ -z "${VLMASK_CHROMIUM:-}" ]]; then
	missing chromium "the viewer's browser test needs it: apt-get install chromium, or set VLMASK_CHROMIUM to a Chromium binary"
fi
npm_ci browser-test
