package io.thinpool.operator.realnode;

import static io.thinpool.operator.testnode.NodeVm.disk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.status.Conditions;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testnode.PrometheusServer;
import io.thinpool.operator.testnode.RealCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Watched as operators watch: a real Prometheus beside the real cluster discovers the agent and the
 * controller through the chart's Services with the scrape config the chart ships
 * (files/prometheus-scrape-config.yaml), scrapes them on the real node, evaluates the chart's alert
 * rules exactly as its PrometheusRule carries them, and answers every query of the chart's Grafana
 * dashboard. Two pools on the node: one with room to grow (healthy, no alert), one with the
 * runbook's sizes (no room), which is filled until the kernel runs out of data space.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag(Tiers.NODE)
class ThinPoolPrometheusIT {

  private static final String ROOM = "with-room";
  private static final String FULL = "no-room";
  private static final String FULL_VG = "tight";
  private static final List<String> POOL_SERIES =
      List.of(
          "thinpool_data_usage_ratio",
          "thinpool_metadata_usage_ratio",
          "thinpool_pool_size_bytes",
          "thinpool_volume_group_free_bytes",
          "thinpool_monitored",
          "thinpool_autoextend_possible",
          "thinpool_healthy",
          "thinpool_thin_devices",
          "thinpool_thin_devices_foreign",
          "thinpool_phase",
          "thinpool_extensions_observed_total");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RealCluster cluster;
  private static KubernetesClient client;
  private static PrometheusServer prometheus;
  private static Instant started;

  @BeforeAll
  static void startTheClusterPrometheusAndTheChart() {
    cluster = RealCluster.start();
    client = cluster.client();
    prometheus =
        PrometheusServer.start(
            cluster.controlPlane(),
            client,
            Chart.DIR.resolve("files/prometheus-scrape-config.yaml"),
            shippedRules());
    started = Instant.now();
    cluster.installChart(Map.of(), Duration.ofMinutes(6));
    cluster.labelNodeForPools();
  }

  @AfterAll
  static void stopTheCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void theAgentAndTheControllerAreFoundThroughTheChartsServicesAndScraped() {
    List<JsonNode> targets =
        await("Prometheus scrapes the agent and the controller")
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(2))
            .until(
                prometheus::targets,
                found ->
                    up(found, "thinpool-agent").isPresent()
                        && up(found, "thinpool-controller").isPresent());

    JsonNode agent = up(targets, "thinpool-agent").orElseThrow().path("labels");
    assertThat(agent.path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(agent.path("pod").asText()).startsWith("thinpool-agent-");
    assertThat(prometheus.rules().findValuesAsText("name"))
        .contains("ThinPoolUnhealthy", "ThinPoolAutoextendImpossible", "ThinPoolAgentDown");
  }

  @Test
  @Order(2)
  void aHealthyPoolsSeriesCarryTheLabelsTheRulesUseAndRaiseNoAlert() {
    applyConfig(ROOM, "docker", disk(0), 40, 2);
    awaitReady(ROOM);

    for (String series : POOL_SERIES) {
      JsonNode result =
          await(series + " of " + ROOM)
              .atMost(Duration.ofMinutes(1))
              .until(
                  () -> prometheus.query(series + "{config=\"" + ROOM + "\"}"), r -> !r.isEmpty());
      JsonNode labels = result.get(0).path("metric");
      assertThat(labels.path("job").asText()).as(series).isEqualTo("thinpool-agent");
      assertThat(labels.path("node").asText()).as(series).isEqualTo(RealCluster.NODE);
      assertThat(labels.path("volume_group").asText()).as(series).isEqualTo("docker");
      assertThat(labels.path("pool").asText()).as(series).isEqualTo("thinpool");
    }
    assertThat(value("thinpool_healthy{config=\"" + ROOM + "\"}")).isEqualTo(1);
    assertThat(value("thinpool_autoextend_possible{config=\"" + ROOM + "\"}")).isEqualTo(1);
    assertThat(value("thinpool_phase{config=\"" + ROOM + "\", phase=\"Ready\"}")).isEqualTo(1);

    // Rounds of rules after the series exist: a healthy pool raises nothing, not even pending.
    await("no alert, not even pending, over three rounds of rules")
        .during(PrometheusServer.INTERVAL.multipliedBy(3))
        .atMost(PrometheusServer.INTERVAL.multipliedBy(5))
        .until(() -> prometheus.alerts().isEmpty());
  }

  @Test
  @Order(3)
  void everyQueryOfTheDashboardIsValidAndReturnsSeries() throws IOException {
    JsonNode dashboard = JSON.readTree(Chart.DIR.resolve("files/grafana-dashboard.json").toFile());
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String query = variable.path("query").asText();
      if (query.startsWith("label_values(")) {
        // label_values(<selector>, <label>) is Grafana's; its selector is the query to run.
        queries.add(query.substring("label_values(".length(), query.lastIndexOf(',')));
      }
    }
    assertThat(queries).hasSizeGreaterThan(15);

    for (String query : queries) {
      String promql = query.replace("$node", ".*").replace("$pool", ".*");
      assertThat(prometheus.query(promql)).as("series of `%s`", promql).isNotEmpty();
    }
    System.out.printf("dashboard: %d queries, each answered with series%n", queries.size());
  }

  @Test
  @Order(4)
  void aPoolWithoutRoomRaisesItsAlertAndOneOutOfDataSpaceFiresThinPoolUnhealthyWithinItsFor() {
    applyConfig(FULL, FULL_VG, disk(1), 90, 5);
    awaitReady(FULL);
    await("ThinPoolAutoextendImpossible raised for " + FULL)
        .atMost(Duration.ofMinutes(1))
        .until(() -> alert("ThinPoolAutoextendImpossible", FULL_VG).isPresent());

    // Fill the pool past its end: the kernel queues the writes it cannot place, then fails them.
    cluster
        .node()
        .must("lvcreate", "--yes", "-V", "4G", "-T", FULL_VG + "/thinpool", "-n", "filler");
    // In the background: the writes block in the kernel's queue once the pool is full, while the
    // alert is watched from its first moment.
    Instant filling = Instant.now();
    CompletableFuture<CommandResult> filled =
        CompletableFuture.supplyAsync(
            () ->
                cluster
                    .node()
                    .run(
                        new HostCommand(
                            List.of(
                                "timeout",
                                "150",
                                "dd",
                                "if=/dev/zero",
                                "of=/dev/" + FULL_VG + "/filler",
                                "bs=4M",
                                "oflag=direct",
                                "status=none"),
                            null,
                            Duration.ofMinutes(4))));

    JsonNode pending =
        await("ThinPoolUnhealthy pending for " + FULL)
            .atMost(Duration.ofMinutes(3))
            .until(() -> alert("ThinPoolUnhealthy", FULL_VG), Optional::isPresent)
            .orElseThrow();
    // Prometheus says when the alert became active (pending); it must fire one `for:` later.
    Instant active = Instant.parse(pending.path("activeAt").asText());
    Duration forDuration = Duration.ofMinutes(1);
    await("ThinPoolUnhealthy firing within its for: of 1m")
        .atMost(forDuration.plus(PrometheusServer.INTERVAL.multipliedBy(4)))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> alert("ThinPoolUnhealthy", FULL_VG),
            a -> a.isPresent() && a.get().path("state").asText().equals("firing"));
    Duration pendingFor = Duration.between(active, Instant.now());
    System.out.printf(
        "prometheus: fill started -> ThinPoolUnhealthy active %d s later; firing %d s after it"
            + " became active (for: %d s)%n",
        Duration.between(filling, active).toSeconds(),
        pendingFor.toSeconds(),
        forDuration.toSeconds());
    assertThat(pendingFor)
        .isBetween(forDuration, forDuration.plus(PrometheusServer.INTERVAL.multipliedBy(3)));
    assertThat(filled.join().succeeded()).as("writes past the pool's end fail").isFalse();
    assertThat(pending.path("labels").path("node").asText()).isEqualTo(RealCluster.NODE);
    assertThat(pending.path("labels").path("config").asText()).isEqualTo(FULL);
    assertThat(pending.path("labels").path("severity").asText()).isEqualTo("critical");
    assertThat(value("thinpool_healthy{config=\"" + FULL + "\"}")).isZero();
    assertThat(prometheus.alerts())
        .as("the pool with room raises nothing")
        .noneMatch(a -> a.path("labels").path("config").asText().equals(ROOM));
  }

  @Test
  @Order(5)
  void theDashboardIsDrawnFromTheRunsRealSeries() throws IOException {
    JsonNode dashboard = JSON.readTree(Chart.DIR.resolve("files/grafana-dashboard.json").toFile());

    String svg = DashboardPicture.draw(dashboard, prometheus, started, Instant.now());

    Path picture = Path.of("target/real-node/dashboard.svg");
    Files.createDirectories(picture.getParent());
    Files.writeString(picture, svg);
    System.out.printf("dashboard: drawn from this run's series into %s%n", picture);
    assertThat(svg)
        .contains("Data and metadata usage", "Unhealthy pools")
        .contains("docker/thinpool data", "tight/thinpool data")
        .containsPattern("<polyline [^>]*points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+");
  }

  /** The rule groups of the PrometheusRule the chart renders, as a Prometheus rule file. */
  private static String shippedRules() {
    try {
      for (String document :
          Chart.render(Map.of("prometheusRule.enabled", true)).split("(?m)^---$")) {
        JsonNode object = YAML.readTree(document);
        if (object != null && "PrometheusRule".equals(object.path("kind").asText())) {
          return YAML.writeValueAsString(object.path("spec"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("the chart rendered no PrometheusRule");
  }

  private static Optional<JsonNode> up(List<JsonNode> targets, String job) {
    return targets.stream()
        .filter(t -> t.path("labels").path("job").asText().equals(job))
        .filter(t -> t.path("health").asText().equals("up"))
        .findFirst();
  }

  /** The alert of this name on this volume group, pending or firing. */
  private static Optional<JsonNode> alert(String name, String volumeGroup) {
    return prometheus.alerts().stream()
        .filter(a -> a.path("labels").path("alertname").asText().equals(name))
        .filter(a -> a.path("labels").path("volume_group").asText().equals(volumeGroup))
        .findFirst();
  }

  private static double value(String promql) {
    JsonNode result = prometheus.query(promql);
    assertThat(result).as(promql).hasSize(1);
    return result.get(0).path("value").get(1).asDouble();
  }

  private static void applyConfig(
      String name, String volumeGroup, String device, int dataPercent, int metadataPercent) {
    cluster.createConfig(
        name,
        spec -> {
          spec.devices = List.of(device);
          spec.volumeGroup = volumeGroup;
          spec.dataPercentOfVg = dataPercent;
          spec.metadataPercentOfVg = metadataPercent;
        });
  }

  private static void awaitReady(String config) {
    String name = ThinPool.nameFor(config, RealCluster.NODE);
    try {
      await("ThinPool " + name + " Ready")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(
              () -> client.resources(ThinPool.class).withName(name).get(),
              p ->
                  p != null
                      && p.getStatus() != null
                      && Conditions.isTrue(p.getStatus().conditions, "Ready"));
    } catch (ConditionTimeoutException e) {
      ThinPool pool = client.resources(ThinPool.class).withName(name).get();
      throw new AssertionError(
          "ThinPool "
              + name
              + " not Ready; its status:\n"
              + (pool == null ? "(none)" : Serialization.asYaml(pool.getStatus()))
              + "\nthe agent's log:\n"
              + cluster.logTail("agent", 40),
          e);
    }
  }
}
