package dtxkit.runtime.archive;

/**
 * An open-addressing map from {@code long} to non-negative {@code int}, for the archive writers' value de-duplication
 * (numbers by value, doubles by bits): no boxing, and keys are mixed before use, so that numbers such as doubles whose
 * low bits are all zero do not pile into a few buckets as they do in a {@code HashMap<Long, Integer>}. Values are
 * stored plus one, so that a fresh (zeroed) table needs no filling.
 */
final class LongIntMap {
  private long[] keys;
  private int[] values;
  private int size;
  private int mask;
  private int shift;

  LongIntMap(int expected) {
    int capacity = capacityFor(expected);
    keys = new long[capacity];
    values = new int[capacity];
    mask = capacity - 1;
    shift = 64 - Integer.numberOfTrailingZeros(capacity);
  }

  /** The smallest power of two, at least 16, whose {@link #thresholdOf} exceeds {@code expected}. */
  static int capacityFor(int expected) {
    int capacity = 16;
    while (thresholdOf(capacity) <= expected && capacity < 1 << 30) {
      capacity <<= 1;
    }
    return capacity;
  }

  /** The most keys a table of {@code capacity} slots holds before it grows: three quarters (linear probing). */
  static int thresholdOf(int capacity) {
    return capacity - (capacity >>> 2);
  }

  /** Fibonacci hashing: the top bits of the key times the golden ratio, which depend on every bit of the key. */
  private static int slot(long key, int shift) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
  }

  /** The number of keys. */
  int size() {
    return size;
  }

  /** The value of {@code key}, or -1. */
  int get(long key) {
    for (int i = slot(key, shift); ; i = (i + 1) & mask) {
      int v = values[i];
      if (v == 0) {
        return -1;
      }
      if (keys[i] == key) {
        return v - 1;
      }
    }
  }

  /** The value of {@code key} if it has one; else sets it to {@code value} (not negative) and returns -1. */
  int putIfAbsent(long key, int value) {
    if (size >= thresholdOf(keys.length)) {
      grow();
    }
    for (int i = slot(key, shift); ; i = (i + 1) & mask) {
      int v = values[i];
      if (v == 0) {
        keys[i] = key;
        values[i] = value + 1;
        size++;
        return -1;
      }
      if (keys[i] == key) {
        return v - 1;
      }
    }
  }

  /** Sets {@code key} to {@code value} (which is not negative). */
  void put(long key, int value) {
    if (size >= thresholdOf(keys.length)) {
      grow();
    }
    for (int i = slot(key, shift); ; i = (i + 1) & mask) {
      if (values[i] == 0) {
        keys[i] = key;
        values[i] = value + 1;
        size++;
        return;
      }
      if (keys[i] == key) {
        values[i] = value + 1;
        return;
      }
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    mask = keys.length - 1;
    shift--;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] != 0) {
        for (int j = slot(oldKeys[i], shift); ; j = (j + 1) & mask) {
          if (values[j] == 0) {
            keys[j] = oldKeys[i];
            values[j] = oldValues[i];
            break;
          }
        }
      }
    }
  }
}
