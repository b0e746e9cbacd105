package io.thinpool.operator.lvm.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edits LVM's text metadata (what {@code vgcfgbackup} writes) for the stuck-pool recovery: finds a
 * thin pool's logical volumes and removes their sections, leaving everything else byte for byte.
 */
public final class LvmMetadataText {

  private static final Pattern SECTION_START =
      Pattern.compile("^\\s*([A-Za-z0-9+_.-]+)\\s*\\{\\s*$");
  private static final Pattern THIN_POOL_REF = Pattern.compile("thin_pool\\s*=\\s*\"([^\"]*)\"");

  private LvmMetadataText() {}

  /**
   * The LVs that make up a pool: its thin volumes (their segments name it as {@code thin_pool}),
   * the pool, its hidden data and metadata LVs, and the spare metadata LV. Thin volumes come first:
   * that is the order their device-mapper tables can be removed in.
   */
  public static List<String> poolVolumes(String metadata, String pool) {
    Set<String> volumes = new LinkedHashSet<>();
    String current = null;
    int depth = 0;
    int lvDepth = -1;
    for (String line : metadata.split("\n", -1)) {
      String code = stripComment(line);
      Matcher start = SECTION_START.matcher(code);
      if (start.matches()) {
        depth++;
        if (start.group(1).equals("logical_volumes")) {
          lvDepth = depth;
        } else if (lvDepth > 0 && depth == lvDepth + 1) {
          current = start.group(1);
        }
        continue;
      }
      Matcher ref = THIN_POOL_REF.matcher(code);
      if (current != null && ref.find() && ref.group(1).equals(pool)) {
        volumes.add(current);
      }
      depth += count(code, '{') - count(code, '}');
      if (depth < lvDepth) {
        lvDepth = -1;
      }
      if (lvDepth > 0 && depth == lvDepth) {
        current = null;
      }
    }
    List<String> all = new ArrayList<>(volumes);
    all.addAll(List.of(pool, pool + "_tmeta", pool + "_tdata", "lvol0_pmspare"));
    return all;
  }

  /** The metadata without the named LVs' sections (inside {@code logical_volumes} only). */
  public static String withoutLogicalVolumes(String metadata, List<String> names) {
    StringBuilder kept = new StringBuilder();
    int depth = 0;
    int lvDepth = -1;
    int skipUntil = -1;
    for (String line : metadata.split("\n", -1)) {
      String code = stripComment(line);
      Matcher start = SECTION_START.matcher(code);
      int before = depth;
      depth += count(code, '{') - count(code, '}');
      if (skipUntil >= 0) {
        if (depth <= skipUntil) {
          skipUntil = -1;
        }
        continue;
      }
      if (start.matches() && start.group(1).equals("logical_volumes")) {
        lvDepth = depth;
      } else if (start.matches()
          && lvDepth > 0
          && before == lvDepth
          && names.contains(start.group(1))) {
        skipUntil = before;
        continue;
      }
      if (lvDepth > 0 && depth < lvDepth) {
        lvDepth = -1;
      }
      kept.append(line).append('\n');
    }
    return kept.substring(0, kept.length() - 1);
  }

  /** Comments start with '#' outside a quoted string. */
  private static String stripComment(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '#' && !quoted) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static int count(String code, char brace) {
    int n = 0;
    boolean quoted = false;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == brace && !quoted) {
        n++;
      }
    }
    return n;
  }
}
