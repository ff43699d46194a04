package dtxkit.runtime.archive;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An archived {@code NSValue} holding a point, size or rect, which keyed archives store as a string such as
 * {@code "{{0, 0}, {10, 20}}"} under {@code NS.pointval}, {@code NS.sizeval} or {@code NS.rectval}, with the kind in
 * {@code NS.special} (1 point, 2 size, 3 rect). NSValues of other kinds decode to {@link GenericArchivedObject}.
 *
 * @param kind what the value holds
 * @param encoded the string form, e.g. {@code "{{146.33, 728.33}, {135.66, 69.66}}"}
 */
public record NSValue(Kind kind, String encoded) implements ArchivedObject {
  static final List<String> CLASS_CHAIN = List.of("NSValue", "NSObject");

  /** The geometry an NSValue holds, with its {@code NS.special} code and field key. */
  public enum Kind {
    /** {@code NSPoint}/{@code CGPoint}: {@code {x, y}}. */
    POINT(1, "NS.pointval"),
    /** {@code NSSize}/{@code CGSize}: {@code {width, height}}. */
    SIZE(2, "NS.sizeval"),
    /** {@code NSRect}/{@code CGRect}: {@code {{x, y}, {width, height}}}. */
    RECT(3, "NS.rectval");

    private final int special;
    private final String key;

    Kind(int special, String key) {
      this.special = special;
      this.key = key;
    }

    /** The {@code NS.special} code. */
    public int special() {
      return special;
    }

    /** The key the string form is archived under. */
    public String key() {
      return key;
    }

    /** The kind with {@code NS.special} code {@code special}, or null. */
    public static Kind ofSpecial(long special) {
      for (Kind k : values()) {
        if (k.special == special) {
          return k;
        }
      }
      return null;
    }
  }

  /** Checks both parts are present. */
  public NSValue {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(encoded, "encoded");
  }

  /** A point {@code {x, y}}. */
  public static NSValue point(double x, double y) {
    return new NSValue(Kind.POINT, "{" + num(x) + ", " + num(y) + "}");
  }

  /** A size {@code {width, height}}. */
  public static NSValue size(double width, double height) {
    return new NSValue(Kind.SIZE, "{" + num(width) + ", " + num(height) + "}");
  }

  /** A rect {@code {{x, y}, {width, height}}}. */
  public static NSValue rect(double x, double y, double width, double height) {
    return new NSValue(Kind.RECT, "{" + point(x, y).encoded + ", " + size(width, height).encoded + "}");
  }

  /**
   * The numbers of {@link #encoded()} in order: x, y for a point; width, height for a size; x, y, width, height for a
   * rect.
   *
   * @throws NumberFormatException when the string holds something that is not a number
   */
  public List<Double> numbers() {
    List<Double> out = new ArrayList<>();
    for (String part : encoded.replace("{", " ").replace("}", " ").split(",")) {
      if (!part.isBlank()) {
        out.add(Double.parseDouble(part.trim()));
      }
    }
    return out;
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
  }

  @Override
  public List<String> classChain() {
    return CLASS_CHAIN;
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put(kind.key(), encoded);
    f.put("NS.special", kind.special());
    return f;
  }
}
