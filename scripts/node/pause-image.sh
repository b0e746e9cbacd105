#!/usr/bin/env bash
# The sandbox ("pause") image every pod of the real node starts with: the `pause` program that
# scripts/k8s/prepare.sh compiles from the Kubernetes release's own source, in an image FROM
# scratch as upstream's, because this machine pulls from no registry. Skipped when the image is
# already in Docker. Prints the image's name. Needs: docker (scripts/lib/dockerd.sh).
set -euo pipefail
image=localhost/pause:3.10.1
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi
k8s="$("$(dirname "$0")/../k8s/prepare.sh" | tail -n1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$(ls -d "$k8s"/k8s/*-linux-amd64 | tail -n1)/pause" "$work/pause"
cat > "$work/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
DOCKERFILE
DOCKER_BUILDKIT=1 docker build -q -t "$image" "$work" >/dev/null
echo "$image"
