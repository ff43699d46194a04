package dtxkit.runtime.archive;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An archived {@code XCTTestIdentifierSet} ({@code identifiers}, an NSMutableArray of {@link XCTTestIdentifier}): the
 * filter type of iOS 17 and later for the tests to run or skip.
 *
 * @param identifiers the identifiers, in order
 */
public record XCTTestIdentifierSet(List<XCTTestIdentifier> identifiers) implements ArchivedObject {
  static final List<String> CLASS_CHAIN = List.of("XCTTestIdentifierSet", "NSObject");

  /** Copies the list. */
  public XCTTestIdentifierSet {
    identifiers = List.copyOf(identifiers);
  }

  @Override
  public List<String> classChain() {
    return CLASS_CHAIN;
  }

  @Override
  public Map<String, Object> fields() {
    return Collections.singletonMap("identifiers", identifiers);
  }
}
