package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.thinpool.operator.Operators;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.PoolParameters.DeletionPolicy;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolSpec;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.FakeLvmNode;
import io.thinpool.operator.metrics.OperatorHttpServer;
import io.thinpool.operator.status.Conditions;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One node's agent in-process against a real API server, its node simulated in memory. */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@Tag(Tiers.API)
class ThinPoolAgentIT {

  private static final long DISK = 2L * 1024 * 1024 * 1024;
  private static final Duration REFRESH = Duration.ofMillis(500);

  static KubernetesClient client;

  private FakeLvmNode nodeA;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Operator agent;

  @BeforeAll
  static void installCrds() {
    KubeApi.installCrds(client);
  }

  @BeforeEach
  void startAgent() {
    nodeA = new FakeLvmNode(DISK, "/dev/sdb", "/dev/sdc");
    agent = agent(REFRESH, registry);
    agent.start();
  }

  private Operator agent(Duration refresh, PrometheusMeterRegistry metrics) {
    KubernetesClient own =
        new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    return Operators.agent(own, "node-a", nodeA, refresh, metrics);
  }

  /** A new agent process for node-a that refreshes only every {@code refresh}. */
  private void restartAgent(Duration refresh) {
    agent.stop();
    agent = agent(refresh, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    agent.start();
  }

  @AfterEach
  void stopAgent() {
    agent.stop();
    KubeApi.deleteAll(client, ThinPool.class);
  }

  private static ThinPool pool(String name, String node, String... devices) {
    ThinPool pool = new ThinPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withLabels(Map.of(ThinPool.NODE_LABEL, node, ThinPool.CONFIG_LABEL, "runbook"))
            .build());
    ThinPoolSpec spec = new ThinPoolSpec();
    spec.nodeName = node;
    spec.devices = List.of(devices);
    pool.setSpec(spec);
    return pool;
  }

  /** "Type Reason" of the Events recorded for a ThinPool, as `kubectl describe` shows them. */
  private static List<String> events(String pool) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> pool.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getType() + " " + e.getReason())
        .toList();
  }

  private static ThinPool get(String name) {
    return client.resources(ThinPool.class).withName(name).get();
  }

  private static boolean ready(String name) {
    ThinPool pool = get(name);
    return pool != null
        && pool.getStatus() != null
        && Conditions.isTrue(pool.getStatus().conditions, "Ready");
  }

  @Test
  void whenAThinPoolIsCreatedThenTheAgentBuildsThePoolAndReportsUsageThenStaysQuiet() {
    client.resource(pool("runbook.node-a", "node-a", "/dev/sdb")).create();

    await().atMost(Duration.ofSeconds(30)).until(() -> ready("runbook.node-a"));

    ThinPool built = get("runbook.node-a");
    assertThat(built.getMetadata().getFinalizers()).contains(ThinPoolReconciler.FINALIZER);
    assertThat(built.getStatus().phase).isEqualTo("Degraded"); // the runbook's sizes leave no room
    assertThat(built.getStatus().pool.size).isEqualTo("1.79Gi");
    assertThat(built.getStatus().pool.dataPercent).isEqualTo(0.0);
    assertThat(built.getStatus().autoextend.state).isEqualTo("NoRoom");
    // What consumers are given, as the API server kept it (fields missing from the CRD's schema
    // would have been pruned).
    assertThat(built.getStatus().pool.name).isEqualTo("thinpool");
    assertThat(built.getStatus().pool.volumeGroup).isEqualTo("docker");
    assertThat(built.getStatus().pool.deviceMapperName).isEqualTo("docker-thinpool");
    assertThat(built.getStatus().pool.devicePath).isEqualTo("/dev/mapper/docker-thinpool");
    assertThat(built.getStatus().pool.thinVolumes).isZero();
    assertThat(built.getStatus().observedGeneration).isEqualTo(built.getMetadata().getGeneration());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events("runbook.node-a").contains("Normal PoolCreated"));
    assertThat(events("runbook.node-a")).contains("Warning NoRoom");

    // Refreshes keep observing the node but write nothing while nothing changed.
    String version = built.getMetadata().getResourceVersion();
    int observed = nodeA.commands().size();
    await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.commands().size() >= observed + 6);
    assertThat(get("runbook.node-a").getMetadata().getResourceVersion()).isEqualTo(version);

    // Usage changes without any API event: the next refresh reports it.
    nodeA.fill("docker", "thinpool", 42.5);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> Double.valueOf(42.5).equals(get("runbook.node-a").getStatus().pool.dataPercent));
  }

  @Test
  void whenTheKernelRaisesAnEventOnThePoolThenTheStatusFollowsWithoutWaitingForTheRefresh() {
    FakeLvmNode nodeB = new FakeLvmNode(DISK, "/dev/sdb");
    Operator slow =
        Operators.agent(
            new KubernetesClientBuilder().withConfig(client.getConfiguration()).build(),
            "node-b",
            nodeB,
            Duration.ofHours(1),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    slow.start();
    try {
      client.resource(pool("runbook.node-b", "node-b", "/dev/sdb")).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> ready("runbook.node-b"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> nodeB.commands().contains("dmsetup wait -- docker-thinpool 0"));

      // The fake raises the pool's event as the kernel does past the low-water mark; only that
      // event can wake the agent within the hour-long refresh.
      nodeB.fill("docker", "thinpool", 85.0);

      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  Double.valueOf(85.0).equals(get("runbook.node-b").getStatus().pool.dataPercent));
    } finally {
      slow.stop();
    }
  }

  @Test
  void aPlanOnlyThinPoolShowsItsStepsAndChangesNothingUntilItIsApplied() {
    ThinPool planOnly = pool("planned.node-a", "node-a", "/dev/sdb");
    planOnly.getSpec().planOnly = true;
    client.resource(planOnly).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                get("planned.node-a").getStatus() != null
                    && "Planned".equals(get("planned.node-a").getStatus().phase));

    ThinPool planned = get("planned.node-a");
    assertThat(planned.getStatus().plannedSteps)
        .extracting(step -> step.command)
        .startsWith(
            "pvcreate /dev/sdb",
            "vgcreate --addtag thinpool.io/managed --addtag thinpool.io/config=runbook"
                + " --addtag thinpool.io/node=node-a docker /dev/sdb");
    assertThat(planned.getStatus().plannedSteps).allMatch(step -> !step.reason.isBlank());
    assertThat(nodeA.commands()).noneMatch(c -> c.startsWith("pvcreate"));

    client
        .resources(ThinPool.class)
        .withName("planned.node-a")
        .edit(
            pool -> {
              pool.getSpec().planOnly = false;
              return pool;
            });

    await().atMost(Duration.ofSeconds(30)).until(() -> ready("planned.node-a"));
    assertThat(get("planned.node-a").getStatus().plannedSteps).isEmpty();
    assertThat(nodeA.commands()).anyMatch(c -> c.equals("pvcreate /dev/sdb"));
  }

  @Test
  void anotherNodesThinPoolIsNeverTouched() {
    client.resource(pool("runbook.node-b", "node-b", "/dev/sdb")).create();
    client.resource(pool("runbook.node-a", "node-a", "/dev/sdb")).create();

    await().atMost(Duration.ofSeconds(30)).until(() -> ready("runbook.node-a"));

    ThinPool other = get("runbook.node-b");
    assertThat(other.getStatus()).isNull();
    assertThat(other.getMetadata().getFinalizers()).isEmpty();
  }

  @Test
  void whenTwoThinPoolsClaimTheSameVolumeGroupThenTheNewerOneIsAConflictAndTouchesNothing() {
    client.resource(pool("first.node-a", "node-a", "/dev/sdb")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("first.node-a"));
    int before = (int) nodeA.commands().stream().filter(c -> c.startsWith("pvcreate")).count();

    client.resource(pool("second.node-a", "node-a", "/dev/sdc")).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              ThinPool second = get("second.node-a");
              return second.getStatus() != null
                  && Conditions.isTrue(second.getStatus().conditions, ConditionTypes.CONFLICT);
            });
    assertThat(
            get("second.node-a").getStatus().conditions.stream()
                .filter(c -> c.getType().equals("Conflict"))
                .findFirst()
                .orElseThrow()
                .getMessage())
        .contains("first.node-a");
    assertThat(nodeA.commands().stream().filter(c -> c.startsWith("pvcreate")).count())
        .isEqualTo(before);

    client.resource(get("second.node-a")).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> get("second.node-a") == null);
    assertThat(nodeA.commands()).noneMatch(c -> c.startsWith("vgremove"));
  }

  @Test
  void whenTwoThinPoolsNameOneDiskByDifferentPathsThenTheNewerOneIsAConflict() {
    nodeA.withLink("/dev/disk/by-id/wwn-0x5000c500a1b2c3d4", "/dev/sdb");
    client.resource(pool("first.node-a", "node-a", "/dev/sdb")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("first.node-a"));
    ThinPool second = pool("second.node-a", "node-a", "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4");
    second.getSpec().volumeGroup = "other";
    client.resource(second).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                get("second.node-a").getStatus() != null
                    && Conditions.isTrue(
                        get("second.node-a").getStatus().conditions, ConditionTypes.CONFLICT));
    assertThat(nodeA.commands()).noneMatch(c -> c.contains("other"));
  }

  @Test
  void deletingWithRetainLeavesLvmAloneAndWithDeleteTearsItDown() {
    client.resource(pool("keep.node-a", "node-a", "/dev/sdb")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("keep.node-a"));
    client.resource(get("keep.node-a")).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> get("keep.node-a") == null);
    assertThat(nodeA.commands()).noneMatch(c -> c.startsWith("vgremove"));

    ThinPool doomed = pool("drop.node-a", "node-a", "/dev/sdb");
    doomed.getSpec().deletionPolicy = DeletionPolicy.Delete;
    client.resource(doomed).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("drop.node-a"));
    client.resource(get("drop.node-a")).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> get("drop.node-a") == null);
    assertThat(nodeA.commands())
        .contains("vgremove --force --yes docker", "pvremove --yes /dev/sdb");
    assertThat(events("drop.node-a")).contains("Normal TornDown");
  }

  @Test
  void deletingAPlanOnlyThinPoolWithDeleteTearsNothingDownAndSaysSo() {
    client.resource(pool("built.node-a", "node-a", "/dev/sdb")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("built.node-a"));
    client.resource(get("built.node-a")).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> get("built.node-a") == null);

    ThinPool planned = pool("planned-drop.node-a", "node-a", "/dev/sdb");
    planned.getSpec().planOnly = true;
    planned.getSpec().deletionPolicy = DeletionPolicy.Delete;
    client.resource(planned).create();
    // The pool the first ThinPool left behind is there to tear down: plan-only must not.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("planned-drop.node-a").getStatus() != null);
    client.resource(get("planned-drop.node-a")).delete();

    await().atMost(Duration.ofSeconds(30)).until(() -> get("planned-drop.node-a") == null);
    assertThat(nodeA.commands())
        .noneMatch(c -> c.startsWith("vgremove") || c.startsWith("lvremove"));
    assertThat(events("planned-drop.node-a")).contains("Warning TeardownSkipped");
  }

  @Test
  void aThinPoolOnAVolumeGroupThatIsNotOursIsRefusedAndItsDeletionIsNotBlocked() {
    nodeA.withForeignVolumeGroup("docker", "/dev/sdc");
    ThinPool foreign = pool("foreign.node-a", "node-a", "/dev/sdb");
    foreign.getSpec().deletionPolicy = DeletionPolicy.Delete;
    client.resource(foreign).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> get("foreign.node-a").getStatus() != null);
    assertThat(get("foreign.node-a").getStatus().phase).isEqualTo("Refused");

    client.resource(get("foreign.node-a")).delete();

    await().atMost(Duration.ofSeconds(30)).until(() -> get("foreign.node-a") == null);
    assertThat(events("foreign.node-a")).contains("Warning NotOurs");
    assertThat(nodeA.commands())
        .noneMatch(c -> c.startsWith("vgremove") || c.startsWith("pvremove"));
  }

  @Test
  void aThinPoolLabelledForThisNodeButNamingAnotherIsNeverActedOnNorTornDown() {
    client.resource(pool("real.node-a", "node-a", "/dev/sdb")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("real.node-a"));
    ThinPool misdirected = pool("misdirected", "node-a", "/dev/sdb");
    misdirected.getSpec().nodeName = "node-b";
    misdirected.getSpec().deletionPolicy = DeletionPolicy.Delete;
    client.resource(misdirected).create();

    client.resource(client.resources(ThinPool.class).withName("misdirected").get()).delete();

    await().atMost(Duration.ofSeconds(30)).until(() -> get("misdirected") == null);
    assertThat(nodeA.commands()).noneMatch(c -> c.startsWith("vgremove"));
    assertThat(ready("real.node-a")).isTrue();
  }

  @Test
  void whenThePoolsMetadataIsDamagedThenOnlyTheAnnotationWithItsTokenRepairsItAndOnlyOnce() {
    client.resource(pool("runbook.node-a", "node-a", "/dev/sdb")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("runbook.node-a"));

    nodeA.damageMetadata("docker", "thinpool");

    await().atMost(Duration.ofSeconds(10)).until(() -> repair("runbook.node-a").token != null);
    ThinPool damaged = get("runbook.node-a");
    String token = damaged.getStatus().metadataRepair.token;
    assertThat(token)
        .isEqualTo(
            damaged.getMetadata().getUid() + "@" + damaged.getStatus().metadataRepair.damageSeen);
    assertThat(damaged.getStatus().phase).isEqualTo("Failed");
    assertThat(
            Conditions.find(damaged.getStatus().conditions, ConditionTypes.READY)
                .orElseThrow()
                .getMessage())
        .contains(ThinPool.REPAIR_ANNOTATION + "=" + token);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events("runbook.node-a").contains("Warning MetadataDamaged"));

    // From here on only API events wake the agent: the annotation has to be one.
    restartAgent(Duration.ofHours(1));
    annotate("runbook.node-a", damaged.getMetadata().getUid() + "@2020-01-01T00:00:00Z");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events("runbook.node-a").contains("Warning RepairRequestIgnored"));
    assertThat(repair("runbook.node-a").requestIgnored).contains(token);
    assertThat(nodeA.commands()).noneMatch(c -> c.startsWith("lvconvert --repair"));

    annotate("runbook.node-a", token);

    await().atMost(Duration.ofSeconds(10)).until(() -> ready("runbook.node-a"));
    ThinPoolStatus.MetadataRepairStatus repaired = repair("runbook.node-a");
    assertThat(repaired.lastRepairToken).isEqualTo(token);
    assertThat(repaired.lastRepairResult).isEqualTo("Repaired");
    assertThat(repaired.token).isNull();
    assertThat(repaired.keptMetadataVolumes).containsExactly("docker/thinpool_meta0");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events("runbook.node-a").contains("Normal MetadataRepaired"));
    // The annotation stays (the agent may not remove it): an agent starting afresh reconciles
    // with it in place and repairs nothing.
    int seen = nodeA.commands().size();
    restartAgent(Duration.ofHours(1));
    await()
        .pollDelay(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> nodeA.commands().size() >= seen + 2);
    assertThat(nodeA.commands())
        .filteredOn(c -> c.startsWith("lvconvert --repair"))
        .containsExactly("lvconvert --repair --yes docker/thinpool");
  }

  private static ThinPoolStatus.MetadataRepairStatus repair(String name) {
    ThinPool pool = get(name);
    return pool.getStatus() == null || pool.getStatus().metadataRepair == null
        ? new ThinPoolStatus.MetadataRepairStatus()
        : pool.getStatus().metadataRepair;
  }

  private static void annotate(String name, String token) {
    KubeApi.annotateThinPool(client, name, ThinPool.REPAIR_ANNOTATION, token);
  }

  @Test
  void whenAPoolHoldsARuntimesDataThenDeleteIsRefusedOnceAndProceedsWithTheConsentToken() {
    ThinPool used = pool("used.node-a", "node-a", "/dev/sdb");
    used.getSpec().deletionPolicy = DeletionPolicy.Delete;
    client.resource(used).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("used.node-a"));
    // containerd's devmapper snapshotter: thin devices LVM does not list, 40% of the pool written.
    nodeA.useAsRuntime("docker", "thinpool", 3, 40.0, 0);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Integer.valueOf(3).equals(get("used.node-a").getStatus().pool.thinDevices));
    assertThat(get("used.node-a").getStatus().pool.foreignThinDevices).isEqualTo(3);
    assertThat(get("used.node-a").getStatus().pool.holdsData).isTrue();

    client.resource(get("used.node-a")).delete();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Conditions.isTrue(
                    get("used.node-a").getStatus().conditions, ConditionTypes.TEARDOWN_REFUSED));
    // Retries at every refresh (500 ms) over a few seconds: the refusal is said once.
    await().pollDelay(Duration.ofSeconds(4)).until(() -> true);
    assertThat(get("used.node-a")).isNotNull();
    assertThat(events("used.node-a")).containsOnlyOnce("Warning TeardownRefused");
    assertThat(nodeA.commands()).noneMatch(c -> c.startsWith("vgremove"));
    assertThat(
            Conditions.find(
                    get("used.node-a").getStatus().conditions, ConditionTypes.TEARDOWN_REFUSED)
                .orElseThrow()
                .getMessage())
        .contains("3 thin device(s) (3 not LVM's")
        .contains("kubectl annotate thinpool used.node-a thinpool.io/destroy-data=");

    KubeApi.annotateThinPool(
        client,
        "used.node-a",
        ThinPool.DESTROY_DATA_ANNOTATION,
        KubeApi.consentToken(get("used.node-a")));

    await().atMost(Duration.ofSeconds(30)).until(() -> get("used.node-a") == null);
    assertThat(nodeA.commands()).contains("vgremove --force --yes docker");
    assertThat(events("used.node-a")).contains("Normal TornDown");
  }

  @Test
  void whenARuntimeHoldsThePoolOpenThenDeleteWaitsWithoutRetryingSoonAndGoesOnceItStops() {
    ThinPool open = pool("open.node-a", "node-a", "/dev/sdb");
    open.getSpec().deletionPolicy = DeletionPolicy.Delete;
    client.resource(open).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("open.node-a"));
    nodeA.useAsRuntime("docker", "thinpool", 0, 0.0, 1);
    client.resource(get("open.node-a")).delete();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Conditions.find(
                        get("open.node-a").getStatus().conditions, ConditionTypes.TEARDOWN_REFUSED)
                    .filter(c -> c.getReason().equals("PoolOpen"))
                    .isPresent());
    assertThat(nodeA.commands()).noneMatch(c -> c.startsWith("vgremove"));

    nodeA.useAsRuntime("docker", "thinpool", 0, 0.0, 0);

    await().atMost(Duration.ofSeconds(30)).until(() -> get("open.node-a") == null);
    assertThat(nodeA.commands()).contains("vgremove --force --yes docker");
  }

  @Test
  void oneExtensionByDmeventdIsOneExtendedEventHoweverManyReconcilesFollowIt() throws Exception {
    ThinPool wanted = pool("extended.node-a", "node-a", "/dev/sdb");
    wanted.getSpec().dataPercentOfVg = 50;
    client.resource(wanted).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> ready("extended.node-a"));

    // Past the threshold dmeventd extends the pool, and the kernel raises the pool's event for
    // the usage and again for the resize; each wakes the agent, and the follow-up after an
    // extension looks again within seconds. A burst of events around the extension makes
    // reconciles follow one another faster than the informer's copy of the status catches up.
    nodeA.fill("docker", "thinpool", 85.0);
    assertThat(nodeA.autoextend("docker", "thinpool", 20)).isTrue();
    for (int i = 0; i < 20; i++) {
      nodeA.raiseEvent("docker", "thinpool");
      Thread.sleep(25);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("extended.node-a").getStatus().autoextend.extensionsObserved == 1L);
    Thread.sleep(ExtensionFollowUp.INTERVAL.multipliedBy(3).toMillis());

    assertThat(get("extended.node-a").getStatus().autoextend.extensionsObserved).isEqualTo(1L);
    assertThat(
            client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> "extended.node-a".equals(e.getInvolvedObject().getName()))
                .filter(e -> e.getReason().equals("Extended")))
        .as("one Extended Event, counted once")
        .singleElement()
        .extracting(Event::getCount)
        .isEqualTo(1);
  }

  @Test
  void aRepeatedEventIsCountedOnTheOneRecordedNotRecordedAgain() {
    client.resource(pool("counted.node-a", "node-a", "/dev/sdb")).create();
    ThinPool pool = get("counted.node-a");
    PoolEvents.PoolEvent refused =
        new PoolEvents.PoolEvent(true, "TeardownBlocked", "vgremove failed: device busy");

    PoolEvents.emit(
        client, pool, "node-a", List.of(refused), Instant.parse("2026-12-06T10:00:00Z"));
    PoolEvents.emit(
        client, pool, "node-a", List.of(refused), Instant.parse("2026-12-06T10:00:05Z"));
    PoolEvents.emit(
        client,
        pool,
        "node-a",
        List.of(new PoolEvents.PoolEvent(true, "TeardownBlocked", "vgremove failed: timed out")),
        Instant.parse("2026-12-06T10:00:10Z"));

    List<Event> recorded =
        client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> "counted.node-a".equals(e.getInvolvedObject().getName()))
            .filter(e -> e.getReason().equals("TeardownBlocked"))
            .toList();
    assertThat(recorded)
        .extracting(Event::getMessage, Event::getCount)
        .containsExactlyInAnyOrder(
            tuple("vgremove failed: device busy", 2), tuple("vgremove failed: timed out", 1));
    assertThat(recorded)
        .filteredOn(e -> e.getCount() == 2)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getFirstTimestamp()).isEqualTo("2026-12-06T10:00:00Z");
              assertThat(e.getLastTimestamp()).isEqualTo("2026-12-06T10:00:05Z");
            });
  }

  @Test
  void metricsCarryThePoolsUsageAndTheProbesFollowTheOperatorsState() throws Exception {
    try (OperatorHttpServer http = new OperatorHttpServer(0, agent, registry)) {
      client.resource(pool("runbook.node-a", "node-a", "/dev/sdb")).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> ready("runbook.node-a"));
      nodeA.fill("docker", "thinpool", 42.5);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Double.valueOf(42.5).equals(get("runbook.node-a").getStatus().pool.dataPercent));

      String metrics = fetch(http, "/metrics").body();
      String pool =
          "\\{config=\"runbook\",node=\"node-a\",pool=\"thinpool\",volume_group=\"docker\"\\}";
      assertThat(metrics)
          .containsPattern("thinpool_data_usage_ratio" + pool + " 0\\.425")
          .containsPattern("thinpool_metadata_usage_ratio" + pool + " 0\\.1")
          .containsPattern("thinpool_pool_size_bytes" + pool + " 1\\.92\\d*E9")
          .containsPattern("thinpool_volume_group_free_bytes" + pool + " 8388608")
          .containsPattern("thinpool_monitored" + pool + " 1\\.0")
          .containsPattern("thinpool_autoextend_possible" + pool + " 0\\.0")
          .containsPattern("thinpool_extensions_observed_total" + pool + " 0\\.0")
          .containsPattern(
              "thinpool_lvm_command_duration_seconds_count\\{command=\"lvm\",node=\"node-a\"\\} \\d+");
      assertThat(fetch(http, "/healthz").statusCode()).isEqualTo(200);
      assertThat(fetch(http, "/readyz").statusCode()).isEqualTo(200);

      agent.stop();
      assertThat(fetch(http, "/readyz").statusCode()).isEqualTo(503);
      assertThat(fetch(http, "/healthz").statusCode()).isEqualTo(503);
    }
  }

  static HttpResponse<String> fetch(OperatorHttpServer http, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
