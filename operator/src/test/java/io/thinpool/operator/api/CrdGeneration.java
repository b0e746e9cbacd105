package io.thinpool.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The API classes are the single source of the CRDs: this runs fabric8's CRD generator on them.
 * GeneratedFiles writes them to crds/ and into the chart (scripts/update-generated.sh), and the
 * build fails while the committed copies differ. Printer columns keep the order in which they are
 * declared on the class (the generator alone sorts them by JSON path, which puts AGE first), and
 * carry no {@code priority: 0}: the API server drops that default, so the stored CRD would differ
 * from the file and every server-side apply of crds/ would conflict with the install's manager.
 * fabric8's Condition carries no descriptions: its fields get Kubernetes' own (metav1.Condition's),
 * so that {@code kubectl explain} documents every status field.
 */
public final class CrdGeneration {

  static final List<Class<? extends CustomResource<?, ?>>> RESOURCES =
      List.of(ThinPoolConfig.class, ThinPool.class);

  private CrdGeneration() {}

  /** Writes {@code <plural>.<group>.yaml} for each resource into {@code directory}. */
  public static void generate(Path directory) {
    try {
      Path scratch = Files.createTempDirectory("crds");
      @SuppressWarnings("unchecked")
      Class<? extends HasMetadata>[] classes = RESOURCES.toArray(Class[]::new);
      new CRDGenerator()
          .customResourceClasses(classes)
          .forCRDVersions("v1")
          .withPostProcessor(
              new CRDPostProcessor() {
                @Override
                public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
                  return withConditionDescriptions(
                      withoutDefaultPriority(declaredColumnOrder(crd)));
                }
              })
          .inOutputDir(scratch.toFile())
          .generate();
      Files.createDirectories(directory);
      try (var files = Files.list(scratch)) {
        for (Path file : files.toList()) {
          String name = file.getFileName().toString().replace("-v1.yml", ".yaml");
          Files.move(file, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.delete(scratch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** metav1.Condition's field descriptions, shortened. */
  private static final Map<String, String> CONDITION_FIELDS =
      Map.of(
          "type", "The condition's type, in CamelCase.",
          "status", "True, False or Unknown.",
          "reason", "Why the condition last changed, in one CamelCase word.",
          "message", "Why the condition last changed, in words a user can act on.",
          "lastTransitionTime", "When the status last changed (RFC 3339).",
          "observedGeneration", "The spec generation the condition was set for.");

  private static HasMetadata withConditionDescriptions(HasMetadata resource) {
    ((CustomResourceDefinition) resource)
        .getSpec()
        .getVersions()
        .forEach(
            v -> {
              JSONSchemaProps status =
                  v.getSchema().getOpenAPIV3Schema().getProperties().get("status");
              JSONSchemaProps conditions = status.getProperties().get("conditions");
              conditions
                  .getItems()
                  .getSchema()
                  .getProperties()
                  .forEach((name, field) -> field.setDescription(CONDITION_FIELDS.get(name)));
            });
    return resource;
  }

  private static HasMetadata withoutDefaultPriority(HasMetadata resource) {
    ((CustomResourceDefinition) resource)
        .getSpec()
        .getVersions()
        .forEach(
            v ->
                v.getAdditionalPrinterColumns().stream()
                    .filter(c -> Integer.valueOf(0).equals(c.getPriority()))
                    .forEach(c -> c.setPriority(null)));
    return resource;
  }

  private static HasMetadata declaredColumnOrder(HasMetadata resource) {
    CustomResourceDefinition crd = (CustomResourceDefinition) resource;
    Class<?> type =
        RESOURCES.stream()
            .filter(c -> HasMetadata.getFullResourceName(c).equals(crd.getMetadata().getName()))
            .findFirst()
            .orElseThrow();
    List<String> declared =
        Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    crd.getSpec()
        .getVersions()
        .forEach(
            v ->
                v.getAdditionalPrinterColumns()
                    .sort(
                        Comparator.comparingInt(
                            (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName()))));
    return crd;
  }
}
