package io.thinpool.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chart's alert rules, checked and unit-tested by Prometheus' own promtool against recorded
 * series (src/test/resources/prometheus/rules-test.yaml): each alert fires on the metric it is
 * about, after its "for", and stays silent where it should.
 */
class PrometheusRulesTest {

  private static final Path RULES =
      Path.of("../helm/thinpool-operator/files/prometheus-rules.yaml");
  private static final Path TESTS = Path.of("src/test/resources/prometheus/rules-test.yaml");

  private static String promtool(String... args) throws IOException, InterruptedException {
    Path promtool = Path.of("/usr/bin/promtool");
    assertThat(promtool)
        .as("promtool is needed to test the alert rules: run scripts/install-test-deps.sh")
        .isExecutable();
    List<String> argv = new ArrayList<>(List.of(promtool.toString()));
    argv.addAll(List.of(args));
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
    return output;
  }

  @Test
  void theRulesAreValidPrometheusRules() throws Exception {
    assertThat(promtool("check", "rules", RULES.toString())).contains("SUCCESS: 9 rules found");
  }

  @Test
  void everyAlertFiresOnRecordedSeriesAsItShould() throws Exception {
    assertThat(Files.readString(TESTS))
        .contains(
            "ThinPoolMetadataUsageCritical",
            "ThinPoolFullWithin24h",
            "ThinPoolUnhealthy",
            "ThinPoolAgentDown");
    assertThat(promtool("test", "rules", TESTS.toString())).contains("SUCCESS");
  }
}
