package dtxkit.runtime.archive;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An archived {@code NSURL}: a string relative to an optional base URL ({@code NS.relative}, {@code NS.base}).
 * XCTest sends the test bundle as {@code file://} URLs with no base.
 *
 * @param base the base URL, or null
 * @param relative the URL string, absolute when {@code base} is null
 */
public record NSURL(NSURL base, String relative) implements ArchivedObject {
  static final List<String> CLASS_CHAIN = List.of("NSURL", "NSObject");

  /** Checks that {@code relative} is present. */
  public NSURL {
    Objects.requireNonNull(relative, "relative");
  }

  /** An absolute URL, e.g. {@code NSURL.of("file:///private/var/containers/.../Runner.xctest")}. */
  public static NSURL of(String absolute) {
    return new NSURL(null, absolute);
  }

  /** A {@code file://} URL for an absolute path. */
  public static NSURL fileUrl(String absolutePath) {
    return new NSURL(null, new java.io.File(absolutePath).toURI().toString().replaceFirst("^file:/+", "file:///"));
  }

  /** The absolute URI: {@code relative} resolved against {@code base}. */
  public URI toUri() {
    URI r = URI.create(relative);
    return base == null ? r : base.toUri().resolve(r);
  }

  @Override
  public List<String> classChain() {
    return CLASS_CHAIN;
  }

  @Override
  public Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("NS.base", base);
    f.put("NS.relative", relative);
    return f;
  }
}
