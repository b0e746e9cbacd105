package io.thinpool.operator.chart;

import io.thinpool.operator.api.CrdGeneration;
import io.thinpool.operator.testk8s.Chart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The committed files that are generated, never edited: the CRDs from the API classes (in crds/ and
 * in the chart, which Helm reads only from its own directory) and deploy/ from the chart. {@code
 * main} writes them (scripts/update-generated.sh); GeneratedFilesAreCommittedTest fails the build
 * while a committed copy differs.
 */
public final class GeneratedFiles {

  /** Where the CRDs go, relative to the repository root. */
  static final List<Path> CRD_DIRECTORIES =
      List.of(Path.of("crds"), Chart.DIR_IN_REPO.resolve("crds"));

  static final Path PLAIN_MANIFESTS = Path.of("deploy/thinpool-operator.yaml");

  private GeneratedFiles() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "..");
    write(root);
    System.out.println("wrote " + CRD_DIRECTORIES + " and " + PLAIN_MANIFESTS + " under " + root);
  }

  /** Writes every generated file under {@code root} as the repository lays them out. */
  static void write(Path root) throws IOException {
    for (Path directory : CRD_DIRECTORIES) {
      CrdGeneration.generate(root.resolve(directory));
    }
    Path manifests = root.resolve(PLAIN_MANIFESTS);
    Files.createDirectories(manifests.getParent());
    Files.writeString(manifests, Chart.plainManifests(), StandardCharsets.UTF_8);
  }
}
