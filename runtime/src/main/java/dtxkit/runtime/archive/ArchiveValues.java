package dtxkit.runtime.archive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Helpers for comparing decoded archive values, whose byte arrays do not compare by content with {@code equals}. */
public final class ArchiveValues {
  private static final Object NO_KEY = new Object();

  private ArchiveValues() {}

  /**
   * Whether two decoded values are equal: byte arrays by content, Lists element by element, Maps entry by entry (in
   * any order), Sets by size and membership (keys and elements that equals cannot find, such as byte arrays, by
   * content), archived objects by class chain and fields (records of one type too: their own {@code equals} compares
   * a byte array, or a Map keyed by one, by identity), everything else with {@code equals}. The same instance is
   * always equal to itself; two containers that contain themselves are compared as graphs (a pair of containers
   * already being compared is taken as equal, so the comparison of two isomorphic cyclic values ends and says true).
   */
  public static boolean deepEquals(Object a, Object b) {
    return deepEquals(a, b, null);
  }

  private static boolean deepEquals(Object a, Object b, Map<Object, List<Object>> comparing) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    boolean list = a instanceof List<?> && b instanceof List<?>;
    boolean map = a instanceof Map<?, ?> && b instanceof Map<?, ?>;
    boolean object = a instanceof ArchivedObject && b instanceof ArchivedObject
        && (!(a instanceof Record) || a.getClass() == b.getClass());
    if (!list && !map && !object) {
      if (a instanceof Set<?> x && b instanceof Set<?> y) {
        if (x.size() != y.size()) {
          return false;
        }
        for (Object e : x) {
          if (!y.contains(e) && y.stream().noneMatch(f -> deepEquals(e, f))) {
            return false;
          }
        }
        return true;
      }
      return Objects.equals(a, b);
    }
    if (comparing == null) {
      comparing = new IdentityHashMap<>();
    }
    List<Object> against = comparing.computeIfAbsent(a, k -> new ArrayList<>(1));
    for (Object o : against) {
      if (o == b) {
        return true;
      }
    }
    against.add(b);
    if (list) {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      Iterator<?> i = x.iterator();
      Iterator<?> j = y.iterator();
      while (i.hasNext()) {
        if (!deepEquals(i.next(), j.next(), comparing)) {
          return false;
        }
      }
      return true;
    }
    if (map) {
      Map<?, ?> x = (Map<?, ?>) a;
      Map<?, ?> y = (Map<?, ?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        Object key = e.getKey();
        if (!y.containsKey(key)) {
          key = NO_KEY;
          for (Object k : y.keySet()) {
            if (deepEquals(e.getKey(), k)) {
              key = k;
              break;
            }
          }
          if (key == NO_KEY) {
            return false;
          }
        }
        if (!deepEquals(e.getValue(), y.get(key), comparing)) {
          return false;
        }
      }
      return true;
    }
    ArchivedObject x = (ArchivedObject) a;
    ArchivedObject y = (ArchivedObject) b;
    return x.classChain().equals(y.classChain()) && deepEquals(x.fields(), y.fields(), comparing);
  }

  /**
   * {@code value} as {@code String.valueOf} shows it ({@code [a, b]}, {@code {k=v}}, an archived object as its class
   * name and fields), but safe for values that contain themselves and bounded: a container inside itself shows as
   * {@code (cycle)}, containers deeper than 16 levels as {@code ...}, and the text stops growing past
   * {@code maxChars} (it may end a little past it; callers cut it).
   */
  public static String toString(Object value, int maxChars) {
    StringBuilder out = new StringBuilder();
    render(value, out, new IdentityHashMap<>(), 0, maxChars);
    return out.toString();
  }

  private static final int RENDER_DEPTH = 16;

  /**
   * Whether {@link #render} shows {@code value}'s parts itself: collections, maps, archived objects, and a record that
   * is an archived object only when it leads back to itself (its own {@code toString} would not end; others keep the
   * record's own form).
   */
  private static boolean isContainer(Object value) {
    return value instanceof Collection<?> || value instanceof Map<?, ?> || value instanceof AbstractArchivedObject
        || (value instanceof ArchivedObject && value instanceof Record && containsItself(value));
  }

  /** Recursion is bounded by {@link #RENDER_DEPTH}. */
  private static void render(Object value, StringBuilder out, Map<Object, Boolean> open, int depth, int maxChars) {
    if (out.length() > maxChars) {
      return;
    }
    if (!isContainer(value)) {
      out.append(value instanceof byte[] b ? "byte[" + b.length + "]" : String.valueOf(value));
      return;
    }
    if (open.containsKey(value)) {
      out.append("(cycle)");
      return;
    }
    if (depth >= RENDER_DEPTH) {
      out.append("...");
      return;
    }
    open.put(value, Boolean.TRUE);
    if (value instanceof Collection<?> c) {
      out.append('[');
      String sep = "";
      for (Object e : c) {
        if (out.length() > maxChars) {
          break;
        }
        out.append(sep);
        render(e, out, open, depth + 1, maxChars);
        sep = ", ";
      }
      out.append(']');
    } else {
      Map<?, ?> m;
      if (value instanceof ArchivedObject a) {
        out.append(a.className());
        m = a.fields();
      } else {
        m = (Map<?, ?>) value;
      }
      out.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (out.length() > maxChars) {
          break;
        }
        out.append(sep);
        render(e.getKey(), out, open, depth + 1, maxChars);
        out.append('=');
        render(e.getValue(), out, open, depth + 1, maxChars);
        sep = ", ";
      }
      out.append('}');
    }
    open.remove(value);
  }

  /**
   * Whether {@code value} contains itself: a List, Set, Map or archived object from which a chain of elements, keys,
   * values or fields leads back to it (or to any container on the way). Such a value cannot be hashed or printed
   * by its own methods. Walks with an explicit stack, so any depth is fine.
   */
  public static boolean containsItself(Object value) {
    return containsItselfOrReaches(value, null, 0);
  }

  /**
   * {@link #containsItself}, or whether {@code value} is or leads to one of {@code targets[0..count)} (by identity):
   * what a reader asks of a value it is about to use as a dictionary key or set element, with the containers it is
   * still filling as the targets (they lie on the path to that key, so reaching one closes a cycle once they are
   * filled, though the value does not contain itself yet).
   */
  static boolean containsItselfOrReaches(Object value, Object[] targets, int count) {
    if (!isWalkable(value)) {
      return false;
    }
    if (isAny(value, targets, count)) {
      return true;
    }
    // Depth-first; a container still on the path (grey) that is reached again closes a cycle.
    Map<Object, Boolean> grey = new IdentityHashMap<>();
    Map<Object, Boolean> done = new IdentityHashMap<>();
    ArrayDeque<Object> owners = new ArrayDeque<>();
    ArrayDeque<Iterator<?>> pending = new ArrayDeque<>();
    grey.put(value, Boolean.TRUE);
    owners.push(value);
    pending.push(children(value));
    while (!pending.isEmpty()) {
      Iterator<?> it = pending.peek();
      if (!it.hasNext()) {
        pending.pop();
        Object finished = owners.pop();
        grey.remove(finished);
        done.put(finished, Boolean.TRUE);
        continue;
      }
      Object child = it.next();
      if (!isWalkable(child) || done.containsKey(child)) {
        continue;
      }
      if (grey.containsKey(child) || isAny(child, targets, count)) {
        return true;
      }
      grey.put(child, Boolean.TRUE);
      owners.push(child);
      pending.push(children(child));
    }
    return false;
  }

  private static boolean isAny(Object value, Object[] targets, int count) {
    for (int i = 0; i < count; i++) {
      if (targets[i] == value) {
        return true;
      }
    }
    return false;
  }

  /** Containers whose parts a cycle can run through: records that are archived objects too (through fields()). */
  private static boolean isWalkable(Object value) {
    return value instanceof Collection<?> || value instanceof Map<?, ?> || value instanceof ArchivedObject;
  }

  private static Iterator<?> children(Object container) {
    if (container instanceof Collection<?> c) {
      return c.iterator();
    }
    Map<?, ?> m = container instanceof ArchivedObject a ? a.fields() : (Map<?, ?>) container;
    List<Object> both = new ArrayList<>(m.size() * 2);
    for (Map.Entry<?, ?> e : m.entrySet()) {
      both.add(e.getKey());
      both.add(e.getValue());
    }
    return both.iterator();
  }
}
