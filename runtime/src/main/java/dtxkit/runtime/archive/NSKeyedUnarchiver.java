package dtxkit.runtime.archive;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.UID;
import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decodes NSKeyedArchiver archives (binary or XML plists) into Java values.
 *
 * <p>Mapping: NSString → {@code String}, NSNumber → {@code Integer} (or {@code Long} when it does not fit),
 * {@code Double}, {@code Boolean}; NSData → {@code byte[]}; NSArray → {@code List}; NSDictionary → {@code Map}
 * (insertion ordered, keys of any type); NSSet → {@code Set} (insertion ordered); NSDate → {@code Instant}; NSNull
 * and {@code $null} → null; NSUUID → {@code UUID}; NSError → {@link NSError}; other registered classes → their
 * codec's value (see {@link ArchiveClassRegistry#builtIns()}); unregistered classes → {@link GenericArchivedObject}.
 * An object referenced twice decodes to the same Java instance; a List, Map or generic object that contains itself
 * contains itself in Java too (such values cannot be set elements or dictionary keys: that is a format error).
 *
 * <p>Binary archives are read in place (no plist tree; each {@code $objects} entry
 * decoded once); XML archives are parsed by dd-plist first. These are the entry points fuzzers and peers reach:
 * {@link #unarchive(byte[])}, {@link #decode(byte[])}, {@link #decode(byte[], int, int)},
 * {@link #decode(io.netty.buffer.ByteBuf)}, {@link #decodeTop(byte[])}; they throw nothing but
 * {@link DtxProtocolException}s for any input (and {@link NullPointerException} or {@link IndexOutOfBoundsException}
 * for caller mistakes in the arguments themselves).
 *
 * <p>The root is {@code $top.root}. Archives written with unkeyed top-level values ({@code $0}, {@code $1}, ...) decode
 * to their only value, or to an ordered Map of all {@code $top} keys when there are several (see
 * {@link #unarchiveTop(byte[])}).
 *
 * <p>Malformed archives throw {@link ArchiveFormatException} naming the key or {@code $objects[i]} at fault (and, for
 * the binary plist's own structure, the part and its byte offset); archives over the {@link ArchiveLimits} throw
 * {@link DtxLimitExceededException}. Instances are immutable and thread-safe.
 */
public final class NSKeyedUnarchiver {
  private static final NSKeyedUnarchiver DEFAULT = builder().build();
  private static final int ARCHIVE_VERSION = 100000;
  /** Seconds from 1970-01-01 to 2001-01-01, the NSDate reference date. */
  static final long REFERENCE_DATE_EPOCH_SECONDS = 978_307_200L;

  private final ArchiveClassRegistry registry;
  private final ArchiveLimits limits;

  private NSKeyedUnarchiver(Builder b) {
    this.registry = b.registry.copy();
    this.limits = b.limits;
  }

  /** A builder starting from {@link ArchiveClassRegistry#builtIns()} and {@link ArchiveLimits#DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Decodes {@code data} with the built-in classes and default limits.
   *
   * @return the root object (see the class comment for the mapping); null for an archived NSNull
   * @throws ArchiveFormatException when the archive is malformed
   * @throws DtxLimitExceededException when it is over a default limit
   */
  public static Object unarchive(byte[] data) throws DtxProtocolException {
    return DEFAULT.decode(data);
  }

  /**
   * {@link #unarchive(byte[])} of the readable bytes of {@code buffer}: read in place when the buffer has a backing
   * array, copied once otherwise (see {@link #decode(io.netty.buffer.ByteBuf)}).
   */
  public static Object unarchive(io.netty.buffer.ByteBuf buffer) throws DtxProtocolException {
    return DEFAULT.decode(buffer);
  }

  /** {@link #unarchiveTop(byte[])} with the built-in classes and default limits. */
  public static Map<String, Object> unarchiveTop(byte[] data) throws DtxProtocolException {
    return DEFAULT.decodeTop(data);
  }

  /** This unarchiver's class registry (a copy taken when it was built). */
  public ArchiveClassRegistry registry() {
    return registry.copy();
  }

  /** This unarchiver's limits. */
  public ArchiveLimits limits() {
    return limits;
  }

  /**
   * Decodes {@code data}; the root object as {@link #unarchive(byte[])} describes.
   *
   * @throws ArchiveFormatException when the archive is malformed
   * @throws DtxLimitExceededException when it is over one of this unarchiver's limits
   */
  public Object decode(byte[] data) throws DtxProtocolException {
    Objects.requireNonNull(data, "data");
    if (data.length <= limits.maxInputBytes() && limits.maxObjects() >= SingleValueArchives.OBJECT_COUNT) {
      // Exactly the bytes NSKeyedArchiver writes for a lone string, number or data: decoded by comparison.
      Object single = SingleValueArchives.decode(data);
      if (single != SingleValueArchives.NO_MATCH) {
        return single;
      }
    }
    return rootOf(decodeTop(data, 0, data.length));
  }

  /**
   * {@link #decode(byte[])} of the archive in {@code data[offset..offset+length)}, read in place.
   *
   * @throws ArchiveFormatException when the archive is malformed
   * @throws DtxLimitExceededException when it is over one of this unarchiver's limits
   * @throws IndexOutOfBoundsException when the range is not inside {@code data}
   */
  public Object decode(byte[] data, int offset, int length) throws DtxProtocolException {
    Objects.checkFromIndexSize(offset, length, data.length);
    if (length <= limits.maxInputBytes() && limits.maxObjects() >= SingleValueArchives.OBJECT_COUNT) {
      Object single = SingleValueArchives.decode(data, offset, length);
      if (single != SingleValueArchives.NO_MATCH) {
        return single;
      }
    }
    return rootOf(decodeTop(data, offset, length));
  }

  /**
   * {@link #decode(byte[])} of the readable bytes of {@code buffer}, read in place when the buffer has a backing
   * array (copied once otherwise); the buffer's indexes and reference count are left as they are.
   *
   * @throws ArchiveFormatException when the archive is malformed
   * @throws DtxLimitExceededException when it is over one of this unarchiver's limits
   */
  public Object decode(io.netty.buffer.ByteBuf buffer) throws DtxProtocolException {
    int length = buffer.readableBytes();
    if (length > limits.maxInputBytes()) {
      throw new DtxLimitExceededException(
          "archive bytes", limits.maxInputBytes(), length, DtxProtocolException.UNKNOWN_OFFSET);
    }
    if (buffer.hasArray()) {
      return decode(buffer.array(), buffer.arrayOffset() + buffer.readerIndex(), length);
    }
    return decode(io.netty.buffer.ByteBufUtil.getBytes(buffer));
  }

  private static Object rootOf(Map<String, Object> top) {
    if (top.containsKey("root")) {
      return top.get("root");
    }
    if (top.size() == 1) {
      return top.values().iterator().next();
    }
    return top;
  }

  /**
   * Decodes every {@code $top} entry: {@code root} for archives made with {@code archivedDataWithRootObject:},
   * {@code $0}, {@code $1}, ... (in numeric order) for unkeyed values; other keys follow in archive order.
   *
   * @throws ArchiveFormatException when the archive is malformed
   * @throws DtxLimitExceededException when it is over one of this unarchiver's limits
   */
  public Map<String, Object> decodeTop(byte[] data) throws DtxProtocolException {
    Objects.requireNonNull(data, "data");
    return decodeTop(data, 0, data.length);
  }

  private Map<String, Object> decodeTop(byte[] data, int offset, int length) throws DtxProtocolException {
    if (length > limits.maxInputBytes()) {
      throw new DtxLimitExceededException(
          "archive bytes", limits.maxInputBytes(), length, DtxProtocolException.UNKNOWN_OFFSET);
    }
    if (BinaryPlist.isBinary(data, offset, length)) {
      // Binary archives (what devices and NSKeyedArchiver write) are read in place, with no copy; each object is
      // checked (its offset, marker, lengths) when it is reached.
      return new BinaryUnarchiving(registry, limits, new BinaryPlist(data, offset, length)).decodeTop();
    }
    if (offset != 0 || length != data.length) {
      data = java.util.Arrays.copyOfRange(data, offset, offset + length);
    }
    return decodeTree(data);
  }

  /**
   * XML (and other textual) archives: parsed into a dd-plist tree first. Binary archives decode this way only in the
   * tests that compare the two readers.
   */
  Map<String, Object> decodeTree(byte[] data) throws DtxProtocolException {
    String badLength = dtxkit.runtime.internal.BinaryPlists.malformedLength(data);
    if (badLength != null) {
      // dd-plist would print this to System.err and parse on; reject it as the malformed plist it is.
      throw new ArchiveFormatException("plist", "not a property list: " + badLength, null);
    }
    NSObject parsed;
    try {
      parsed = dtxkit.runtime.internal.QuietPlists.parse(isXml(data) ? realsAsReals(data) : data);
    } catch (Exception | StackOverflowError e) {
      throw new ArchiveFormatException("plist", "not a property list (" + e + ")", e);
    }
    if (!(parsed instanceof NSDictionary root)) {
      throw ArchiveFormatException.wrongValue("plist", "a dictionary", typeName(parsed));
    }
    checkHeader(root);
    NSObject top = root.get("$top");
    if (top == null) {
      throw ArchiveFormatException.missing("$top", "a dictionary of UIDs");
    }
    if (!(top instanceof NSDictionary topDict)) {
      throw ArchiveFormatException.wrongValue("$top", "a dictionary of UIDs", typeName(top));
    }
    NSObject objects = root.get("$objects");
    if (objects == null) {
      throw ArchiveFormatException.missing("$objects", "an array");
    }
    if (!(objects instanceof NSArray objectArray)) {
      throw ArchiveFormatException.wrongValue("$objects", "an array", typeName(objects));
    }
    int count = objectArray.count();
    if (count > limits.maxObjects()) {
      throw new DtxLimitExceededException(
          "archive objects", limits.maxObjects(), count, DtxProtocolException.UNKNOWN_OFFSET);
    }
    if (count == 0) {
      throw ArchiveFormatException.wrongValue("$objects", "at least the $null entry", "an empty array");
    }
    NSObject first = objectArray.objectAtIndex(0);
    if (!(first instanceof NSString s && "$null".equals(s.getContent()))) {
      throw ArchiveFormatException.wrongValue("$objects[0]", "\"$null\"", describe(first));
    }
    Decoding decoding = new Decoding(objectArray.getArray());
    Map<String, Object> result = new LinkedHashMap<>();
    try {
      for (String key : topKeysInOrder(topDict)) {
        result.put(key, decoding.follow(topDict.get(key), "$top." + key, 0, false));
      }
    } catch (StackOverflowError e) {
      // Only reachable when maxDepth was raised beyond what this thread's stack holds; the archive is abandoned
      // and the stack unwound, so the thread is fine to go on.
      throw new ArchiveFormatException(
          "$objects", "nests deeper than this thread's stack allows (maxDepth " + limits.maxDepth() + ")", e);
    }
    return Collections.unmodifiableMap(result);
  }

  private static final java.util.regex.Pattern INTEGRAL_REAL =
      java.util.regex.Pattern.compile("<real>\\s*([+-]?\\d+)\\s*</real>");

  private static boolean isXml(byte[] data) {
    int i = 0;
    if (data.length >= 3 && (data[0] & 0xFF) == 0xEF && (data[1] & 0xFF) == 0xBB && (data[2] & 0xFF) == 0xBF) {
      i = 3;
    }
    while (i < data.length && Character.isWhitespace(data[i])) {
      i++;
    }
    return i < data.length && data[i] == '<';
  }

  /**
   * dd-plist's XML parser reads {@code <real>1</real>} as an integer, while the same archive in binary form has a real;
   * writing such reals as {@code 1.0} first keeps the XML and binary forms decoding to the same Java values.
   */
  private static byte[] realsAsReals(byte[] xml) {
    String text = new String(xml, java.nio.charset.StandardCharsets.UTF_8);
    java.util.regex.Matcher m = INTEGRAL_REAL.matcher(text);
    if (!m.find()) {
      return xml;
    }
    return m.replaceAll("<real>$1.0</real>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void checkHeader(NSDictionary root) throws ArchiveFormatException {
    NSObject archiver = root.get("$archiver");
    if (archiver == null) {
      throw ArchiveFormatException.missing("$archiver", "\"NSKeyedArchiver\"");
    }
    if (!(archiver instanceof NSString s && "NSKeyedArchiver".equals(s.getContent()))) {
      throw ArchiveFormatException.wrongValue("$archiver", "\"NSKeyedArchiver\"", describe(archiver));
    }
    NSObject version = root.get("$version");
    if (version == null) {
      throw ArchiveFormatException.missing("$version", String.valueOf(ARCHIVE_VERSION));
    }
    if (!(version instanceof NSNumber n && n.isInteger() && n.longValue() == ARCHIVE_VERSION)) {
      throw ArchiveFormatException.wrongValue("$version", String.valueOf(ARCHIVE_VERSION), describe(version));
    }
  }

  private static List<String> topKeysInOrder(NSDictionary top) {
    List<String> keys = new ArrayList<>(top.keySet());
    keys.sort((a, b) -> Long.compare(topRank(a), topRank(b)));
    return keys;
  }

  /** {@code root} first, then {@code $0, $1, ...} numerically, then anything else in archive order (stable sort). */
  static long topRank(String key) {
    if (key.equals("root")) {
      return -1;
    }
    if (key.length() > 1 && key.length() < 12 && key.charAt(0) == '$' && key.substring(1).chars().allMatch(Character::isDigit)) {
      return Long.parseLong(key.substring(1));
    }
    return Long.MAX_VALUE;
  }

  static String typeName(NSObject o) {
    if (o == null) {
      return "nothing";
    }
    if (o instanceof UID) {
      return "a UID";
    }
    if (o instanceof NSDictionary d && d.size() == 1 && d.containsKey("CF$UID")) {
      return "a UID";
    }
    return "a " + o.getClass().getSimpleName();
  }

  static String describe(NSObject o) {
    if (o instanceof NSString s) {
      String c = s.getContent();
      return "\"" + (c.length() > 64 ? c.substring(0, 64) + "..." : c) + "\"";
    }
    if (o instanceof NSNumber n) {
      return n.toString();
    }
    return typeName(o);
  }

  /**
   * The index a reference names, or -1 when {@code o} is not a reference. XML plists spell a UID as a dictionary
   * with the single key {@code CF$UID}; dd-plist's XML parser leaves those as dictionaries.
   */
  static long uidIndex(NSObject o) {
    if (o instanceof UID uid) {
      return new BigInteger(1, uid.getBytes()).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }
    if (o instanceof NSDictionary d && d.size() == 1 && d.get("CF$UID") instanceof NSNumber n && n.isInteger()) {
      return n.longValue() < 0 ? Long.MAX_VALUE : n.longValue();
    }
    return -1;
  }

  /** Plain plist value as a Java value (numbers, strings, data, dates); null for containers and UIDs. */
  static Object plainValue(NSObject o) {
    if (o instanceof NSString s) {
      return s.getContent();
    }
    if (o instanceof NSNumber n) {
      switch (n.type()) {
        case NSNumber.BOOLEAN:
          return n.boolValue();
        case NSNumber.REAL:
          return n.doubleValue();
        default:
          long v = n.longValue();
          if (v == (int) v) {
            return Integer.valueOf((int) v);
          }
          return Long.valueOf(v);
      }
    }
    if (o instanceof NSData d) {
      return d.bytes();
    }
    if (o instanceof NSDate d) {
      return d.getDate().toInstant();
    }
    return null;
  }

  /** The state of one decode call: the decoded objects so far and the objects being decoded. */
  private final class Decoding {
    private static final Object UNSET = new Object();
    private final NSObject[] objects;
    private final Object[] decoded;
    private final byte[] state;
    private static final byte IN_PROGRESS = 1;
    private static final byte PUBLISHED = 2;
    private static final byte DONE = 3;
    private final Map<Integer, ClassInfo> classes = new java.util.HashMap<>();

    Decoding(NSObject[] objects) {
      this.objects = objects;
      this.decoded = new Object[objects.length];
      this.state = new byte[objects.length];
    }

    /** The objects published and still being filled (see {@code BinaryUnarchiving.unfinished}). */
    private Object[] unfinished = new Object[16];
    private int unfinishedCount;

    /** Decodes the object {@code ref} refers to; {@code where} names the reference for error messages. */
    Object follow(NSObject ref, String where, int depth, boolean asKey) throws DtxProtocolException {
      long index = uidIndex(ref);
      if (index < 0) {
        throw ArchiveFormatException.wrongValue(where, "a UID", describe(ref));
      }
      Object value = object(index, where, depth + 1, asKey);
      // As the binary reader does (BinaryUnarchiving.resolve): a value that contains itself, or an object still being
      // filled (it lies on the path to this key, so it would contain the key), has no hash to be a key.
      if (asKey && !(value instanceof String || value instanceof Number)
          && ArchiveValues.containsItselfOrReaches(value, unfinished, unfinishedCount)) {
        throw new ArchiveFormatException(where, "cycle: $objects[" + index
            + "] contains itself or an object it is being decoded into, so it cannot be a set element or dictionary"
            + " key", null);
      }
      return value;
    }

    Object object(long index, String where, int depth, boolean asKey) throws DtxProtocolException {
      if (index >= objects.length) {
        throw ArchiveFormatException.wrongValue(
            where, "a UID below " + objects.length + " (the $objects count)", "UID " + index);
      }
      int i = (int) index;
      if (i == 0) {
        return null;
      }
      switch (state[i]) {
        case DONE:
          return decoded[i];
        case PUBLISHED:
          if (!asKey) {
            return decoded[i];
          }
          throw new ArchiveFormatException(
              where, "cycle: $objects[" + i + "] is used as a set element or dictionary key of itself", null);
        case IN_PROGRESS:
          throw new ArchiveFormatException(
              where, "cycle: $objects[" + i + "] refers back to itself while it is being decoded", null);
        default:
          break;
      }
      NSObject o = objects[i];
      Object value;
      if (o instanceof NSDictionary d && uidIndex(d) < 0) {
        if (depth > limits.maxDepth()) {
          throw new DtxLimitExceededException(
              "archive depth", limits.maxDepth(), depth, DtxProtocolException.UNKNOWN_OFFSET);
        }
        state[i] = IN_PROGRESS;
        int mark = unfinishedCount;
        value = decodeInstance(i, d, depth);
        unfinishedCount = mark;
      } else {
        value = plainValue(o);
        if (value == null) {
          throw ArchiveFormatException.wrongValue(
              "$objects[" + i + "]", "a string, number, data or object dictionary", typeName(o));
        }
      }
      decoded[i] = value;
      state[i] = DONE;
      return value;
    }

    private Object decodeInstance(int i, NSDictionary d, int depth) throws DtxProtocolException {
      String where = "$objects[" + i + "]";
      NSObject classRef = d.get("$class");
      if (classRef == null) {
        throw ArchiveFormatException.missing(where + ".$class", "a UID of a class dictionary");
      }
      ClassInfo info = classInfo(classRef, where + ".$class");
      Reader reader = new Reader(i, d, info, depth);
      ArchiveClassCodec<?> codec = registry.decoderFor(info.name()).orElse(null);
      if (codec == null) {
        return reader.decodeGeneric();
      }
      return codec.decode(reader);
    }

    private ClassInfo classInfo(NSObject ref, String where) throws ArchiveFormatException {
      long index = uidIndex(ref);
      if (index < 0) {
        throw ArchiveFormatException.wrongValue(where, "a UID", describe(ref));
      }
      if (index == 0 || index >= objects.length) {
        throw ArchiveFormatException.wrongValue(
            where, "a UID of a class dictionary in 1.." + (objects.length - 1), "UID " + index);
      }
      ClassInfo cached = classes.get((int) index);
      if (cached != null) {
        return cached;
      }
      String at = "$objects[" + index + "]";
      if (!(objects[(int) index] instanceof NSDictionary cd)) {
        throw ArchiveFormatException.wrongValue(at, "a class dictionary", typeName(objects[(int) index]));
      }
      NSObject name = cd.get("$classname");
      if (!(name instanceof NSString nameString)) {
        throw name == null
            ? ArchiveFormatException.missing(at + ".$classname", "a string")
            : ArchiveFormatException.wrongValue(at + ".$classname", "a string", typeName(name));
      }
      List<String> chain = new ArrayList<>();
      NSObject chainObject = cd.get("$classes");
      if (chainObject instanceof NSArray a) {
        for (NSObject c : a.getArray()) {
          if (!(c instanceof NSString cs)) {
            throw ArchiveFormatException.wrongValue(at + ".$classes", "an array of strings", "an element " + typeName(c));
          }
          chain.add(cs.getContent());
        }
      } else if (chainObject != null) {
        throw ArchiveFormatException.wrongValue(at + ".$classes", "an array of strings", typeName(chainObject));
      }
      if (chain.isEmpty() || !chain.get(0).equals(nameString.getContent())) {
        chain.add(0, nameString.getContent());
      }
      ClassInfo info = new ClassInfo(nameString.getContent(), List.copyOf(chain));
      classes.put((int) index, info);
      return info;
    }

    private final class Reader extends KeyedReader {
      private final NSDictionary fields;
      private final int depth;

      Reader(int index, NSDictionary fields, ClassInfo info, int depth) {
        super(index, info.name(), info.chain());
        this.fields = fields;
        this.depth = depth;
      }

      @Override
      public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>(fields.keySet());
        keys.remove("$class");
        return keys;
      }

      @Override
      public boolean contains(String key) {
        return !key.equals("$class") && fields.containsKey(key);
      }

      @Override
      public boolean isInline(String key) {
        NSObject v = fields.get(key);
        return v != null && uidIndex(v) < 0 && !(v instanceof NSArray);
      }

      @Override
      public Object decode(String key) throws DtxProtocolException {
        NSObject v = fields.get(key);
        if (v == null || key.equals("$class")) {
          return null;
        }
        if (uidIndex(v) >= 0) {
          return follow(v, field(key), depth, false);
        }
        if (v instanceof NSArray) {
          return decodeReferences(key, false);
        }
        Object plain = plainValue(v);
        if (plain == null) {
          throw notAValue(key, typeName(v));
        }
        return plain;
      }

      @Override
      public List<Object> decodeReferences(String key, boolean asKeys) throws DtxProtocolException {
        NSObject v = fields.get(key);
        if (v == null) {
          throw missingReferences(key);
        }
        if (!(v instanceof NSArray a)) {
          throw notReferences(key, typeName(v));
        }
        String where = field(key);
        NSObject[] refs = a.getArray();
        List<Object> out = new ArrayList<>(refs.length);
        for (int k = 0; k < refs.length; k++) {
          out.add(follow(refs[k], where + "[" + k + "]", depth, asKeys));
        }
        return out;
      }

      @Override
      public void publish(Object instance) {
        decoded[index] = instance;
        state[index] = PUBLISHED;
        if (unfinishedCount == unfinished.length) {
          unfinished = java.util.Arrays.copyOf(unfinished, unfinishedCount * 2);
        }
        unfinished[unfinishedCount++] = instance;
      }
    }
  }

  private record ClassInfo(String name, List<String> chain) {}

  /** Configures an {@link NSKeyedUnarchiver}. */
  public static final class Builder {
    private ArchiveClassRegistry registry = ArchiveClassRegistry.builtIns();
    private ArchiveLimits limits = ArchiveLimits.DEFAULT;

    private Builder() {}

    /** The classes to decode; copied when {@link #build()} is called. Default {@link ArchiveClassRegistry#builtIns()}. */
    public Builder registry(ArchiveClassRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The limits to enforce. Default {@link ArchiveLimits#DEFAULT}. */
    public Builder limits(ArchiveLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** A new unarchiver. */
    public NSKeyedUnarchiver build() {
      return new NSKeyedUnarchiver(this);
    }
  }

  static Instant instantFromReferenceSeconds(double seconds) {
    double floor = Math.floor(seconds);
    long nanos = Math.round((seconds - floor) * 1e9);
    return Instant.ofEpochSecond(REFERENCE_DATE_EPOCH_SECONDS + (long) floor, nanos);
  }

  static double referenceSecondsOf(Instant instant) {
    return (instant.getEpochSecond() - REFERENCE_DATE_EPOCH_SECONDS) + instant.getNano() / 1e9;
  }
}
