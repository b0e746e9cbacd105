package io.thinpool.operator.lvm.spec;

import io.thinpool.operator.rules.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who owns a pool: one ThinPoolConfig on one node. A volume group this operator makes carries the
 * owner in its tags, so a second config naming the same volume group, or another node that sees it
 * on a shared disk, knows it is not theirs.
 *
 * @param config the ThinPoolConfig's name; {@link #ENGINE} for the engine command's own pools
 * @param node the Kubernetes node's name
 */
public record PoolOwner(String config, String node) {

  /** The config name the engine command records when none is given. */
  public static final String ENGINE = "engine";

  private static final String CONFIG_TAG_PREFIX = "thinpool.io/config=";
  private static final String NODE_TAG_PREFIX = "thinpool.io/node=";

  private static final String NOT_A_TAG = "cannot be written as an LVM tag";

  /** What LVM accepts in a tag (lvm2's validate_tag), so that the tags below are valid ones. */
  private static final Pattern TAG_CHARACTERS = Pattern.compile("[A-Za-z0-9_+./=!:&#-]+");

  /** The tags that name this owner, after {@link LvmNames#OWNER_TAG}. */
  public List<String> tags() {
    return List.of(CONFIG_TAG_PREFIX + config, NODE_TAG_PREFIX + node);
  }

  /** The config a volume group's tags name, if any. */
  public static Optional<String> configOf(List<String> tags) {
    return valueOf(tags, CONFIG_TAG_PREFIX);
  }

  /** The node a volume group's tags name, if any. */
  public static Optional<String> nodeOf(List<String> tags) {
    return valueOf(tags, NODE_TAG_PREFIX);
  }

  /** Whether a tag names a config or a node, this owner's or another's. */
  public static boolean namesAnOwner(String tag) {
    return tag.startsWith(CONFIG_TAG_PREFIX) || tag.startsWith(NODE_TAG_PREFIX);
  }

  private static Optional<String> valueOf(List<String> tags, String prefix) {
    return tags.stream()
        .filter(tag -> tag.startsWith(prefix))
        .map(tag -> tag.substring(prefix.length()))
        .findFirst();
  }

  /** What keeps these names from being written as LVM tags; empty when they can be. */
  List<Violation> violations() {
    List<Violation> errors = new ArrayList<>();
    if (config == null || !TAG_CHARACTERS.matcher(config).matches()) {
      errors.add(Violation.of("owner.config", "'" + config + "'", NOT_A_TAG));
    }
    if (node == null || !TAG_CHARACTERS.matcher(node).matches()) {
      errors.add(Violation.of("owner.node", "'" + node + "'", NOT_A_TAG));
    }
    return errors;
  }
}
