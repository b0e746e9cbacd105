package io.thinpool.operator.lvm.host;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second engine process for {@link NodeLockTest}: takes the node lock, says so, and holds it
 * until its standard input closes (or it is killed).
 */
public final class NodeLockHolder {

  private NodeLockHolder() {}

  public static void main(String[] args) throws IOException {
    try (NodeLock.Held held =
        NodeLock.file(Path.of(args[0])).acquire("teardown by an admin", Duration.ofSeconds(5))) {
      System.out.println("held");
      System.out.flush();
      System.in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }
}
