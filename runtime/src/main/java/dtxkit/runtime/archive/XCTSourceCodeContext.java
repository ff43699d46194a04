package dtxkit.runtime.archive;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An archived {@code XCTSourceCodeContext}: where an {@link XCTIssue} happened ({@code location}).
 *
 * <p>Kept whole as its class chain and fields (see {@link AbstractArchivedObject}); the accessors read the fields
 * the notes on testmanagerd name, returning null when absent or of another type.
 */
public final class XCTSourceCodeContext extends AbstractArchivedObject {
  /** The chain an instance built in Java is archived with. */
  public static final List<String> CLASS_CHAIN = List.of("XCTSourceCodeContext", "NSObject");

  /**
   * @param classChain the {@code $classes} chain, most derived first
   * @param fields field values by key
   * @param inlineKeys the keys archived inline
   */
  public XCTSourceCodeContext(List<String> classChain, Map<String, ?> fields, Set<String> inlineKeys) {
    super(classChain, fields, inlineKeys);
  }

  /** An instance with {@link #CLASS_CHAIN}; Number and Boolean fields are archived inline. */
  public static XCTSourceCodeContext of(Map<String, ?> fields) {
    return new XCTSourceCodeContext(CLASS_CHAIN, fields, ArchiveFieldsCodec.numbersInline(fields));
  }

  /** {@code location}. */
  public XCTSourceCodeLocation location() {
    return get("location", XCTSourceCodeLocation.class);
  }
}
