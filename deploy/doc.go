// Package deploy holds the recipes that run vlmask studies on clusters —
// deploy/slurm (Slurm job arrays, CPU and GPU), deploy/k8s (a Kubernetes
// Indexed Job) and the repository's Dockerfile they use — and their tests:
// the Kubernetes manifest is validated offline against the Kubernetes JSON
// schema (testdata/kubernetes-json-schema), and the Slurm recipe is run for
// real on a single-node Slurm cluster that the test starts in a temporary
// directory (`make test-slurm`; it needs root, and installs Debian's
// slurm-wlm and munge with scripts/install-slurm.sh when they are missing).
//
// The package has no code of its own: this file gives the tests a home.
package deploy
