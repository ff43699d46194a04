package dtxkit.processor.model;

/**
 * The kinds of value a DTX message can carry, as the generators distinguish them. Each kind decides which runtime
 * conversion a generated client or dispatcher calls.
 */
public enum TypeKind {
  /** {@code void}, or {@code Void} as the argument of a future. */
  VOID,
  BOOLEAN,
  BYTE,
  SHORT,
  INT,
  LONG,
  FLOAT,
  DOUBLE,
  /** {@code String} (NSString). */
  STRING,
  /** {@code byte[]} (NSData). */
  BYTES,
  /** {@code java.time.Instant} (NSDate). */
  INSTANT,
  /** {@code java.util.UUID} (NSUUID). */
  UUID,
  /** {@code java.net.URI} (NSURL). */
  URI,
  /** {@code java.lang.Object}: whatever the archive decodes to, passed through unconverted. */
  OBJECT,
  /** A type of {@code dtxkit.runtime.archive} (NSError and friends), passed through with a checked cast. */
  ARCHIVE,
  /** {@code java.util.List<E>} (NSArray); one type argument. */
  LIST,
  /** {@code java.util.Set<E>} (NSSet); one type argument. */
  SET,
  /** {@code java.util.Map<K, V>} (NSDictionary); two type arguments. */
  MAP,
  /** A record mapped to and from an NSDictionary; see {@link RecordModel}. */
  RECORD,
  /** {@code CompletableFuture<T>}, only as a return type; one type argument. */
  FUTURE;

  /** Whether the kind is a number or boolean (primitive or boxed, see {@link TypeRef#primitive()}). */
  public boolean isScalar() {
    return switch (this) {
      case BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE -> true;
      default -> false;
    };
  }
}
