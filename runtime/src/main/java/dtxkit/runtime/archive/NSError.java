package dtxkit.runtime.archive;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An archived {@code NSError}: {@code NSDomain}, {@code NSCode} and {@code NSUserInfo} (null when archived as
 * {@code $null}). Devices answer a failed DTX call with one of these.
 *
 * @param domain the error domain, e.g. {@code "DTXMessage"}
 * @param code the error code
 * @param userInfo the user info dictionary (keys are usually strings, e.g. {@code NSLocalizedDescription}), or null
 */
public record NSError(String domain, long code, Map<String, Object> userInfo) implements ArchivedObject {
  static final List<String> CLASS_CHAIN = List.of("NSError", "NSObject");

  /** Checks that {@code domain} is present; {@code userInfo} is copied, keeping its order. */
  public NSError {
    Objects.requireNonNull(domain, "domain");
    userInfo = userInfo == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(userInfo));
  }

  /** The {@code NSLocalizedDescription} entry of {@link #userInfo()}, or null. */
  public String localizedDescription() {
    Object d = userInfo == null ? null : userInfo.get("NSLocalizedDescription");
    return d instanceof String s ? s : null;
  }

  @Override
  public List<String> classChain() {
    return CLASS_CHAIN;
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("NSDomain", domain);
    f.put("NSCode", code);
    f.put("NSUserInfo", userInfo);
    return f;
  }
}
