package org.hptstream.topics;

import org.hptstream.topics.SafeNames.Kind;

/**
 * Domain names end up in topic names, checkpoint ids and file paths, so they follow {@link
 * SafeNames}' rule: a lower-case letter or digit, then up to 62 of lower-case letters, digits, '.',
 * '_' and '-', no "..".
 */
public final class DomainNames {
  /** The allowed form, as a regular expression. */
  public static final String REGEX = "[a-z0-9][a-z0-9._-]{0,62}";

  private DomainNames() {}

  public static boolean isValid(String domain) {
    return SafeNames.isValid(Kind.DOMAIN, domain);
  }

  /**
   * Returns {@code domain} when valid.
   *
   * @throws IllegalArgumentException naming the rule, when not
   */
  public static String validate(String domain) {
    return SafeNames.validate(Kind.DOMAIN, domain);
  }
}
