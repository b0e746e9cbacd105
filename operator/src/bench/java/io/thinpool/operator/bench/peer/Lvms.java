package io.thinpool.operator.bench.peer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.thinpool.operator.testnode.RealCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * LVMS's vg-manager as the benchmark runs it (everything LVMS-specific but the manifests, which are
 * in src/bench/lvms): its CRDs from the downloaded module, the DaemonSet, a LVMVolumeGroup on one
 * disk and the node status object it reports in.
 */
final class Lvms {

  static final String NAMESPACE = "lvms-bench";
  static final String CONTAINER = "vg-manager";

  /** The process name its LVM commands come from. */
  static final String PROCESS = "lvms";

  static final String VOLUME_GROUP = "vg1";
  static final String POOL = "thin-pool-1";

  private static final ResourceDefinitionContext NODE_STATUS =
      new ResourceDefinitionContext.Builder()
          .withGroup("lvm.topolvm.io")
          .withVersion("v1alpha1")
          .withKind("LVMVolumeGroupNodeStatus")
          .withPlural("lvmvolumegroupnodestatuses")
          .withNamespaced(true)
          .build();

  private final RealCluster cluster;
  private final Path manifests;
  private final Path module;
  private final String image;

  /**
   * @param manifests src/bench/lvms
   * @param module the downloaded module's directory (its bundle has the CRDs)
   */
  Lvms(RealCluster cluster, Path manifests, Path module, String image) {
    this.cluster = cluster;
    this.manifests = manifests;
    this.module = module;
    this.image = image;
  }

  /** The CRDs vg-manager watches, then its namespace, account and DaemonSet. */
  void deploy() {
    for (String crd :
        List.of(
            "lvm.topolvm.io_lvmvolumegroups.yaml",
            "lvm.topolvm.io_lvmvolumegroupnodestatuses.yaml",
            "topolvm.io_logicalvolumes.yaml")) {
      cluster
          .controlPlane()
          .kubectlMust("apply", "-f", module.resolve("bundle/manifests/" + crd).toString());
    }
    cluster
        .controlPlane()
        .kubectlMust("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all");
    apply("vg-manager.yaml", Map.of("IMAGE", image));
  }

  /** Whether vg-manager's container runs (it is Ready only once it has a volume group). */
  boolean running() {
    return cluster.client().pods().inNamespace(NAMESPACE).list().getItems().stream()
        .map(Pod::getStatus)
        .anyMatch(
            s ->
                s.getContainerStatuses() != null
                    && s.getContainerStatuses().stream()
                        .anyMatch(c -> c.getState() != null && c.getState().getRunning() != null));
  }

  /** Applies the LVMVolumeGroup with a thin pool on this disk, and its node status object. */
  void applyVolumeGroup(String device) {
    apply("volume-group.yaml", Map.of("DEVICE", device, "NODE", RealCluster.NODE));
  }

  /** The volume group's status and reason in the node status object, once vg-manager wrote one. */
  Optional<String> status() {
    GenericKubernetesResource nodeStatus =
        cluster
            .client()
            .genericKubernetesResources(NODE_STATUS)
            .inNamespace(NAMESPACE)
            .withName(RealCluster.NODE)
            .get();
    if (nodeStatus == null) {
      return Optional.empty();
    }
    Object entries =
        ((Map<?, ?>) nodeStatus.getAdditionalProperties().get("spec")).get("nodeStatus");
    if (!(entries instanceof List<?> list)) {
      return Optional.empty();
    }
    return list.stream()
        .map(Map.class::cast)
        .filter(e -> VOLUME_GROUP.equals(e.get("name")))
        .findFirst()
        .map(
            e ->
                e.get("status")
                    + (e.get("reason") == null || e.get("reason").toString().isEmpty()
                        ? ""
                        : ": " + e.get("reason")));
  }

  /** The Events vg-manager recorded on its volume group, "reason: message" each. */
  List<String> events() {
    return cluster.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> "LVMVolumeGroup".equals(e.getInvolvedObject().getKind()))
        .map(e -> e.getReason() + ": " + e.getMessage())
        .toList();
  }

  private void apply(String manifest, Map<String, String> values) {
    try {
      String text = Files.readString(manifests.resolve(manifest));
      for (Map.Entry<String, String> value : values.entrySet()) {
        text = text.replace(value.getKey(), value.getValue());
      }
      Path filled = Files.createTempFile("lvms-", ".yaml");
      Files.writeString(filled, text);
      cluster.controlPlane().kubectlMust("apply", "-f", filled.toString());
      Files.delete(filled);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
