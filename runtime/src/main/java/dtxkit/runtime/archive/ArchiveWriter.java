package dtxkit.runtime.archive;

import java.util.Collection;

/**
 * The fields of one object being archived, as an {@link ArchiveClassCodec} writes them. Keys are written in call
 * order. Values are Java values the archiver supports (see {@link NSKeyedArchiver}); caller mistakes (an unsupported
 * value) are {@link IllegalArgumentException}s.
 */
public interface ArchiveWriter {
  /** Writes {@code value} as a reference ({@code encodeObject:forKey:}); null writes the {@code $null} reference. */
  void encodeObject(String key, Object value);

  /**
   * Writes a plist value inline ({@code encodeInt:}/{@code encodeBool:}/{@code encodeDouble:}/{@code encodeBytes:}):
   * an {@code Integer}, {@code Long}, {@code Short}, {@code Byte}, {@code Double}, {@code Float}, {@code Boolean},
   * {@code String} or {@code byte[]}.
   */
  void encodeInline(String key, Object value);

  /**
   * Writes an array of references ({@code NS.objects}, {@code NS.keys}); a null element becomes an archived
   * {@code NSNull}, as Foundation collections cannot hold nil.
   */
  void encodeReferences(String key, Collection<?> values);
}
