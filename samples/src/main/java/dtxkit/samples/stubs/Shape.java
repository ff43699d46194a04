package dtxkit.samples.stubs;

import dtxkit.runtime.archive.ArchivedObject;
import dtxkit.runtime.archive.GenericArchivedObject;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What the values seen at one place (an argument, a reply, a dictionary key) have in common, the basis of a Java
 * type: merging two shapes keeps what both allow ({@code int} and {@code long} give {@code long}, two lists give a
 * list of the merged elements) and gives {@link Kind#ANY} ({@code Object}) where the values disagree.
 */
final class Shape {

  enum Kind {
    /** Only nulls (or nothing) seen. */
    NONE,
    BOOLEAN,
    INT,
    LONG,
    DOUBLE,
    STRING,
    BYTES,
    LIST,
    SET,
    /** A dictionary with string keys: {@link #keys} holds each key's shape. */
    DICT,
    /** A dictionary with other keys. */
    MAP,
    /** A class of its own: {@link #className} (Instant, UUID, an archive class). */
    CLASS,
    /** Values disagree: Object. */
    ANY
  }

  /** Nothing seen yet. */
  static final Shape NONE = new Shape(Kind.NONE, false, null, null, null, false, null);
  /** Only nulls seen. */
  static final Shape NULL = new Shape(Kind.NONE, true, null, null, null, false, null);
  static final Shape ANY = new Shape(Kind.ANY, false, null, null, null, false, null);

  final Kind kind;
  /** A null was seen among the values. */
  final boolean nullable;
  /** LIST, SET, MAP: the element (MAP: value) shape. */
  final Shape element;
  /** DICT: the shape of each key, sorted by key. */
  final Map<String, Shape> keys;
  /** CLASS: the class name. */
  final String className;
  /** DICT: every dictionary seen had the same keys. */
  final boolean stableKeys;
  /** MAP: the key shape. */
  final Shape key;

  private Shape(Kind kind, boolean nullable, Shape element, Map<String, Shape> keys, String className,
      boolean stableKeys, Shape key) {
    this.kind = kind;
    this.nullable = nullable;
    this.element = element;
    this.keys = keys;
    this.className = className;
    this.stableKeys = stableKeys;
    this.key = key;
  }

  private static Shape of(Kind kind) {
    return new Shape(kind, false, null, null, null, false, null);
  }

  /** The shape of one decoded value (as {@code NSKeyedUnarchiver} gives it). */
  static Shape of(Object value) {
    if (value == null) {
      return NULL;
    }
    if (value instanceof Boolean) {
      return of(Kind.BOOLEAN);
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return of(Kind.INT);
    }
    if (value instanceof Long l) {
      return of(l == l.intValue() ? Kind.INT : Kind.LONG);
    }
    if (value instanceof Double || value instanceof Float) {
      return of(Kind.DOUBLE);
    }
    if (value instanceof Number) {
      return of(Kind.LONG);
    }
    if (value instanceof String) {
      return of(Kind.STRING);
    }
    if (value instanceof byte[]) {
      return of(Kind.BYTES);
    }
    if (value instanceof List<?> list) {
      return new Shape(Kind.LIST, false, elements(list), null, null, false, null);
    }
    if (value instanceof Set<?> set) {
      return new Shape(Kind.SET, false, elements(set), null, null, false, null);
    }
    if (value instanceof Map<?, ?> map) {
      if (map.keySet().stream().allMatch(k -> k instanceof String)) {
        Map<String, Shape> keys = new TreeMap<>();
        map.forEach((k, v) -> keys.put((String) k, of(v)));
        return new Shape(Kind.DICT, false, null, keys, null, true, null);
      }
      return new Shape(Kind.MAP, false, elements(map.values()), null, null, false, elements(map.keySet()));
    }
    if (value instanceof Instant) {
      return classShape(Instant.class.getName());
    }
    if (value instanceof UUID) {
      return classShape(UUID.class.getName());
    }
    if (value instanceof java.net.URI) {
      return classShape(java.net.URI.class.getName());
    }
    if (value instanceof GenericArchivedObject) {
      return classShape(ArchivedObject.class.getName());
    }
    if (value instanceof ArchivedObject) {
      Class<?> type = value.getClass();
      return java.lang.reflect.Modifier.isPublic(type.getModifiers()) && type.getEnclosingClass() == null
          ? classShape(type.getName()) : classShape(ArchivedObject.class.getName());
    }
    return ANY;
  }

  private static Shape classShape(String name) {
    return new Shape(Kind.CLASS, false, null, null, name, false, null);
  }

  private static Shape elements(Collection<?> values) {
    Shape shape = NONE;
    for (Object v : values) {
      shape = shape.merge(of(v));
    }
    return shape;
  }

  /** What this shape and {@code other} have in common. */
  Shape merge(Shape other) {
    if (other.kind == Kind.NONE) {
      return other.nullable && !nullable ? nullable() : this;
    }
    if (kind == Kind.NONE) {
      return nullable && !other.nullable ? other.nullable() : other;
    }
    boolean n = nullable || other.nullable;
    if (kind == other.kind) {
      return switch (kind) {
        case LIST, SET -> new Shape(kind, n, element.merge(other.element), null, null, false, null);
        case MAP -> new Shape(kind, n, element.merge(other.element), null, null, false, key.merge(other.key));
        case DICT -> {
          Map<String, Shape> merged = new TreeMap<>(keys);
          other.keys.forEach((k, s) -> merged.merge(k, s, Shape::merge));
          boolean stable = stableKeys && other.stableKeys && keys.keySet().equals(other.keys.keySet());
          yield new Shape(Kind.DICT, n, null, merged, null, stable, null);
        }
        case CLASS -> Objects.equals(className, other.className) ? withNullable(n) : ANY;
        default -> withNullable(n);
      };
    }
    if (isNumber() && other.isNumber()) {
      Kind wider = kind == Kind.DOUBLE || other.kind == Kind.DOUBLE ? Kind.DOUBLE : Kind.LONG;
      return new Shape(wider, n, null, null, null, false, null);
    }
    if (kind == Kind.DICT && other.kind == Kind.MAP || kind == Kind.MAP && other.kind == Kind.DICT) {
      return new Shape(Kind.MAP, n, valueShape().merge(other.valueShape()), null, null, false, ANY);
    }
    return ANY;
  }

  /** DICT and MAP: what the values have in common. */
  Shape valueShape() {
    if (kind == Kind.MAP) {
      return element;
    }
    Shape shape = NONE;
    for (Shape s : keys.values()) {
      shape = shape.merge(s);
    }
    return shape;
  }

  boolean isNumber() {
    return kind == Kind.INT || kind == Kind.LONG || kind == Kind.DOUBLE;
  }

  boolean isPrimitive() {
    return isNumber() || kind == Kind.BOOLEAN;
  }

  /** DICT with the same non-empty key set in every dictionary seen: a record can hold it. */
  boolean recordable() {
    return kind == Kind.DICT && stableKeys && !keys.isEmpty();
  }

  private Shape nullable() {
    return withNullable(true);
  }

  private Shape withNullable(boolean n) {
    return n == nullable ? this : new Shape(kind, n, element, keys, className, stableKeys, key);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case LIST, SET -> kind + "<" + element + ">";
      case MAP -> "MAP<" + key + ", " + element + ">";
      case DICT -> "DICT" + (stableKeys ? "" : "~") + new TreeSet<>(keys.keySet());
      case CLASS -> className;
      default -> kind.name();
    } + (nullable ? "?" : "");
  }
}
