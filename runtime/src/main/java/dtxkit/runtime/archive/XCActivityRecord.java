package dtxkit.runtime.archive;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An archived {@code XCActivityRecord}: an activity reported by a running XCTest ({@code title},
 * {@code activityType}, {@code uuid}, {@code start}, {@code finish}, {@code attachments}).
 *
 * <p>Kept whole as its class chain and fields (see {@link AbstractArchivedObject}); the accessors read the fields
 * the notes on testmanagerd name, returning null when absent or of another type.
 */
public final class XCActivityRecord extends AbstractArchivedObject {
  /** The chain an instance built in Java is archived with. */
  public static final List<String> CLASS_CHAIN = List.of("XCActivityRecord", "NSObject");

  /**
   * @param classChain the {@code $classes} chain, most derived first
   * @param fields field values by key
   * @param inlineKeys the keys archived inline
   */
  public XCActivityRecord(List<String> classChain, Map<String, ?> fields, Set<String> inlineKeys) {
    super(classChain, fields, inlineKeys);
  }

  /** An instance with {@link #CLASS_CHAIN}; Number and Boolean fields are archived inline. */
  public static XCActivityRecord of(Map<String, ?> fields) {
    return new XCActivityRecord(CLASS_CHAIN, fields, ArchiveFieldsCodec.numbersInline(fields));
  }

  /** {@code title}. */
  public String title() {
    return get("title", String.class);
  }

  /** {@code activityType}, e.g. {@code com.apple.dt.xctest.activity-type.internal}. */
  public String activityType() {
    return get("activityType", String.class);
  }

  /** {@code uuid}. */
  public UUID uuid() {
    return get("uuid", UUID.class);
  }

  /** {@code start}. */
  public Instant start() {
    return get("start", Instant.class);
  }

  /** {@code finish}, null while the activity runs. */
  public Instant finish() {
    return get("finish", Instant.class);
  }

  /** {@code attachments} (usually {@link XCTAttachment}s), or null. */
  public List<?> attachments() {
    return get("attachments", List.class);
  }
}
