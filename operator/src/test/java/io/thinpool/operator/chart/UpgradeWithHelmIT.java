package io.thinpool.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubeapitest.junit.KubeConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's upgrade of a Helm install, against the real kube-apiserver: Helm installs a previous
 * release (and with it its CRDs, which {@code helm upgrade} never touches), the real kubectl
 * applies the new CRDs server-side, then {@code helm upgrade}.
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@Tag(Tiers.API)
class UpgradeWithHelmIT {

  static KubernetesClient client;
  @KubeConfig static String kubeConfigYaml;

  @Test
  void whenHelmInstalledAPreviousRelease_thenTheReadmeUpgradeTakesTheNewCrds(@TempDir Path previous)
      throws IOException {
    Chart.install(Upgrades.previousChart(client, previous), kubeConfigYaml);

    // Helm owns the CRDs' fields: without --force-conflicts the new schema is a conflict with it
    // (the helm CLI's manager is "helm"; helm-java's Helm names itself after the process, "java").
    assertThatThrownBy(
            () ->
                KubeApi.kubectlIn(
                    Upgrades.REPOSITORY, client, List.of("apply", "--server-side", "-f", "crds/")))
        .hasMessageContaining("Apply failed with 1 conflict: conflict with \"java\"");
    Upgrades.run(client, Upgrades.APPLY_CRDS);
    var upgraded =
        new Helm(Chart.DIR)
            .upgrade()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .resetThenReuseValues()
            .withKubeConfigContents(kubeConfigYaml)
            .call();

    assertThat(upgraded.getStatus()).isEqualTo("deployed");
    assertThat(upgraded.getRevision()).isEqualTo("2");
    Upgrades.assertServedCrdsAreTheCommittedOnes(client);
  }
}
