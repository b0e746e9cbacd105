package io.thinpool.operator.lvm.spec;

import java.util.ArrayList;
import java.util.List;

/** Names LVM and device-mapper derive from ours, and the mark that says a VG is ours. */
public final class LvmNames {

  /** The VG tag that marks a volume group as created (and so owned) by thinpool-operator. */
  public static final String OWNER_TAG = "thinpool.io/managed";

  public static final String PROFILE_DIR = "/etc/lvm/profile";

  private LvmNames() {}

  public static String lvPath(String volumeGroup, String lv) {
    return volumeGroup + "/" + lv;
  }

  /**
   * device-mapper's name for an LV: dashes inside names are doubled, then VG and LV join with one.
   */
  public static String dmName(String volumeGroup, String lv) {
    return volumeGroup.replace("-", "--") + "-" + lv.replace("-", "--");
  }

  /** The device node of an LV by its device-mapper name, as udev and LVM create it. */
  public static String devicePath(String volumeGroup, String lv) {
    return "/dev/mapper/" + dmName(volumeGroup, lv);
  }

  /**
   * The device-mapper tables of these LVs, in the order given: the pool's own name may sit on a
   * "-tpool" layer (when it has thin volumes), which follows it.
   */
  public static List<String> dmTables(String volumeGroup, List<String> lvs, String pool) {
    List<String> tables = new ArrayList<>();
    for (String lv : lvs) {
      tables.add(dmName(volumeGroup, lv));
      if (lv.equals(pool)) {
        tables.add(dmName(volumeGroup, lv) + "-tpool");
      }
    }
    return tables;
  }

  public static String profilePath(String profile) {
    return PROFILE_DIR + "/" + profile + ".profile";
  }

  /** The content of the autoextend profile, exactly as the runbook writes it. */
  public static String profileContent(PoolSpec.AutoextendPolicy autoextend) {
    return "activation {\n"
        + "\tthin_pool_autoextend_threshold="
        + autoextend.thresholdPercent()
        + "\n"
        + "\tthin_pool_autoextend_percent="
        + autoextend.extendPercent()
        + "\n"
        + "}\n";
  }
}
