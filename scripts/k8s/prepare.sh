#!/usr/bin/env bash
# Provides a real kube-apiserver, etcd and kubectl for the API tests (fabric8 kube-api-test) and
# the demo, without downloads outside the package registries: kube-apiserver and kubectl are built
# from the Go module proxy (k8s.io/kubernetes at a pinned release), etcd comes from Debian trixie's
# etcd-server package (extracted, not installed). Cached; prints the directory to use as
# KUBE_API_TEST_DIR (binaries in <dir>/k8s/<version>-linux-amd64/).
set -euo pipefail

version="${THINPOOL_K8S_VERSION:-1.34.4}"
root="${THINPOOL_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thinpool-operator/kube-api-test}"
bin="$root/k8s/$version-linux-amd64"
if [ -x "$bin/kube-apiserver" ] && [ -x "$bin/kubectl" ] && [ -x "$bin/etcd" ] \
   && "$bin/kube-apiserver" --version | grep -q "v$version\$"; then
  echo "$root"
  exit 0
fi
mkdir -p "$bin"
# Debian trixie, pinned low so that nothing is upgraded from it: etcd 3.5, and Go 1.24 where the
# machine's Go is missing or too old for Kubernetes 1.34.
"$(dirname "$0")/../add-trixie-source.sh"

go=go
if ! command -v go >/dev/null || [ "$(go env GOVERSION | sed 's/^go1\.\([0-9]*\).*/\1/')" -lt 24 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie golang-1.24-go >/dev/null
  go=/usr/lib/go-1.24/bin/go
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A wrapper module: k8s.io/kubernetes refers to its staging modules by local path, so each one is
# pinned to the v0.x.y release that matches the Kubernetes release.
staging="v0.${version#1.}"
(
  cd "$work"
  "$go" mod init thinpool.io/kube-apiserver-build >/dev/null 2>&1
  gomod="$("$go" mod download -json "k8s.io/kubernetes@v$version" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
  {
    echo "require k8s.io/kubernetes v$version"
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#replace \1 => \1 '"$staging"'#p' "$gomod"
  } >> go.mod
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  "$go" mod tidy >/dev/null 2>&1 || "$go" mod tidy
  # The release's version, as the official build stamps it: the API server derives its
  # compatibility version (and so its feature defaults) from it; clients read it from /version.
  v=k8s.io/component-base/version
  ldflags="-s -w -X $v.gitVersion=v$version -X $v.gitMajor=${version%%.*} -X $v.gitMinor=$(echo "$version" | cut -d. -f2) -X $v.gitTreeState=clean"
  CGO_ENABLED=0 "$go" build -trimpath -ldflags="$ldflags" -o "$bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  CGO_ENABLED=0 "$go" build -trimpath -ldflags="$ldflags" -o "$bin/kubectl" k8s.io/kubernetes/cmd/kubectl
)

(cd "$work" && apt-get download -qq etcd-server/trixie 2>/dev/null && dpkg-deb -x etcd-server_*.deb extracted)
cp "$work"/extracted/usr/bin/etcd "$bin/etcd"
echo "$root"
