package dtxkit.processor.model;

/** How a parameter travels in the aux dictionary: the default archive, or one of the raw primitives. */
public enum Encoding {
  /** NSKeyedArchived object (no encoding annotation). */
  OBJECT,
  /** {@code @Int32}: aux tag 3. */
  INT32,
  /** {@code @Int64}: aux tag 6. */
  INT64,
  /** {@code @Double}: aux tag 9. */
  DOUBLE,
  /** {@code @Str}: aux tag 1. */
  STRING,
  /** {@code @Raw}: bytes as they are. */
  RAW
}
