package dtxkit.runtime.archive;

import dtxkit.runtime.DtxProtocolException;
import java.util.List;

/**
 * Encodes and decodes one Objective-C class (or a family of them) of an NSKeyedArchiver archive. Register codecs in
 * an {@link ArchiveClassRegistry}; the built-ins are listed in {@link ArchiveClassRegistry#builtIns()}.
 *
 * <p>Example, a class archived with one object field {@code name} and one inline integer {@code level}:
 *
 * <pre>{@code
 * record Badge(String name, long level) {}
 *
 * final class BadgeCodec implements ArchiveClassCodec<Badge> {
 *   public Class<Badge> javaType() { return Badge.class; }
 *   public List<String> classNames() { return List.of("MYBadge"); }
 *   public List<String> classChain(Badge value) { return List.of("MYBadge", "NSObject"); }
 *   public void encode(Badge value, ArchiveWriter out) {
 *     out.encodeObject("name", value.name());
 *     out.encodeInline("level", value.level());
 *   }
 *   public Object decode(ArchiveReader in) throws DtxProtocolException {
 *     return new Badge(in.decode("name", String.class), in.require("level", Number.class).longValue());
 *   }
 * }
 * }</pre>
 *
 * <p>Codecs are stateless and shared between threads.
 *
 * @param <T> the Java type this codec encodes
 */
public interface ArchiveClassCodec<T> {
  /** The Java type encoded by this codec (instances of subtypes too, unless a more specific codec exists). */
  Class<T> javaType();

  /** The {@code $classname}s this codec decodes, e.g. {@code [NSArray, NSMutableArray]}. */
  List<String> classNames();

  /** The {@code $classes} chain {@code value} is archived with by default, most derived first. */
  List<String> classChain(T value);

  /** Writes the fields of {@code value} (not its {@code $class}; the archiver adds that). */
  void encode(T value, ArchiveWriter out);

  /**
   * Reads one archived object of one of {@link #classNames()}.
   *
   * @return the decoded value; may be of another type than {@code T} (NSMutableString decodes to String)
   * @throws ArchiveFormatException when a field is missing or has the wrong type
   * @throws DtxProtocolException passed on from decoding a referenced object (a limit, a malformed object)
   */
  Object decode(ArchiveReader in) throws DtxProtocolException;
}
