package io.thinpool.operator.lvm.observe;

import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;

/**
 * What device-mapper says about a thin pool, as LVM shows it in the ninth character of lv_attr
 * (read from the pool's dm status: {@code out_of_data_space}, {@code ro}, {@code Fail}). A pool at
 * 100% data counts as out of space before the first write that finds no room flips the kernel's
 * mode.
 */
public enum PoolHealth {
  HEALTHY,
  /** The kernel queues writes (no_space_timeout, 60 s by default), then errors them. */
  OUT_OF_DATA_SPACE,
  /** Metadata full or damaged: the pool refuses writes. */
  METADATA_READ_ONLY,
  /** The pool failed: every I/O errors. */
  FAILED;

  private static final int HEALTH_CHARACTER = 8;

  static PoolHealth of(LogicalVolume pool) {
    char health =
        pool.attr().length() > HEALTH_CHARACTER ? pool.attr().charAt(HEALTH_CHARACTER) : '-';
    return switch (health) {
      case 'F' -> FAILED;
      case 'M' -> METADATA_READ_ONLY;
      case 'D' -> OUT_OF_DATA_SPACE;
      default ->
          pool.dataPercent() != null && pool.dataPercent() >= 100 ? OUT_OF_DATA_SPACE : HEALTHY;
    };
  }
}
