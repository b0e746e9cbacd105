package io.thinpool.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.Tiers;
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
 * The README's upgrade of an install made with {@code kubectl apply -f deploy/}, run with the real
 * kubectl against the real kube-apiserver: the CRDs server-side, then deploy/ again.
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@Tag(Tiers.API)
class UpgradeWithPlainManifestsIT {

  static KubernetesClient client;

  @Test
  void whenAPreviousReleaseWasAppliedClientSide_thenTheReadmeUpgradeTakesTheNewCrds(
      @TempDir Path previous) throws IOException {
    Path manifests = previous.resolve("thinpool-operator.yaml");
    Upgrades.previousPlainManifests(client, manifests);
    KubeApi.kubectl(client, "apply", "-f", manifests.toString());

    Upgrades.run(client, Upgrades.APPLY_CRDS);
    Upgrades.run(client, Upgrades.APPLY_DEPLOY);

    Upgrades.assertServedCrdsAreTheCommittedOnes(client);
  }

  @Test
  void whenTheCrdsWereAppliedClientSide_thenApplyingTheSameOnesServerSideFindsNoConflict() {
    KubeApi.kubectlIn(Upgrades.REPOSITORY, client, Upgrades.APPLY_DEPLOY);

    String applied =
        KubeApi.kubectlIn(
            Upgrades.REPOSITORY, client, List.of("apply", "--server-side", "-f", "crds/"));

    assertThat(applied).contains("serverside-applied");
  }
}
