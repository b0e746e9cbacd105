package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.PoolContents;

/**
 * What the user consented to lose when a pool is torn down. A pool that holds data (any thin
 * device, LVM's or a runtime's, any mapped block, or contents that cannot be read) is removed only
 * with consent: the engine's {@code --force}, or the token the refusal named, which covers that
 * pool with those contents and nothing written after.
 *
 * @param everything consent to destroy whatever the pool holds ({@code engine teardown --force})
 * @param token the consent token a refusal named, or null
 */
public record TeardownConsent(boolean everything, String token) {

  /** No consent: a pool that holds data stays. */
  public static final TeardownConsent NONE = new TeardownConsent(false, null);

  /** Consent to destroy whatever the pool and its volume group hold. */
  public static final TeardownConsent FORCE = new TeardownConsent(true, null);

  public static TeardownConsent token(String token) {
    return new TeardownConsent(false, token);
  }

  public boolean allows(PoolContents contents) {
    return everything || (token != null && token.equals(contents.consentToken()));
  }
}
