package dtxkit.runtime.archive;

/**
 * A map from {@code String} (by value) to non-negative {@code int}, for the archiver's strings found again by value,
 * without the entry objects and boxed values of {@code HashMap<String, Integer>} ({@link ObjectIntTable}).
 */
final class StringIntMap extends ObjectIntTable<String> {
  StringIntMap(int expected) {
    super(expected);
  }

  @Override
  int hash(String key) {
    return key.hashCode(); // cached in the String
  }

  @Override
  boolean matches(Object stored, String key) {
    return stored == key || stored.equals(key);
  }
}
