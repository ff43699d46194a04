package dtxkit.runtime.archive;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One decode of a binary NSKeyedArchiver archive straight from its bytes ({@link BinaryPlist}): no plist object tree is
 * built; each {@code $objects} entry is read where it lies and decoded once: numbers, booleans and ASCII strings in one
 * pass before the walk, the others when first referenced. The rules (mapping, cycles, errors, limits) are those
 * {@link NSKeyedUnarchiver} documents, the same as for XML archives.
 */
final class BinaryUnarchiving {
  private static final byte IN_PROGRESS = 1;
  private static final byte PUBLISHED = 2;
  private static final byte DONE = 3;
  private static final int ARCHIVE_VERSION = 100000;

  private final ArchiveClassRegistry registry;
  private final ArchiveLimits limits;
  private final BinaryPlist plist;
  private final int refSize;
  /** Where the {@code $objects} array's references start. */
  private int objectRefs;
  /**
   * Entry {@code i}'s value once it is made (up front or when reached), or while it is being filled the instance it
   * published ({@code state[i] == PUBLISHED}); null before: what {@link #element} reads, one load per element.
   */
  private Object[] entryValues;
  /**
   * Where each entry's decode stands: 0 before it starts, and also for a value made up front (its
   * {@code entryValues[i]} is set, which is what is checked first), then {@link #IN_PROGRESS}, {@link #PUBLISHED},
   * {@link #DONE}.
   */
  private byte[] state;
  private final Map<Integer, ClassInfo> classes = new HashMap<>();
  private long lastClassIndex = -1;
  private ClassInfo lastClass;

  BinaryUnarchiving(ArchiveClassRegistry registry, ArchiveLimits limits, BinaryPlist plist) {
    this.registry = registry;
    this.limits = limits;
    this.plist = plist;
    this.refSize = plist.refSize;
    this.decodeLimit = 4L * plist.objectsEnd + (1 << 20);
    this.allowance = decodeLimit;
  }

  /**
   * How much one decode may do: references followed plus string and data bytes made, at most four times the plist's
   * object bytes and a mebibyte. A plist can point many {@code $objects} entries at one plist object (CoreFoundation's
   * and dd-plist's writers merge equal objects), and each entry is decoded on its own, so without a bound a 96 KB
   * archive whose 2,000 entries share one 50 KB string decoded into 100 MB; with it such an archive is refused, while
   * an archive decoded once per entry stays far below (each reference and byte is in the plist at least once).
   */
  private final long decodeLimit;
  private long allowance;

  private void charge(long n) throws DtxLimitExceededException {
    allowance -= n;
    if (allowance < 0) {
      throw new DtxLimitExceededException("archive decoded size (references followed, string and data bytes made)",
          decodeLimit, decodeLimit - allowance, DtxProtocolException.UNKNOWN_OFFSET);
    }
  }

  /** Every {@code $top} entry decoded, ordered as {@link NSKeyedUnarchiver#decodeTop(byte[])} says. */
  Map<String, Object> decodeTop() throws DtxProtocolException {
    int root = plist.offsetOf(plist.top);
    if (plist.type(root) != BinaryPlist.DICT) {
      throw ArchiveFormatException.wrongValue("plist", "a dictionary", plist.typeName(root));
    }
    Dict rootDict = new Dict(root, "plist");
    int archiver = rootDict.find("$archiver");
    if (archiver < 0) {
      throw ArchiveFormatException.missing("$archiver", "\"NSKeyedArchiver\"");
    }
    if (!plist.isAscii(archiver, "NSKeyedArchiver")) {
      throw ArchiveFormatException.wrongValue("$archiver", "\"NSKeyedArchiver\"", describe(archiver));
    }
    int version = rootDict.find("$version");
    if (version < 0) {
      throw ArchiveFormatException.missing("$version", String.valueOf(ARCHIVE_VERSION));
    }
    if (plist.type(version) != BinaryPlist.INT || plist.intValue(version, "$version") != ARCHIVE_VERSION) {
      throw ArchiveFormatException.wrongValue("$version", String.valueOf(ARCHIVE_VERSION), describe(version));
    }
    int top = rootDict.find("$top");
    if (top < 0) {
      throw ArchiveFormatException.missing("$top", "a dictionary of UIDs");
    }
    if (plist.type(top) != BinaryPlist.DICT) {
      throw ArchiveFormatException.wrongValue("$top", "a dictionary of UIDs", plist.typeName(top));
    }
    int objects = rootDict.find("$objects");
    if (objects < 0) {
      throw ArchiveFormatException.missing("$objects", "an array");
    }
    if (plist.type(objects) != BinaryPlist.ARRAY) {
      throw ArchiveFormatException.wrongValue("$objects", "an array", plist.typeName(objects));
    }
    int count = plist.count(objects, refSize, "$objects");
    if (count > limits.maxObjects()) {
      throw new DtxLimitExceededException(
          "archive objects", limits.maxObjects(), count, DtxProtocolException.UNKNOWN_OFFSET);
    }
    if (count == 0) {
      throw ArchiveFormatException.wrongValue("$objects", "at least the $null entry", "an empty array");
    }
    objectRefs = plist.contentOffset(objects);
    // Every entry of the $objects table must name an object of the plist at an offset inside the object area, the
    // ones no UID reaches too: entries are read lazily, but a table with a broken reference is a broken plist (as
    // dd-plist and CoreFoundation, which parse it whole, find). One pass over the references and their offset table
    // entries; each entry's offset is kept for when it is reached.
    entryOffsets = new int[count];
    state = new byte[count];
    entryValues = new Object[count];
    plist.offsetsOf(objectRefs, 1, entryOffsets, "$objects");
    // The numbers, booleans and ASCII strings (most entries of a sample; BinaryPlist.scalar) are made here, in one
    // pass in table order, rather than each where it is first reached: the walk then finds them ready (element()).
    // Made once per entry and charged as made, reached or not.
    for (int i = 1; i < count; i++) {
      Object v = plist.scalar(entryOffsets[i]);
      if (v != null) {
        if (v instanceof String str) {
          charge(str.length());
        }
        entryValues[i] = v;
      }
    }
    int first = entryOffset(0);
    if (!plist.isAscii(first, "$null")) {
      throw ArchiveFormatException.wrongValue("$objects[0]", "\"$null\"", describe(first));
    }

    Dict topDict = new Dict(top, "$top");
    Map<String, Integer> entries = new LinkedHashMap<>();
    for (int j = 0; j < topDict.size; j++) {
      int keyOffset = topDict.keyOffset(j);
      int keyType = plist.marker(keyOffset) & 0xF0;
      if (keyType != BinaryPlist.ASCII && keyType != BinaryPlist.UTF16) {
        throw ArchiveFormatException.wrongValue("$top", "string keys", "a key that is " + plist.typeName(keyOffset));
      }
      entries.put(plist.stringValue(keyOffset, "$top"), topDict.valueOffset(j));
    }
    List<String> keys = new ArrayList<>(entries.keySet());
    keys.sort((a, b) -> Long.compare(NSKeyedUnarchiver.topRank(a), NSKeyedUnarchiver.topRank(b)));
    Map<String, Object> result = new LinkedHashMap<>();
    try {
      for (String key : keys) {
        result.put(key, follow(entries.get(key), -1, key, -1, 0, false));
      }
    } catch (MalformedKeys e) {
      throw e.format;
    } catch (StackOverflowError e) {
      // Only reachable when maxDepth was raised beyond what this thread's stack holds; the archive is abandoned
      // and the stack unwound, so the thread is fine to go on.
      throw new ArchiveFormatException(
          "$objects", "nests deeper than this thread's stack allows (maxDepth " + limits.maxDepth() + ")", e);
    }
    return Collections.unmodifiableMap(result);
  }

  /**
   * The objects published and still being filled, outermost first: the path from the root to what is being decoded
   * (objects finish in the reverse order of their publishing). A dictionary key or set element that leads to one of
   * them would contain itself once they are filled.
   */
  private Object[] unfinished = new Object[16];
  private int unfinishedCount;

  private void pushUnfinished(Object instance) {
    if (unfinishedCount == unfinished.length) {
      unfinished = Arrays.copyOf(unfinished, unfinishedCount * 2);
    }
    unfinished[unfinishedCount++] = instance;
  }

  /**
   * Where the key strings codecs ask for lie: keys are written once per archive (a binary plist holds each distinct
   * string once), so after the first comparison a key is recognised by its offset. Keyed by the String instance the
   * codec passes (codecs pass constants).
   */
  private final String[] keyNames = new String[8];
  private final int[] keyOffsets = new int[8];
  private int keyNext;

  private int knownKeyOffset(String key) {
    for (int k = 0; k < keyNames.length; k++) {
      if (keyNames[k] == key) {
        return keyOffsets[k];
      }
    }
    return -1;
  }

  private void rememberKeyOffset(String key, int offset) {
    for (int k = 0; k < keyNames.length; k++) {
      if (keyNames[k] == key) {
        keyOffsets[k] = offset;
        return;
      }
    }
    keyNames[keyNext] = key;
    keyOffsets[keyNext] = offset;
    keyNext = (keyNext + 1) & (keyNames.length - 1);
  }

  /** The name of {@code $objects[index]} for errors, built only when one is thrown. */
  private static final class EntryName {
    int index;

    EntryName() {}

    EntryName(int index) {
      this.index = index;
    }

    @Override
    public String toString() {
      return "$objects[" + index + "]";
    }
  }

  private final EntryName entryName = new EntryName();
  private String lastKeyChecked;
  private boolean lastKeyAscii;

  /** The offset of each {@code $objects} entry, read (and checked) once up front; entry 0 is not filled. */
  private int[] entryOffsets;

  /** The offset of {@code $objects[i]}. */
  private int entryOffset(int i) throws ArchiveFormatException {
    return i == 0 || entryOffsets == null ? plist.refOffset(objectRefs + i * refSize, "$objects") : entryOffsets[i];
  }

  /**
   * {@code $objects[OWNER].KEY[ELEMENT]}; {@code $top.KEY} without an owner (-1); built only for error messages.
   */
  private static String where(int owner, String key, int element) {
    String base = owner < 0 ? "$top." + key : "$objects[" + owner + "]." + key;
    return element < 0 ? base : base + "[" + element + "]";
  }

  /** A value for an error message: a string quoted (cut at 64), a number as it is, else the type. */
  private String describe(int offset) {
    try {
      int type = plist.type(offset);
      if (type == BinaryPlist.ASCII || type == BinaryPlist.UTF16) {
        String c = plist.stringValue(offset, "plist");
        return "\"" + (c.length() > 64 ? c.substring(0, 64) + "..." : c) + "\"";
      }
      if (type == BinaryPlist.INT) {
        return Long.toString(plist.intValue(offset, "plist"));
      }
      if (type == BinaryPlist.REAL) {
        return Double.toString(plist.realValue(offset, "plist"));
      }
      if (type == BinaryPlist.BOOL) {
        return Boolean.toString(plist.marker(offset) == 0x09);
      }
    } catch (ArchiveFormatException e) {
      // described by its type below
    }
    return uidIndex(offset) >= 0 ? "a UID" : plist.typeName(offset);
  }

  /**
   * The index a reference names, or -1 when the object at {@code offset} is not a reference: a UID, or (as XML
   * spells one) a dictionary whose only key is {@code CF$UID} with an integer value.
   */
  private long uidIndex(int offset) {
    try {
      int type = plist.type(offset);
      if (type == BinaryPlist.UID) {
        return plist.uidValue(offset, "plist");
      }
      if (type == BinaryPlist.DICT && (plist.marker(offset) & 0x0F) == 1) {
        Dict d = new Dict(offset, "plist");
        if (plist.isAscii(d.keyOffset(0), "CF$UID")) {
          int v = d.valueOffset(0);
          if (plist.type(v) == BinaryPlist.INT) {
            long n = plist.intValue(v, "plist");
            return n < 0 ? Long.MAX_VALUE : n;
          }
        }
      }
    } catch (ArchiveFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Decodes the object the reference at {@code offset} names; the location is for error messages. */
  private Object follow(int offset, int owner, String key, int element, int depth, boolean asKey)
      throws DtxProtocolException {
    charge(1);
    long index = uidIndex(offset);
    if (index < 0) {
      throw ArchiveFormatException.wrongValue(where(owner, key, element), "a UID", describe(offset));
    }
    return resolve(index, owner, key, element, depth, asKey);
  }

  /**
   * Decodes the element whose reference is stored at {@code at} (an array's or dictionary's): {@link #follow} of
   * that reference's object, with the common case (a UID of one or two bytes, {@link BinaryPlist#uidRef}) taken
   * without reading the object again, and an entry decoded before returned at once.
   */
  private Object element(int at, Object refsOwner, int owner, String key, int element, int depth, boolean asKey)
      throws DtxProtocolException {
    charge(1);
    return chargedElement(at, refsOwner, owner, key, element, depth, asKey);
  }

  /** {@link #element} with its reference already charged. */
  private Object chargedElement(int at, Object refsOwner, int owner, String key, int element, int depth,
      boolean asKey) throws DtxProtocolException {
    int u = plist.uidRef(at);
    if (u < 0) {
      return follow(plist.refOffset(at, refsOwner != null ? refsOwner : new EntryName(owner)), owner, key, element,
          depth, asKey);
    }
    if (u < entryValues.length) {
      // An entry decoded before, or made up front.
      Object value = entryValues[u];
      if (value != null
          && (!asKey || (value instanceof String || value instanceof Number) && state[u] != PUBLISHED)) {
        return value;
      }
    }
    return resolve(u, owner, key, element, depth, asKey);
  }

  /** The rest of {@link #follow}: the entry {@code index} names, decoded, and checked when it is used as a key. */
  private Object resolve(long index, int owner, String key, int element, int depth, boolean asKey)
      throws DtxProtocolException {
    Object value = object(index, owner, key, element, depth + 1, asKey);
    if (asKey && !(value instanceof String || value instanceof Number)
        && ArchiveValues.containsItselfOrReaches(value, unfinished, unfinishedCount)) {
      throw new ArchiveFormatException(where(owner, key, element), "cycle: $objects[" + index
          + "] contains itself or an object it is being decoded into, so it cannot be a set element or dictionary key",
          null);
    }
    return value;
  }

  private Object object(long index, int owner, String key, int element, int depth, boolean asKey)
      throws DtxProtocolException {
    if (index >= entryValues.length) {
      throw ArchiveFormatException.wrongValue(where(owner, key, element),
          "a UID below " + entryValues.length + " (the $objects count)", "UID " + index);
    }
    int i = (int) index;
    Object ready = entryValues[i];
    if (ready != null && state[i] != PUBLISHED) {
      return ready;
    }
    if (i == 0) {
      return null;
    }
    switch (state[i]) {
      case DONE:
        return null; // a codec's result was null (any other is returned above)
      case PUBLISHED:
        if (!asKey) {
          return ready;
        }
        throw new ArchiveFormatException(where(owner, key, element),
            "cycle: $objects[" + i + "] is used as a set element or dictionary key of itself", null);
      case IN_PROGRESS:
        throw new ArchiveFormatException(where(owner, key, element),
            "cycle: $objects[" + i + "] refers back to itself while it is being decoded", null);
      default:
        break;
    }
    int offset = entryOffset(i);
    Object value;
    if (plist.type(offset) == BinaryPlist.DICT && uidIndex(offset) < 0) {
      if (depth > limits.maxDepth()) {
        throw new DtxLimitExceededException(
            "archive depth", limits.maxDepth(), depth, DtxProtocolException.UNKNOWN_OFFSET);
      }
      state[i] = IN_PROGRESS;
      int mark = unfinishedCount;
      value = decodeInstance(i, offset, depth);
      unfinishedCount = mark;
    } else {
      entryName.index = i;
      value = plainValue(offset, entryName);
      if (value == null) {
        throw ArchiveFormatException.wrongValue(
            "$objects[" + i + "]", "a string, number, data or object dictionary", describeType(offset));
      }
    }
    state[i] = DONE;
    entryValues[i] = value;
    return value;
  }

  private String describeType(int offset) {
    return uidIndex(offset) >= 0 ? "a UID" : plist.typeName(offset);
  }

  /**
   * The plain plist value at {@code offset} (string, number, boolean, data, date) as a Java value, or null for
   * anything else. Errors name {@code field} (a String or an object whose toString names it).
   */
  private Object plainValue(int offset, Object field) throws DtxProtocolException {
    int m = plist.marker(offset);
    switch (m & 0xF0) {
      case BinaryPlist.INT: {
        long v = plist.intValue(offset, field);
        return v == (int) v ? (Object) Integer.valueOf((int) v) : (Object) Long.valueOf(v);
      }
      case BinaryPlist.REAL:
        return plist.realValue(offset, field);
      case BinaryPlist.ASCII:
      case BinaryPlist.UTF16: {
        String s = plist.stringValue(offset, field);
        charge(s.length());
        return s;
      }
      case BinaryPlist.DATA: {
        byte[] data = plist.dataValue(offset, field);
        charge(data.length);
        return data;
      }
      case BinaryPlist.DATE:
        return plist.dateValue(offset, field);
      case 0x00:
        if (m == 0x08 || m == 0x09) {
          return m == 0x09;
        }
        return null;
      default:
        return null;
    }
  }

  /** Publishes {@code instance} as {@code $objects[index]}: what {@link ArchiveReader#publish} does. */
  private void publish(int index, Object instance) {
    entryValues[index] = instance;
    state[index] = PUBLISHED;
    pushUnfinished(instance);
  }

  /**
   * What {@link BuiltInCodecs.ArrayCodec#decode} makes of {@code $objects[index]}, whose {@code NS.objects} holds
   * {@code n} references (counted and checked) from {@code refs}.
   */
  private List<Object> array(int index, int depth, int refs, int n) throws DtxProtocolException {
    List<Object> list = new ArrayList<>(n);
    publish(index, list);
    charge(n);
    for (int k = 0; k < n; k++) {
      list.add(chargedElement(refs + k * refSize, null, index, "NS.objects", k, depth, false));
    }
    return list;
  }

  /**
   * What {@link BuiltInCodecs.DictionaryCodec#decode} makes of {@code $objects[index]}, whose {@code NS.keys}
   * holds {@code n} references (counted and checked) from {@code keyRefs}; {@code NS.objects} lies at
   * {@code objectsAt} (-1 when the object has none) and is checked after the keys are decoded (as the codec does).
   */
  private Map<Object, Object> dictionary(int index, int depth, int keyRefs, int n, int objectsAt)
      throws DtxProtocolException {
    Map<Object, Object> map = new LinkedHashMap<>(n < 12 ? 16 : (int) (n / 0.75f) + 1);
    publish(index, map);
    Object[] keys = new Object[n];
    for (int k = 0; k < n; k++) {
      keys[k] = element(keyRefs + k * refSize, null, index, "NS.keys", k, depth, true);
    }
    if (objectsAt < 0) {
      throw ArchiveFormatException.missing(entryField(index, "NS.objects"), "an array of UIDs");
    }
    if (plist.type(objectsAt) != BinaryPlist.ARRAY) {
      throw ArchiveFormatException.wrongValue(entryField(index, "NS.objects"), "an array of UIDs",
          describeType(objectsAt));
    }
    int m = plist.count(objectsAt, refSize, new EntryName(index));
    int valueRefs = plist.contentOffset(objectsAt);
    Object[] values = new Object[m];
    for (int k = 0; k < m; k++) {
      values[k] = element(valueRefs + k * refSize, null, index, "NS.objects", k, depth, false);
    }
    if (n != m) {
      throw entryError(index, "NS.objects", "count " + m + " differs from NS.keys count " + n);
    }
    DataKeys data = new DataKeys();
    for (int k = 0; k < n; k++) {
      int before = map.size();
      map.put(keys[k], values[k]);
      if (map.size() == before || !data.add(keys[k])) {
        throw entryError(index, "NS.keys[" + k + "]", "duplicate key " + ArchiveValues.toString(keys[k], 200));
      }
    }
    return map;
  }

  /** {@code $objects[index].key}, as {@link KeyedReader#field} names it. */
  private static String entryField(int index, String key) {
    return "$objects[" + index + "]." + key;
  }

  /** {@link KeyedReader#error} of {@code $objects[index]}. */
  private static ArchiveFormatException entryError(int index, String key, String description) {
    return new ArchiveFormatException(entryField(index, key), description, null);
  }

  /** What {@link #collection} returns when it leaves an object to the general path. */
  private static final Object NOT_A_COLLECTION = new Object();

  /**
   * The commonest objects, arrays and dictionaries of the built-in codecs, decoded without a {@link Dict} or
   * {@link Reader}: when the object dictionary's few keys all lie where {@code $class}, {@code NS.objects} and
   * {@code NS.keys} were found before (a binary plist holds each distinct string once; {@link #knownKeyOffset}), its
   * class has the array or dictionary codec and its references array is well formed, the object is decoded here with
   * the same result as {@link Reader#decodeArray} and {@link Reader#decodeDictionary}. Anything else (another key, an
   * unseen key offset, a count written after the marker, a malformed field) returns {@link #NOT_A_COLLECTION} before
   * anything is decoded or published, and the general path reads the object and reports what is wrong in its words.
   */
  private Object collection(int i, int offset, int depth) throws DtxProtocolException {
    int marker = plist.marker(offset);
    int size = marker & 0x0F;
    if (size > 4) {
      return NOT_A_COLLECTION;
    }
    int keyRefs = offset + 1;
    if (keyRefs + 2L * size * refSize > plist.objectsEnd) {
      return NOT_A_COLLECTION;
    }
    int valueRefs = keyRefs + size * refSize;
    boolean isArray;
    int refs;
    int n;
    int objectsAt;
    try {
      int listJ;
      int objectsJ;
      long keys = size * refSize <= 8 ? plist.rawRefs(keyRefs, size) : -1;
      if (keys >= 0 && marker == shapeMarker && keys == shapeKeys
          && plist.rawRefs(valueRefs + shapeClassJ * refSize, 1) == shapeClassRef) {
        // The same key objects and class object as the last collection: what they were found to be then.
        isArray = shapeIsArray;
        listJ = shapeListJ;
        objectsJ = shapeObjectsJ;
      } else {
        int classKey = knownKeyOffset("$class");
        int objectsKey = knownKeyOffset("NS.objects");
        if (classKey < 0 || objectsKey < 0) {
          return NOT_A_COLLECTION;
        }
        int keysKey = knownKeyOffset("NS.keys");
        int classJ = -1;
        objectsJ = -1;
        int keysJ = -1;
        for (int j = 0; j < size; j++) {
          int k = plist.refOffset(keyRefs + j * refSize, "plist");
          if (k == classKey) {
            classJ = j;
          } else if (k == objectsKey) {
            objectsJ = j;
          } else if (k == keysKey) {
            keysJ = j;
          } else {
            return NOT_A_COLLECTION;
          }
        }
        if (classJ < 0 || objectsJ < 0) {
          return NOT_A_COLLECTION;
        }
        ClassInfo info = classInfo(plist.refOffset(valueRefs + classJ * refSize, "plist"), i);
        isArray = info.codec instanceof BuiltInCodecs.ArrayCodec;
        if (!isArray && (keysJ < 0 || !(info.codec instanceof BuiltInCodecs.DictionaryCodec))) {
          return NOT_A_COLLECTION;
        }
        listJ = isArray ? objectsJ : keysJ;
        if (keys >= 0) {
          shapeMarker = marker;
          shapeKeys = keys;
          shapeClassJ = classJ;
          shapeClassRef = plist.rawRefs(valueRefs + classJ * refSize, 1);
          shapeIsArray = isArray;
          shapeListJ = listJ;
          shapeObjectsJ = objectsJ;
        }
      }
      refs = plist.refOffset(valueRefs + listJ * refSize, "plist");
      if (plist.type(refs) != BinaryPlist.ARRAY) {
        return NOT_A_COLLECTION;
      }
      n = plist.count(refs, refSize, "plist");
      objectsAt = isArray ? -1 : plist.refOffset(valueRefs + objectsJ * refSize, "plist");
    } catch (ArchiveFormatException malformed) {
      return NOT_A_COLLECTION;
    }
    if (isArray) {
      return array(i, depth, plist.contentOffset(refs), n);
    }
    return dictionary(i, depth, plist.contentOffset(refs), n, objectsAt);
  }

  /**
   * The shape of the last object {@link #collection} took: its marker, its key references and its {@code $class}
   * reference as written, and what they were found to be (an array or a dictionary, and which value holds the
   * references). Objects of one class archived alike share the plist's key and class objects, so the next one with
   * the same references is known without reading its keys and class again.
   */
  private int shapeMarker = -1;
  private long shapeKeys;
  private int shapeClassJ;
  private long shapeClassRef;
  private boolean shapeIsArray;
  private int shapeListJ;
  private int shapeObjectsJ;

  private Object decodeInstance(int i, int offset, int depth) throws DtxProtocolException {
    Object fast = collection(i, offset, depth);
    if (fast != NOT_A_COLLECTION) {
      return fast;
    }
    Dict fields = new Dict(offset, i);
    int classRef = fields.find("$class");
    if (classRef < 0) {
      throw ArchiveFormatException.missing("$objects[" + i + "].$class", "a UID of a class dictionary");
    }
    ClassInfo info = classInfo(classRef, i);
    Reader reader = new Reader(i, fields, info, depth);
    if (info.codec == null) {
      return reader.decodeGeneric();
    }
    // The built-in collection codecs, by far the commonest objects, read their references directly: the same
    // result as through the ArchiveReader, without the intermediate lists.
    if (info.codec instanceof BuiltInCodecs.ArrayCodec) {
      return reader.decodeArray();
    }
    if (info.codec instanceof BuiltInCodecs.DictionaryCodec) {
      return reader.decodeDictionary();
    }
    return info.codec.decode(reader);
  }

  private ClassInfo classInfo(int ref, int owner) throws ArchiveFormatException {
    long index = uidIndex(ref);
    if (index < 0) {
      throw ArchiveFormatException.wrongValue("$objects[" + owner + "].$class", "a UID", describe(ref));
    }
    if (index == 0 || index >= entryValues.length) {
      throw ArchiveFormatException.wrongValue("$objects[" + owner + "].$class",
          "a UID of a class dictionary in 1.." + (entryValues.length - 1), "UID " + index);
    }
    if (index == lastClassIndex) {
      return lastClass;
    }
    ClassInfo cached = classes.get((int) index);
    if (cached != null) {
      lastClassIndex = index;
      lastClass = cached;
      return cached;
    }
    String at = "$objects[" + index + "]";
    int offset = entryOffset((int) index);
    if (plist.type(offset) != BinaryPlist.DICT) {
      throw ArchiveFormatException.wrongValue(at, "a class dictionary", describeType(offset));
    }
    Dict cd = new Dict(offset, at);
    int name = cd.find("$classname");
    if (name < 0) {
      throw ArchiveFormatException.missing(at + ".$classname", "a string");
    }
    int nameType = plist.type(name);
    if (nameType != BinaryPlist.ASCII && nameType != BinaryPlist.UTF16) {
      throw ArchiveFormatException.wrongValue(at + ".$classname", "a string", describeType(name));
    }
    String className = plist.stringValue(name, at + ".$classname");
    List<String> chain = new ArrayList<>();
    int chainOffset = cd.find("$classes");
    if (chainOffset >= 0) {
      if (plist.type(chainOffset) != BinaryPlist.ARRAY) {
        throw ArchiveFormatException.wrongValue(at + ".$classes", "an array of strings", describeType(chainOffset));
      }
      int n = plist.count(chainOffset, refSize, at + ".$classes");
      int refs = plist.contentOffset(chainOffset);
      for (int k = 0; k < n; k++) {
        int c = plist.refOffset(refs + k * refSize, at + ".$classes");
        int t = plist.type(c);
        if (t != BinaryPlist.ASCII && t != BinaryPlist.UTF16) {
          throw ArchiveFormatException.wrongValue(at + ".$classes", "an array of strings", "an element " + describeType(c));
        }
        chain.add(plist.stringValue(c, at + ".$classes"));
      }
    }
    if (chain.isEmpty() || !chain.get(0).equals(className)) {
      chain.add(0, className);
    }
    ClassInfo info = new ClassInfo(className, List.copyOf(chain), registry.decoderFor(className).orElse(null));
    classes.put((int) index, info);
    lastClassIndex = index;
    lastClass = info;
    return info;
  }

  /** A dictionary object: its entry count and where its key and value references lie. */
  private final class Dict {
    final int size;
    final int keyRefs;
    final int valueRefs;
    /** The dictionary's name for errors: a String, or (for {@code $objects[i]}) null and {@link #owner}. */
    private final String name;
    private final int owner;

    Dict(int offset, String name) throws ArchiveFormatException {
      this(offset, name, -1);
    }

    /** The dictionary {@code $objects[owner]}. */
    Dict(int offset, int owner) throws ArchiveFormatException {
      this(offset, null, owner);
    }

    private Dict(int offset, String name, int owner) throws ArchiveFormatException {
      this.name = name;
      this.owner = owner;
      this.size = plist.count(offset, 2 * refSize, this);
      this.keyRefs = plist.contentOffset(offset);
      this.valueRefs = keyRefs + size * refSize;
    }

    @Override
    public String toString() {
      return name != null ? name : "$objects[" + owner + "]";
    }

    int keyOffset(int j) throws ArchiveFormatException {
      return plist.refOffset(keyRefs + j * refSize, this);
    }

    int valueOffset(int j) throws ArchiveFormatException {
      return plist.refOffset(valueRefs + j * refSize, this);
    }

    /** Beyond this many entries lookups go through {@link #index}, so that reading every key stays linear. */
    private static final int SCAN_LIMIT = 16;
    /** Key → entry, built on the first lookup in a large dictionary. */
    private Map<String, Integer> index;

    /** The key {@link #find} was last asked for (codecs pass constants, and ask twice: contains, then decode). */
    private String lastKey;
    private int lastFound;

    /** The offset of the value under the string key {@code key} (the last one, as a dictionary keeps), or -1. */
    int find(String key) throws ArchiveFormatException {
      if (key == lastKey) {
        return lastFound;
      }
      int found = findUncached(key);
      lastKey = key;
      lastFound = found;
      return found;
    }

    private int findUncached(String key) throws ArchiveFormatException {
      if (size > SCAN_LIMIT) {
        if (index == null) {
          index = new HashMap<>();
          for (int j = 0; j < size; j++) {
            index.put(keyString(j), j);
          }
        }
        Integer j = index.get(key);
        return j == null ? -1 : valueOffset(j);
      }
      int found = -1;
      int known = knownKeyOffset(key);
      for (int j = 0; j < size; j++) {
        int k = keyOffset(j);
        if (k == known || keyIs(k, key)) {
          found = j;
        }
      }
      return found < 0 ? -1 : valueOffset(found);
    }

    private boolean keyIs(int offset, String key) throws ArchiveFormatException {
      if (plist.isAscii(offset, key)) {
        rememberKeyOffset(key, offset);
        return true;
      }
      int type = plist.marker(offset) & 0xF0;
      if (type == BinaryPlist.UTF16) {
        return plist.stringValue(offset, this).equals(key);
      }
      if (type != BinaryPlist.ASCII) {
        throw notAStringKey(offset);
      }
      int info = plist.marker(offset) & 0x0F;
      if (info != 0x0F && info != key.length() && offset + 1 + info <= plist.objectsEnd) {
        // One char per byte: a short ASCII string (whole, so reading it would raise nothing) of another length cannot
        // equal the key.
        return false;
      }
      // An "ASCII" key with bytes above 0x7F decodes with replacement characters; such a key (from keys()) matches.
      return !asciiKey(key) && plist.stringValue(offset, this).equals(key);
    }

    /** {@link #isAscii} of {@code key}, remembered for the last key asked about (codecs ask for constants). */
    private boolean asciiKey(String key) {
      if (key != lastKeyChecked) {
        lastKeyAscii = isAscii(key);
        lastKeyChecked = key;
      }
      return lastKeyAscii;
    }

    private ArchiveFormatException notAStringKey(int offset) {
      return new ArchiveFormatException(toString(), "a dictionary key is " + plist.typeName(offset)
          + " (expected a string)", null, offset);
    }

    private boolean isAscii(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) >= 0x80) {
          return false;
        }
      }
      return true;
    }

    /** The keys in order, duplicates once; a key that is no string is an error. */
    Set<String> keys() throws ArchiveFormatException {
      Set<String> keys = new LinkedHashSet<>();
      for (int j = 0; j < size; j++) {
        keys.add(keyString(j));
      }
      return keys;
    }

    private String keyString(int j) throws ArchiveFormatException {
      int k = keyOffset(j);
      int type = plist.marker(k) & 0xF0;
      if (type != BinaryPlist.ASCII && type != BinaryPlist.UTF16) {
        throw notAStringKey(k);
      }
      return plist.stringValue(k, this);
    }
  }

  private final class Reader extends KeyedReader {
    private final Dict fields;
    private final int depth;

    Reader(int index, Dict fields, ClassInfo info, int depth) {
      super(index, info.name, info.chain);
      this.fields = fields;
      this.depth = depth;
    }

    @Override
    public Set<String> keys() {
      try {
        Set<String> keys = fields.keys();
        keys.remove("$class");
        return keys;
      } catch (ArchiveFormatException e) {
        throw new MalformedKeys(e);
      }
    }

    private int find(String key) throws ArchiveFormatException {
      return key.equals("$class") ? -1 : fields.find(key);
    }

    @Override
    public boolean contains(String key) {
      try {
        return find(key) >= 0;
      } catch (ArchiveFormatException e) {
        throw new MalformedKeys(e);
      }
    }

    @Override
    public boolean isInline(String key) {
      try {
        int v = find(key);
        return v >= 0 && uidIndex(v) < 0 && plist.type(v) != BinaryPlist.ARRAY;
      } catch (ArchiveFormatException e) {
        throw new MalformedKeys(e);
      }
    }

    @Override
    public Object decode(String key) throws DtxProtocolException {
      int v = find(key);
      if (v < 0) {
        return null;
      }
      if (uidIndex(v) >= 0) {
        return follow(v, index, key, -1, depth, false);
      }
      if (plist.type(v) == BinaryPlist.ARRAY) {
        return decodeReferences(key, false);
      }
      Object plain = plainValue(v, field(key));
      if (plain == null) {
        throw notAValue(key, describeType(v));
      }
      return plain;
    }

    @Override
    public List<Object> decodeReferences(String key, boolean asKeys) throws DtxProtocolException {
      int v = find(key);
      if (v < 0) {
        throw missingReferences(key);
      }
      if (plist.type(v) != BinaryPlist.ARRAY) {
        throw notReferences(key, describeType(v));
      }
      String where = field(key);
      int n = plist.count(v, refSize, where);
      int refs = plist.contentOffset(v);
      List<Object> out = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        out.add(element(refs + k * refSize, where, index, key, k, depth, asKeys));
      }
      return out;
    }

    @Override
    public void publish(Object instance) {
      BinaryUnarchiving.this.publish(index, instance);
    }

    /** What {@link BuiltInCodecs.ArrayCodec#decode} makes of this object. */
    Object decodeArray() throws DtxProtocolException {
      int v = find("NS.objects");
      int n = referenceCount(v, "NS.objects");
      return array(index, depth, plist.contentOffset(v), n);
    }

    /** What {@link BuiltInCodecs.DictionaryCodec#decode} makes of this object. */
    Object decodeDictionary() throws DtxProtocolException {
      int kv = find("NS.keys");
      int n = referenceCount(kv, "NS.keys");
      // NS.objects found before the keys are decoded: the keys were all read (and checked) finding NS.keys.
      return dictionary(index, depth, plist.contentOffset(kv), n, find("NS.objects"));
    }

    /** The element count of the array of references at {@code v} (the value of {@code key}, -1 when absent). */
    private int referenceCount(int v, String key) throws ArchiveFormatException {
      if (v < 0) {
        throw missingReferences(key);
      }
      if (plist.type(v) != BinaryPlist.ARRAY) {
        throw notReferences(key, describeType(v));
      }
      return plist.count(v, refSize, fields);
    }
  }

  /**
   * A malformed dictionary met by one of the {@link ArchiveReader} methods that declare no exception; unwrapped to
   * its {@link ArchiveFormatException} by {@link NSKeyedUnarchiver}.
   */
  static final class MalformedKeys extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient ArchiveFormatException format;

    MalformedKeys(ArchiveFormatException format) {
      super(format.getMessage(), format, false, false);
      this.format = format;
    }
  }

  private record ClassInfo(String name, List<String> chain, ArchiveClassCodec<?> codec) {}
}
