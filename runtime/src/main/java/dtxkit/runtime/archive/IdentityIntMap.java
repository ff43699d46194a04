package dtxkit.runtime.archive;

/**
 * A map from object identity to non-negative {@code int}, for the archiver's objects found again by identity, without
 * the entry objects and boxed values of {@code IdentityHashMap<Object, Integer>} ({@link ObjectIntTable}).
 */
final class IdentityIntMap extends ObjectIntTable<Object> {
  IdentityIntMap(int expected) {
    super(expected);
  }

  @Override
  int hash(Object key) {
    return System.identityHashCode(key);
  }

  @Override
  boolean matches(Object stored, Object key) {
    return stored == key;
  }
}
