package io.thinpool.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed crds/ are exactly what the API classes generate: scripts/update-crds.sh. */
class CrdsAreCommittedTest {

  @Test
  void theCommittedCrdsMatchTheApiClasses(@TempDir Path generated) throws IOException {
    CrdGeneration.generate(generated);

    try (var files = Files.list(generated)) {
      for (Path crd : files.toList()) {
        Path committed = Path.of("../crds").resolve(crd.getFileName());
        assertThat(committed).as("%s is missing: run scripts/update-crds.sh", committed).exists();
        assertThat(Files.readAllLines(committed))
            .as("%s differs from the API classes: run scripts/update-crds.sh", committed)
            .isEqualTo(Files.readAllLines(crd));
      }
    }
  }
}
