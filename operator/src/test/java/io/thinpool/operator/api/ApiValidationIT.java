package io.thinpool.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CRDs as a real kube-apiserver serves them: defaults, required specs, immutable fields, the
 * columns and the documentation users see. Every value rule is RulesParityIT's table.
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@Tag(Tiers.API)
class ApiValidationIT {

  static KubernetesClient client;

  @BeforeAll
  static void installCrds() {
    KubeApi.installCrds(client);
  }

  @AfterEach
  void cleanUp() {
    client.resources(ThinPoolConfig.class).delete();
    client.resources(ThinPool.class).delete();
  }

  private static ThinPoolConfig config(String name, Consumer<ThinPoolConfigSpec> edit) {
    ThinPoolConfig config = new ThinPoolConfig();
    config.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ThinPoolConfigSpec spec = new ThinPoolConfigSpec();
    spec.devices = List.of("/dev/sdb");
    edit.accept(spec);
    config.setSpec(spec);
    return config;
  }

  private static String rejection(ThinPoolConfig config) {
    Throwable thrown = catchThrowable(() -> client.resource(config).create());
    assertThat(thrown).as("admission must reject it").isInstanceOf(KubernetesClientException.class);
    assertThat(((KubernetesClientException) thrown).getCode()).isEqualTo(422);
    return thrown.getMessage();
  }

  @Test
  void theRunbookConfigIsAcceptedWithItsDefaultsFilledIn() {
    ThinPoolConfig minimal = config("runbook", spec -> {});
    minimal.getSpec().volumeGroup = null;
    minimal.getSpec().chunkSize = null;
    minimal.getSpec().autoextend = null;

    ThinPoolConfig stored = client.resource(minimal).create();

    ThinPoolConfigSpec spec = stored.getSpec();
    assertThat(spec.volumeGroup).isEqualTo("docker");
    assertThat(spec.poolName).isEqualTo("thinpool");
    assertThat(spec.metadataName).isEqualTo("thinpoolmeta");
    assertThat(spec.dataPercentOfVg).isEqualTo(90);
    assertThat(spec.metadataPercentOfVg).isEqualTo(5);
    assertThat(spec.chunkSize).isEqualTo("512Ki");
    assertThat(spec.zeroing).isFalse();
    assertThat(spec.wipeSignatures).isTrue();
    assertThat(spec.destroyExistingDataOnDevices).isFalse();
    assertThat(spec.deletionPolicy).isEqualTo(PoolParameters.DeletionPolicy.Retain);
  }

  @Test
  void theSamplesAreAccepted() throws IOException {
    try (var samples = Files.list(Path.of("../deploy/samples"))) {
      for (Path sample : samples.sorted().toList()) {
        ThinPoolConfig config = client.resources(ThinPoolConfig.class).load(sample.toFile()).item();
        assertThat(client.resource(config).create().getSpec().devices)
            .as("%s names its disk by a link that never moves", sample)
            .singleElement()
            .asString()
            .startsWith("/dev/disk/by-id/");
      }
    }
  }

  @Test
  void objectsWithoutASpecAreRejected() {
    ThinPoolConfig specless = config("specless", spec -> {});
    specless.setSpec(null);
    assertThat(rejection(specless)).contains("spec: Required value");
    ThinPool pool = new ThinPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("specless.node-a").build());
    Throwable thrown = catchThrowable(() -> client.resource(pool).create());
    assertThat(thrown).isInstanceOf(KubernetesClientException.class);
    assertThat(thrown.getMessage()).contains("spec: Required value");
  }

  @Test
  void theVolumeGroupPoolAndChunkSizeCannotChangeOnceSet() {
    ThinPoolConfig created = client.resource(config("immutable", s -> {})).create();

    created.getSpec().volumeGroup = "docker2";
    assertThatThrownBy(() -> client.resource(created).update())
        .hasMessageContaining("volumeGroup is immutable");
    created.getSpec().volumeGroup = "docker";
    created.getSpec().chunkSize = "1Mi";
    assertThatThrownBy(() -> client.resource(created).update())
        .hasMessageContaining("chunkSize is immutable");
    created.getSpec().chunkSize = "512Ki";
    created.getSpec().dataPercentOfVg = 60;
    assertThat(client.resource(created).update().getSpec().dataPercentOfVg).isEqualTo(60);
  }

  @Test
  void kubectlExplainDocumentsTheStatusAndItsPhases() {
    assertThat(explain("thinpools.status.autoextend.extensionsObserved"))
        .contains(
            "the agent's own (growth to the spec, the rescue of a full pool, its autoextend"
                + " without dmeventd) are not counted");
    assertThat(explain("thinpools.status.notes")).contains("clamped to LVM's maximum");
    assertThat(explain("thinpools.status.conditions"))
        .contains(ConditionTypes.HEALTHY + " (the kernel can write to the pool");
    assertThat(explain("thinpools.status.phase"))
        .contains(ThinPoolPhases.CONFLICT + " (an older ThinPool")
        .doesNotContain("Deleting");
    assertThat(explain("thinpoolconfigs.status.conditions.reason"))
        .contains("Why the condition last changed");
  }

  /** What kubectl explain prints for a field, its lines joined. */
  private static String explain(String field) {
    return KubeApi.kubectl(client, "explain", field).replaceAll("\\s+", " ");
  }

  @Test
  void kubectlGetShowsTheColumnsUsersWatch() {
    assertThat(KubeApi.printedColumns(client, "/apis/thinpool.io/v1alpha1/thinpools"))
        .containsExactly(
            "Name",
            "Node",
            "Config",
            "Size",
            "Data%",
            "Meta%",
            "Devices",
            "Autoextend",
            "Phase",
            "Ready",
            "Age");
    assertThat(KubeApi.printedColumns(client, "/apis/thinpool.io/v1alpha1/thinpoolconfigs"))
        .containsExactly("Name", "Ready", "Max Data%", "Max Meta%", "Age");
  }
}
