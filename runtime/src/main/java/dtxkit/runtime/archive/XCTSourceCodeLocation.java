package dtxkit.runtime.archive;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An archived {@code XCTSourceCodeLocation}: a file and line ({@code file-url}, {@code line-number}).
 *
 * <p>Kept whole as its class chain and fields (see {@link AbstractArchivedObject}); the accessors read the fields
 * the notes on testmanagerd name, returning null when absent or of another type.
 */
public final class XCTSourceCodeLocation extends AbstractArchivedObject {
  /** The chain an instance built in Java is archived with. */
  public static final List<String> CLASS_CHAIN = List.of("XCTSourceCodeLocation", "NSObject");

  /**
   * @param classChain the {@code $classes} chain, most derived first
   * @param fields field values by key
   * @param inlineKeys the keys archived inline
   */
  public XCTSourceCodeLocation(List<String> classChain, Map<String, ?> fields, Set<String> inlineKeys) {
    super(classChain, fields, inlineKeys);
  }

  /** An instance with {@link #CLASS_CHAIN}; Number and Boolean fields are archived inline. */
  public static XCTSourceCodeLocation of(Map<String, ?> fields) {
    return new XCTSourceCodeLocation(CLASS_CHAIN, fields, ArchiveFieldsCodec.numbersInline(fields));
  }

  /** {@code file-url}. */
  public NSURL fileUrl() {
    return get("file-url", NSURL.class);
  }

  /** {@code line-number}, or null. */
  public Number lineNumber() {
    return get("line-number", Number.class);
  }
}
