package io.thinpool.operator;

import java.util.Set;

/**
 * The test tiers beyond the unit tests, as JUnit tags: each *IT class carries exactly one
 * (TiersTest checks), and {@code scripts/test.sh --tier} runs one alone by it. docs/testing.md says
 * what each proves.
 */
public final class Tiers {

  /** The engine on real Debian kernels under qemu (LVM, device-mapper, dmeventd). */
  public static final String KERNEL = "kernel";

  /** The API, the controller and the agent against a real kube-apiserver; the chart, RBAC. */
  public static final String API = "api";

  /** The image, built with docker build and run. */
  public static final String IMAGE = "image";

  /** A real cluster: a real node with a real kubelet, Helm, Prometheus. */
  public static final String NODE = "node";

  public static final Set<String> ALL = Set.of(KERNEL, API, IMAGE, NODE);

  private Tiers() {}
}
