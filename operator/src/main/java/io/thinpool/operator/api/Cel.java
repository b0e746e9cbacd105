package io.thinpool.operator.api;

import io.thinpool.operator.rules.PoolRules;
import io.thinpool.operator.rules.SelectorRules;

/**
 * The schema's CEL rules and their messages, built from the rules package's constants so that
 * admission and the agent check the same thing and say it in the same words. Patterns go in raw
 * strings ({@code r'…'}), messages in double-quoted ones; a message expression shows the value it
 * refuses, since the API server prints only its type.
 */
final class Cel {

  /** Opens a message with the refused value in single quotes: {@code "'" + self + "' …"}. */
  private static final String QUOTED_SELF = "\"'\" + self + \"' ";

  /**
   * Opens the plain message a rule falls back to when its message expression cannot show the value:
   * the API server refuses a message with a line break, and would show the bare rule instead.
   */
  static final String A_VALUE = "a value ";

  static final String LVM_NAME =
      "self.matches(r'" + PoolRules.LVM_NAME_PATTERN + "') && self != '.' && self != '..'";
  static final String NOT_AN_LVM_NAME = QUOTED_SELF + PoolRules.NOT_AN_LVM_NAME + "\"";

  static final String NOT_RESERVED = "!self.matches(r'" + PoolRules.LVM_RESERVED_PATTERN + "')";
  static final String RESERVED_BY_LVM = QUOTED_SELF + PoolRules.RESERVED_BY_LVM + "\"";
  static final String NOT_SHIPPED_BY_LVM2 =
      "!self.matches(r'" + PoolRules.LVM2_PROFILES_PATTERN + "')";
  static final String SHIPPED_BY_LVM2 = QUOTED_SELF + PoolRules.SHIPPED_BY_LVM2 + "\"";

  static final String METADATA_NAME_OF_ITS_OWN = "self.poolName != self.metadataName";
  static final String SAME_AS_POOL_NAME =
      "\"'\" + self.metadataName + \"' " + PoolRules.SAME_AS_POOL_NAME + "\"";

  private static final String DEVICE_PATH = "d.matches(r'" + PoolRules.DEVICE_PATH_PATTERN + "')";
  static final String DEVICE_PATHS = "self.all(d, " + DEVICE_PATH + ")";
  static final String NOT_A_DEVICE_PATH =
      "\"'\" + self.filter(d, !" + DEVICE_PATH + ")[0] + \"' " + PoolRules.NOT_A_DEVICE_PATH + "\"";

  private static final String LISTED_ONCE = "self.exists_one(e, e == d)";
  static final String DEVICES_ONCE = "self.all(d, " + LISTED_ONCE + ")";
  static final String LISTED_TWICE =
      "\"'\" + self.filter(d, !" + LISTED_ONCE + ")[0] + \"' " + PoolRules.LISTED_TWICE + "\"";

  static final String WITHIN_THE_VOLUME_GROUP =
      "self.dataPercentOfVg + self.metadataPercentOfVg <= " + PoolRules.PERCENT_OF_VG_TOTAL_MAX;
  static final String CHUNK_SIZE =
      "self.matches(r'"
          + PoolRules.SIZE_PATTERN
          + "') && quantity(self).compareTo(quantity('"
          + PoolRules.CHUNK_SIZE_MIN
          + "')) >= 0 && quantity(self).compareTo(quantity('"
          + PoolRules.CHUNK_SIZE_MAX
          + "')) <= 0 && quantity(self).asInteger() % "
          + PoolRules.CHUNK_SIZE_MIN_BYTES
          + " == 0";
  static final String NOT_A_CHUNK_SIZE = QUOTED_SELF + PoolRules.NOT_A_CHUNK_SIZE + "\"";

  static final String METADATA_SIZE =
      "self.matches(r'"
          + PoolRules.SIZE_PATTERN
          + "') && quantity(self).compareTo(quantity('"
          + PoolRules.METADATA_SIZE_MIN
          + "')) >= 0 && quantity(self).compareTo(quantity('"
          + PoolRules.METADATA_SIZE_MAX
          + "')) <= 0";
  static final String NOT_A_METADATA_SIZE = QUOTED_SELF + PoolRules.NOT_A_METADATA_SIZE + "\"";

  static final String SELF_IS_LABEL_KEY =
      "self.matches(r'"
          + SelectorRules.LABEL_KEY_PATTERN
          + "') && self.indexOf('/') <= "
          + SelectorRules.LABEL_KEY_PREFIX_MAX_LENGTH;
  static final String NOT_A_LABEL_KEY = QUOTED_SELF + SelectorRules.NOT_A_LABEL_KEY + "\"";

  private static final String KEY_IS_LABEL_KEY =
      "k.matches(r'"
          + SelectorRules.LABEL_KEY_PATTERN
          + "') && k.indexOf('/') <= "
          + SelectorRules.LABEL_KEY_PREFIX_MAX_LENGTH;
  static final String LABEL_KEYS = "self.all(k, " + KEY_IS_LABEL_KEY + ")";
  static final String NOT_LABEL_KEYS =
      "\"'\" + self.filter(k, !("
          + KEY_IS_LABEL_KEY
          + "))[0] + \"' "
          + SelectorRules.NOT_A_LABEL_KEY
          + "\"";

  private static final String KEY_HAS_LABEL_VALUE =
      "self[k].matches(r'" + SelectorRules.LABEL_VALUE_PATTERN + "')";
  static final String LABEL_VALUES = "self.all(k, " + KEY_HAS_LABEL_VALUE + ")";
  static final String NOT_LABEL_VALUES =
      "\"'\" + self[self.filter(k, !"
          + KEY_HAS_LABEL_VALUE
          + ")[0]] + \"' "
          + SelectorRules.NOT_A_LABEL_VALUE
          + "\"";

  private static final String VALUE_IS_LABEL_VALUE =
      "v.matches(r'" + SelectorRules.LABEL_VALUE_PATTERN + "')";
  static final String VALUES_ARE_LABEL_VALUES = "self.all(v, " + VALUE_IS_LABEL_VALUE + ")";
  static final String NOT_VALUES_ARE_LABEL_VALUES =
      "\"'\" + self.filter(v, !"
          + VALUE_IS_LABEL_VALUE
          + ")[0] + \"' "
          + SelectorRules.NOT_A_LABEL_VALUE
          + "\"";

  private static final String TAKES_VALUES =
      "self.operator in ['" + SelectorRules.IN + "', '" + SelectorRules.NOT_IN + "']";
  private static final String TAKES_NONE =
      "self.operator in ['" + SelectorRules.EXISTS + "', '" + SelectorRules.DOES_NOT_EXIST + "']";
  private static final String HAS_VALUES = "has(self.values) && size(self.values) > 0";

  static final String OPERATOR =
      "self in ['"
          + SelectorRules.IN
          + "', '"
          + SelectorRules.NOT_IN
          + "', '"
          + SelectorRules.EXISTS
          + "', '"
          + SelectorRules.DOES_NOT_EXIST
          + "']";
  static final String NOT_AN_OPERATOR = QUOTED_SELF + SelectorRules.NOT_AN_OPERATOR + "\"";

  static final String VALUES_WHEN_REQUIRED = "!(" + TAKES_VALUES + ") || " + HAS_VALUES;
  static final String NONE_WHEN_FORBIDDEN = "!(" + TAKES_NONE + ") || !(" + HAS_VALUES + ")";

  private Cel() {}
}
