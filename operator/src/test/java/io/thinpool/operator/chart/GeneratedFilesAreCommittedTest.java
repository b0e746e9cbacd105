package io.thinpool.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed crds/, the chart's crds/ and deploy/thinpool-operator.yaml are exactly what the API
 * classes and the chart generate: run scripts/update-generated.sh after changing either.
 */
class GeneratedFilesAreCommittedTest {

  @Test
  void everyCommittedGeneratedFileMatchesItsSource(@TempDir Path generated) throws IOException {
    GeneratedFiles.write(generated);

    try (Stream<Path> files = Files.walk(generated)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path committed = Path.of("..").resolve(generated.relativize(file));
        assertThat(committed)
            .as("%s is missing: run scripts/update-generated.sh", committed)
            .exists();
        assertThat(Files.readAllLines(committed))
            .as("%s differs from its source: run scripts/update-generated.sh", committed)
            .isEqualTo(Files.readAllLines(file));
      }
    }
  }
}
