package dtxkit.samples.stubs;

import dtxkit.runtime.archive.ArchivedObject;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Short, single-line renderings of example values for generated javadoc, escaped for a Java comment. */
final class Examples {

  static final int MAX_LENGTH = 80;

  private Examples() {
  }

  /** {@code value} in a JSON-like form, at most {@link #MAX_LENGTH} characters. */
  static String render(Object value) {
    StringBuilder s = new StringBuilder();
    append(s, value);
    return shorten(s);
  }

  /** The arguments of a call, as {@code (a, b)}. */
  static String arguments(List<Object> values) {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        s.append(", ");
      }
      append(s, values.get(i));
      if (s.length() > MAX_LENGTH) {
        break;
      }
    }
    s.append(')');
    return shorten(s);
  }

  private static String shorten(StringBuilder s) {
    return s.length() <= MAX_LENGTH ? s.toString() : s.substring(0, MAX_LENGTH - 3) + "...";
  }

  private static void append(StringBuilder s, Object value) {
    if (s.length() > MAX_LENGTH) {
      return;
    }
    if (value == null) {
      s.append("null");
    } else if (value instanceof String str) {
      s.append('"');
      str.codePoints().limit(MAX_LENGTH).forEach(c -> {
        if (c == '"' || c == '\\') {
          s.append('\\').append((char) c);
        } else if (c < 0x20 || c > 0x7E) {
          s.append(c == '\n' ? "\\n" : "?");
        } else {
          s.append((char) c);
        }
      });
      s.append('"');
    } else if (value instanceof byte[] bytes) {
      s.append("<").append(bytes.length).append(" bytes>");
    } else if (value instanceof Map<?, ?> unsorted) {
      Map<?, ?> map = unsorted.keySet().stream().allMatch(k -> k instanceof String)
          ? new java.util.TreeMap<>(unsorted) : unsorted;
      s.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          s.append(", ");
        }
        first = false;
        append(s, e.getKey());
        s.append(": ");
        append(s, e.getValue());
        if (s.length() > MAX_LENGTH) {
          return;
        }
      }
      s.append('}');
    } else if (value instanceof Collection<?> list) {
      s.append('[');
      boolean first = true;
      for (Object o : list) {
        if (!first) {
          s.append(", ");
        }
        first = false;
        append(s, o);
        if (s.length() > MAX_LENGTH) {
          return;
        }
      }
      s.append(']');
    } else if (value instanceof ArchivedObject a) {
      s.append(a.classChain().isEmpty() ? value.getClass().getSimpleName() : a.classChain().get(0));
    } else if (value instanceof Number || value instanceof Boolean) {
      s.append(value);
    } else {
      String text = value.toString();
      s.append(text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text);
    }
  }

  /** Escapes {@code text} for a javadoc comment: HTML, the comment end, {@code @} and backslashes (unicode escapes). */
  static String javadoc(String text) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> s.append("&amp;");
        case '<' -> s.append("&lt;");
        case '>' -> s.append("&gt;");
        case '@' -> s.append("&#64;");
        case '\\' -> s.append("&#92;");
        case '/' -> s.append(i > 0 && text.charAt(i - 1) == '*' ? "&#47;" : "/");
        case '{' -> s.append("&#123;");
        case '}' -> s.append("&#125;");
        case '$' -> s.append("&#36;");
        default -> s.append(c < 0x20 || c > 0x7E ? '?' : c);
      }
    }
    return s.toString();
  }
}
