package io.thinpool.operator.rules;

/**
 * The runbook's values, every field's default. The {@code *_TEXT} forms are the same values as the
 * strings a schema annotation takes.
 */
public final class Defaults {

  public static final String VOLUME_GROUP = "docker";
  public static final String POOL = "thinpool";
  public static final String METADATA = "thinpoolmeta";

  public static final int DATA_PERCENT = 90;
  public static final String DATA_PERCENT_TEXT = "" + DATA_PERCENT;
  public static final int METADATA_PERCENT = 5;
  public static final String METADATA_PERCENT_TEXT = "" + METADATA_PERCENT;

  public static final String CHUNK_SIZE = "512Ki";
  public static final long CHUNK_SIZE_BYTES = 512 * 1024;

  public static final boolean ZEROING = false;
  public static final String ZEROING_TEXT = "" + ZEROING;
  public static final boolean WIPE_SIGNATURES = true;
  public static final String WIPE_SIGNATURES_TEXT = "" + WIPE_SIGNATURES;
  public static final boolean DESTROY_EXISTING_DATA = false;
  public static final String DESTROY_EXISTING_DATA_TEXT = "" + DESTROY_EXISTING_DATA;
  public static final boolean ADOPT_EXISTING = false;
  public static final String ADOPT_EXISTING_TEXT = "" + ADOPT_EXISTING;
  public static final boolean PLAN_ONLY = false;
  public static final String PLAN_ONLY_TEXT = "" + PLAN_ONLY;

  public static final String PROFILE = "docker-thinpool";
  public static final int THRESHOLD_PERCENT = 80;
  public static final String THRESHOLD_PERCENT_TEXT = "" + THRESHOLD_PERCENT;
  public static final int EXTEND_PERCENT = 20;
  public static final String EXTEND_PERCENT_TEXT = "" + EXTEND_PERCENT;

  public static final String DELETION_POLICY = "Retain";

  private Defaults() {}
}
