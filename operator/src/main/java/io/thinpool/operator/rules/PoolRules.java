package io.thinpool.operator.rules;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a pool's parameters may be: bounds, patterns, LVM's reserved names, and the messages that
 * say what is allowed. Each message follows the offending value, e.g. {@code volumeGroup: '..' } +
 * {@link #NOT_AN_LVM_NAME}; the schema's CEL rules build theirs from the same constants.
 */
public final class PoolRules {

  /** LVM's characters for VG and LV names (lvm(8) "Valid names"); "." and ".." it refuses too. */
  public static final String LVM_NAME_PATTERN = "^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$";

  public static final int LVM_NAME_MAX_LENGTH = 127;

  /** Names LVM keeps for its own volumes: the prefixes and the parts of its sub-LV names. */
  public static final String LVM_RESERVED_PATTERN =
      "^(snapshot|pvmove|.*_(cdata|cmeta|corig|mlog|mimage|pmspare|rimage|rmeta|tdata|tmeta"
          + "|vorigin|vdata)).*$";

  /** The profiles lvm2 installs in /etc/lvm/profile (Debian bullseye to trixie). */
  public static final String LVM2_PROFILES_PATTERN =
      "^(cache-mq|cache-smq|command_profile_template|lvmdbusd|metadata_profile_template"
          + "|thin-generic|thin-performance|vdo-small)$";

  public static final String SHIPPED_BY_LVM2 =
      "is a profile lvm2 ships: thinpool-operator writes and removes only profiles of its own;"
          + " choose another name (the runbook's is docker-thinpool)";

  public static final String NOT_AN_LVM_NAME =
      "is not a valid LVM name: use letters, digits and + _ . - (not - first), not . or ..,"
          + " at most 127 characters";

  public static final String RESERVED_BY_LVM =
      "is a name LVM reserves: it may not start with snapshot or pvmove, nor contain _cdata,"
          + " _cmeta, _corig, _mlog, _mimage, _pmspare, _rimage, _rmeta, _tdata, _tmeta, _vorigin"
          + " or _vdata";

  public static final String SAME_AS_POOL_NAME =
      "is the poolName too: the metadata LV needs a name of its own";

  /**
   * Block devices by kernel name, by a /dev/disk/by-* link or by a /dev/mapper name. No part starts
   * with a dot, so no path can climb out of /dev, and no shell character gets through.
   */
  public static final String DEVICE_PATH_PATTERN =
      "^/dev/([A-Za-z0-9][A-Za-z0-9._-]*|disk/by-[a-z]+/[A-Za-z0-9:_+@-][A-Za-z0-9:._+@-]*"
          + "|mapper/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)$";

  public static final int DEVICE_PATH_MAX_LENGTH = 255;
  public static final int MIN_DEVICES = 1;
  public static final int MAX_DEVICES = 16;

  public static final String NOT_A_DEVICE_PATH =
      "is not a block device path: use /dev/ and a kernel name (/dev/sdb), /dev/disk/by-<kind>/"
          + "<link> or /dev/mapper/<name>, in letters, digits and . _ - (links also + : @),"
          + " no part starting with a dot";

  public static final String LISTED_TWICE = "is listed more than once: list each device once";

  public static final int PERCENT_OF_VG_MIN = 1;
  public static final int PERCENT_OF_VG_MAX = 99;
  public static final int PERCENT_OF_VG_TOTAL_MAX = 100;

  /** Why the data and metadata shares are bounded together: the words both messages say. */
  public static final String ONE_VOLUME_GROUP = "together they share one volume group";

  /** The agent's words after the two fields and their sum. */
  public static final String SHARE_ONE_VOLUME_GROUP = "is over 100: " + ONE_VOLUME_GROUP;

  /** The schema's message, which has no sum to show. */
  public static final String OVER_THE_VOLUME_GROUP =
      "dataPercentOfVg + metadataPercentOfVg may be at most 100: " + ONE_VOLUME_GROUP;

  /** Sizes as bytes or with a binary suffix; anything else is refused, not guessed at. */
  public static final String SIZE_PATTERN = "^[0-9]+(Ki|Mi|Gi)?$";

  public static final int SIZE_MAX_LENGTH = 16;
  public static final String CHUNK_SIZE_MIN = "64Ki";
  public static final String CHUNK_SIZE_MAX = "1Gi";
  public static final long CHUNK_SIZE_MIN_BYTES = 64 * 1024;
  public static final long CHUNK_SIZE_MAX_BYTES = 1024L * 1024 * 1024;

  public static final String NOT_A_CHUNK_SIZE =
      "is not a chunk size LVM accepts: a multiple of 64Ki from 64Ki to 1Gi, in bytes or with Ki,"
          + " Mi or Gi (e.g. 512Ki)";

  public static final String METADATA_SIZE_MIN = "2Mi";
  public static final String METADATA_SIZE_MAX = "16192Mi";

  /** LVM's smallest thin-pool metadata LV. */
  public static final long METADATA_SIZE_MIN_BYTES = 2L * 1024 * 1024;

  /**
   * The most metadata a thin pool can use, as LVM computes it (DM_THIN_MAX_METADATA_SIZE: 16192
   * MiB, shown as 15.81 GiB). A larger metadata LV only wastes the excess, and its spare as much
   * again.
   */
  public static final long METADATA_SIZE_MAX_BYTES = 16192L * 1024 * 1024;

  public static final String NOT_A_METADATA_SIZE =
      "is not a metadata size LVM accepts: from 2Mi to 16192Mi (LVM's maximum, 15.81 GiB), in"
          + " bytes or with Ki, Mi or Gi (e.g. 1Gi)";

  public static final int THRESHOLD_PERCENT_MIN = 50;

  /** A threshold of 100 turns autoextend off: the one way to do so. */
  public static final int THRESHOLD_PERCENT_MAX = 100;

  /** An extension of 0% would turn autoextend off as well, without saying so: refused. */
  public static final int EXTEND_PERCENT_MIN = 1;

  public static final int EXTEND_PERCENT_MAX = 100;

  private static final Pattern LVM_NAME = Pattern.compile(LVM_NAME_PATTERN);
  private static final Pattern LVM_RESERVED = Pattern.compile(LVM_RESERVED_PATTERN);
  private static final Pattern LVM2_PROFILES = Pattern.compile(LVM2_PROFILES_PATTERN);
  private static final Pattern DEVICE_PATH = Pattern.compile(DEVICE_PATH_PATTERN);
  private static final Pattern SIZE = Pattern.compile(SIZE_PATTERN);
  private static final Map<String, Long> BINARY_SUFFIXES =
      Map.of("", 1L, "Ki", 1024L, "Mi", 1024L * 1024, "Gi", 1024L * 1024 * 1024);

  private PoolRules() {}

  /** The devices to build the volume group on: one to 16 paths under /dev, each once. */
  public static List<Violation> deviceErrors(List<String> devices) {
    List<Violation> errors = new ArrayList<>();
    if (devices.size() < MIN_DEVICES || devices.size() > MAX_DEVICES) {
      errors.add(
          Violation.of(
              "devices",
              null,
              devices.size() + " devices listed: list from " + MIN_DEVICES + " to " + MAX_DEVICES));
    }
    Set<String> seen = new HashSet<>();
    for (String device : devices) {
      if (!isDevicePath(device)) {
        errors.add(Violation.of("devices", quoted(device), NOT_A_DEVICE_PATH));
      } else if (!seen.add(device)) {
        errors.add(Violation.of("devices", quoted(device), LISTED_TWICE));
      }
    }
    return errors;
  }

  /** A VG or LV name: LVM's characters, and none of the names it reserves. */
  public static List<Violation> volumeNameErrors(String field, String name) {
    if (!isLvmName(name)) {
      return List.of(Violation.of(field, quoted(name), NOT_AN_LVM_NAME));
    }
    if (LVM_RESERVED.matcher(name).matches()) {
      return List.of(Violation.of(field, quoted(name), RESERVED_BY_LVM));
    }
    return List.of();
  }

  /**
   * The profile's name: LVM's characters (it names a file under /etc/lvm/profile), and none of the
   * profiles lvm2 itself ships, which the operator would otherwise rewrite and remove.
   */
  public static List<Violation> profileErrors(String profile) {
    if (!isLvmName(profile)) {
      return List.of(Violation.of("autoextend.profile", quoted(profile), NOT_AN_LVM_NAME));
    }
    return LVM2_PROFILES.matcher(profile).matches()
        ? List.of(Violation.of("autoextend.profile", quoted(profile), SHIPPED_BY_LVM2))
        : List.of();
  }

  public static List<Violation> metadataNameClash(String poolName, String metadataName) {
    return poolName != null && poolName.equals(metadataName)
        ? List.of(Violation.of("metadataName", quoted(metadataName), SAME_AS_POOL_NAME))
        : List.of();
  }

  /** The data and metadata LVs' shares of the volume group. */
  public static List<Violation> percentOfVgErrors(int dataPercent, int metadataPercent) {
    List<Violation> errors = new ArrayList<>();
    errors.addAll(
        rangeErrors("dataPercentOfVg", dataPercent, PERCENT_OF_VG_MIN, PERCENT_OF_VG_MAX));
    errors.addAll(
        rangeErrors("metadataPercentOfVg", metadataPercent, PERCENT_OF_VG_MIN, PERCENT_OF_VG_MAX));
    if (dataPercent + metadataPercent > PERCENT_OF_VG_TOTAL_MAX) {
      errors.add(
          new Violation(
              List.of("dataPercentOfVg", "metadataPercentOfVg"),
              dataPercent + " + " + metadataPercent + " = " + (dataPercent + metadataPercent),
              SHARE_ONE_VOLUME_GROUP));
    }
    return errors;
  }

  public static List<Violation> chunkSizeErrors(long bytes) {
    return bytes >= CHUNK_SIZE_MIN_BYTES
            && bytes <= CHUNK_SIZE_MAX_BYTES
            && bytes % CHUNK_SIZE_MIN_BYTES == 0
        ? List.of()
        : List.of(Violation.of("chunkSize", bytes + " bytes", NOT_A_CHUNK_SIZE));
  }

  /** An absolute metadata LV size, checked only when the spec gives one. */
  public static List<Violation> metadataSizeErrors(long bytes) {
    return bytes >= METADATA_SIZE_MIN_BYTES && bytes <= METADATA_SIZE_MAX_BYTES
        ? List.of()
        : List.of(Violation.of("metadataSize", bytes + " bytes", NOT_A_METADATA_SIZE));
  }

  /** A size as written that is no size at all (the schema's pattern refuses it at admission). */
  public static Violation unreadableSize(String field, String written, String problem) {
    return Violation.of(field, quoted(written), problem);
  }

  public static List<Violation> autoextendErrors(int thresholdPercent, int extendPercent) {
    List<Violation> errors = new ArrayList<>();
    errors.addAll(
        rangeErrors(
            "autoextend.thresholdPercent",
            thresholdPercent,
            THRESHOLD_PERCENT_MIN,
            THRESHOLD_PERCENT_MAX));
    errors.addAll(
        rangeErrors(
            "autoextend.extendPercent", extendPercent, EXTEND_PERCENT_MIN, EXTEND_PERCENT_MAX));
    return errors;
  }

  /**
   * A size (chunk or metadata) as written in the spec, in bytes; empty when it is not written as
   * {@link #SIZE_PATTERN} allows or does not fit in a long.
   */
  public static OptionalLong sizeBytes(String text) {
    if (text == null || text.length() > SIZE_MAX_LENGTH || !SIZE.matcher(text).matches()) {
      return OptionalLong.empty();
    }
    String digits = text.replaceAll("[A-Za-z]+$", "");
    BigInteger bytes =
        new BigInteger(digits)
            .multiply(BigInteger.valueOf(BINARY_SUFFIXES.get(text.substring(digits.length()))));
    return bytes.bitLength() < Long.SIZE
        ? OptionalLong.of(bytes.longValue())
        : OptionalLong.empty();
  }

  static boolean isLvmName(String name) {
    return name != null
        && name.length() <= LVM_NAME_MAX_LENGTH
        && LVM_NAME.matcher(name).matches()
        && !name.equals(".")
        && !name.equals("..");
  }

  static boolean isDevicePath(String device) {
    return device != null
        && device.length() <= DEVICE_PATH_MAX_LENGTH
        && DEVICE_PATH.matcher(device).matches();
  }

  private static List<Violation> rangeErrors(String field, int value, int min, int max) {
    return value >= min && value <= max
        ? List.of()
        : List.of(
            Violation.of(
                field, String.valueOf(value), "is out of range: use " + min + " to " + max));
  }

  /** A value as the messages show it: in single quotes, or null. */
  static String quoted(String value) {
    return value == null ? "null" : "'" + value + "'";
  }
}
