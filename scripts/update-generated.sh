#!/usr/bin/env bash
# Regenerates crds/ from the API classes (commit the result; the build fails while they differ).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl operator -am test-compile -Dspotless.check.skip=true
mvn -B -q -ntp -pl operator exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.thinpool.operator.api.CrdGeneration -Dexec.args="$PWD/crds"
