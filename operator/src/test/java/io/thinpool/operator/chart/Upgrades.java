package io.thinpool.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testk8s.KubeApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The README's upgrade steps, run as written from the repository's root, and a previous release to
 * upgrade from: the committed CRDs with one field fewer and other descriptions, as a release that
 * predates a new field would have them, and with the {@code priority: 0} the first release's
 * printer columns carried.
 */
final class Upgrades {

  /** The README's first upgrade step, word for word (the README is checked to contain it). */
  static final List<String> APPLY_CRDS =
      List.of("apply", "--server-side", "--force-conflicts", "-f", "crds/");

  /** The plain manifests' second step. */
  static final List<String> APPLY_DEPLOY = List.of("apply", "-f", "deploy/");

  static final Path REPOSITORY = Path.of("..");

  /** The field the previous release lacks. */
  static final String NEW_FIELD = "wipeSignatures";

  private Upgrades() {}

  /** Runs one of the README's kubectl commands from the repository's root. */
  static String run(KubernetesClient client, List<String> args) throws IOException {
    assertThat(Files.readString(REPOSITORY.resolve("README.md")))
        .as("the README tells users to run this")
        .contains("kubectl " + String.join(" ", args));
    return KubeApi.kubectlIn(REPOSITORY, client, args);
  }

  /** The committed CRDs as a previous release had them. */
  static List<CustomResourceDefinition> previousCrds(KubernetesClient client) throws IOException {
    try (Stream<Path> files = Files.list(REPOSITORY.resolve("crds"))) {
      return files.sorted().map(file -> previous(load(client, file))).toList();
    }
  }

  /** The chart as a previous release shipped it, copied into {@code directory}. */
  static Path previousChart(KubernetesClient client, Path directory) throws IOException {
    Path chart = directory.resolve("thinpool-operator");
    try (Stream<Path> files = Files.walk(Chart.DIR)) {
      for (Path file : files.toList()) {
        Path copy = chart.resolve(Chart.DIR.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    for (CustomResourceDefinition crd : previousCrds(client)) {
      Files.writeString(
          chart.resolve("crds").resolve(crd.getMetadata().getName() + ".yaml"), yaml(client, crd));
    }
    return chart;
  }

  /** deploy/thinpool-operator.yaml as a previous release shipped it, written into {@code file}. */
  static void previousPlainManifests(KubernetesClient client, Path file) throws IOException {
    List<CustomResourceDefinition> crds = previousCrds(client);
    StringBuilder manifests = new StringBuilder();
    for (HasMetadata object :
        Chart.objects(
            client, Files.readString(REPOSITORY.resolve(GeneratedFiles.PLAIN_MANIFESTS)))) {
      HasMetadata shipped =
          object instanceof CustomResourceDefinition
              ? crds.stream()
                  .filter(c -> c.getMetadata().getName().equals(object.getMetadata().getName()))
                  .findFirst()
                  .orElseThrow()
              : object;
      manifests.append(yaml(client, shipped));
    }
    Files.writeString(file, manifests, StandardCharsets.UTF_8);
  }

  /**
   * Every served version of the CRDs as the API server has them equals the committed files: the
   * upgrade took, and the server keeps every field the generator writes (none is dropped as a
   * default, which would make the next server-side apply conflict).
   */
  static void assertServedCrdsAreTheCommittedOnes(KubernetesClient client) throws IOException {
    try (Stream<Path> files = Files.list(REPOSITORY.resolve("crds"))) {
      for (Path file : files.sorted().toList()) {
        CustomResourceDefinition committed = load(client, file);
        CustomResourceDefinition served =
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(committed.getMetadata().getName())
                .get();
        assertThat(served.getSpec().getVersions())
            .as("%s as served", file)
            .usingRecursiveComparison()
            .isEqualTo(committed.getSpec().getVersions());
      }
    }
  }

  private static CustomResourceDefinition load(KubernetesClient client, Path file) {
    return client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
  }

  private static CustomResourceDefinition previous(CustomResourceDefinition crd) {
    crd.getSpec()
        .getVersions()
        .forEach(
            version -> {
              JSONSchemaProps spec =
                  version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
              spec.getProperties().remove(NEW_FIELD);
              spec.setDescription("The previous release's spec.");
              // As the first release shipped them: a default the API server drops, which made
              // the README's upgrade conflict.
              version.getAdditionalPrinterColumns().forEach(column -> column.setPriority(0));
            });
    return crd;
  }

  private static String yaml(KubernetesClient client, HasMetadata object) {
    String yaml = client.getKubernetesSerialization().asYaml(object);
    return yaml.startsWith("---") ? yaml : "---\n" + yaml;
  }
}
