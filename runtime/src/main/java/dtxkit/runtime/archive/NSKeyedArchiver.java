package dtxkit.runtime.archive;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Encodes Java values as NSKeyedArchiver archives (binary plist, {@code $archiver} NSKeyedArchiver, {@code $version}
 * 100000, {@code $top} {@code {root: UID}}, {@code $objects} starting with {@code $null}).
 *
 * <p>Values: {@code String} → NSString; {@code Integer}/{@code Long}/{@code Short}/{@code Byte} → integer NSNumber;
 * {@code Double}/{@code Float} → real NSNumber; {@code Boolean} → NSNumber bool; {@code byte[]} → NSData;
 * {@code List} → NSArray; {@code Map} → NSDictionary (keys of any supported type); {@code Set} → NSSet;
 * {@code Instant} → NSDate; {@code UUID} → NSUUID; null → NSNull (a {@code $null} reference for object fields);
 * {@link ArchivedAs} → its value with the chosen {@code $classes}; anything else through the codec the registry has
 * for its type ({@link NSError}, {@link NSURL}, {@link XCTestConfiguration}, {@link GenericArchivedObject}, ...).
 * The same Java instance referenced twice is archived once; so is an equal string or number.
 *
 * <p>Caller mistakes (a value no codec encodes, nesting deeper than the configured maximum) are
 * {@link IllegalArgumentException}s. Instances are thread-safe; besides their configuration they keep the table
 * sizes of the previous encode and the arrays it worked in (number tables, entry kinds and numbers, offsets, the
 * output buffer: about 250 KB for a sysmontap sample, at most about 3 MiB; never a reference to a caller's value),
 * which change allocation, never the bytes written. The arrays go to one encode at a time; an encode running beside
 * it allocates its own.
 */
public final class NSKeyedArchiver {
  private static final NSKeyedArchiver DEFAULT = builder().build();
  private static final List<String> NULL_CHAIN = List.of("NSNull", "NSObject");

  private final ArchiveClassRegistry registry;
  private final boolean mutableCollections;
  private final int maxDepth;
  /**
   * Sizes of the previous encode (entries, integer, real and string entries, objects), so that the next one's
   * tables start at the size they will reach instead of doubling their way there (a sysmon stream archives samples of
   * the same shape again and again). A hint only: read and written without ordering, it changes allocation, never the
   * bytes written.
   */
  private volatile Sizes sizes = new Sizes(64, 64, 16, 16, 16, 0, 0);

  /**
   * The sizes of one encode; {@code plistObjects} and {@code bytes} (0 before the first) are the archive's plist
   * objects and length, scaled by the number of entries for the next guess.
   */
  private record Sizes(int entries, int integers, int reals, int strings, int objects, int plistObjects, int bytes) {}

  /**
   * The arrays of the last encode, for the next one (taken by one encode at a time; an encode that finds none makes
   * its own). Like {@link #sizes}, it changes allocation, never the bytes written.
   */
  private final AtomicReference<BinaryArchiveWriter.Scratch> kept = new AtomicReference<>();

  private NSKeyedArchiver(Builder b) {
    this.registry = b.registry.copy();
    this.mutableCollections = b.mutableCollections;
    this.maxDepth = b.maxDepth;
  }

  /** A builder starting from {@link ArchiveClassRegistry#builtIns()}, immutable collection classes, depth 256. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Archives {@code root} with the built-in classes.
   *
   * @return a binary plist
   * @throws IllegalArgumentException when {@code root} holds a value no built-in codec encodes
   */
  public static byte[] archive(Object root) {
    return DEFAULT.encode(root);
  }

  /**
   * {@link #archive(Object)} as a buffer, the same bytes: for a long ASCII string (a trace code table, a log) a
   * buffer of three parts, the string's bytes copied once and not again into one array.
   *
   * @return a binary plist in an unpooled heap buffer (one or more components)
   * @throws IllegalArgumentException as {@link #archive(Object)}
   */
  public static io.netty.buffer.ByteBuf archiveBuffer(Object root) {
    io.netty.buffer.ByteBuf single = SingleValueArchives.encodeBuffer(root);
    return single != null ? single : io.netty.buffer.Unpooled.wrappedBuffer(DEFAULT.encodeGeneral(root));
  }

  /**
   * Archives {@code root} with this archiver's classes and options.
   *
   * @return a binary plist
   * @throws IllegalArgumentException when {@code root} holds a value no registered codec encodes, or nests deeper
   *     than the configured maximum
   */
  public byte[] encode(Object root) {
    // A lone string, number or data (selectors, most arguments and replies) takes a path that writes the same bytes
    // without building and hashing a plist graph; options and registry do not apply to such values.
    byte[] single = SingleValueArchives.encode(root);
    if (single != null) {
      return single;
    }
    return encodeGeneral(root);
  }

  /** {@link #encode} through the general writer, whatever {@code root} is. */
  byte[] encodeGeneral(Object root) {
    Encoding e = new Encoding();
    int ref = e.elementRef(root, 0);
    return e.write(new String[] {"root"}, new int[] {ref});
  }

  /** Writes an archive from the archiver's entries (the parameters of {@link BinaryArchiveWriter#write}). */
  interface EntriesWriter {
    byte[] write(String[] topKeys, int[] topRefs, BinaryArchiveWriter.Entries entries, StringIntMap entryStrings,
        boolean inlineNumbers);
  }

  /** {@link #encodeGeneral} with the entries handed to another writer (tests compare writers with it). */
  byte[] encodeGeneral(Object root, EntriesWriter writer) {
    Encoding e = new Encoding();
    int ref = e.elementRef(root, 0);
    return writer.write(new String[] {"root"}, new int[] {ref}, e.entries, e.stringRefs, e.inlineNumbers);
  }

  /**
   * Archives several top-level values, each under its own {@code $top} key (the form {@code encodeObject:forKey:} on a
   * fresh archiver produces).
   */
  public byte[] encodeTop(Map<String, ?> top) {
    Encoding e = new Encoding();
    String[] keys = new String[top.size()];
    int[] refs = new int[keys.length];
    int i = 0;
    for (Map.Entry<String, ?> entry : top.entrySet()) {
      keys[i] = Objects.requireNonNull(entry.getKey(), "top key");
      refs[i++] = e.ref(entry.getValue(), 0);
    }
    return e.write(keys, refs);
  }

  /** A dd-plist UID naming {@code $objects[index]}, for tests that build archives by hand. */
  static com.dd.plist.UID uid(int index) {
    return new com.dd.plist.UID("", java.math.BigInteger.valueOf(index));
  }

  /**
   * The state of one encode call: the {@code $objects} entries (plain values, {@link BinaryArchiveWriter.Instance}s,
   * {@link BinaryArchiveWriter.ClassEntry}s), objects found again by identity, strings and numbers by value.
   */
  private final class Encoding {
    final BinaryArchiveWriter.Entries entries;
    final BinaryArchiveWriter.Scratch scratch;
    private final IdentityIntMap identityRefs;
    final StringIntMap stringRefs;
    private final LongIntMap integerRefs;
    private final LongIntMap realRefs;
    private final int[] booleanRefs = {-1, -1};
    private final Map<List<String>, Integer> classRefs = new HashMap<>();
    private final Map<Class<?>, ArchiveClassCodec<?>> codecCache = new HashMap<>();
    private int nullRef;
    /** Whether a field holds an inline number (see {@link BinaryArchiveWriter#write}). */
    boolean inlineNumbers;

    Encoding() {
      Sizes hint = sizes;
      BinaryArchiveWriter.Scratch s = kept.getAndSet(null);
      scratch = s != null ? s : new BinaryArchiveWriter.Scratch(hint.entries(), hint.integers(), hint.reals());
      entries = new BinaryArchiveWriter.Entries(scratch, hint.entries());
      identityRefs = new IdentityIntMap(hint.objects());
      stringRefs = new StringIntMap(hint.strings());
      integerRefs = scratch.integers;
      realRefs = scratch.reals;
      entries.add(BinaryArchiveWriter.Entries.STRING, 0, "$null");
    }

    /** The archive of these entries, and this encode's sizes left as the next one's hint. */
    byte[] write(String[] topKeys, int[] topRefs) {
      Sizes hint = sizes;
      int n = entries.size;
      // The plist objects and bytes per entry of the previous archive (about 2.3 and 21 for a sysmon sample).
      long plistObjects = hint.plistObjects() == 0 ? n * 9L / 4 + 16
          : (long) n * hint.plistObjects() / hint.entries() + 16;
      long bytes = hint.bytes() == 0 ? n * 24L + 128 : (long) n * hint.bytes() / hint.entries() + 128;
      byte[] archive = BinaryArchiveWriter.write(topKeys, topRefs, entries, stringRefs, inlineNumbers,
          (int) Math.min(1 << 24, plistObjects), (int) Math.min(1 << 24, bytes), scratch);
      remember(archive);
      scratch.kinds = entries.kinds;
      scratch.numbers = entries.numbers;
      integerRefs.clear();
      realRefs.clear();
      if (scratch.keepable()) {
        kept.set(scratch);
      }
      return archive;
    }

    /** Leaves this encode's sizes as the next one's hint (capped, so that one huge archive is not kept as one). */
    private void remember(byte[] archive) {
      int cap = 1 << 16;
      int n = Math.max(16, entries.size);
      // Objects and bytes per entry, scaled to the capped entry count.
      double scale = Math.min(cap, n) / (double) n;
      sizes = new Sizes(Math.min(cap, n), Math.min(cap, integerRefs.size()),
          Math.min(cap, realRefs.size()), Math.min(cap, stringRefs.size()), Math.min(cap, identityRefs.size()),
          (int) (BinaryArchiveWriter.objectCount(archive) * scale), (int) (archive.length * scale));
    }

    /** The entry of an integer, found again by value (what Foundation's archiver does for numbers). */
    private int integerRef(long v) {
      int index = entries.size;
      int known = integerRefs.putIfAbsent(v, index);
      return known >= 0 ? known : entries.addNumber(BinaryArchiveWriter.Entries.INTEGER, v);
    }

    /** The entry of a real, found again by value (NaNs as one). */
    private int realRef(double d) {
      int index = entries.size;
      int known = realRefs.putIfAbsent(Double.doubleToLongBits(d), index);
      return known >= 0 ? known
          : entries.addNumber(BinaryArchiveWriter.Entries.REAL, Double.doubleToRawLongBits(d));
    }

    /** The entry of a string, found again by value. */
    private int stringRef(String s) {
      int index = entries.size;
      int known = stringRefs.putIfAbsent(s, index);
      return known >= 0 ? known : entries.add(BinaryArchiveWriter.Entries.STRING, 0, s);
    }

    private int booleanRef(boolean b) {
      int slot = b ? 1 : 0;
      if (booleanRefs[slot] < 0) {
        booleanRefs[slot] = entries.addNumber(BinaryArchiveWriter.Entries.BOOLEAN, slot);
      }
      return booleanRefs[slot];
    }

    /** A reference to {@code value} inside a collection: null becomes the shared NSNull object. */
    int elementRef(Object value, int depth) {
      if (value != null) {
        return ref(value, depth);
      }
      if (nullRef == 0) {
        BinaryArchiveWriter.Instance d = new BinaryArchiveWriter.Instance();
        d.putRef("$class", classRef(NULL_CHAIN));
        nullRef = entries.add(BinaryArchiveWriter.Entries.OBJECT, 0, d);
      }
      return nullRef;
    }

    int ref(Object value, int depth) {
      if (value == null) {
        return 0;
      }
      // Plain values, most frequent first (the classes are final: one comparison each); strings and numbers are
      // found again by value (what Foundation's archiver does).
      Class<?> type = value.getClass();
      if (type == Integer.class) {
        return integerRef((Integer) value);
      }
      if (type == Long.class) {
        return integerRef((Long) value);
      }
      if (type == String.class) {
        return stringRef((String) value);
      }
      if (type == Double.class) {
        return realRef((Double) value);
      }
      if (type == Boolean.class) {
        return booleanRef((Boolean) value);
      }
      if (type == Short.class || type == Byte.class) {
        return integerRef(((Number) value).longValue());
      }
      if (type == Float.class) {
        return realRef((Float) value);
      }
      return objectRef(value, depth);
    }

    /** An object's entry: found again by identity, or a new one. */
    private int objectRef(Object value, int depth) {
      // Found again by identity, or given the next entry's index now (before its fields, so that a cycle finds it).
      int index = entries.size;
      int known = identityRefs.putIfAbsent(value, index);
      if (known >= 0) {
        return known;
      }
      if (value instanceof byte[] bytes) {
        return entries.add(BinaryArchiveWriter.Entries.DATA, 0, bytes);
      }
      if (depth >= maxDepth) {
        throw new IllegalArgumentException("value nests deeper than " + maxDepth + " objects");
      }
      Object target = value;
      ArchiveClassCodec<?> codec;
      List<String> chain;
      if (value instanceof ArchivedAs as) {
        target = as.value();
        chain = as.classChain();
        codec = registry.decoderFor(chain.get(0))
            .filter(c -> c.javaType().isInstance(as.value()))
            .orElseGet(() -> codecFor(as.value()));
      } else {
        codec = codecFor(value);
        chain = chainOf(codec, value);
        if (mutableCollections) {
          chain = BuiltInCodecs.mutableChainFor(chain);
        }
      }
      BinaryArchiveWriter.Instance fields = new BinaryArchiveWriter.Instance();
      entries.add(BinaryArchiveWriter.Entries.OBJECT, 0, fields);
      Writer writer = new Writer(fields, depth + 1);
      encodeWith(codec, target, writer);
      fields.putRef("$class", classRef(chain));
      return index;
    }

    private ArchiveClassCodec<?> codecFor(Object value) {
      ArchiveClassCodec<?> codec = codecCache.get(value.getClass());
      if (codec == null) {
        codec = registry.encoderFor(value.getClass()).orElseThrow(
            () -> new IllegalArgumentException("no archive codec for " + value.getClass().getName()));
        codecCache.put(value.getClass(), codec);
      }
      return codec;
    }

    @SuppressWarnings("unchecked")
    private <T> List<String> chainOf(ArchiveClassCodec<T> codec, Object value) {
      return codec.classChain((T) value);
    }

    @SuppressWarnings("unchecked")
    private <T> void encodeWith(ArchiveClassCodec<T> codec, Object value, ArchiveWriter out) {
      codec.encode((T) value, out);
    }

    /** The last chain asked for and its entry: codecs hand out constant lists, so most lookups end here. */
    private List<String> lastChain;
    private int lastChainRef;

    int classRef(List<String> chain) {
      if (chain == lastChain) {
        return lastChainRef;
      }
      Integer known = classRefs.get(chain);
      int ref;
      if (known != null) {
        ref = known;
      } else {
        ref = entries.add(BinaryArchiveWriter.Entries.CLASS, 0, new BinaryArchiveWriter.ClassEntry(List.copyOf(chain)));
        classRefs.put(chain, ref);
      }
      lastChain = chain;
      lastChainRef = ref;
      return ref;
    }

    private final class Writer implements ArchiveWriter {
      private final BinaryArchiveWriter.Instance fields;
      private final int depth;

      Writer(BinaryArchiveWriter.Instance fields, int depth) {
        this.fields = fields;
        this.depth = depth;
      }

      @Override
      public void encodeObject(String key, Object value) {
        fields.putRef(checkKey(key), ref(value, depth));
      }

      @Override
      public void encodeInline(String key, Object value) {
        Objects.requireNonNull(value, "inline value of " + key);
        Object plist;
        if (value instanceof byte[] bytes) {
          plist = bytes;
        } else {
          plist = plainKey(value);
          if (plist == null) {
            throw new IllegalArgumentException(
                "cannot archive a " + value.getClass().getName() + " inline (key " + key + ")");
          }
        }
        if (plist instanceof Number) {
          inlineNumbers = true;
        }
        fields.put(checkKey(key), plist);
      }

      @Override
      public void encodeReferences(String key, Collection<?> values) {
        int[] refs;
        // Element by element without an iterator: iterators of the several collection classes met here make their
        // calls megamorphic (a dispatch per element).
        if (values.getClass() == ArrayList.class) {
          ArrayList<?> list = (ArrayList<?>) values;
          refs = new int[list.size()];
          for (int i = 0; i < refs.length; i++) {
            refs[i] = elementRef(list.get(i), depth);
          }
        } else {
          Object[] elements = values.toArray();
          refs = new int[elements.length];
          for (int i = 0; i < refs.length; i++) {
            refs[i] = elementRef(elements[i], depth);
          }
        }
        fields.put(checkKey(key), refs);
      }

      private String checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.equals("$class")) {
          throw new IllegalArgumentException("$class is written by the archiver");
        }
        return key;
      }
    }
  }

  /** The plist-primitive form of {@code value} (narrow integers widened, floats to doubles), or null. */
  private static Object plainKey(Object value) {
    if (value instanceof String || value instanceof Integer || value instanceof Long
        || value instanceof Double || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    return null;
  }

  /** Configures an {@link NSKeyedArchiver}. */
  public static final class Builder {
    private ArchiveClassRegistry registry = ArchiveClassRegistry.builtIns();
    private boolean mutableCollections;
    private int maxDepth = ArchiveLimits.DEFAULT.maxDepth();

    private Builder() {}

    /** The classes to encode with; copied when {@link #build()} is called. */
    public Builder registry(ArchiveClassRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Archive every List, Map and Set as NSMutableArray, NSMutableDictionary and NSMutableSet (for peers such as
     * testmanagerd that reject the immutable classes where they expect mutable ones). Default false.
     */
    public Builder mutableCollections(boolean value) {
      this.mutableCollections = value;
      return this;
    }

    /** The deepest nesting of objects accepted; deeper values are a caller mistake. Default 256. */
    public Builder maxDepth(int value) {
      if (value <= 0) {
        throw new IllegalArgumentException("maxDepth must be positive: " + value);
      }
      this.maxDepth = value;
      return this;
    }

    /** A new archiver. */
    public NSKeyedArchiver build() {
      return new NSKeyedArchiver(this);
    }
  }
}
