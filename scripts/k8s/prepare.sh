#!/usr/bin/env bash
# Provides a real kube-apiserver, etcd and kubectl for the API tests (fabric8 kube-api-test) and
# the demo, and the rest of a cluster for the real-node tests (kube-controller-manager,
# kube-scheduler, kubelet and kube-proxy for the node's disk, and the sandbox image's `pause`
# program, compiled from the release's build/pause/linux/pause.c), without downloads outside the
# package registries: the Kubernetes binaries are built from the Go module proxy (k8s.io/kubernetes
# at a pinned release), etcd comes from Debian trixie's etcd-server package (extracted, not
# installed). Cached; prints the directory to use as KUBE_API_TEST_DIR (binaries in
# <dir>/k8s/<version>-linux-amd64/).
set -euo pipefail

version="${THINPOOL_K8S_VERSION:-1.34.4}"
root="${THINPOOL_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thinpool-operator/kube-api-test}"
bin="$root/k8s/$version-linux-amd64"
commands=(kube-apiserver kubectl kube-controller-manager kube-scheduler kubelet kube-proxy)
built() {
  for command in "${commands[@]}" etcd pause; do [ -x "$bin/$command" ] || return 1; done
  "$bin/kube-apiserver" --version | grep -q "v$version\$"
}
if built; then
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
  module="$("$go" mod download -json "k8s.io/kubernetes@v$version")"
  gomod="$(sed -n 's/.*"GoMod": "\(.*\)",*/\1/p' <<<"$module")"
  source_dir="$(sed -n 's/.*"Dir": "\(.*\)",*/\1/p' <<<"$module")"
  {
    echo "require k8s.io/kubernetes v$version"
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#replace \1 => \1 '"$staging"'#p' "$gomod"
  } >> go.mod
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for command in "${commands[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$command"; done
    printf ')\n'
  } > tools.go
  "$go" mod tidy >/dev/null 2>&1 || "$go" mod tidy
  # The release's version, as the official build stamps it: the API server derives its
  # compatibility version (and so its feature defaults) from it; clients read it from /version.
  v=k8s.io/component-base/version
  ldflags="-s -w -X $v.gitVersion=v$version -X $v.gitMajor=${version%%.*} -X $v.gitMinor=$(echo "$version" | cut -d. -f2) -X $v.gitTreeState=clean"
  # Static like the release's, except the kubelet, which upstream builds with cgo (it runs on
  # the node's Debian, the same glibc as this machine's).
  for command in "${commands[@]}"; do
    cgo=0
    [ "$command" = kubelet ] && cgo=1
    CGO_ENABLED=$cgo "$go" build -trimpath -ldflags="$ldflags" -o "$bin/$command" "k8s.io/kubernetes/cmd/$command"
  done
  # As build/pause/Makefile builds it for the 3.10.1 image.
  gcc -Os -Wall -Werror -static -DVERSION=v3.10.1 -o "$bin/pause" "$source_dir/build/pause/linux/pause.c"
)

(cd "$work" && apt-get download -qq etcd-server/trixie 2>/dev/null && dpkg-deb -x etcd-server_*.deb extracted)
cp "$work"/extracted/usr/bin/etcd "$bin/etcd"
echo "$root"
