#!/usr/bin/env bash
# Regenerates the committed generated files: crds/ and the chart's crds/ from the API classes,
# deploy/thinpool-operator.yaml from the chart (commit the result; the build fails while they differ).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl operator -am test-compile -Dspotless.check.skip=true
# From operator/, as the tests run: the chart is found at ../helm.
cd operator
mvn -B -q -ntp exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.thinpool.operator.chart.GeneratedFiles -Dexec.args=..
