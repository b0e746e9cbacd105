# Sourced, from the repository's root, by scripts/test.sh and the benchmarks that run a real node:
# installs the prerequisites, starts the Docker engine (stopped again at exit if started here),
# exports KUBE_API_TEST_DIR (the Kubernetes binaries, built or extracted once and cached) and builds
# the real node's bookworm disk (cached).
scripts/install-test-deps.sh
source scripts/lib/dockerd.sh
dockerd_start
KUBE_API_TEST_DIR="$(scripts/k8s/prepare.sh | tail -n1)"
export KUBE_API_TEST_DIR
scripts/node/image.sh bookworm k8s >/dev/null
