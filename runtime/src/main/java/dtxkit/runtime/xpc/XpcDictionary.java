package dtxkit.runtime.xpc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * XPC dictionary (type {@code 0xF000}): u32 byte length (of what follows it), u32 count, then entries, each a
 * NUL-terminated key padded to four and an object. Entry order is kept, so re-encoding gives the same bytes.
 *
 * @param entries the entries in wire order (copied; unmodifiable)
 */
public record XpcDictionary(Map<String, XpcObject> entries) implements XpcObject {
  private static final XpcDictionary EMPTY = new XpcDictionary(Map.of());

  /** Copies the map, keeping its iteration order; keys and values must not be null, keys must not contain NUL. */
  public XpcDictionary {
    LinkedHashMap<String, XpcObject> copy = new LinkedHashMap<>();
    entries.forEach((k, v) -> copy.put(checkKey(k), Objects.requireNonNull(v, "value")));
    entries = Collections.unmodifiableMap(copy);
  }

  private static String checkKey(String key) {
    // Keys travel NUL-terminated: an embedded NUL would silently cut the key on the wire.
    if (Objects.requireNonNull(key, "key").indexOf('\0') >= 0) {
      throw new IllegalArgumentException("XPC dictionary keys cannot contain NUL: " + key);
    }
    return key;
  }

  /** The empty dictionary. */
  public static XpcDictionary empty() {
    return EMPTY;
  }

  /** A builder that keeps insertion order. */
  public static Builder builder() {
    return new Builder();
  }

  /** The value under {@code key}, or null when absent. */
  public XpcObject get(String key) {
    return entries.get(key);
  }

  /** True when there are no entries. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The number of entries. */
  public int size() {
    return entries.size();
  }

  /** The string under {@code key}, or null when absent or not a string. */
  public String getString(String key) {
    return entries.get(key) instanceof XpcString s ? s.value() : null;
  }

  /** The dictionary under {@code key}, or null when absent or not a dictionary. */
  public XpcDictionary getDictionary(String key) {
    return entries.get(key) instanceof XpcDictionary d ? d : null;
  }

  @Override
  public int typeCode() {
    return XpcTypes.DICTIONARY;
  }

  /** Builds a dictionary in insertion order. */
  public static final class Builder {
    private final LinkedHashMap<String, XpcObject> entries = new LinkedHashMap<>();

    private Builder() {}

    /** Adds or replaces an entry (a replaced key keeps its first position). */
    public Builder put(String key, XpcObject value) {
      entries.put(checkKey(key), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a string entry. */
    public Builder put(String key, String value) {
      return put(key, new XpcString(value));
    }

    /** Adds a bool entry. */
    public Builder put(String key, boolean value) {
      return put(key, XpcBool.of(value));
    }

    /** The dictionary. */
    public XpcDictionary build() {
      return new XpcDictionary(entries);
    }
  }
}
