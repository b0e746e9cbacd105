#!/usr/bin/env bash
# Builds the image from the Dockerfile with the Docker engine, as the README tells users to:
# `docker build` (BuildKit), with the base from base.sh (made once with debootstrap, since this
# machine cannot pull) and the host network (dockerd runs here without a bridge). Docker's layer
# cache and the Maven cache mount make an unchanged tree a no-op and a source change rebuild only
# the jar and what follows. Prints the image's size. Usage: build.sh [TAG] (default
# localhost/thinpool-operator:dev, the chart's default repository). Needs: a running dockerd,
# the buildx plugin, debootstrap (as root; scripts/install-test-deps.sh, scripts/lib/dockerd.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
tag="${1:-localhost/thinpool-operator:dev}"

scripts/image/base.sh
start=$(date +%s)
# Maven in the build trusts what this machine's Java trusts (a TLS-inspecting proxy's CA, say).
# The trust store is optional: without it Maven in the build uses the JDK's own.
truststore="${THINPOOL_BUILD_TRUSTSTORE:-/etc/ssl/certs/java/cacerts}"
secret=()
[ -f "$truststore" ] && secret=(--secret "id=cacerts,src=$truststore")
DOCKER_BUILDKIT=1 docker build --network host --progress plain "${secret[@]}" \
  --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" -t "$tag" .
echo "build.sh: built $tag in $(( $(date +%s) - start )) s"
docker image inspect --format '{{.Size}}' "$tag" \
  | awk -v t="$tag" '{printf "build.sh: image size: %s %.0f MB\n", t, $1 / 1000 / 1000}'
