package dtxkit.runtime.archive;

/**
 * An open-addressing map from object identity to non-negative {@code int}, for the archiver's objects found again by
 * identity: one probe to find or add ({@link #putIfAbsent}), no boxed values and no entry objects, as
 * {@code IdentityHashMap<Object, Integer>} needs. Values are stored plus one, so that a fresh table needs no filling.
 */
final class IdentityIntMap {
  private Object[] keys;
  private int[] values;
  private int size;
  private int mask;

  IdentityIntMap(int expected) {
    int capacity = LongIntMap.capacityFor(expected);
    keys = new Object[capacity];
    values = new int[capacity];
    mask = capacity - 1;
  }

  private static int slot(Object key, int mask) {
    // identityHashCode's low bits are well spread already; the multiply mixes in the high ones too.
    return (System.identityHashCode(key) * 0x9E3779B9 >>> 7) & mask;
  }

  /** The number of keys. */
  int size() {
    return size;
  }

  /** The value of {@code key} if it has one; else sets it to {@code value} (not negative) and returns -1. */
  int putIfAbsent(Object key, int value) {
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      Object k = keys[i];
      if (k == null) {
        keys[i] = key;
        values[i] = value + 1;
        if (++size > LongIntMap.thresholdOf(keys.length)) {
          grow();
        }
        return -1;
      }
      if (k == key) {
        return values[i] - 1;
      }
    }
  }

  private void grow() {
    Object[] oldKeys = keys;
    int[] oldValues = values;
    keys = new Object[oldKeys.length * 2];
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
