package dtxkit.runtime.archive;

/**
 * An open-addressing map from {@code String} (by value) to non-negative {@code int}, for the archiver's strings found
 * again by value: one probe to find or add ({@link #putIfAbsent}), no entry objects and no boxed values, as
 * {@code HashMap<String, Integer>} needs. Values are stored plus one, so that a fresh table needs no filling.
 */
final class StringIntMap {
  private String[] keys;
  private int[] values;
  private int size;
  private int mask;

  StringIntMap(int expected) {
    int capacity = LongIntMap.capacityFor(expected);
    keys = new String[capacity];
    values = new int[capacity];
    mask = capacity - 1;
  }

  private static int slot(String key, int mask) {
    // String.hashCode is cached in the String; the multiply spreads its high bits into the slot.
    return (key.hashCode() * 0x9E3779B9 >>> 7) & mask;
  }

  /** The number of keys. */
  int size() {
    return size;
  }

  /** The value of {@code key}, or -1. */
  int get(String key) {
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      String k = keys[i];
      if (k == null) {
        return -1;
      }
      if (k == key || k.equals(key)) {
        return values[i] - 1;
      }
    }
  }

  /** The value of {@code key} if it has one; else sets it to {@code value} (not negative) and returns -1. */
  int putIfAbsent(String key, int value) {
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      String k = keys[i];
      if (k == null) {
        keys[i] = key;
        values[i] = value + 1;
        if (++size > LongIntMap.thresholdOf(keys.length)) {
          grow();
        }
        return -1;
      }
      if (k == key || k.equals(key)) {
        return values[i] - 1;
      }
    }
  }

  private void grow() {
    String[] oldKeys = keys;
    int[] oldValues = values;
    keys = new String[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        for (int j = slot(oldKeys[i], mask); ; j = (j + 1) & mask) {
          if (keys[j] == null) {
            keys[j] = oldKeys[i];
            values[j] = oldValues[i];
            break;
          }
        }
      }
    }
  }
}
