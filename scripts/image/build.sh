#!/usr/bin/env bash
# Builds the image localhost/thinpool-operator:dev from the Dockerfile with buildah, without any
# registry: the base comes from base.sh (made once with debootstrap), --pull=never. Layers are
# cached (--layers) and so is Maven's repository (a cache mount), so a source change only rebuilds
# the jar and what follows. When the image in storage was built from exactly these sources (the
# source-digest label: the build context, the Dockerfile, this script and the base), nothing is
# rebuilt at all: with vfs storage even an all-cached buildah run takes most of a minute.
# Prints the image's size. Usage: build.sh [TAG]. Needs: buildah debootstrap (as root; see
# scripts/install-test-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
tag="${1:-localhost/thinpool-operator:dev}"
base=docker.io/library/debian:bookworm-slim
bah() { buildah --storage-driver vfs "$@"; }

scripts/image/base.sh
start=$(date +%s)
# The files .dockerignore lets into the build context, and what else decides the image.
digest="$( { bah inspect --type image --format '{{.FromImageID}}' "$base"
             find Dockerfile .dockerignore scripts/image/build.sh pom.xml operator/pom.xml \
               operator/src/main -type f -print0 | sort -z | xargs -0 sha256sum; } \
           | sha256sum | cut -c1-64)"
built="$(bah inspect --type image --format '{{index .OCIv1.Config.Labels "io.thinpool.source-digest"}}' \
           "$tag" 2>/dev/null || true)"
if [ "$built" = "$digest" ]; then
  echo "build.sh: $tag is up to date with the sources (source digest ${digest:0:12})"
else
  # Maven in the build trusts what this machine's Java trusts (a TLS-inspecting proxy's CA, say).
  truststore="${THINPOOL_BUILD_TRUSTSTORE:-/etc/ssl/certs/java/cacerts}"
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  # The trust store is optional: without it Maven in the build uses the JDK's own.
  secret=()
  [ -f "$truststore" ] && secret=(--secret "id=cacerts,src=$truststore")
  bah bud --isolation chroot --pull=never --layers --force-rm "${secret[@]}" \
    --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    --label io.thinpool.source-digest="$digest" -t "$tag" . | tee "$log"
  echo "build.sh: built $tag in $(( $(date +%s) - start )) s"
  # vfs keeps a full copy of the tree per layer: keep this build's images (the next build's
  # cache) and remove the unnamed ones earlier builds left, or the disk fills up run after run.
  keep="$(sed -n 's/^--> \(Using cache \)\{0,1\}\([0-9a-f]\{11,\}\)$/\2/p' "$log" | cut -c1-11 | sort -u)"
  bah images --all --noheading --format '{{.ID}} {{.Name}}' | awk '$2 == "<none>" {print $1}' \
    | while read -r id; do
        grep -qx "${id:0:11}" <<<"$keep" || bah rmi "$id" >/dev/null 2>&1 || true
      done
fi
bah images --format '{{.Name}}:{{.Tag}} {{.Size}}' "$tag" | sed 's/^/build.sh: image size: /'
