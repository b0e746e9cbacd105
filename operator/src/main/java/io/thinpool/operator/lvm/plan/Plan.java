package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.rules.Violation;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the planner decided: the ordered steps to run, or a refusal that says why nothing may be
 * done. Devices the plan leaves out and notes for the user come with either.
 */
public record Plan(
    List<Step> steps, List<ExcludedDevice> excludedDevices, List<String> notes, Refusal refusal) {

  public Plan {
    steps = List.copyOf(steps);
    excludedDevices = List.copyOf(excludedDevices);
    notes = List.copyOf(notes);
  }

  /**
   * A device from the spec that the plan does not use, and why (it names the device and what is on
   * it).
   */
  public record ExcludedDevice(String device, String reason) {}

  /**
   * Why the planner refuses to act. Its reason is a stable, machine-readable word for conditions.
   *
   * @param consentToken for {@link Reason#POOL_HOLDS_DATA}: the token that consents to destroying
   *     exactly what the pool holds now (see {@link TeardownConsent}); null otherwise
   */
  public record Refusal(Reason reason, String message, String consentToken) {
    public Refusal(Reason reason, String message) {
      this(reason, message, null);
    }
  }

  public enum Reason {
    INVALID_SPEC,
    FOREIGN_VOLUME_GROUP,
    /** The volume group is another ThinPoolConfig's on this node: only adoption takes it over. */
    OWNED_BY_OTHER_CONFIG,
    /** The volume group is another node's (a shared disk): never touched. */
    OWNED_BY_OTHER_NODE,
    /** The spec asks to adopt a volume group that does not match it. */
    ADOPTION_MISMATCH,
    NO_USABLE_DEVICE,
    DEVICE_IN_USE,
    VOLUMES_EXIST,
    /**
     * The pool holds thin devices or data (LVM's or a container runtime's) and the teardown has no
     * consent to destroy them.
     */
    POOL_HOLDS_DATA,
    /** A listed disk has an LVM label that LVM does not show (devices file, filter, system ID). */
    LVM_CANNOT_SEE,
    /** The spec adds a device while the VG's own PVs are not in it: names may have moved. */
    DEVICES_MOVED,
    /** A device-mapper table LVM did not make has a name the pool's volumes need. */
    NAME_TAKEN,
    /** The spec's profile file is another pool's, with other settings. */
    PROFILE_SHARED,
    /** A metadata repair was asked for, but there is no inactive pool of ours to repair. */
    NOTHING_TO_REPAIR
  }

  /** Whether this refusal says the volume group is not this owner's to change or remove. */
  public boolean notOurs() {
    return refusal != null
        && switch (refusal.reason()) {
          case FOREIGN_VOLUME_GROUP, OWNED_BY_OTHER_CONFIG, OWNED_BY_OTHER_NODE -> true;
          default -> false;
        };
  }

  public static Plan refused(Reason reason, String message, List<ExcludedDevice> excluded) {
    return new Plan(List.of(), excluded, List.of(), new Refusal(reason, message));
  }

  /** A spec that breaks the rules, each violation in the resource's words. */
  public static Plan refusedAsInvalid(List<Violation> violations) {
    return refused(
        Reason.INVALID_SPEC,
        violations.stream().map(Violation::describe).collect(Collectors.joining("; ")),
        List.of());
  }

  /** Never touch a volume group of the spec's name that thinpool-operator did not create. */
  static Plan refusedForeignVolumeGroup(String name) {
    return refused(
        Reason.FOREIGN_VOLUME_GROUP,
        "volume group "
            + name
            + " exists but is not tagged "
            + LvmNames.OWNER_TAG
            + ": thinpool-operator never modifies a volume group it did not create. To hand it"
            + " over with its pool, set adoptExisting (engine: --adopt-existing); otherwise choose"
            + " another volumeGroup",
        List.of());
  }

  public boolean isRefused() {
    return refusal != null;
  }

  public boolean isEmpty() {
    return steps.isEmpty() && refusal == null;
  }
}
