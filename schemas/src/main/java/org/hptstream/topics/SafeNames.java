package org.hptstream.topics;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for names that end up in topic names and file paths: domain names, strategy labels,
 * checkpoint ids and the tensor groups of a checkpoint. A name is a lower-case letter or digit,
 * then lower-case letters, digits, '.', '_' and '-', with no "..", up to a length that depends on
 * what it names. Whatever passes is safe as one path segment and inside a topic name, so a name
 * written once (a domain in a checkpoint id) is accepted when read back.
 */
public final class SafeNames {
  /** The allowed form, as a regular expression (the length is per {@link Kind}). */
  public static final String REGEX = "[a-z0-9][a-z0-9._-]*";

  private static final Pattern PATTERN = Pattern.compile(REGEX);

  /** What a name names, and how long it may be. */
  public enum Kind {
    /** An image domain: {@code hpt.images.<domain>} and checkpoint ids start with it. */
    DOMAIN("domain name", 63),
    /** A training strategy label ({@code hpt}, {@code base-bn-recal}, ...). */
    STRATEGY("strategy", 63),
    /** A tensor group of a checkpoint, stored as {@code <group>.npz}. */
    GROUP("tensor group name", 63),
    /** A checkpoint id {@code <domain>-<strategy>-<steps>-<8 hex>}: a directory name. */
    CHECKPOINT_ID("checkpoint id", 160);

    private final String label;
    private final int maxLength;

    Kind(String label, int maxLength) {
      this.label = label;
      this.maxLength = maxLength;
    }

    /** The longest name allowed. */
    public int maxLength() {
      return maxLength;
    }

    /** The rule for this kind as one regular expression (without the "no '..'" part). */
    public String regex() {
      return "[a-z0-9][a-z0-9._-]{0," + (maxLength - 1) + "}";
    }
  }

  private SafeNames() {}

  /** Whether {@code name} follows the rule for {@code kind}. */
  public static boolean isValid(Kind kind, String name) {
    return name != null
        && name.length() <= kind.maxLength
        && PATTERN.matcher(name).matches()
        && !name.contains("..");
  }

  /**
   * Returns {@code name} when valid.
   *
   * @throws IllegalArgumentException naming the rule, when not
   */
  public static String validate(Kind kind, String name) {
    if (!isValid(kind, name)) {
      throw new IllegalArgumentException(
          "invalid "
              + kind.label
              + " '"
              + name
              + "': use 1-"
              + kind.maxLength
              + " characters of a-z, 0-9, '.', '_', '-', "
              + "starting with a letter or digit, no '..' (pattern "
              + kind.regex()
              + ")");
    }
    return name;
  }

  /**
   * A valid name of {@code kind} derived from free text such as a folder name ({@code _Scans} gives
   * {@code scans}, {@code X-Ray Site B} gives {@code x-ray-site-b}), or null when nothing is left.
   */
  public static String derive(Kind kind, String text) {
    if (text == null) {
      return null;
    }
    String s =
        text.toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9._-]+", "-")
            .replaceAll("\\.{2,}", ".")
            .replaceFirst("^[^a-z0-9]+", "");
    if (s.length() > kind.maxLength) {
      s = s.substring(0, kind.maxLength);
    }
    s = s.replaceFirst("[._-]+$", "");
    return isValid(kind, s) ? s : null;
  }
}
