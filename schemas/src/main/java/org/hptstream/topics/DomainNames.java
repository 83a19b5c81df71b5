package org.hptstream.topics;

import java.util.regex.Pattern;

/**
 * Domain names end up in topic names and file paths, so they are limited to a safe charset: a
 * lower-case letter or digit, then up to 62 of lower-case letters, digits, '.', '_' and '-'.
 */
public final class DomainNames {
  /** The allowed form, as a regular expression. */
  public static final String REGEX = "[a-z0-9][a-z0-9._-]{0,62}";

  private static final Pattern PATTERN = Pattern.compile(REGEX);

  private DomainNames() {}

  public static boolean isValid(String domain) {
    return domain != null && PATTERN.matcher(domain).matches() && !domain.contains("..");
  }

  /**
   * Returns {@code domain} when valid.
   *
   * @throws IllegalArgumentException naming the rule, when not
   */
  public static String validate(String domain) {
    if (!isValid(domain)) {
      throw new IllegalArgumentException(
          "invalid domain name '"
              + domain
              + "': use 1-63 characters of a-z, 0-9, '.', '_', '-', "
              + "starting with a letter or digit, no '..' (pattern "
              + REGEX
              + ")");
    }
    return domain;
  }
}
