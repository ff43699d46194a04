package dtxkit.runtime.archive;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the binary plist ({@code bplist00}) of an NSKeyedArchiver archive from the archive's {@link Entries}, without
 * a plist object graph: the entries ({@link NSKeyedArchiver}'s {@code $objects}) are laid out depth-first from the
 * root dictionary, as dd-plist and CoreFoundation order them (a dictionary, then its keys, then each value's subtree;
 * an array, then each element's subtree), strings, numbers, booleans and UIDs written once per distinct value, and
 * containers never merged (archive-level sharing is by identity already).
 *
 * <p>Layout and bytes take one walk: each plist object's bytes are written when it is given its number, and a
 * dictionary's or an array's references are filled in as its children are numbered. The width of a reference (one,
 * two or four bytes, from the number of plist objects) is needed before the count is known: it is guessed, and the
 * archive written again with the right width in the rare case the guess was on the wrong side of 256 or 65,536.
 */
final class BinaryArchiveWriter {
  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /**
   * The {@code $objects} entries of an archive, in order: a kind each, with an unboxed number (integers by value,
   * reals by their bits, booleans as 0 or 1) or a value (a {@code String}, a {@code byte[]}, an {@link Instance}, a
   * {@link ClassEntry}).
   */
  static final class Entries {
    static final byte STRING = 1;
    static final byte INTEGER = 2;
    static final byte REAL = 3;
    static final byte BOOLEAN = 4;
    static final byte DATA = 5;
    static final byte OBJECT = 6;
    static final byte CLASS = 7;

    byte[] kinds;
    long[] numbers;
    Object[] values;
    int size;

    /** Entries in the kinds and numbers arrays of {@code scratch}, values in a new array of {@code expected}. */
    Entries(Scratch scratch, int expected) {
      kinds = scratch.kinds;
      numbers = scratch.numbers;
      values = new Object[Math.max(16, expected)];
    }

    /** Adds an entry of a number; its index. */
    int addNumber(byte kind, long number) {
      int i = size;
      if (i == kinds.length) {
        grow();
      }
      kinds[i] = kind;
      numbers[i] = number;
      size = i + 1;
      return i;
    }

    private void grow() {
      int n = Math.max(16, size * 2);
      kinds = Arrays.copyOf(kinds, n);
      numbers = Arrays.copyOf(numbers, n);
    }

    /** Adds an entry; its index. */
    int add(byte kind, long number, Object value) {
      int i = size;
      if (i == kinds.length) {
        grow();
      }
      if (i >= values.length) {
        values = Arrays.copyOf(values, Math.max(i + 1, values.length * 2));
      }
      kinds[i] = kind;
      numbers[i] = number;
      values[i] = value;
      size = i + 1;
      return i;
    }
  }

  /**
   * The arrays of one encode that an archiver keeps for its next: the tables of integers and reals, the entries'
   * kinds and numbers, the writer's tables per entry, its offsets and its buffer. Memory written by the previous
   * encode is in cache where new memory would have to be zeroed first; no reference to a caller's value is kept.
   * Used by one encode at a time; between two, the tables are empty and {@link #uids} and {@link #entryStringIds}
   * all zeros.
   */
  static final class Scratch {
    final LongIntMap integers;
    final LongIntMap reals;
    byte[] kinds;
    long[] numbers;
    int[] uids = new int[0];
    int[] entryStringIds = new int[0];
    int[] offsets = new int[0];
    byte[] out = new byte[0];

    Scratch(int entries, int integers, int reals) {
      this.integers = new LongIntMap(integers);
      this.reals = new LongIntMap(reals);
      kinds = new byte[Math.max(16, entries)];
      numbers = new long[kinds.length];
    }

    /** Whether it is small enough to keep (one huge archive is not kept for all the small ones after it). */
    boolean keepable() {
      // At most about 3 MiB in all (a sysmontap-sized sample keeps about 250 KB).
      int cap = 1 << 15;
      return kinds.length <= cap && integers.capacity() <= cap && reals.capacity() <= cap && uids.length <= cap
          && offsets.length <= 4 * cap && out.length <= 1 << 20;
    }
  }

  /**
   * An archived object's dictionary: keys in call order, {@code $class} last. A value is a UID ({@link #REF}, the
   * entry index in {@link #refs}), an inline plain value, or an {@code int[]} of entry indices (an array of
   * references).
   */
  static final class Instance {
    /** The value of a field that is a UID: the index it names is in {@link #refs}. */
    static final Object REF = new Object();

    String[] keys = new String[4];
    Object[] values = new Object[4];
    int[] refs = new int[4];
    int size;

    void put(String key, Object value) {
      int i = slot(key);
      values[i] = value;
    }

    void putRef(String key, int index) {
      int i = slot(key);
      values[i] = REF;
      refs[i] = index;
    }

    /** The slot of {@code key}: its own if it has one (its value is replaced, its place kept), else a new one. */
    private int slot(String key) {
      for (int i = 0; i < size; i++) {
        String k = keys[i];
        if (k == key || k.equals(key)) {
          return i;
        }
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
        refs = Arrays.copyOf(refs, size * 2);
      }
      keys[size] = key;
      return size++;
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
  private LongIntMap ints;
  private LongIntMap reals;
  /** For each entry index: the plist object of its UID plus one, 0 when none yet. */
  private int[] uids;
  private final int[] bools = {-1, -1};

  private final Entries entries;
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
  private int[] entryStringIds;

  /** The width of an object reference: 1, 2 or 4 bytes, from the object count (guessed, checked at the end). */
  private final int refSize;
  private byte[] out;
  private int pos;
  /** The offset of each plist object written so far. */
  private int[] offsets;
  /** The plist objects written so far (the next one's number). */
  private int count;

  private BinaryArchiveWriter(Entries entries, StringIntMap entryStrings, boolean inlineNumbers, int refSize,
      int expectedObjects, int expectedBytes, Scratch scratch) {
    this.entries = entries;
    this.entryStrings = entryStrings;
    int n = entries.size;
    this.entryStringIds = scratch.entryStringIds.length >= n ? scratch.entryStringIds : new int[n];
    this.uids = scratch.uids.length >= n ? scratch.uids : new int[n];
    this.inlineNumbers = inlineNumbers;
    if (inlineNumbers) {
      ints = new LongIntMap(16);
      reals = new LongIntMap(16);
    }
    this.refSize = refSize;
    // First sizes from the guesses, but never many times what the entries suggest (a guess scaled from a very
    // different archive must not allocate megabytes): the arrays grow when more comes.
    int objects = Math.max(64, Math.min(expectedObjects, 4 * n) + 16);
    this.offsets = scratch.offsets.length >= objects ? scratch.offsets : new int[objects];
    int bytes = Math.max(256, (int) Math.min(expectedBytes, Math.max(64L * n + 256, 1 << 20)));
    this.out = scratch.out.length >= bytes ? scratch.out : new byte[bytes];
  }

  /** Gives the arrays back to {@code scratch}, the tables per entry zeroed again. */
  private void release(Scratch scratch) {
    int n = entries.size;
    Arrays.fill(uids, 0, n, 0);
    Arrays.fill(entryStringIds, 0, n, 0);
    scratch.uids = uids;
    scratch.entryStringIds = entryStringIds;
    scratch.offsets = offsets;
    scratch.out = out;
  }

  /**
   * The archive {@code {$version: 100000, $archiver: "NSKeyedArchiver", $top: {key: UID}, $objects: [...]}}.
   *
   * @param topKeys the {@code $top} keys in order
   * @param topRefs the {@code $objects} index each key refers to
   * @param entries the entries, {@code "$null"} first; numbers among them distinct by value (integers by value,
   *     reals by bits)
   * @param entryStrings the string entries by value: each to the index of the first entry with that value
   * @param inlineNumbers whether an {@link Instance} holds an inline number
   * @param expectedObjects the number of plist objects expected (a guess: the width of references is chosen from it,
   *     and the archive written again with the right width when the guess was on the wrong side of 256 or 65,536)
   * @param expectedBytes the archive's expected length (a guess: the buffer's first size)
   * @param scratch arrays to write with, given back (grown if need be) when the archive is written
   */
  static byte[] write(String[] topKeys, int[] topRefs, Entries entries, StringIntMap entryStrings,
      boolean inlineNumbers, int expectedObjects, int expectedBytes, Scratch scratch) {
    int guess = refSizeFor(expectedObjects);
    BinaryArchiveWriter w = new BinaryArchiveWriter(
        entries, entryStrings, inlineNumbers, guess, expectedObjects, expectedBytes, scratch);
    w.writeRoot(topKeys, topRefs);
    int exact = refSizeFor(w.count);
    if (exact != guess) {
      // The references were written too narrow or too wide: again, knowing the count (same numbering, same order).
      int count = w.count;
      int bytes = w.pos;
      w.release(scratch);
      w = new BinaryArchiveWriter(entries, entryStrings, inlineNumbers, exact, count, bytes, scratch);
      w.writeRoot(topKeys, topRefs);
    }
    byte[] archive = w.finish();
    w.release(scratch);
    return archive;
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
    int id = count;
    if (id == offsets.length) {
      offsets = Arrays.copyOf(offsets, id * 2);
    }
    offsets[id] = pos;
    count = id + 1;
    return id;
  }

  /**
   * Numbers and writes the marker of an array ({@code 0xA}, {@code n} elements) or dictionary ({@code 0xD}, {@code n}
   * pairs) and reserves its {@code refs} references.
   *
   * @return the position of its first reference
   */
  private int open(int type, int n, int refs) {
    next();
    int bytes = refs * refSize;
    ensure(6 + bytes);
    header(type, n);
    int at = pos;
    pos += bytes;
    return at;
  }

  /** Fills in reference {@code i} of the references starting at {@code at}. */
  private void setRef(int at, int i, int id) {
    if (refSize == 2) {
      SHORT.set(out, at + 2 * i, (short) id);
    } else if (refSize == 1) {
      out[at + i] = (byte) id;
    } else {
      INT.set(out, at + 4 * i, id);
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
    versionId = newInt(100000);
    if (inlineNumbers) {
      ints.put(100000, versionId);
    }
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
    int n = entries.size;
    setRef(root, 7, count);
    int at = open(0xA, n, n);
    byte[] kinds = entries.kinds;
    long[] numbers = entries.numbers;
    Object[] values = entries.values;
    for (int i = 0; i < n; i++) {
      int id = switch (kinds[i]) {
        case Entries.STRING -> entryString((String) values[i], i);
        case Entries.INTEGER -> entryInteger(numbers[i]);
        case Entries.REAL -> entryReal(numbers[i]);
        case Entries.BOOLEAN -> bool(numbers[i] != 0);
        case Entries.DATA -> data((byte[]) values[i]);
        case Entries.OBJECT -> instance((Instance) values[i]);
        case Entries.CLASS -> classEntry((ClassEntry) values[i]);
        default -> throw new IllegalStateException("entry kind " + kinds[i]);
      };
      setRef(at, i, id);
    }
  }

  private int instance(Instance inst) {
    int id = count;
    int size = inst.size;
    int at = open(0xD, size, 2 * size);
    String[] keys = inst.keys;
    for (int i = 0; i < size; i++) {
      setRef(at, i, string(keys[i]));
    }
    Object[] values = inst.values;
    for (int i = 0; i < size; i++) {
      Object v = values[i];
      int field;
      if (v == Instance.REF) {
        field = uid(inst.refs[i]);
      } else if (v instanceof int[] refs) {
        field = uidArray(refs);
      } else {
        field = plain(v);
      }
      setRef(at, size + i, field);
    }
    return id;
  }

  private int classEntry(ClassEntry c) {
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

  /** An array of UIDs. */
  private int uidArray(int[] refs) {
    int id = count;
    int n = refs.length;
    int at = open(0xA, n, n);
    // Room for every element's UID (five bytes at most) and its offset at once, then uid() without the checks.
    ensure(5 * n);
    if (count + n > offsets.length) {
      offsets = Arrays.copyOf(offsets, Math.max(2 * offsets.length, count + n));
    }
    byte[] o = out;
    int[] offs = offsets;
    int[] u = uids;
    int p = pos;
    int c = count;
    for (int i = 0; i < n; i++) {
      int index = refs[i];
      int known = u[index];
      int uid;
      if (known != 0) {
        uid = known - 1;
      } else {
        uid = c++;
        offs[uid] = p;
        if (index < 0x100) {
          o[p] = (byte) 0x80;
          o[p + 1] = (byte) index;
          p += 2;
        } else if (index < 0x10000) {
          o[p] = (byte) 0x81;
          SHORT.set(o, p + 1, (short) index);
          p += 3;
        } else {
          o[p] = (byte) 0x83;
          INT.set(o, p + 1, index);
          p += 5;
        }
        u[index] = uid + 1;
      }
      setRef(at, i, uid);
    }
    pos = p;
    count = c;
    return id;
  }

  /** An inline value of an {@link Instance}. */
  private int plain(Object o) {
    if (o instanceof String s) {
      return string(s);
    }
    if (o instanceof Integer || o instanceof Long) {
      return integer(((Number) o).longValue());
    }
    if (o instanceof Double d) {
      return real(Double.doubleToRawLongBits(d));
    }
    if (o instanceof Boolean b) {
      return bool(b);
    }
    if (o instanceof byte[] data) {
      return data(data);
    }
    throw new IllegalStateException("not a plist value: " + (o == null ? "null" : o.getClass().getName()));
  }

  /** An integer entry: distinct from the other entries' integers, so a map is needed only for inline numbers. */
  private int entryInteger(long v) {
    if (!inlineNumbers) {
      return v == 100000 ? versionId : newInt(v);
    }
    return integer(v);
  }

  /** A real entry: distinct from the other entries' reals, so a map is needed only for inline numbers. */
  private int entryReal(long bits) {
    return inlineNumbers ? real(bits) : newReal(bits);
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

  private int real(long bits) {
    int known = reals.get(bits);
    if (known >= 0) {
      return known;
    }
    int id = newReal(bits);
    reals.put(bits, id);
    return id;
  }

  private int bool(boolean b) {
    int slot = b ? 1 : 0;
    if (bools[slot] < 0) {
      bools[slot] = next();
      ensure(1);
      out[pos++] = (byte) (b ? 0x09 : 0x08);
    }
    return bools[slot];
  }

  private int data(byte[] data) {
    int id = next();
    ensure(6 + data.length);
    header(0x4, data.length);
    System.arraycopy(data, 0, out, pos, data.length);
    pos += data.length;
    return id;
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

  /** The UID naming entry {@code index} (an index of {@link #entries}). */
  private int uid(int index) {
    // Stored as id + 1 so that the zero the array starts with means "none yet".
    int known = uids[index];
    if (known != 0) {
      return known - 1;
    }
    int id = next();
    ensure(5);
    byte[] o = out;
    int p = pos;
    if (index < 0x100) {
      o[p] = (byte) 0x80;
      o[p + 1] = (byte) index;
      pos = p + 2;
    } else if (index < 0x10000) {
      o[p] = (byte) 0x81;
      SHORT.set(o, p + 1, (short) index);
      pos = p + 3;
    } else {
      o[p] = (byte) 0x83;
      INT.set(o, p + 1, index);
      pos = p + 5;
    }
    uids[index] = id + 1;
    return id;
  }

  // ---- bytes ------------------------------------------------------------------------------------------------------

  private void ensure(int more) {
    if (pos + more > out.length) {
      grow(more);
    }
  }

  private void grow(int more) {
    long want = Math.max((long) out.length * 2, (long) pos + more);
    if (want > Integer.MAX_VALUE - 16) {
      if ((long) pos + more > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("archive larger than a byte array holds");
      }
      want = Integer.MAX_VALUE - 16;
    }
    out = Arrays.copyOf(out, (int) want);
  }

  /** The offset table and the trailer after the objects; the archive's bytes. */
  private byte[] finish() {
    int tableOffset = pos;
    int offsetSize = tableOffset < 0x100 ? 1 : tableOffset < 0x10000 ? 2 : 4;
    ensure(count * offsetSize + 32);
    byte[] o = out;
    int p = pos;
    int[] offs = offsets;
    int n = count;
    if (offsetSize == 1) {
      for (int id = 0; id < n; id++) {
        o[p++] = (byte) offs[id];
      }
    } else if (offsetSize == 2) {
      for (int id = 0; id < n; id++) {
        SHORT.set(o, p, (short) offs[id]);
        p += 2;
      }
    } else {
      for (int id = 0; id < n; id++) {
        INT.set(o, p, offs[id]);
        p += 4;
      }
    }
    // Trailer: 6 unused bytes, offset size, reference size, object count, top object, offset table offset.
    for (int i = 0; i < 6; i++) {
      o[p++] = 0;
    }
    o[p++] = (byte) offsetSize;
    o[p++] = (byte) refSize;
    LONG.set(o, p, (long) count);
    LONG.set(o, p + 8, 0L);
    LONG.set(o, p + 16, (long) tableOffset);
    pos = p + 24;
    return Arrays.copyOf(out, pos);
  }

  private int newInt(long v) {
    int id = next();
    ensure(9);
    byte[] o = out;
    int p = pos;
    if (v >= 0 && v <= 0xFF) {
      o[p] = 0x10;
      o[p + 1] = (byte) v;
      pos = p + 2;
    } else if (v >= 0 && v <= 0xFFFF) {
      o[p] = 0x11;
      SHORT.set(o, p + 1, (short) v);
      pos = p + 3;
    } else if (v >= 0 && v <= 0xFFFF_FFFFL) {
      // Unsigned in 1, 2 or 4 bytes when it fits, else 8 bytes (always for negatives).
      o[p] = 0x12;
      INT.set(o, p + 1, (int) v);
      pos = p + 5;
    } else {
      o[p] = 0x13;
      LONG.set(o, p + 1, v);
      pos = p + 9;
    }
    return id;
  }

  private int newReal(long bits) {
    int id = next();
    ensure(9);
    out[pos] = 0x23;
    LONG.set(out, pos + 1, bits);
    pos += 9;
    return id;
  }

  private int newString(String s) {
    int id = next();
    writeString(s);
    return id;
  }

  /** A marker with a count: inline below 15, else followed by an integer of 1, 2 or 4 bytes; room for it ensured. */
  private void header(int type, int n) {
    byte[] o = out;
    int p = pos;
    if (n < 15) {
      o[p] = (byte) (type << 4 | n);
      pos = p + 1;
    } else {
      o[p] = (byte) (type << 4 | 0xF);
      if (n < 0x100) {
        o[p + 1] = 0x10;
        o[p + 2] = (byte) n;
        pos = p + 3;
      } else if (n < 0x10000) {
        o[p + 1] = 0x11;
        SHORT.set(o, p + 2, (short) n);
        pos = p + 4;
      } else {
        o[p + 1] = 0x12;
        INT.set(o, p + 2, n);
        pos = p + 6;
      }
    }
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
      ensure(6 + n);
      header(0x5, n);
      // Every char is below 0x80: the low bytes are the string's bytes, copied in one go.
      s.getBytes(0, n, out, pos);
      pos += n;
    } else {
      ensure(6 + 2 * n);
      header(0x6, n);
      byte[] o = out;
      int p = pos;
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        o[p++] = (byte) (c >>> 8);
        o[p++] = (byte) c;
      }
      pos = p;
    }
  }
}
