package dtxkit.runtime.archive;

import dtxkit.runtime.archive.BinaryArchiveWriter.ClassEntry;
import dtxkit.runtime.archive.BinaryArchiveWriter.Instance;
import dtxkit.runtime.archive.BinaryArchiveWriter.Entries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The archive writer as it was before issue 13's fourth pass (commit 21cb906), kept as the oracle of
 * {@link ArchiveWriterBytesTest}: it lays the entries out depth-first from the root dictionary into arrays of kinds,
 * payloads and numbers, then writes the bytes in a second walk. The writer that replaced it must write the same bytes.
 */
final class TwoWalkArchiveWriter {
  private static final byte K_STRING = 1;
  private static final byte K_INT = 2;
  private static final byte K_REAL = 3;
  private static final byte K_BOOL = 4;
  private static final byte K_DATA = 5;
  private static final byte K_UID = 6;
  private static final byte K_ARRAY = 7;
  private static final byte K_DICT = 8;

  private byte[] kinds;
  private Object[] payloads;
  private long[] numbers;
  private int count;

  private final StringIntMap strings = new StringIntMap(16);
  private final LongIntMap ints = new LongIntMap(64);
  private final LongIntMap reals = new LongIntMap(16);
  private int[] uids;
  private final int[] bools = {-1, -1};

  private final List<Object> objects;
  /**
   * Whether an {@link Instance} holds an inline number. When none does, the numbers among the entries are distinct
   * (the archiver found them again by value) and the only other number is {@code $version}: entry numbers then need
   * no map to be found again.
   */
  private final boolean inlineNumbers;
  private int versionId = -1;

  /** The archiver's string entries: string → its {@code $objects} index (the first one with that value). */
  private final StringIntMap entryStrings;
  /** For the entry strings of {@link #entryStrings}: the plist object written for it plus one, 0 when none yet. */
  private final int[] entryStringIds;

  private TwoWalkArchiveWriter(List<Object> objects, StringIntMap entryStrings, boolean inlineNumbers) {
    this.objects = objects;
    // Sized for what an archive usually holds: about one plist object per entry and one UID per referenced entry,
    // plus the arrays of references and the keys; grown when more come.
    int expected = Math.max(64, objects.size() * 9 / 4 + 64);
    this.kinds = new byte[expected];
    this.payloads = new Object[expected];
    this.numbers = new long[expected];
    this.entryStrings = entryStrings;
    this.entryStringIds = new int[objects.size()];
    this.uids = new int[objects.size()];
    this.inlineNumbers = inlineNumbers;
  }

  /**
   * The archive {@code {$version: 100000, $archiver: "NSKeyedArchiver", $top: {key: UID}, $objects: [...]}}.
   *
   * @param topKeys the {@code $top} keys in order
   * @param topRefs the {@code $objects} index each key refers to
   * @param objects the entries, {@code "$null"} first; numbers among them distinct by value (integers by value,
   *     doubles by bits)
   * @param entryStrings the string entries by value: each to the index of the first entry with that value
   * @param inlineNumbers whether an {@link Instance} holds an inline number
   */
  /** The archive of {@code entries}, given to the writer as the boxed list of entries it took. */
  static byte[] write(String[] topKeys, int[] topRefs, Entries entries, StringIntMap entryStrings,
      boolean inlineNumbers) {
    List<Object> objects = new ArrayList<>();
    for (int i = 0; i < entries.size; i++) {
      long n = entries.numbers[i];
      objects.add(switch (entries.kinds[i]) {
        case Entries.INTEGER -> (Object) n;
        case Entries.REAL -> (Object) Double.longBitsToDouble(n);
        case Entries.BOOLEAN -> (Object) (n != 0);
        default -> entries.values[i];
      });
    }
    return write(topKeys, topRefs, objects, entryStrings, inlineNumbers);
  }

  static byte[] write(String[] topKeys, int[] topRefs, List<Object> objects, StringIntMap entryStrings,
      boolean inlineNumbers) {
    TwoWalkArchiveWriter w = new TwoWalkArchiveWriter(objects, entryStrings, inlineNumbers);
    w.layout(topKeys, topRefs);
    return w.bytes();
  }

  private int add(byte kind, Object payload, long number) {
    if (count == kinds.length) {
      int n = count * 2;
      kinds = Arrays.copyOf(kinds, n);
      payloads = Arrays.copyOf(payloads, n);
      numbers = Arrays.copyOf(numbers, n);
    }
    kinds[count] = kind;
    payloads[count] = payload;
    numbers[count] = number;
    return count++;
  }

  private void layout(String[] topKeys, int[] topRefs) {
    int[] rootChildren = new int[8];
    int root = add(K_DICT, rootChildren, 0);
    rootChildren[0] = string("$version");
    rootChildren[1] = string("$archiver");
    rootChildren[2] = string("$top");
    rootChildren[3] = string("$objects");
    rootChildren[4] = integer(100000);
    versionId = rootChildren[4];
    rootChildren[5] = string("NSKeyedArchiver");
    int[] topChildren = new int[2 * topKeys.length];
    rootChildren[6] = add(K_DICT, topChildren, 0);
    for (int i = 0; i < topKeys.length; i++) {
      topChildren[i] = string(topKeys[i]);
    }
    for (int i = 0; i < topKeys.length; i++) {
      topChildren[topKeys.length + i] = uid(topRefs[i]);
    }
    int n = objects.size();
    int[] entries = new int[n];
    rootChildren[7] = add(K_ARRAY, entries, 0);
    for (int i = 0; i < n; i++) {
      Object o = objects.get(i);
      entries[i] = o instanceof String str ? entryString(str, i) : entry(o);
    }
    assert root == 0;
  }

  private int entry(Object o) {
    if (o instanceof Instance inst) {
      int[] children = new int[2 * inst.size];
      int id = add(K_DICT, children, 0);
      for (int i = 0; i < inst.size; i++) {
        children[i] = string(inst.keys[i]);
      }
      for (int i = 0; i < inst.size; i++) {
        children[inst.size + i] = inst.values[i] == Instance.REF ? uid(inst.refs[i]) : field(inst.values[i]);
      }
      return id;
    }
    if (o instanceof ClassEntry c) {
      int[] children = new int[4];
      int id = add(K_DICT, children, 0);
      children[0] = string("$classname");
      children[1] = string("$classes");
      children[2] = string(c.chain.get(0));
      int[] names = new int[c.chain.size()];
      children[3] = add(K_ARRAY, names, 0);
      for (int i = 0; i < names.length; i++) {
        names[i] = string(c.chain.get(i));
      }
      return id;
    }
    return plain(o);
  }

  private int field(Object v) {
    if (v instanceof int[] refs) {
      int[] elements = new int[refs.length];
      int id = add(K_ARRAY, elements, 0);
      for (int i = 0; i < refs.length; i++) {
        elements[i] = uid(refs[i]);
      }
      return id;
    }
    return plain(v);
  }

  private int plain(Object o) {
    if (o instanceof String s) {
      return string(s);
    }
    if (o instanceof Integer || o instanceof Long) {
      long v = ((Number) o).longValue();
      if (!inlineNumbers && versionId >= 0) {
        return v == 100000 ? versionId : add(K_INT, null, v);
      }
      return integer(v);
    }
    if (o instanceof Double d) {
      long bits = Double.doubleToRawLongBits(d);
      if (!inlineNumbers) {
        return add(K_REAL, null, bits);
      }
      int known = reals.get(bits);
      if (known >= 0) {
        return known;
      }
      int id = add(K_REAL, null, bits);
      reals.put(bits, id);
      return id;
    }
    if (o instanceof Boolean b) {
      int slot = b ? 1 : 0;
      if (bools[slot] < 0) {
        bools[slot] = add(K_BOOL, null, slot);
      }
      return bools[slot];
    }
    if (o instanceof byte[] data) {
      return add(K_DATA, data, 0);
    }
    throw new IllegalStateException("not a plist value: " + (o == null ? "null" : o.getClass().getName()));
  }

  /**
   * A string written once per value (keys, class names, inline strings, and string entries other than the first of
   * their value).
   */
  private int string(String s) {
    // Keys are constants of the codecs, met again and again: the last few are recognised by identity first.
    for (int k = 0; k < recentKeys.length; k++) {
      if (recentKeys[k] == s) {
        return recentIds[k];
      }
    }
    int id = stringId(s);
    recentKeys[recentNext] = s;
    recentIds[recentNext] = id;
    recentNext = (recentNext + 1) & (recentKeys.length - 1);
    return id;
  }

  private final String[] recentKeys = new String[4];
  private final int[] recentIds = new int[4];
  private int recentNext;

  private int stringId(String s) {
    int known = strings.get(s);
    if (known >= 0) {
      return known;
    }
    int entry = entryStrings.get(s);
    int id;
    if (entry >= 0 && entryStringIds[entry] != 0) {
      id = entryStringIds[entry] - 1;
    } else {
      id = add(K_STRING, s, 0);
      if (entry >= 0) {
        entryStringIds[entry] = id + 1;
      }
    }
    strings.putIfAbsent(s, id);
    return id;
  }

  /**
   * The string entry {@code $objects[index]}: the archiver wrote each string value once, so the first entry of a value
   * needs no map of its own, only a look at whether a key or class name of that value came first.
   */
  private int entryString(String s, int index) {
    // Only the archiver's by-value lookup adds string entries after $null, so each is the first of its value; $null
    // (entry 0, not in that map) is written as any other string.
    assert index == 0 || entryStrings.get(s) == index : s;
    if (index == 0) {
      return string(s);
    }
    int known = entryStringIds[index];
    if (known != 0) {
      return known - 1;
    }
    int id = add(K_STRING, s, 0);
    entryStringIds[index] = id + 1;
    return id;
  }

  private int integer(long v) {
    int known = ints.get(v);
    if (known >= 0) {
      return known;
    }
    int id = add(K_INT, null, v);
    ints.put(v, id);
    return id;
  }

  private int uid(int index) {
    if (index >= uids.length) {
      uids = Arrays.copyOf(uids, Math.max(index + 1, uids.length * 2));
    }
    // Stored as id + 1 so that the zero the array starts with means "none yet".
    int known = uids[index];
    if (known != 0) {
      return known - 1;
    }
    int id = add(K_UID, null, index);
    uids[index] = id + 1;
    return id;
  }

  // ---- bytes ------------------------------------------------------------------------------------------------------

  private byte[] out;
  private int pos;

  private void ensure(int more) {
    if (pos + more > out.length) {
      long want = Math.max((long) out.length * 2, (long) pos + more);
      if (want > Integer.MAX_VALUE - 16) {
        if ((long) pos + more > Integer.MAX_VALUE - 16) {
          throw new IllegalArgumentException("archive larger than a byte array holds");
        }
        want = Integer.MAX_VALUE - 16;
      }
      out = Arrays.copyOf(out, (int) want);
    }
  }

  private byte[] bytes() {
    int refSize = count < 0x100 ? 1 : count < 0x10000 ? 2 : 4;
    out = new byte[Math.max(256, count * 12 + 64)];
    out[0] = 'b';
    out[1] = 'p';
    out[2] = 'l';
    out[3] = 'i';
    out[4] = 's';
    out[5] = 't';
    out[6] = '0';
    out[7] = '0';
    pos = 8;
    int[] offsets = new int[count];
    for (int id = 0; id < count; id++) {
      offsets[id] = pos;
      switch (kinds[id]) {
        case K_STRING -> writeString((String) payloads[id]);
        case K_INT -> writeInt(numbers[id]);
        case K_REAL -> {
          ensure(9);
          out[pos++] = 0x23;
          put(numbers[id], 8);
        }
        case K_BOOL -> {
          ensure(1);
          out[pos++] = (byte) (numbers[id] == 1 ? 0x09 : 0x08);
        }
        case K_DATA -> {
          byte[] data = (byte[]) payloads[id];
          header(0x4, data.length);
          ensure(data.length);
          System.arraycopy(data, 0, out, pos, data.length);
          pos += data.length;
        }
        case K_UID -> {
          long v = numbers[id];
          int width = v < 0x100 ? 1 : v < 0x10000 ? 2 : 4;
          ensure(1 + width);
          out[pos++] = (byte) (0x80 | (width - 1));
          put(v, width);
        }
        case K_ARRAY -> {
          int[] refs = (int[]) payloads[id];
          header(0xA, refs.length);
          ensure(refs.length * refSize);
          putRefs(refs, refSize);
        }
        case K_DICT -> {
          int[] refs = (int[]) payloads[id];
          header(0xD, refs.length / 2);
          ensure(refs.length * refSize);
          putRefs(refs, refSize);
        }
        default -> throw new IllegalStateException("kind " + kinds[id]);
      }
    }
    int tableOffset = pos;
    int offsetSize = tableOffset < 0x100 ? 1 : tableOffset < 0x10000 ? 2 : 4;
    ensure(count * offsetSize + 32);
    for (int offset : offsets) {
      put(offset, offsetSize);
    }
    // Trailer: 6 unused bytes, offset size, reference size, object count, top object, offset table offset.
    pos += 6;
    out[pos++] = (byte) offsetSize;
    out[pos++] = (byte) refSize;
    put(count, 8);
    put(0, 8);
    put(tableOffset, 8);
    return pos == out.length ? out : Arrays.copyOf(out, pos);
  }

  private void put(long v, int width) {
    byte[] o = out;
    int p = pos;
    switch (width) {
      case 1 -> o[p] = (byte) v;
      case 2 -> {
        o[p] = (byte) (v >>> 8);
        o[p + 1] = (byte) v;
      }
      case 4 -> {
        o[p] = (byte) (v >>> 24);
        o[p + 1] = (byte) (v >>> 16);
        o[p + 2] = (byte) (v >>> 8);
        o[p + 3] = (byte) v;
      }
      default -> {
        for (int i = width - 1; i >= 0; i--) {
          o[p + i] = (byte) v;
          v >>>= 8;
        }
      }
    }
    pos = p + width;
  }

  /** The references of an array or dictionary, {@code refSize} bytes each. */
  private void putRefs(int[] refs, int refSize) {
    byte[] o = out;
    int p = pos;
    if (refSize == 1) {
      for (int r : refs) {
        o[p++] = (byte) r;
      }
    } else if (refSize == 2) {
      for (int r : refs) {
        o[p] = (byte) (r >>> 8);
        o[p + 1] = (byte) r;
        p += 2;
      }
    } else {
      for (int r : refs) {
        o[p] = (byte) (r >>> 24);
        o[p + 1] = (byte) (r >>> 16);
        o[p + 2] = (byte) (r >>> 8);
        o[p + 3] = (byte) r;
        p += 4;
      }
    }
    pos = p;
  }

  /** A marker with a count: inline below 15, else followed by an integer of 1, 2 or 4 bytes. */
  private void header(int type, int n) {
    ensure(6);
    if (n < 15) {
      out[pos++] = (byte) (type << 4 | n);
    } else {
      out[pos++] = (byte) (type << 4 | 0xF);
      if (n < 0x100) {
        out[pos++] = 0x10;
        put(n, 1);
      } else if (n < 0x10000) {
        out[pos++] = 0x11;
        put(n, 2);
      } else {
        out[pos++] = 0x12;
        put(n, 4);
      }
    }
  }

  /** Unsigned in 1, 2 or 4 bytes when it fits, else 8 bytes (always for negatives). */
  private void writeInt(long v) {
    int width = v < 0 ? 8 : v <= 0xFFL ? 1 : v <= 0xFFFFL ? 2 : v <= 0xFFFF_FFFFL ? 4 : 8;
    ensure(1 + width);
    out[pos++] = (byte) (0x10 | Integer.numberOfTrailingZeros(width));
    put(v, width);
  }

  /** ASCII when every char is below 0x80, else UTF-16BE (the count in UTF-16 units). */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, as wanted
  private void writeString(String s) {
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      header(0x5, n);
      ensure(n);
      // Every char is below 0x80: the low bytes are the string's bytes, copied in one go.
      s.getBytes(0, n, out, pos);
      pos += n;
    } else {
      header(0x6, n);
      ensure(2 * n);
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        out[pos++] = (byte) (c >>> 8);
        out[pos++] = (byte) c;
      }
    }
  }
}
