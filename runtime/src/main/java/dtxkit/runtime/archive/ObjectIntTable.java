package dtxkit.runtime.archive;

/**
 * The open-addressing table behind {@link StringIntMap} (keys by value) and {@link IdentityIntMap} (keys by identity):
 * keys to non-negative {@code int}s, one probe to find or add ({@link #putIfAbsent}), no entry objects and no boxed
 * values. Values are stored plus one, so that a fresh table needs no filling. A subclass says how keys hash and match.
 *
 * @param <K> the key type
 */
abstract class ObjectIntTable<K> {
  private Object[] keys;
  private int[] values;
  private int size;
  private int mask;

  ObjectIntTable(int expected) {
    int capacity = LongIntMap.capacityFor(expected);
    keys = new Object[capacity];
    values = new int[capacity];
    mask = capacity - 1;
  }

  /** The key's hash, before spreading. */
  abstract int hash(K key);

  /** Whether {@code stored} (never null) is the key {@code key}. */
  abstract boolean matches(Object stored, K key);

  private int slot(Object key, int mask) {
    @SuppressWarnings("unchecked")
    K k = (K) key;
    // The multiply spreads the hash's high bits into the slot.
    return (hash(k) * 0x9E3779B9 >>> 7) & mask;
  }

  /** The number of keys. */
  final int size() {
    return size;
  }

  /** The value of {@code key}, or -1. */
  final int get(K key) {
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      Object k = keys[i];
      if (k == null) {
        return -1;
      }
      if (matches(k, key)) {
        return values[i] - 1;
      }
    }
  }

  /** The value of {@code key} if it has one; else sets it to {@code value} (not negative) and returns -1. */
  final int putIfAbsent(K key, int value) {
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
      if (matches(k, key)) {
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
