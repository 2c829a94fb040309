#!/usr/bin/env bash
# install-slurm.sh installs what the Slurm recipe's end-to-end test
# (deploy/slurm_test.go, `make test-slurm`) needs: Debian's slurm-wlm
# (slurmctld, slurmd and the sbatch, squeue, scancel, scontrol commands) and
# munge. It needs root and apt-get (Debian or Ubuntu) and does nothing when
# everything is installed. It starts no daemon: the test starts its own
# single-node cluster, with its own munge key and socket, in a temporary
# directory, and stops it at the end.
set -euo pipefail

missing=()
for b in slurmctld slurmd sbatch squeue scancel scontrol sinfo munged mungekey; do
	command -v "$b" >/dev/null 2>&1 || missing+=("$b")
done
if ((${#missing[@]} == 0)); then
	exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-slurm: missing ${missing[*]}: install slurm-wlm and munge (as root: apt-get install slurm-wlm munge)" >&2
	exit 1
fi
echo "install-slurm: apt-get install slurm-wlm munge (missing: ${missing[*]})" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends slurm-wlm munge >&2
