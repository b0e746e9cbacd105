package io.thinpool.operator.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Whether two API objects (a spec, a status) would be written the same: compared as the JSON the
 * API server would receive, so an unchanged object costs no API write.
 */
final class SameContent {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SameContent() {}

  static boolean of(Object current, Object next) {
    return current != null && JSON.valueToTree(current).equals(JSON.valueToTree(next));
  }
}
