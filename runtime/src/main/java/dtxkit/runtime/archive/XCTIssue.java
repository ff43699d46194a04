package dtxkit.runtime.archive;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An archived {@code XCTIssue} (or {@code XCTMutableIssue}): a test failure ({@code type},
 * {@code compact-description}, {@code detailed-description}, {@code source-code-context}).
 *
 * <p>Kept whole as its class chain and fields (see {@link AbstractArchivedObject}); the accessors read the fields
 * the notes on testmanagerd name, returning null when absent or of another type.
 */
public final class XCTIssue extends AbstractArchivedObject {
  /** The chain an instance built in Java is archived with. */
  public static final List<String> CLASS_CHAIN = List.of("XCTIssue", "NSObject");

  /**
   * @param classChain the {@code $classes} chain, most derived first
   * @param fields field values by key
   * @param inlineKeys the keys archived inline
   */
  public XCTIssue(List<String> classChain, Map<String, ?> fields, Set<String> inlineKeys) {
    super(classChain, fields, inlineKeys);
  }

  /** An instance with {@link #CLASS_CHAIN}; Number and Boolean fields are archived inline. */
  public static XCTIssue of(Map<String, ?> fields) {
    return new XCTIssue(CLASS_CHAIN, fields, ArchiveFieldsCodec.numbersInline(fields));
  }

  /** {@code type}, the issue kind code. */
  public Number type() {
    return get("type", Number.class);
  }

  /** {@code compact-description}. */
  public String compactDescription() {
    return get("compact-description", String.class);
  }

  /** {@code detailed-description}. */
  public String detailedDescription() {
    return get("detailed-description", String.class);
  }

  /** {@code source-code-context}. */
  public XCTSourceCodeContext sourceCodeContext() {
    return get("source-code-context", XCTSourceCodeContext.class);
  }
}
