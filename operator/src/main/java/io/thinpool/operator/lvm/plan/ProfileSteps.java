package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The autoextend profile's steps of a plan: write the file when its content differs (atomically,
 * without a shell), and attach it to the pool. Pure, like {@link PoolPlanner}.
 */
final class ProfileSteps {

  private ProfileSteps() {}

  static List<Step> of(PoolSpec spec, HostState state, Optional<LogicalVolume> pool) {
    List<Step> steps = new ArrayList<>();
    PoolSpec.AutoextendPolicy autoextend = spec.autoextend();
    String expected = LvmNames.profileContent(autoextend);
    if (!state.profile(autoextend.profile()).map(expected::equals).orElse(false)) {
      steps.addAll(
          write(
              spec,
              LvmNames.profilePath(autoextend.profile()),
              expected,
              "autoextend profile "
                  + autoextend.profile()
                  + " (threshold "
                  + autoextend.thresholdPercent()
                  + "%, extend by "
                  + autoextend.extendPercent()
                  + "%)"));
    }
    if (pool.map(lv -> !lv.profile().equals(autoextend.profile())).orElse(true)) {
      steps.add(
          Step.of(
              Step.Intent.ATTACH_PROFILE,
              "attach profile "
                  + autoextend.profile()
                  + " so dmeventd extends the pool by its policy",
              "lvchange",
              "--metadataprofile",
              autoextend.profile(),
              LvmNames.lvPath(spec.volumeGroup(), spec.poolName())));
    }
    return steps;
  }

  /**
   * A shell-free, atomic file write: the content goes to a temporary file beside the target through
   * dd's standard input (fsynced), then rename(2) puts it in place, so LVM and dmeventd never read
   * a half-written profile. The temporary name is per pool: two pools never share one.
   */
  private static List<Step> write(PoolSpec spec, String path, String content, String what) {
    String directory = path.substring(0, path.lastIndexOf('/'));
    String temporary = path + "." + LvmNames.dmName(spec.volumeGroup(), spec.poolName()) + ".tmp";
    return List.of(
        Step.of(
            Step.Intent.MAKE_PROFILE_DIRECTORY,
            "the directory for " + what,
            "mkdir",
            "-p",
            "--",
            directory),
        new Step(
            Step.Intent.WRITE_PROFILE_COPY,
            List.of("dd", "of=" + temporary, "conv=fsync", "status=none"),
            content,
            "write " + what),
        Step.of(
            Step.Intent.PUT_PROFILE_IN_PLACE,
            "put " + what + " in place atomically",
            "mv",
            "-f",
            "--",
            temporary,
            path));
  }
}
