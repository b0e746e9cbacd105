package io.thinpool.operator.lvm.host;

import io.thinpool.operator.lvm.PoolReport;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * The kernel's device-mapper events of one pool, waited for without polling. The thin-pool target
 * raises an event when usage crosses the low-water mark LVM sets from the autoextend threshold (the
 * one dmeventd acts on) and when the pool changes mode: out of data space, read-only, failed. One
 * {@code dmsetup wait} blocks on the node until the target's event counter passes the value read
 * just before, so an event between the two commands is not lost.
 */
public final class DeviceMapperEvents {

  /** Why a wait ended. */
  public enum Wake {
    /** The target raised an event: something worth observing happened. */
    EVENT,
    /** Nothing happened within the limit. */
    LIMIT,
    /** The device is not there (the pool is not active, or its layers changed). */
    NO_DEVICE
  }

  private final HostCommandRunner runner;

  public DeviceMapperEvents(HostCommandRunner runner) {
    this.runner = runner;
  }

  /**
   * Blocks until the next event of device-mapper device {@code device} (see {@link
   * PoolReport#targetDeviceName()}) or until {@code limit}, whichever comes first.
   *
   * @throws HostCommandException when dmsetup could not be started or the wait was interrupted
   */
  public Wake awaitNext(String device, Duration limit) {
    OptionalLong seen = eventNumber(device);
    return seen.isEmpty() ? Wake.NO_DEVICE : awaitAfter(device, seen.getAsLong(), limit);
  }

  /** Blocks until the device's event counter passes {@code seen} or until {@code limit}. */
  public Wake awaitAfter(String device, long seen, Duration limit) {
    CommandResult wait =
        runner.run(
            new HostCommand(
                List.of("dmsetup", "wait", "--", device, Long.toString(seen)), null, limit));
    if (wait.timedOut()) {
      return Wake.LIMIT;
    }
    return wait.succeeded() ? Wake.EVENT : Wake.NO_DEVICE;
  }

  /** The device's event counter now, or none when the device is not there. */
  public OptionalLong eventNumber(String device) {
    CommandResult info =
        runner.run(
            HostCommand.of("dmsetup", "info", "-c", "--noheadings", "-o", "events", "--", device));
    if (!info.succeeded() || info.stdout().isBlank()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(info.stdout().strip()));
  }
}
