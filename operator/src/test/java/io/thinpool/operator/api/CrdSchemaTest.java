package io.thinpool.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the committed CRDs tell users: kubectl explain, and the words the status uses. */
class CrdSchemaTest {

  private static List<CustomResourceDefinition> committed() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../crds"))) {
      List<CustomResourceDefinition> crds = new ArrayList<>();
      for (Path file : files.sorted().toList()) {
        crds.add(Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class));
      }
      return crds;
    }
  }

  private static JSONSchemaProps status(CustomResourceDefinition crd) {
    return crd.getSpec()
        .getVersions()
        .get(0)
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("status");
  }

  @Test
  void kubectlExplainDocumentsEveryStatusField() throws IOException {
    for (CustomResourceDefinition crd : committed()) {
      List<String> undocumented = new ArrayList<>();
      undocumented(crd.getMetadata().getName() + ".status", status(crd), undocumented);

      assertThat(undocumented).as("fields without a description").isEmpty();
    }
  }

  private static void undocumented(String path, JSONSchemaProps schema, List<String> found) {
    if (schema.getProperties() != null) {
      schema
          .getProperties()
          .forEach(
              (name, field) -> {
                if (field.getDescription() == null || field.getDescription().isBlank()) {
                  found.add(path + "." + name);
                }
                undocumented(path + "." + name, field, found);
              });
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      undocumented(path + "[]", schema.getItems().getSchema(), found);
    }
  }

  @Test
  void theSchemaNamesEveryPhaseAndConditionTypeTheStatusUsesAndNoOther() throws IOException {
    JSONSchemaProps status =
        committed().stream()
            .filter(crd -> crd.getSpec().getNames().getKind().equals("ThinPool"))
            .map(CrdSchemaTest::status)
            .findFirst()
            .orElseThrow();

    assertThat(status.getProperties().get("phase").getDescription())
        .contains(constants(ThinPoolPhases.class))
        .doesNotContain("Deleting");
    assertThat(status.getProperties().get("conditions").getDescription())
        .contains(
            ConditionTypes.READY,
            ConditionTypes.MONITORED,
            ConditionTypes.AUTOEXTEND_READY,
            ConditionTypes.DEVICES_ACCEPTED,
            ConditionTypes.CONFLICT);
  }

  @Test
  void printerColumnsCarryNoDefaultTheApiServerWouldDrop() throws IOException {
    for (CustomResourceDefinition crd : committed()) {
      assertThat(crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
          .extracting(CustomResourceColumnDefinition::getPriority)
          .doesNotContain(0);
    }
  }

  private static String[] constants(Class<?> holder) {
    return Stream.of(holder.getDeclaredFields())
        .filter(f -> Modifier.isPublic(f.getModifiers()) && f.getType() == String.class)
        .map(CrdSchemaTest::value)
        .toArray(String[]::new);
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
