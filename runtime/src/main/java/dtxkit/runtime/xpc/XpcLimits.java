package dtxkit.runtime.xpc;

/**
 * Limits on what a peer may make the XPC decoder allocate; each is checked before the allocation it guards.
 *
 * @param maxMessageBytes the largest wrapper body (the {@code size} field) accepted
 * @param maxDepth the deepest nesting of arrays, dictionaries and file transfers accepted
 */
public record XpcLimits(long maxMessageBytes, int maxDepth) {
  /**
   * 64 MiB per message and 64 levels: a real peer info is about 14 KiB and a few levels deep; frida caps XPC
   * messages at 128 MiB and appium-ios-remotexpc at 16 MiB, so 64 MiB sits between them.
   */
  public static final XpcLimits DEFAULT = new XpcLimits(64L << 20, 64);

  /** Rejects non-positive limits. */
  public XpcLimits {
    if (maxMessageBytes <= 0 || maxDepth <= 0) {
      throw new IllegalArgumentException("limits must be positive: " + maxMessageBytes + ", " + maxDepth);
    }
  }
}
