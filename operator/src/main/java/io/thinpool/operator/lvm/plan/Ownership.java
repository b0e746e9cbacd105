package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.plan.Plan.Reason;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolOwner;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whose a volume group is, read from its tags and seen from the spec's owner (one config on one
 * node). The node comes first: a volume group another node owns (a shared or multi-attach disk) is
 * never touched, whatever the spec says; one another config on this node owns is taken over only by
 * adoption.
 */
enum Ownership {
  /** Not made by thinpool-operator: only adoption takes it over. */
  UNMANAGED,
  /** Made by a thinpool-operator that did not record owners yet: ours, its owner to be recorded. */
  UNRECORDED,
  OURS,
  /** Made on this node for another ThinPoolConfig (one still there, or retained after it went). */
  OTHER_CONFIG,
  OTHER_NODE;

  static Ownership of(VolumeGroup vg, PoolOwner owner) {
    Optional<String> node = PoolOwner.nodeOf(vg.tags());
    if (node.isPresent() && !node.get().equals(owner.node())) {
      return OTHER_NODE;
    }
    if (!vg.tags().contains(LvmNames.OWNER_TAG)) {
      return UNMANAGED;
    }
    Optional<String> config = PoolOwner.configOf(vg.tags());
    if (config.isPresent() && !config.get().equals(owner.config())) {
      return OTHER_CONFIG;
    }
    return node.isPresent() && config.isPresent() ? OURS : UNRECORDED;
  }

  /** Whether adoption may take this volume group over (after the adoption checks). */
  boolean adoptable() {
    return this == UNMANAGED || this == OTHER_CONFIG;
  }

  /**
   * Why the spec's owner may not change {@code vg}, when it may not; a reconcile that adopts
   * handles {@link #UNMANAGED} and {@link #OTHER_CONFIG} itself.
   */
  static Optional<Plan> refusal(PoolSpec spec, VolumeGroup vg) {
    return switch (of(vg, spec.owner())) {
      case OURS, UNRECORDED -> Optional.empty();
      case UNMANAGED -> Optional.of(Plan.refusedForeignVolumeGroup(spec.volumeGroup()));
      case OTHER_CONFIG -> Optional.of(otherConfig(spec, vg));
      case OTHER_NODE -> Optional.of(otherNode(spec, vg));
    };
  }

  static Plan otherConfig(PoolSpec spec, VolumeGroup vg) {
    return Plan.refused(
        Reason.OWNED_BY_OTHER_CONFIG,
        "volume group "
            + spec.volumeGroup()
            + " on this node belongs to ThinPoolConfig "
            + PoolOwner.configOf(vg.tags()).orElseThrow()
            + " (still there, or kept by its deletionPolicy Retain), not to "
            + spec.owner().config()
            + ": to take it over with its pool, set adoptExisting (engine: --adopt-existing);"
            + " otherwise choose another volumeGroup",
        List.of());
  }

  static Plan otherNode(PoolSpec spec, VolumeGroup vg) {
    return Plan.refused(
        Reason.OWNED_BY_OTHER_NODE,
        "volume group "
            + spec.volumeGroup()
            + " belongs to node "
            + PoolOwner.nodeOf(vg.tags()).orElseThrow()
            + ", not to "
            + spec.owner().node()
            + " (its disk is shared or was moved here): thinpool-operator never touches another"
            + " node's volume group, adoptExisting included",
        List.of());
  }

  /** The step that records the spec's owner on a volume group made before owners were recorded. */
  static Step record(PoolSpec spec, VolumeGroup vg) {
    return new Step(
        Step.Intent.RECORD_OWNER,
        retag(spec, vg),
        "",
        "volume group "
            + spec.volumeGroup()
            + " was made by an earlier thinpool-operator: record its owner, config "
            + spec.owner().config()
            + " on node "
            + spec.owner().node());
  }

  /**
   * The vgchange that makes {@code vg} the spec owner's: another owner's tags go, the mark and the
   * owner's tags it lacks are added.
   */
  static List<String> retag(PoolSpec spec, VolumeGroup vg) {
    List<String> argv = new ArrayList<>(List.of("vgchange"));
    List<String> wanted = new ArrayList<>(List.of(LvmNames.OWNER_TAG));
    wanted.addAll(spec.owner().tags());
    for (String tag : vg.tags()) {
      if (PoolOwner.namesAnOwner(tag) && !wanted.contains(tag)) {
        argv.addAll(List.of("--deltag", tag));
      }
    }
    for (String tag : wanted) {
      if (!vg.tags().contains(tag)) {
        argv.addAll(List.of("--addtag", tag));
      }
    }
    argv.add(spec.volumeGroup());
    return argv;
  }
}
