package dtxkit.runtime.archive;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A message pushed by an instruments tap service: {@code DTTapMessage} or one of its subclasses
 * ({@code DTSysmonTapMessage}, {@code DTTapHeartbeatMessage}, {@code DTTapStatusMessage}, {@code DTKTraceTapMessage},
 * {@code DTActivityTraceTapMessage}). Its content is the plist under {@code DTTapMessagePlist}, for sysmontap a
 * Map of samples.
 *
 * @param classChain the archived class chain, e.g. {@code [DTSysmonTapMessage, DTTapMessage, NSObject]}
 * @param plist the decoded {@code DTTapMessagePlist} value
 */
public record DTTapMessage(List<String> classChain, Object plist) implements ArchivedObject {
  /** The classes of the family, most derived first. */
  public static final List<String> CLASS_NAMES = List.of(
      "DTTapMessage",
      "DTSysmonTapMessage",
      "DTTapHeartbeatMessage",
      "DTTapStatusMessage",
      "DTKTraceTapMessage",
      "DTActivityTraceTapMessage");

  /** Copies the chain. */
  public DTTapMessage {
    classChain = List.copyOf(classChain);
    if (classChain.isEmpty()) {
      throw new IllegalArgumentException("classChain is empty");
    }
  }

  /**
   * A message of class {@code className} (one of {@link #CLASS_NAMES}) with its usual chain:
   * {@code [className, DTTapMessage, NSObject]}, or {@code [DTTapMessage, NSObject]}.
   */
  public static DTTapMessage of(String className, Object plist) {
    Objects.requireNonNull(className, "className");
    List<String> chain = className.equals("DTTapMessage")
        ? List.of("DTTapMessage", "NSObject")
        : List.of(className, "DTTapMessage", "NSObject");
    return new DTTapMessage(chain, plist);
  }

  /** {@link #plist()} as a Map, or null when it is something else. */
  @SuppressWarnings("unchecked")
  public Map<Object, Object> plistMap() {
    return plist instanceof Map<?, ?> m ? (Map<Object, Object>) m : null;
  }

  @Override
  public Map<String, Object> fields() {
    return java.util.Collections.singletonMap("DTTapMessagePlist", plist);
  }
}
