package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.thinpool.operator.Operators;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.NodeSelector;
import io.thinpool.operator.api.PoolParameters.DeletionPolicy;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolConfigSpec;
import io.thinpool.operator.api.ThinPoolPhases;
import io.thinpool.operator.api.ThinPoolSpec;
import io.thinpool.operator.lvm.FakeLvmNode;
import io.thinpool.operator.metrics.OperatorHttpServer;
import io.thinpool.operator.status.Conditions;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The controller and three nodes' agents in-process against a real API server, each acting as its
 * service account with only the chart's RBAC rules; the nodes' LVM is simulated in memory (the
 * real-kernel behaviour is PoolEngineIT's).
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@Tag(Tiers.API)
class ThinPoolOperatorIT {

  private static final long DISK = 2L * 1024 * 1024 * 1024;
  private static final List<String> NODES = List.of("node-a", "node-b", "node-c");

  static KubernetesClient client;

  private final Map<String, FakeLvmNode> hosts = new LinkedHashMap<>();
  private final List<Operator> operators = new ArrayList<>();

  /** A lease of its own per test: no waiting for the previous test's leader's lease to expire. */
  private final String leaseNamespace = "lease-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void installCrdsAndRbac() {
    KubeApi.installCrds(client);
    KubeApi.installChartRbac(client);
  }

  @BeforeEach
  void startControllerAndAgents() {
    for (String name : NODES) {
      client
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .addToLabels("thinpool.io/storage", "true")
                  .endMetadata()
                  .build())
          .create();
      // The samples name the disk by a stable link, as users should.
      hosts.put(name, new FakeLvmNode(DISK, "/dev/sdb").withLink(SAMPLE_DISK_LINK, "/dev/sdb"));
      start(
          Operators.agent(
              KubeApi.as(client, KubeApi.AGENT),
              name,
              hosts.get(name),
              Duration.ofSeconds(1),
              new SimpleMeterRegistry()));
    }
    KubeApi.bindLeaderElection(client, leaseNamespace);
    start(Operators.controller(KubeApi.as(client, KubeApi.CONTROLLER), leaseNamespace, false));
  }

  private void start(Operator operator) {
    operators.add(operator);
    operator.start();
  }

  @AfterEach
  void stopAll() {
    operators.forEach(Operator::stop);
    KubeApi.deleteAll(client, ThinPool.class, ThinPoolConfig.class);
    client.nodes().delete();
  }

  private static ThinPoolConfig runbook() {
    ThinPoolConfig config = new ThinPoolConfig();
    config.setMetadata(new ObjectMetaBuilder().withName("runbook").build());
    ThinPoolConfigSpec spec = new ThinPoolConfigSpec();
    spec.devices = List.of("/dev/sdb");
    spec.nodeSelector = new NodeSelector();
    spec.nodeSelector.matchLabels.put("thinpool.io/storage", "true");
    config.setSpec(spec);
    return config;
  }

  private static ThinPoolConfig config() {
    return client.resources(ThinPoolConfig.class).withName("runbook").get();
  }

  private static void awaitReady(String ready) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> config().getStatus() != null && ready.equals(config().getStatus().ready));
  }

  private static List<ThinPool> pools() {
    return client.resources(ThinPool.class).list().getItems();
  }

  @Test
  void theRunbookConfigGivesEveryNodeAReadyPoolAndASummary() {
    client.resource(runbook()).create();

    awaitReady("3/3");

    assertThat(pools())
        .extracting(p -> p.getSpec().nodeName)
        .containsExactlyInAnyOrderElementsOf(NODES);
    assertThat(pools())
        .allSatisfy(
            p -> {
              assertThat(p.getMetadata().getLabels())
                  .containsEntry(ThinPool.CONFIG_LABEL, "runbook");
              assertThat(p.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(o -> assertThat(o.getName()).isEqualTo("runbook"));
              assertThat(p.getStatus().pool.size).isEqualTo("1.79Gi");
            });
    hosts.get("node-b").fill("docker", "thinpool", 61.0);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Double.valueOf(61.0).equals(config().getStatus().maxDataPercent));
    assertThat(config().getStatus().maxDataPercentNode).isEqualTo("node-b");
    assertThat(config().getStatus().nodes.get(0).node).isEqualTo("node-b");
    String printed = KubeApi.kubectl(client, "get", "tpc,tp");
    System.out.println(printed);
    assertThat(printed)
        .containsPattern("NAME +READY +MAX DATA% +MAX META% +AGE")
        .containsPattern("runbook +3/3 +61")
        .containsPattern(
            "NAME +NODE +CONFIG +SIZE +DATA% +META% +DEVICES +AUTOEXTEND +PHASE +READY +AGE")
        .containsPattern(
            "runbook\\.node-b +node-b +runbook +1\\.79Gi +61 +10 +0 +NoRoom +Degraded +True");
  }

  @Test
  void theShippedSamplesAppliedTogetherEachGiveTheirOwnNodesAPoolWithoutConflict() {
    label("node-a", "runbook");
    label("node-b", "with-autoextend-room");

    KubeApi.kubectl(client, "apply", "-f", "../deploy/samples/");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client.resources(ThinPoolConfig.class).list().getItems().stream()
                        .filter(c -> c.getStatus() != null && "1/1".equals(c.getStatus().ready))
                        .count()
                    == 2);
    assertThat(pools())
        .extracting(
            p ->
                p.getSpec().nodeName + " " + p.getMetadata().getLabels().get(ThinPool.CONFIG_LABEL))
        .containsExactlyInAnyOrder("node-a docker-runbook", "node-b docker-autoextend");
    assertThat(pools())
        .allSatisfy(
            p -> {
              assertThat(p.getStatus().phase).isNotEqualTo(ThinPoolPhases.CONFLICT);
              assertThat(Conditions.isTrue(p.getStatus().conditions, ConditionTypes.CONFLICT))
                  .isFalse();
            });
    assertThat(hosts.get("node-c").commands()).noneMatch(c -> c.startsWith("pvcreate"));
  }

  private static final String SAMPLE_DISK_LINK = "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4";

  private static void label(String node, String storage) {
    client
        .nodes()
        .withName(node)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("thinpool.io/storage", storage);
              return n;
            });
  }

  @Test
  void whenANodeLeavesTheSelectionItsThinPoolGoesAndLvmIsRetainedThenItComesBack() {
    client.resource(runbook()).create();
    awaitReady("3/3");

    client
        .nodes()
        .withName("node-c")
        .edit(
            n -> {
              n.getMetadata().getLabels().remove("thinpool.io/storage");
              return n;
            });

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> pools().size() == 2 && "2/2".equals(config().getStatus().ready));
    assertThat(hosts.get("node-c").commands()).noneMatch(c -> c.startsWith("vgremove"));

    label("node-c", "true");
    await().atMost(Duration.ofSeconds(30)).until(() -> "3/3".equals(config().getStatus().ready));
  }

  @Test
  void whenANodeWhosePoolARuntimeUsesLeavesTheSelectionThenDeleteWaitsForConsent() {
    ThinPoolConfig config = runbook();
    config.getSpec().deletionPolicy = DeletionPolicy.Delete;
    client.resource(config).create();
    awaitReady("3/3");
    hosts.get("node-c").useAsRuntime("docker", "thinpool", 2, 30.0, 0);

    label("node-c", "false");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                pool("runbook.node-c")
                    .flatMap(
                        p ->
                            Conditions.find(
                                p.getStatus().conditions, ConditionTypes.TEARDOWN_REFUSED))
                    .filter(c -> c.getReason().equals("PoolHoldsData"))
                    .isPresent());
    assertThat(hosts.get("node-c").commands()).noneMatch(c -> c.startsWith("vgremove"));

    KubeApi.annotateThinPool(
        client,
        "runbook.node-c",
        ThinPool.DESTROY_DATA_ANNOTATION,
        KubeApi.consentToken(pool("runbook.node-c").orElseThrow()));

    await().atMost(Duration.ofSeconds(30)).until(() -> pool("runbook.node-c").isEmpty());
    assertThat(hosts.get("node-c").commands()).contains("vgremove --force --yes docker");
    assertThat(hosts.get("node-a").commands()).noneMatch(c -> c.startsWith("vgremove"));
  }

  private static Optional<ThinPool> pool(String name) {
    return Optional.ofNullable(client.resources(ThinPool.class).withName(name).get());
  }

  @Test
  void aSpecChangeReachesEveryNodeAndADeletedNodeDoesNotBlockDeletion() {
    client.resource(runbook()).create();
    awaitReady("3/3");

    client
        .resources(ThinPoolConfig.class)
        .withName("runbook")
        .edit(
            c -> {
              c.getSpec().autoextend.thresholdPercent = 70;
              return c;
            });

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                pools().stream()
                    .allMatch(
                        p ->
                            p.getStatus() != null
                                && p.getStatus().autoextend != null
                                && Integer.valueOf(70)
                                    .equals(p.getStatus().autoextend.thresholdPercent)));
    hosts
        .values()
        .forEach(
            host ->
                assertThat(host.commands())
                    .anyMatch(
                        c ->
                            c.startsWith(
                                "dd of=/etc/lvm/profile/docker-thinpool.profile.docker-thinpool.tmp")));

    operators.get(1).stop(); // node-b's agent goes with its node
    client.nodes().withName("node-b").delete();
    client.resources(ThinPoolConfig.class).withName("runbook").delete();

    await().atMost(Duration.ofSeconds(30)).until(() -> config() == null && pools().isEmpty());
  }

  @Test
  void aStandbyControllerIsHealthyAndTakesOverWhenTheLeaderGoes() throws Exception {
    Operator leader = operators.get(operators.size() - 1);
    client.resource(runbook()).create();
    awaitReady("3/3"); // the first controller leads: it alone was there to reconcile
    Operator standby =
        Operators.controller(KubeApi.as(client, KubeApi.CONTROLLER), leaseNamespace, false);
    start(standby);

    try (OperatorHttpServer http =
        new OperatorHttpServer(0, standby, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      assertThat(ThinPoolAgentIT.fetch(http, "/healthz").statusCode()).isEqualTo(200);
      assertThat(ThinPoolAgentIT.fetch(http, "/readyz").statusCode()).isEqualTo(200);

      leader.stop();
      hosts.get("node-b").fill("docker", "thinpool", 61.0);

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Double.valueOf(61.0).equals(config().getStatus().maxDataPercent));
      assertThat(ThinPoolAgentIT.fetch(http, "/readyz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aThinPoolOfTheSameNameThatTheConfigDoesNotOwnIsLeftAloneAndReported() {
    ThinPool handMade = new ThinPool();
    handMade.setMetadata(new ObjectMetaBuilder().withName("runbook.node-a").build());
    handMade.setSpec(new ThinPoolSpec());
    handMade.getSpec().nodeName = "node-a";
    handMade.getSpec().devices = List.of("/dev/sdc");
    client.resource(handMade).create();

    client.resource(runbook()).create();

    awaitReady("2/3");
    assertThat(config().getStatus().nodes.get(0))
        .satisfies(
            node -> {
              assertThat(node.node).isEqualTo("node-a");
              assertThat(node.phase).isEqualTo("Conflict");
              assertThat(node.message).contains("belongs to no ThinPoolConfig (made by hand)");
            });
    ThinPool untouched = client.resources(ThinPool.class).withName("runbook.node-a").get();
    assertThat(untouched.getSpec().devices).containsExactly("/dev/sdc");
    assertThat(untouched.getMetadata().getOwnerReferences()).isEmpty();
  }
}
