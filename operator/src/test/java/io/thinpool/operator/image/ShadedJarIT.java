package io.thinpool.operator.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.Tiers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar the image and the demo run, as the package phase leaves it (an integration test:
 * it runs after that phase).
 */
@Tag(Tiers.IMAGE)
class ShadedJarIT {

  private static final Path JAR = Path.of("target/thinpool-operator.jar");
  private static final String KINDS =
      "META-INF/services/io.fabric8.kubernetes.api.model.KubernetesResource";

  @Test
  void fabric8sDeserializerIsGivenOnlyTheKindsThisOperatorReads() throws IOException {
    // The shade plugin merges every dependency's list of kinds into one: a model jar whose list
    // got past the pom's filter (a new group or module after a bump) would bring back its kinds,
    // each loaded and instantiated in every pod at the first deserialization.
    List<String> ours = listed(Files.readString(Path.of("src/main/resources").resolve(KINDS)));
    try (JarFile jar = new JarFile(JAR.toFile())) {
      JarEntry list = jar.getJarEntry(KINDS);
      assertThat(list).as("%s in %s", KINDS, JAR).isNotNull();
      try (InputStream in = jar.getInputStream(list)) {
        assertThat(listed(new String(in.readAllBytes(), StandardCharsets.UTF_8)))
            .containsExactlyElementsOf(ours);
      }
      // And each is in the jar: a kind renamed or moved by a bump would fail at run time only.
      for (String kind : ours) {
        assertThat(jar.getJarEntry(kind.replace('.', '/') + ".class")).as(kind).isNotNull();
      }
    }
  }

  /** The class names a services file lists, without its comments and blank lines. */
  private static List<String> listed(String servicesFile) {
    return servicesFile
        .lines()
        .map(l -> l.replaceFirst("#.*", "").strip())
        .filter(l -> !l.isEmpty())
        .toList();
  }
}
