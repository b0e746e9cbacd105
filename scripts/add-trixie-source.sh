#!/usr/bin/env bash
# Adds Debian trixie as a package source pinned low (priority 50), so that nothing is upgraded
# from it and single packages can be asked for by name: etcd-server, golang-1.24-go, promtool.
set -euo pipefail
if apt-cache policy 2>/dev/null | grep -q "n=trixie"; then
  exit 0
fi
cat > /etc/apt/sources.list.d/thinpool-trixie.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
cat > /etc/apt/preferences.d/thinpool-trixie <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 50
PIN
apt-get update -qq
