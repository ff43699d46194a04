package dtxkit.runtime.archive;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.UID;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The archiver as it was before issue 13 (an object graph of dd-plist objects written by dd-plist's
 * {@code BinaryPropertyListWriter}), kept as the reference the new writer is compared with. Encodes Java values as
 * NSKeyedArchiver archives (binary plist, {@code $archiver} NSKeyedArchiver, {@code $version}
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
 * {@link IllegalArgumentException}s. Instances are immutable and thread-safe.
 */
final class DdPlistReferenceArchiver {
  private static final DdPlistReferenceArchiver DEFAULT = builder().build();
  private static final List<String> NULL_CHAIN = List.of("NSNull", "NSObject");

  private final ArchiveClassRegistry registry;
  private final boolean mutableCollections;
  private final int maxDepth;

  private DdPlistReferenceArchiver(Builder b) {
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

  /** {@link #encode} through the plist object graph and dd-plist's writer, whatever {@code root} is. */
  byte[] encodeGeneral(Object root) {
    return encodeTop(Map.of("root", new RootHolder(root)));
  }

  /**
   * Archives several top-level values, each under its own {@code $top} key (the form {@code encodeObject:forKey:} on a
   * fresh archiver produces).
   */
  public byte[] encodeTop(Map<String, ?> top) {
    Encoding e = new Encoding();
    NSDictionary topDict = new NSDictionary();
    for (Map.Entry<String, ?> entry : top.entrySet()) {
      Object v = entry.getValue();
      int ref = v instanceof RootHolder h ? e.elementRef(h.value, 0) : e.ref(v, 0);
      topDict.put(entry.getKey(), e.uidOf(ref));
    }
    NSDictionary root = new NSDictionary();
    root.put("$version", new NSNumber(100000));
    root.put("$archiver", new NSString("NSKeyedArchiver"));
    root.put("$top", topDict);
    root.put("$objects", new NSArray(e.objects.toArray(new NSObject[0])));
    try {
      return BinaryPropertyListWriter.writeToArray(root);
    } catch (IOException ex) {
      // Writing to a byte array does no I/O; dd-plist declares the exception for its file variants.
      throw new UncheckedIOException(ex);
    }
  }

  /** The root goes through the element path: a null root becomes NSNull, as Foundation would archive it. */
  private record RootHolder(Object value) {}

  static UID uid(int index) {
    return new UID("", BigInteger.valueOf(index));
  }

  /** The state of one encode call. */
  private final class Encoding {
    final List<NSObject> objects = new ArrayList<>();
    private final Map<Object, Integer> identityRefs = new IdentityHashMap<>();
    private final Map<Object, Integer> valueRefs = new HashMap<>();
    private final Map<List<String>, Integer> classRefs = new HashMap<>();
    private final Map<Class<?>, ArchiveClassCodec<?>> codecCache = new HashMap<>();
    private final List<UID> uids = new ArrayList<>();
    private int nullRef;

    Encoding() {
      objects.add(new NSString("$null"));
    }

    /** One UID instance per index: fewer allocations, and dd-plist's writer finds equal UIDs by identity first. */
    UID uidOf(int index) {
      while (uids.size() <= index) {
        uids.add(uid(uids.size()));
      }
      return uids.get(index);
    }

    /** A reference to {@code value} inside a collection: null becomes the shared NSNull object. */
    int elementRef(Object value, int depth) {
      if (value != null) {
        return ref(value, depth);
      }
      if (nullRef == 0) {
        NSDictionary d = new NSDictionary();
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
      Object plainKey = plainKey(value);
      if (plainKey != null) {
        Integer known = valueRefs.get(plainKey);
        if (known != null) {
          return known;
        }
        objects.add(plain(plainKey));
        valueRefs.put(plainKey, objects.size() - 1);
        return objects.size() - 1;
      }
      Integer known = identityRefs.get(value);
      if (known != null) {
        return known;
      }
      if (value instanceof byte[] bytes) {
        objects.add(new NSData(bytes));
        identityRefs.put(value, objects.size() - 1);
        return objects.size() - 1;
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
      int index = objects.size();
      objects.add(null);
      identityRefs.put(value, index);
      NSDictionary fields = new NSDictionary();
      Writer writer = new Writer(fields, depth + 1);
      encodeWith(codec, target, writer);
      fields.put("$class", uidOf(classRef(chain)));
      objects.set(index, fields);
      return index;
    }

    private ArchiveClassCodec<?> codecFor(Object value) {
      return codecCache.computeIfAbsent(value.getClass(), type -> registry.encoderFor(type).orElseThrow(
          () -> new IllegalArgumentException("no archive codec for " + type.getName())));
    }

    @SuppressWarnings("unchecked")
    private <T> List<String> chainOf(ArchiveClassCodec<T> codec, Object value) {
      return codec.classChain((T) value);
    }

    @SuppressWarnings("unchecked")
    private <T> void encodeWith(ArchiveClassCodec<T> codec, Object value, ArchiveWriter out) {
      codec.encode((T) value, out);
    }

    int classRef(List<String> chain) {
      Integer known = classRefs.get(chain);
      if (known != null) {
        return known;
      }
      NSDictionary d = new NSDictionary();
      d.put("$classname", new NSString(chain.get(0)));
      NSObject[] names = new NSObject[chain.size()];
      for (int i = 0; i < names.length; i++) {
        names[i] = new NSString(chain.get(i));
      }
      d.put("$classes", new NSArray(names));
      objects.add(d);
      classRefs.put(chain, objects.size() - 1);
      return objects.size() - 1;
    }

    private final class Writer implements ArchiveWriter {
      private final NSDictionary fields;
      private final int depth;

      Writer(NSDictionary fields, int depth) {
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
        NSObject plist;
        if (value instanceof byte[] bytes) {
          plist = new NSData(bytes);
        } else {
          Object k = plainKey(value);
          if (k == null) {
            throw new IllegalArgumentException(
                "cannot archive a " + value.getClass().getName() + " inline (key " + key + ")");
          }
          plist = plain(k);
        }
        fields.put(checkKey(key), plist);
      }

      @Override
      public void encodeReferences(String key, Collection<?> values) {
        NSObject[] refs = new NSObject[values.size()];
        int i = 0;
        for (Object v : values) {
          refs[i++] = uidOf(elementRef(v, depth));
        }
        fields.put(checkKey(key), new NSArray(refs));
      }

      private String checkKey(String key) {
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

  private static NSObject plain(Object key) {
    if (key instanceof String s) {
      return new NSString(s);
    }
    if (key instanceof Integer i) {
      return new NSNumber(i);
    }
    if (key instanceof Long l) {
      return new NSNumber(l);
    }
    if (key instanceof Double d) {
      return new NSNumber(d);
    }
    return new NSNumber((Boolean) key);
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
    public DdPlistReferenceArchiver build() {
      return new DdPlistReferenceArchiver(this);
    }
  }
}
