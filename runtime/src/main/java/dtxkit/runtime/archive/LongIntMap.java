package dtxkit.runtime.archive;

/**
 * An open-addressing map from {@code long} to non-negative {@code int}, for the archive writers' value de-duplication
 * (numbers by value, doubles by bits): no boxing, and keys are mixed before use, so that numbers such as doubles whose
 * low bits are all zero do not pile into a few buckets as they do in a {@code HashMap<Long, Integer>}. A slot is in use
 * when it carries the map's current generation, so that {@link #clear} is one increment, not a pass over the table
 * (an archiver keeps its maps from one encode to the next).
 */
final class LongIntMap {
  /**
   * Slot {@code i}: its key at {@code 2i}; at {@code 2i + 1} the generation that wrote it (high half; 0 in a new
   * table, never current) and its value (low half). A probe reads one cache line.
   */
  private long[] table;
  private int size;
  private int mask;
  private int shift;
  private int generation = 1;

  LongIntMap(int expected) {
    int capacity = capacityFor(expected);
    table = new long[2 * capacity];
    mask = capacity - 1;
    shift = 64 - Integer.numberOfTrailingZeros(capacity);
  }

  /** The smallest power of two, at least 16, whose {@link #thresholdOf} exceeds {@code expected}. */
  static int capacityFor(int expected) {
    int capacity = 16;
    while (thresholdOf(capacity) <= expected && capacity < 1 << 29) {
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

  /** The number of slots. */
  int capacity() {
    return mask + 1;
  }

  /** Removes every key (the table keeps its size). */
  void clear() {
    size = 0;
    if (++generation == Integer.MAX_VALUE) {
      java.util.Arrays.fill(table, 0L);
      generation = 1;
    }
  }

  /** The value of {@code key}, or -1. */
  int get(long key) {
    long[] t = table;
    int g = generation;
    for (int i = slot(key, shift); ; i = (i + 1) & mask) {
      long v = t[2 * i + 1];
      if ((int) (v >>> 32) != g) {
        return -1;
      }
      if (t[2 * i] == key) {
        return (int) v;
      }
    }
  }

  /** The value of {@code key} if it has one; else sets it to {@code value} (not negative) and returns -1. */
  int putIfAbsent(long key, int value) {
    if (size >= thresholdOf(mask + 1)) {
      grow();
    }
    long[] t = table;
    int g = generation;
    for (int i = slot(key, shift); ; i = (i + 1) & mask) {
      long v = t[2 * i + 1];
      if ((int) (v >>> 32) != g) {
        t[2 * i] = key;
        t[2 * i + 1] = (long) g << 32 | value;
        size++;
        return -1;
      }
      if (t[2 * i] == key) {
        return (int) v;
      }
    }
  }

  /** Sets {@code key} to {@code value} (which is not negative). */
  void put(long key, int value) {
    if (size >= thresholdOf(mask + 1)) {
      grow();
    }
    long[] t = table;
    int g = generation;
    for (int i = slot(key, shift); ; i = (i + 1) & mask) {
      if ((int) (t[2 * i + 1] >>> 32) != g) {
        t[2 * i] = key;
        t[2 * i + 1] = (long) g << 32 | value;
        size++;
        return;
      }
      if (t[2 * i] == key) {
        t[2 * i + 1] = (long) g << 32 | value;
        return;
      }
    }
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    mask = (mask << 1) | 1;
    shift--;
    int g = generation;
    for (int j = 0; j < old.length; j += 2) {
      if ((int) (old[j + 1] >>> 32) == g) {
        for (int i = slot(old[j], shift); ; i = (i + 1) & mask) {
          if ((int) (table[2 * i + 1] >>> 32) != g) {
            table[2 * i] = old[j];
            table[2 * i + 1] = old[j + 1];
            break;
          }
        }
      }
    }
  }
}
