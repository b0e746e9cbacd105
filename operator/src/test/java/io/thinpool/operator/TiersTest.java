package io.thinpool.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every *IT class belongs to exactly one tier, so that `scripts/test.sh --tier` misses none. */
class TiersTest {

  @Test
  void everyIntegrationTestCarriesExactlyOneTierTag() {
    List<Class<?>> integrationTests =
        new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("io.thinpool.operator")
                .stream()
                .filter(c -> c.getSimpleName().endsWith("IT") && c.getEnclosingClass().isEmpty())
                .map(JavaClass::reflect)
                .filter(c -> !Modifier.isAbstract(c.getModifiers()))
                .toList();

    assertThat(integrationTests).hasSizeGreaterThan(20);
    assertThat(integrationTests)
        .allSatisfy(
            c ->
                assertThat(
                        Arrays.stream(c.getAnnotationsByType(Tag.class))
                            .map(Tag::value)
                            .filter(Tiers.ALL::contains))
                    .as(c.getName())
                    .hasSize(1));
  }
}
