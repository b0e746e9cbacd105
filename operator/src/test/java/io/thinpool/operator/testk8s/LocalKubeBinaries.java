package io.thinpool.operator.testk8s;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered before {@code @EnableKubeAPIServer}: fails the class with a clear message when the
 * locally built binaries are missing, before kube-api-test would try to download them.
 */
public final class LocalKubeBinaries implements BeforeAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    KubeApi.requireLocalBinaries();
  }
}
