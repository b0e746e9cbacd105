package io.thinpool.operator.testnode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The product's image as users build it: {@code docker build} of this tree's Dockerfile by
 * scripts/image/build.sh (the Docker engine's BuildKit; cached, so an unchanged tree builds
 * nothing). The image tests run it in Docker; the real-node tests load the same image into the
 * node's containerd.
 */
public final class ProductImage {

  /** The chart's default repository, tag dev. */
  public static final String NAME = "localhost/thinpool-operator:dev";

  private ProductImage() {}

  /** Builds the image; prints the build's size and time lines. */
  public static void build() {
    Processes.Result built =
        Processes.run(
            List.of(Scripts.dir().resolve("image/build.sh").toString(), NAME),
            Duration.ofMinutes(20));
    if (built.exitCode() != 0) {
      throw new IllegalStateException(
          "scripts/image/build.sh failed (a running Docker engine is needed: scripts/test.sh"
              + " starts one with scripts/lib/dockerd.sh):\n"
              + built.output());
    }
    built
        .output()
        .lines()
        .filter(l -> l.startsWith("base.sh:") || l.startsWith("build.sh:"))
        .forEach(System.out::println);
  }

  /** Writes {@code image} as a `docker save` archive, the form containerd imports. */
  public static void save(String image, Path archive) {
    Processes.must(
        List.of("docker", "save", "-o", archive.toString(), image), Duration.ofMinutes(5));
  }
}
