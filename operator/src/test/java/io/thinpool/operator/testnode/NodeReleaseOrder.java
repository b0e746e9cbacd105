package io.thinpool.operator.testnode;

import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs test classes grouped by the node release they boot ({@link NodeRelease}; bookworm when
 * unannotated), then by name. {@link TestVmExtension} keeps one node and replaces it when a class
 * wants another release, so grouping saves a boot (about 40 s under TCG) per interleaving.
 */
public final class NodeReleaseOrder implements ClassOrderer {

  @Override
  public void orderClasses(ClassOrdererContext context) {
    context
        .getClassDescriptors()
        .sort(
            Comparator.comparing(NodeReleaseOrder::release)
                .thenComparing(descriptor -> descriptor.getTestClass().getName()));
  }

  private static String release(ClassDescriptor descriptor) {
    return descriptor
        .findAnnotation(NodeRelease.class)
        .map(NodeRelease::value)
        .orElse(TestVmExtension.DEFAULT_RELEASE);
  }
}
