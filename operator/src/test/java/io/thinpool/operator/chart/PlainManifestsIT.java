package io.thinpool.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's {@code kubectl apply -f deploy/} quickstart, run with the real kubectl against the
 * real kube-apiserver: every object is accepted, then the samples are.
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@Tag(Tiers.API)
class PlainManifestsIT {

  static KubernetesClient client;

  @Test
  void kubectlApplyOfDeployCreatesEveryObjectThenTheSamplesAreAccepted() throws IOException {
    String applied = KubeApi.kubectl(client, "apply", "-f", "../deploy/");
    assertThat(applied).doesNotContain("error", "Error");
    KubeApi.kubectl(
        client,
        "wait",
        "--for=condition=Established",
        "crd/thinpoolconfigs.thinpool.io",
        "crd/thinpools.thinpool.io");
    String samples = KubeApi.kubectl(client, "apply", "-f", "../deploy/samples/");

    List<HasMetadata> manifests =
        Chart.objects(client, Files.readString(Path.of("../deploy/thinpool-operator.yaml")));
    assertThat(applied.lines()).hasSize(manifests.size());
    for (HasMetadata object : manifests) {
      assertThat(client.resource(object).get())
          .as("%s %s", object.getKind(), object.getMetadata().getName())
          .isNotNull();
    }
    assertThat(samples).contains("thinpoolconfig.thinpool.io/docker-runbook created");
    assertThat(client.resources(ThinPoolConfig.class).list().getItems()).hasSize(2);
  }
}
