package dtxkit.runtime.archive;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An archived {@code XCTTestIdentifier}: the components of a test's name ({@code c}, e.g. {@code [MyTests,
 * testLogin]}) and option bits ({@code o}, inline; 2 marks a leaf test method, 3 a test class).
 *
 * @param components the name components, class first
 * @param options the option bits
 */
public record XCTTestIdentifier(List<String> components, long options) implements ArchivedObject {
  static final List<String> CLASS_CHAIN = List.of("XCTTestIdentifier", "NSObject");

  /** Copies the components. */
  public XCTTestIdentifier {
    components = List.copyOf(components);
  }

  /** A test method {@code [className, methodName]} with options 2. */
  public static XCTTestIdentifier method(String className, String methodName) {
    return new XCTTestIdentifier(List.of(className, methodName), 2);
  }

  /** A test class {@code [className]} with options 3. */
  public static XCTTestIdentifier testClass(String className) {
    return new XCTTestIdentifier(List.of(className), 3);
  }

  @Override
  public List<String> classChain() {
    return CLASS_CHAIN;
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("c", components);
    f.put("o", options);
    return f;
  }
}
