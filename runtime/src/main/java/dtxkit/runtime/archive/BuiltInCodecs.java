package dtxkit.runtime.archive;

import dtxkit.runtime.DtxProtocolException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The codecs {@link ArchiveClassRegistry#builtIns()} registers. */
final class BuiltInCodecs {
  static final List<String> ARRAY_CHAIN = List.of("NSArray", "NSObject");
  static final List<String> MUTABLE_ARRAY_CHAIN = List.of("NSMutableArray", "NSArray", "NSObject");
  static final List<String> DICTIONARY_CHAIN = List.of("NSDictionary", "NSObject");
  static final List<String> MUTABLE_DICTIONARY_CHAIN = List.of("NSMutableDictionary", "NSDictionary", "NSObject");
  static final List<String> SET_CHAIN = List.of("NSSet", "NSObject");
  static final List<String> MUTABLE_SET_CHAIN = List.of("NSMutableSet", "NSSet", "NSObject");
  static final List<String> MUTABLE_STRING_CHAIN = List.of("NSMutableString", "NSString", "NSObject");
  static final List<String> MUTABLE_DATA_CHAIN = List.of("NSMutableData", "NSData", "NSObject");

  private BuiltInCodecs() {}

  static List<ArchiveClassCodec<?>> all() {
    List<ArchiveClassCodec<?>> all = new ArrayList<>();
    all.add(new GenericCodec());
    all.add(new ArrayCodec());
    all.add(new DictionaryCodec());
    all.add(new SetCodec());
    all.add(new MutableStringCodec());
    all.add(new MutableDataCodec());
    all.add(new DateCodec());
    all.add(new NullCodec());
    all.add(new ErrorCodec());
    all.add(new UuidCodec());
    all.addAll(MoreCodecs.all());
    return all;
  }

  /** The mutable counterpart of an immutable collection chain, or {@code chain} itself. */
  static List<String> mutableChainFor(List<String> chain) {
    if (chain.equals(ARRAY_CHAIN)) {
      return MUTABLE_ARRAY_CHAIN;
    }
    if (chain.equals(DICTIONARY_CHAIN)) {
      return MUTABLE_DICTIONARY_CHAIN;
    }
    if (chain.equals(SET_CHAIN)) {
      return MUTABLE_SET_CHAIN;
    }
    return chain;
  }

  /** Shared shape of codecs with one Java type, fixed class names and one default chain. */
  abstract static class Base<T> implements ArchiveClassCodec<T> {
    private final Class<T> type;
    private final List<String> names;
    private final List<String> chain;

    Base(Class<T> type, List<String> names, List<String> chain) {
      this.type = type;
      this.names = names;
      this.chain = chain;
    }

    @Override
    public Class<T> javaType() {
      return type;
    }

    @Override
    public List<String> classNames() {
      return names;
    }

    @Override
    public List<String> classChain(T value) {
      return chain;
    }

    @Override
    public String toString() {
      return getClass().getSimpleName() + names;
    }
  }

  /** Archives {@link ArchivedObject}s that have no codec of their own, {@link GenericArchivedObject} above all. */
  static final class GenericCodec implements ArchiveClassCodec<ArchivedObject> {
    @Override
    public Class<ArchivedObject> javaType() {
      return ArchivedObject.class;
    }

    /** Only reached by {@link ArchivedAs} with this name; decoding unregistered classes does not use a codec. */
    @Override
    public List<String> classNames() {
      return List.of("NSObject");
    }

    @Override
    public List<String> classChain(ArchivedObject value) {
      return value.classChain();
    }

    @Override
    public void encode(ArchivedObject value, ArchiveWriter out) {
      Set<String> inline = value instanceof AbstractArchivedObject a ? a.inlineKeys() : Set.of();
      for (Map.Entry<String, Object> e : value.fields().entrySet()) {
        if (inline.contains(e.getKey()) && e.getValue() != null) {
          out.encodeInline(e.getKey(), e.getValue());
        } else {
          out.encodeObject(e.getKey(), e.getValue());
        }
      }
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      Map<String, Object> fields = new LinkedHashMap<>();
      Set<String> inline = new LinkedHashSet<>();
      for (String key : in.keys()) {
        fields.put(key, in.decode(key));
        if (in.isInline(key)) {
          inline.add(key);
        }
      }
      return new GenericArchivedObject(in.classChain(), fields, inline);
    }
  }

  /** NSArray and NSMutableArray ({@code NS.objects}) ↔ List. */
  @SuppressWarnings("rawtypes")
  static final class ArrayCodec extends Base<List> {
    ArrayCodec() {
      super(List.class, List.of("NSArray", "NSMutableArray"), ARRAY_CHAIN);
    }

    @Override
    public void encode(List value, ArchiveWriter out) {
      out.encodeReferences("NS.objects", value);
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      List<Object> list = new ArrayList<>();
      in.publish(list);
      list.addAll(in.decodeReferences("NS.objects", false));
      return list;
    }
  }

  /** NSDictionary and NSMutableDictionary ({@code NS.keys}, {@code NS.objects}) ↔ insertion-ordered Map. */
  @SuppressWarnings("rawtypes")
  static final class DictionaryCodec extends Base<Map> {
    DictionaryCodec() {
      super(Map.class, List.of("NSDictionary", "NSMutableDictionary"), DICTIONARY_CHAIN);
    }

    @Override
    public void encode(Map value, ArchiveWriter out) {
      out.encodeReferences("NS.keys", value.keySet());
      out.encodeReferences("NS.objects", value.values());
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      Map<Object, Object> map = new LinkedHashMap<>();
      in.publish(map);
      List<Object> keys = in.decodeReferences("NS.keys", true);
      List<Object> values = in.decodeReferences("NS.objects", false);
      if (keys.size() != values.size()) {
        throw in.error("NS.objects", "count " + values.size() + " differs from NS.keys count " + keys.size());
      }
      DataKeys data = new DataKeys();
      for (int i = 0; i < keys.size(); i++) {
        if (map.containsKey(keys.get(i)) || !data.add(keys.get(i))) {
          throw in.error("NS.keys[" + i + "]", "duplicate key " + ArchiveValues.toString(keys.get(i), 200));
        }
        map.put(keys.get(i), values.get(i));
      }
      return map;
    }
  }

  /** NSSet and NSMutableSet ({@code NS.objects}) ↔ insertion-ordered Set. */
  @SuppressWarnings("rawtypes")
  static final class SetCodec extends Base<Set> {
    SetCodec() {
      super(Set.class, List.of("NSSet", "NSMutableSet"), SET_CHAIN);
    }

    @Override
    public void encode(Set value, ArchiveWriter out) {
      out.encodeReferences("NS.objects", value);
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      // Equal elements merge, the first kept, byte arrays by content as other elements by equals.
      Set<Object> set = new LinkedHashSet<>();
      DataKeys data = new DataKeys();
      for (Object e : in.decodeReferences("NS.objects", true)) {
        if (data.add(e)) {
          set.add(e);
        }
      }
      return set;
    }
  }

  /** NSMutableString ({@code NS.string}) → String; Strings are archived this way only through {@link ArchivedAs}. */
  static final class MutableStringCodec extends Base<String> {
    MutableStringCodec() {
      super(String.class, List.of("NSMutableString", "NSString"), MUTABLE_STRING_CHAIN);
    }

    @Override
    public void encode(String value, ArchiveWriter out) {
      out.encodeObject("NS.string", value);
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      return in.require("NS.string", String.class);
    }
  }

  /** NSMutableData ({@code NS.data}) → byte[]; byte arrays are archived this way only through {@link ArchivedAs}. */
  static final class MutableDataCodec extends Base<byte[]> {
    MutableDataCodec() {
      super(byte[].class, List.of("NSMutableData", "NSData"), MUTABLE_DATA_CHAIN);
    }

    @Override
    public void encode(byte[] value, ArchiveWriter out) {
      out.encodeInline("NS.data", value);
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      return in.require("NS.data", byte[].class);
    }
  }

  /** NSDate ({@code NS.time}, seconds since 2001-01-01 UTC, inline double) ↔ Instant. */
  static final class DateCodec extends Base<Instant> {
    DateCodec() {
      super(Instant.class, List.of("NSDate"), List.of("NSDate", "NSObject"));
    }

    @Override
    public void encode(Instant value, ArchiveWriter out) {
      out.encodeInline("NS.time", NSKeyedUnarchiver.referenceSecondsOf(value));
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      Number seconds = in.require("NS.time", Number.class);
      double s = seconds.doubleValue();
      if (!Double.isFinite(s) || Math.abs(s) > 1e15) {
        throw in.error("NS.time", "not a representable date: " + s);
      }
      return NSKeyedUnarchiver.instantFromReferenceSeconds(s);
    }
  }

  /** NSNull → null (the archiver writes NSNull itself for null collection elements and roots). */
  static final class NullCodec extends Base<Void> {
    NullCodec() {
      super(Void.class, List.of("NSNull"), List.of("NSNull", "NSObject"));
    }

    @Override
    public void encode(Void value, ArchiveWriter out) {
      // NSNull has no fields.
    }

    @Override
    public Object decode(ArchiveReader in) {
      return null;
    }
  }

  /** NSError ({@code NSDomain}, inline {@code NSCode}, {@code NSUserInfo}) ↔ {@link NSError}. */
  static final class ErrorCodec extends Base<NSError> {
    ErrorCodec() {
      super(NSError.class, List.of("NSError"), NSError.CLASS_CHAIN);
    }

    @Override
    public void encode(NSError value, ArchiveWriter out) {
      out.encodeObject("NSDomain", value.domain());
      out.encodeInline("NSCode", value.code());
      out.encodeObject("NSUserInfo", value.userInfo());
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      String domain = in.require("NSDomain", String.class);
      Number code = in.require("NSCode", Number.class);
      Map<?, ?> info = in.decode("NSUserInfo", Map.class);
      Map<String, Object> userInfo = null;
      if (info != null) {
        userInfo = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : info.entrySet()) {
          if (!(e.getKey() instanceof String key)) {
            throw in.error("NSUserInfo", "key " + e.getKey() + " is not a string");
          }
          userInfo.put(key, e.getValue());
        }
      }
      return new NSError(domain, code.longValue(), userInfo);
    }
  }

  /** NSUUID ({@code NS.uuidbytes}, 16 bytes inline) ↔ UUID. */
  static final class UuidCodec extends Base<UUID> {
    UuidCodec() {
      super(UUID.class, List.of("NSUUID"), List.of("NSUUID", "NSObject"));
    }

    @Override
    public void encode(UUID value, ArchiveWriter out) {
      ByteBuffer b = ByteBuffer.allocate(16);
      b.putLong(value.getMostSignificantBits()).putLong(value.getLeastSignificantBits());
      out.encodeInline("NS.uuidbytes", b.array());
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      byte[] bytes = in.require("NS.uuidbytes", byte[].class);
      if (bytes.length != 16) {
        throw in.error("NS.uuidbytes", "length " + bytes.length + " (expected 16)");
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      return new UUID(b.getLong(), b.getLong());
    }
  }
}
