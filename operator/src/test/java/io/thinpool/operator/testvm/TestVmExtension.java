package io.thinpool.operator.testvm;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link TestVm}: booted once per test run (kept in the root store, shut down when
 * the run ends) and reset to blank disks before every test.
 */
public final class TestVmExtension implements ParameterResolver, BeforeEachCallback {

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
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("vm", key -> new Resource(TestVm.boot()), Resource.class)
        .vm();
  }

  private record Resource(TestVm vm) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      vm.close();
    }
  }
}
