package dtxkit.runtime.archive;

import dtxkit.runtime.DtxProtocolException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Codec for {@link AbstractArchivedObject} subclasses: writes every field (inline ones inline), reads every field
 * into an instance published before its fields are decoded, so that cycles through it resolve.
 *
 * @param <T> the subclass
 */
final class ArchiveFieldsCodec<T extends AbstractArchivedObject> implements ArchiveClassCodec<T> {
  /** Creates an instance. */
  interface Factory<T> {
    T create(List<String> classChain, Map<String, ?> fields, Set<String> inlineKeys);
  }

  private final Class<T> type;
  private final List<String> names;
  private final Factory<T> factory;

  ArchiveFieldsCodec(Class<T> type, List<String> names, Factory<T> factory) {
    this.type = type;
    this.names = names;
    this.factory = factory;
  }

  /** The keys of {@code fields} holding numbers or booleans, which Foundation classes write inline. */
  static Set<String> numbersInline(Map<String, ?> fields) {
    Set<String> inline = new LinkedHashSet<>();
    fields.forEach((k, v) -> {
      if (v instanceof Number || v instanceof Boolean) {
        inline.add(k);
      }
    });
    return inline;
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
    return value.classChain();
  }

  @Override
  public void encode(T value, ArchiveWriter out) {
    Set<String> inline = value.inlineKeys();
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
    Set<String> inline = new LinkedHashSet<>();
    for (String key : in.keys()) {
      if (in.isInline(key)) {
        inline.add(key);
      }
    }
    T instance = factory.create(in.classChain(), Map.of(), inline);
    in.publish(instance);
    for (String key : in.keys()) {
      instance.putDecoded(key, in.decode(key));
    }
    return instance;
  }

  @Override
  public String toString() {
    return "ArchiveFieldsCodec" + names;
  }
}
