#!/usr/bin/env bash
# Builds the peer the benchmark measures, LVMS's vg-manager (openshift/lvm-operator), from its
# module as published: `go mod download` of github.com/openshift/lvm-operator/v4 through the Go
# module proxy, `go build` of its cmd inside the downloaded module (its go.mod replaces TopoLVM
# with OpenShift's fork, which only resolves there), with the flags of its own Dockerfile (-s -w).
# Then `docker build` of this folder's Dockerfile, as the product's image is built. Nothing of LVMS
# is kept in this repository. Usage: build.sh [VERSION] (default v4.20.0, the newest the proxy
# served on 2026-12-07). Prints the image's name last. Needs: go, a running dockerd, the
# product's base image (scripts/image/base.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${1:-v4.20.0}"
module=github.com/openshift/lvm-operator/v4
image="localhost/lvms-vg-manager:$version"

"$here/../../../../scripts/image/base.sh" >&2
dir="$(go mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
[ -d "$dir" ] || { echo "build.sh: go mod download of $module@$version gave no directory" >&2; exit 1; }
context="$(mktemp -d /tmp/lvms-build.XXXXXX)"
trap 'rm -rf "$context"' EXIT
start=$(date +%s)
(cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$context/lvms" ./cmd) >&2
echo "build.sh: lvms $version built in $(( $(date +%s) - start )) s, $(( $(stat -c %s "$context/lvms") / 1000000 )) MB" >&2
cp "$here/Dockerfile" "$context/"
DOCKER_BUILDKIT=1 docker build --network host --progress quiet -t "$image" "$context" >&2
echo "$dir"
echo "$image"
