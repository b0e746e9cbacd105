package io.thinpool.operator.testnode;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link TestVm} of the release their class names ({@link NodeRelease}, bookworm by
 * default), reset to blank disks before every test. One node runs at a time: it is kept for the
 * next class that wants the same release (most do), replaced when one wants another, and shut down
 * when the run ends.
 */
public final class TestVmExtension implements ParameterResolver, BeforeEachCallback {

  public static final String DEFAULT_RELEASE = "bookworm";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TestVmExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestVm.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return vm(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    vm(context).reset();
  }

  private static TestVm vm(ExtensionContext context) {
    NodeRelease annotated = context.getRequiredTestClass().getAnnotation(NodeRelease.class);
    String release = annotated == null ? DEFAULT_RELEASE : annotated.value();
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    Running running = store.get("vm", Running.class);
    if (running != null && !running.release().equals(release)) {
      store.remove("vm", Running.class).close();
      running = null;
    }
    if (running == null) {
      running = new Running(release, TestVm.boot(release));
      System.out.println("real-kernel node: " + running.vm().describe());
      store.put("vm", running);
    }
    return running.vm();
  }

  private record Running(String release, TestVm vm)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      vm.close();
    }
  }
}
