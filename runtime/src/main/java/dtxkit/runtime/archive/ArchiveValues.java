package dtxkit.runtime.archive;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Helpers for comparing decoded archive values, whose byte arrays do not compare by content with {@code equals}. */
public final class ArchiveValues {
  private ArchiveValues() {}

  /**
   * Whether two decoded values are equal: byte arrays by content, Lists element by element, Maps entry by entry (in
   * any order), Sets by size and membership, everything else with {@code equals}. The same instance is always equal
   * to itself, which ends recursion through containers that contain themselves.
   */
  public static boolean deepEquals(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      Iterator<?> i = x.iterator();
      Iterator<?> j = y.iterator();
      while (i.hasNext()) {
        if (!deepEquals(i.next(), j.next())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Set<?> x && b instanceof Set<?> y) {
      return x.size() == y.size() && x.containsAll(y);
    }
    if (a instanceof ArchivedObject x && b instanceof ArchivedObject y && !(a instanceof Record)) {
      return x.classChain().equals(y.classChain()) && deepEquals(x.fields(), y.fields());
    }
    return Objects.equals(a, b);
  }
}
