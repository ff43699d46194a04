package dtxkit.runtime.archive;

import java.util.Arrays;
import java.util.List;

/**
 * Writes the binary plist ({@code bplist00}) of an NSKeyedArchiver archive from the archive's entries, without a
 * plist object graph: the entries ({@link NSKeyedArchiver}'s {@code $objects}) are laid out depth-first from the root
 * dictionary, as dd-plist and CoreFoundation order them (a dictionary, then its keys, then each value's subtree; an
 * array, then each element's subtree), strings, numbers, booleans and UIDs written once per distinct value, and
 * containers never merged (archive-level sharing is by identity already).
 *
 * <p>Entries are: a {@code String}, {@code Integer}, {@code Long}, {@code Double}, {@code Boolean} or {@code byte[]};
 * an {@link Instance} (keys and field values: {@link Ref}, an inline plain value, or an {@code int[]} of entry
 * indices: an array of references); a {@link ClassEntry}.
 */
final class BinaryArchiveWriter {
  /** A UID: a reference to {@code $objects[index]}. */
  static final class Ref {
    final int index;

    Ref(int index) {
      this.index = index;
    }
  }

  /** An archived object's dictionary: keys in call order, {@code $class} last. */
  static final class Instance {
    String[] keys = new String[4];
    Object[] values = new Object[4];
    int size;

    void put(String key, Object value) {
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          values[i] = value;
          return;
        }
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size++] = value;
    }
  }

  /** A class dictionary: {@code $classname} and {@code $classes}. */
  static final class ClassEntry {
    final List<String> chain;

    ClassEntry(List<String> chain) {
      this.chain = chain;
    }
  }

  private final StringIntMap strings = new StringIntMap(16);
  private final LongIntMap ints = new LongIntMap(16);
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

  /** The width of an object reference: 1, 2 or 4 bytes, from the object count (guessed, checked at the end). */
  private final int refSize;
  private byte[] out;
  private int pos;
  /** The offset of each plist object written so far. */
  private int[] offsets;
  /** The plist objects written so far (the next one's number). */
  private int count;

  private BinaryArchiveWriter(List<Object> objects, StringIntMap entryStrings, boolean inlineNumbers, int refSize,
      int expectedObjects, int expectedBytes) {
    this.objects = objects;
    this.entryStrings = entryStrings;
    this.entryStringIds = new int[objects.size()];
    this.uids = new int[objects.size()];
    this.inlineNumbers = inlineNumbers;
    this.refSize = refSize;
    this.offsets = new int[Math.max(64, expectedObjects + 16)];
    this.out = new byte[Math.max(256, expectedBytes)];
  }

  /**
   * The archive {@code {$version: 100000, $archiver: "NSKeyedArchiver", $top: {key: UID}, $objects: [...]}}, laid out
   * and written in one walk: each plist object's bytes are written when it is given its number, a dictionary's or an
   * array's references filled in as its children are numbered.
   *
   * @param topKeys the {@code $top} keys in order
   * @param topRefs the {@code $objects} index each key refers to
   * @param objects the entries, {@code "$null"} first; numbers among them distinct by value (integers by value,
   *     doubles by bits)
   * @param entryStrings the string entries by value: each to the index of the first entry with that value
   * @param inlineNumbers whether an {@link Instance} holds an inline number
   * @param expectedObjects the number of plist objects expected (a guess: the width of references is chosen from it,
   *     and the archive written again with the right width when the guess was on the wrong side of 256 or 65,536)
   * @param expectedBytes the archive's expected length (a guess: the buffer's first size)
   */
  static byte[] write(String[] topKeys, int[] topRefs, List<Object> objects, StringIntMap entryStrings,
      boolean inlineNumbers, int expectedObjects, int expectedBytes) {
    int guess = refSizeFor(expectedObjects);
    BinaryArchiveWriter w =
        new BinaryArchiveWriter(objects, entryStrings, inlineNumbers, guess, expectedObjects, expectedBytes);
    w.writeRoot(topKeys, topRefs);
    int exact = refSizeFor(w.count);
    if (exact != guess) {
      // The references were written too narrow or too wide: again, knowing the count (same numbering, same order).
      w = new BinaryArchiveWriter(objects, entryStrings, inlineNumbers, exact, w.count, w.pos);
      w.writeRoot(topKeys, topRefs);
    }
    return w.finish();
  }

  /** The number of plist objects of an archive this class wrote (read from its trailer). */
  static int objectCount(byte[] plist) {
    int at = plist.length - 24;
    long n = 0;
    for (int i = 0; i < 8; i++) {
      n = n << 8 | (plist[at + i] & 0xFF);
    }
    return (int) n;
  }

  private static int refSizeFor(int count) {
    return count < 0x100 ? 1 : count < 0x10000 ? 2 : 4;
  }

  /** Numbers the next plist object, written from the current position. */
  private int next() {
    if (count == offsets.length) {
      offsets = Arrays.copyOf(offsets, count * 2);
    }
    offsets[count] = pos;
    return count++;
  }

  /**
   * Numbers and writes the marker of an array ({@code 0xA}, {@code n} elements) or dictionary ({@code 0xD}, {@code n}
   * pairs) and reserves its {@code refs} references.
   *
   * @return the position of its first reference
   */
  private int open(int type, int n, int refs) {
    next();
    header(type, n);
    int bytes = refs * refSize;
    ensure(bytes);
    int at = pos;
    pos += bytes;
    return at;
  }

  /** Fills in reference {@code i} of the references starting at {@code at}. */
  private void setRef(int at, int i, int id) {
    byte[] o = out;
    switch (refSize) {
      case 1 -> o[at + i] = (byte) id;
      case 2 -> {
        int p = at + 2 * i;
        o[p] = (byte) (id >>> 8);
        o[p + 1] = (byte) id;
      }
      default -> {
        int p = at + 4 * i;
        o[p] = (byte) (id >>> 24);
        o[p + 1] = (byte) (id >>> 16);
        o[p + 2] = (byte) (id >>> 8);
        o[p + 3] = (byte) id;
      }
    }
  }

  private void writeRoot(String[] topKeys, int[] topRefs) {
    out[0] = 'b';
    out[1] = 'p';
    out[2] = 'l';
    out[3] = 'i';
    out[4] = 's';
    out[5] = 't';
    out[6] = '0';
    out[7] = '0';
    pos = 8;
    int root = open(0xD, 4, 8);
    setRef(root, 0, string("$version"));
    setRef(root, 1, string("$archiver"));
    setRef(root, 2, string("$top"));
    setRef(root, 3, string("$objects"));
    versionId = integer(100000);
    setRef(root, 4, versionId);
    setRef(root, 5, string("NSKeyedArchiver"));
    setRef(root, 6, count);
    int top = open(0xD, topKeys.length, 2 * topKeys.length);
    for (int i = 0; i < topKeys.length; i++) {
      setRef(top, i, string(topKeys[i]));
    }
    for (int i = 0; i < topKeys.length; i++) {
      setRef(top, topKeys.length + i, uid(topRefs[i]));
    }
    int n = objects.size();
    setRef(root, 7, count);
    int entries = open(0xA, n, n);
    for (int i = 0; i < n; i++) {
      Object o = objects.get(i);
      setRef(entries, i, o instanceof String str ? entryString(str, i) : entry(o));
    }
  }

  private int entry(Object o) {
    if (o instanceof Instance inst) {
      int id = count;
      int size = inst.size;
      int at = open(0xD, size, 2 * size);
      String[] keys = inst.keys;
      for (int i = 0; i < size; i++) {
        setRef(at, i, string(keys[i]));
      }
      Object[] values = inst.values;
      for (int i = 0; i < size; i++) {
        setRef(at, size + i, field(values[i]));
      }
      return id;
    }
    if (o instanceof ClassEntry c) {
      int id = count;
      int at = open(0xD, 2, 4);
      setRef(at, 0, string("$classname"));
      setRef(at, 1, string("$classes"));
      setRef(at, 2, string(c.chain.get(0)));
      int n = c.chain.size();
      setRef(at, 3, count);
      int names = open(0xA, n, n);
      for (int i = 0; i < n; i++) {
        setRef(names, i, string(c.chain.get(i)));
      }
      return id;
    }
    return plain(o);
  }

  private int field(Object v) {
    if (v instanceof Ref r) {
      return uid(r.index);
    }
    if (v instanceof int[] refs) {
      int id = count;
      int at = open(0xA, refs.length, refs.length);
      for (int i = 0; i < refs.length; i++) {
        setRef(at, i, uid(refs[i]));
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
      if (!inlineNumbers) {
        return v == 100000 ? versionId : newInt(v);
      }
      return integer(v);
    }
    if (o instanceof Double d) {
      long bits = Double.doubleToRawLongBits(d);
      if (!inlineNumbers) {
        return newReal(bits);
      }
      int known = reals.get(bits);
      if (known >= 0) {
        return known;
      }
      int id = newReal(bits);
      reals.put(bits, id);
      return id;
    }
    if (o instanceof Boolean b) {
      int slot = b ? 1 : 0;
      if (bools[slot] < 0) {
        bools[slot] = next();
        ensure(1);
        out[pos++] = (byte) (b ? 0x09 : 0x08);
      }
      return bools[slot];
    }
    if (o instanceof byte[] data) {
      int id = next();
      header(0x4, data.length);
      ensure(data.length);
      System.arraycopy(data, 0, out, pos, data.length);
      pos += data.length;
      return id;
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
      id = newString(s);
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
    int id = newString(s);
    entryStringIds[index] = id + 1;
    return id;
  }

  private int integer(long v) {
    int known = ints.get(v);
    if (known >= 0) {
      return known;
    }
    int id = newInt(v);
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
    int id = next();
    int width = index < 0x100 ? 1 : index < 0x10000 ? 2 : 4;
    ensure(1 + width);
    out[pos++] = (byte) (0x80 | (width - 1));
    put(index, width);
    uids[index] = id + 1;
    return id;
  }

  // ---- bytes ------------------------------------------------------------------------------------------------------

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

  /** The offset table and the trailer after the objects; the archive's bytes. */
  private byte[] finish() {
    int tableOffset = pos;
    int offsetSize = tableOffset < 0x100 ? 1 : tableOffset < 0x10000 ? 2 : 4;
    ensure(count * offsetSize + 32);
    for (int id = 0; id < count; id++) {
      put(offsets[id], offsetSize);
    }
    // Trailer: 6 unused bytes, offset size, reference size, object count, top object, offset table offset.
    for (int i = 0; i < 6; i++) {
      out[pos++] = 0;
    }
    out[pos++] = (byte) offsetSize;
    out[pos++] = (byte) refSize;
    put(count, 8);
    put(0, 8);
    put(tableOffset, 8);
    return pos == out.length ? out : Arrays.copyOf(out, pos);
  }

  private int newInt(long v) {
    int id = next();
    writeInt(v);
    return id;
  }

  private int newReal(long bits) {
    int id = next();
    ensure(9);
    out[pos++] = 0x23;
    put(bits, 8);
    return id;
  }

  private int newString(String s) {
    int id = next();
    writeString(s);
    return id;
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
