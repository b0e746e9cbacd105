#!/usr/bin/env bash
# The image's Java runtime, made from a JDK 17 and the application jar: the Dockerfile runs it in
# its build stage, scripts/bench-agent.sh on this machine, so that the benchmark measures the JVM
# the pods run. Usage: jre.sh JAR OUT (OUT must not exist).
# The modules the jar uses (jdeps), plus jdk.crypto.ec, which only TLS at run time asks for (ECDHE
# with the API server). Java debug attributes are stripped; libjvm keeps its symbols (readable
# native frames in a crash log; --strip-debug would also need binutils).
# Without the JDK's public CA bundle (lib/security/cacerts): the client merges it into the cluster
# CA it trusts for the API server, so any public CA could vouch for the API server's name; and its
# 140-odd parsed certificates stay in every agent's heap. With no file there, the service account's
# CA is the only one trusted, as in any in-cluster client.
set -euo pipefail
jar="$1" out="$2"
modules="$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 "$jar")"
echo "jlink modules: $modules,jdk.crypto.ec"
jlink --add-modules "$modules,jdk.crypto.ec" --output "$out" \
  --strip-java-debug-attributes --no-man-pages --no-header-files --compress=2
rm "$out/lib/security/cacerts"
