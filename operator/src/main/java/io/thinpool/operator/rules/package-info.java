/**
 * The pool's rules and defaults, written once: the CRD schema's OpenAPI and CEL annotations (in
 * {@code api}) and the agent's own validation (in {@code lvm}) both read them from here. Plain
 * constants, so that annotations can use them; patterns anchored with {@code ^…$}, so that CEL's
 * {@code matches} and {@link java.util.regex.Matcher#matches()} read them alike; messages in words
 * that name what is allowed. No Kubernetes, no I/O.
 */
package io.thinpool.operator.rules;
