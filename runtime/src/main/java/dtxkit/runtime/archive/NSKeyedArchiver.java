package dtxkit.runtime.archive;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * {@link IllegalArgumentException}s. Instances are thread-safe; besides their configuration they keep only the
 * table sizes of the previous encode, a hint that changes allocation, never the bytes written.
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
  private volatile Sizes sizes = new Sizes(64, 64, 16, 16, 16);

  private record Sizes(int entries, int integers, int reals, int strings, int objects) {}

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
    e.remember();
    return BinaryArchiveWriter.write(new String[] {"root"}, new int[] {ref}, e.objects, e.stringRefs, e.inlineNumbers);
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
    e.remember();
    return BinaryArchiveWriter.write(keys, refs, e.objects, e.stringRefs, e.inlineNumbers);
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
    final List<Object> objects;
    private final IdentityIntMap identityRefs;
    final StringIntMap stringRefs;
    private final LongIntMap integerRefs;
    private final LongIntMap realRefs;
    private final int[] booleanRefs = {-1, -1};
    private final Map<List<String>, Integer> classRefs = new HashMap<>();
    private final Map<Class<?>, ArchiveClassCodec<?>> codecCache = new HashMap<>();
    private BinaryArchiveWriter.Ref[] uids;
    private int nullRef;
    /** Whether a field holds an inline number (see {@link BinaryArchiveWriter#write}). */
    boolean inlineNumbers;

    Encoding() {
      Sizes hint = sizes;
      objects = new ArrayList<>(hint.entries());
      identityRefs = new IdentityIntMap(hint.objects());
      stringRefs = new StringIntMap(hint.strings());
      integerRefs = new LongIntMap(hint.integers());
      realRefs = new LongIntMap(hint.reals());
      uids = new BinaryArchiveWriter.Ref[hint.entries()];
      objects.add("$null");
    }

    /** Leaves this encode's sizes as the next one's hint (capped, so that one huge archive is not kept as one). */
    void remember() {
      int cap = 1 << 16;
      sizes = new Sizes(Math.min(cap, Math.max(16, objects.size())), Math.min(cap, integerRefs.size()),
          Math.min(cap, realRefs.size()), Math.min(cap, stringRefs.size()), Math.min(cap, identityRefs.size()));
    }

    /** One Ref instance per index. */
    BinaryArchiveWriter.Ref uidOf(int index) {
      if (index >= uids.length) {
        uids = java.util.Arrays.copyOf(uids, Math.max(index + 1, uids.length * 2));
      }
      BinaryArchiveWriter.Ref r = uids[index];
      if (r == null) {
        r = new BinaryArchiveWriter.Ref(index);
        uids[index] = r;
      }
      return r;
    }

    /**
     * The entry of a plain value, found again by value (what Foundation's archiver does for strings and numbers), or
     * -1 when {@code value} is no String, integer, floating point number or Boolean.
     */
    private int plainRef(Object value) {
      if (value instanceof String s) {
        int known = stringRefs.putIfAbsent(s, objects.size());
        if (known >= 0) {
          return known;
        }
        objects.add(s);
        return objects.size() - 1;
      }
      if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
        long v = ((Number) value).longValue();
        int known = integerRefs.putIfAbsent(v, objects.size());
        if (known >= 0) {
          return known;
        }
        // The caller's own Integer or Long is the entry (no second box); narrower integers are widened.
        objects.add(value instanceof Integer || value instanceof Long ? value
            : (Object) Integer.valueOf((int) v));
        return objects.size() - 1;
      }
      if (value instanceof Double || value instanceof Float) {
        double d = ((Number) value).doubleValue();
        long bits = Double.doubleToLongBits(d);
        int known = realRefs.putIfAbsent(bits, objects.size());
        if (known >= 0) {
          return known;
        }
        objects.add(value instanceof Double ? value : (Object) d);
        return objects.size() - 1;
      }
      if (value instanceof Boolean b) {
        int slot = b ? 1 : 0;
        if (booleanRefs[slot] < 0) {
          objects.add(b);
          booleanRefs[slot] = objects.size() - 1;
        }
        return booleanRefs[slot];
      }
      return -1;
    }

    /** A reference to {@code value} inside a collection: null becomes the shared NSNull object. */
    int elementRef(Object value, int depth) {
      if (value != null) {
        return ref(value, depth);
      }
      if (nullRef == 0) {
        BinaryArchiveWriter.Instance d = new BinaryArchiveWriter.Instance();
        d.put("$class", uidOf(classRef(NULL_CHAIN)));
        objects.add(d);
        nullRef = objects.size() - 1;
      }
      return nullRef;
    }

    int ref(Object value, int depth) {
      if (value == null) {
        return 0;
      }
      int plain = plainRef(value);
      if (plain >= 0) {
        return plain;
      }
      // Found again by identity, or given the next entry's index now (before its fields, so that a cycle finds it).
      int index = objects.size();
      int known = identityRefs.putIfAbsent(value, index);
      if (known >= 0) {
        return known;
      }
      if (value instanceof byte[] bytes) {
        objects.add(bytes);
        return index;
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
      objects.add(fields);
      Writer writer = new Writer(fields, depth + 1);
      encodeWith(codec, target, writer);
      fields.put("$class", uidOf(classRef(chain)));
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
        objects.add(new BinaryArchiveWriter.ClassEntry(List.copyOf(chain)));
        ref = objects.size() - 1;
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
        fields.put(checkKey(key), uidOf(ref(value, depth)));
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
        int[] refs = new int[values.size()];
        int i = 0;
        for (Object v : values) {
          refs[i++] = elementRef(v, depth);
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
