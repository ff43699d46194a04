package dtxkit.runtime.archive;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An archived {@code XCTAttachment}: a screenshot or file attached to a test activity ({@code name},
 * {@code uniformTypeIdentifier}, {@code timestamp}, {@code data}, optionally {@code metadata}, {@code file-path},
 * {@code file-url}).
 *
 * <p>Kept whole as its class chain and fields (see {@link AbstractArchivedObject}); the accessors read the fields
 * the notes on testmanagerd name, returning null when absent or of another type.
 */
public final class XCTAttachment extends AbstractArchivedObject {
  /** The chain an instance built in Java is archived with. */
  public static final List<String> CLASS_CHAIN = List.of("XCTAttachment", "NSObject");

  /**
   * @param classChain the {@code $classes} chain, most derived first
   * @param fields field values by key
   * @param inlineKeys the keys archived inline
   */
  public XCTAttachment(List<String> classChain, Map<String, ?> fields, Set<String> inlineKeys) {
    super(classChain, fields, inlineKeys);
  }

  /** An instance with {@link #CLASS_CHAIN}; Number and Boolean fields are archived inline. */
  public static XCTAttachment of(Map<String, ?> fields) {
    return new XCTAttachment(CLASS_CHAIN, fields, ArchiveFieldsCodec.numbersInline(fields));
  }

  /** {@code name}. */
  public String name() {
    return get("name", String.class);
  }

  /** {@code uniformTypeIdentifier}, e.g. {@code public.png}. */
  public String uniformTypeIdentifier() {
    return get("uniformTypeIdentifier", String.class);
  }

  /** {@code timestamp}. */
  public Instant timestamp() {
    return get("timestamp", Instant.class);
  }

  /** {@code data}, the attachment bytes, or null when sent separately. */
  public byte[] data() {
    return get("data", byte[].class);
  }
}
