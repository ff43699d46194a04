package dtxkit.runtime.archive;

/**
 * Bounds on what {@link NSKeyedUnarchiver} accepts from a peer, checked before anything is allocated for the
 * offending part: the input size before the plist is parsed, the {@code $objects} count before any object is decoded,
 * the nesting depth before each nested object is decoded. Besides, one decode of a binary archive makes at most four
 * times the plist's object bytes and a mebibyte in references followed and string and data bytes, so that entries
 * sharing one plist object cannot multiply a small input (a bound that follows the input's size, so not set here).
 *
 * @param maxInputBytes largest archive accepted, in bytes
 * @param maxObjects largest {@code $objects} count accepted
 * @param maxDepth deepest nesting of objects accepted (the root is depth 1; a string, number, data or date nests
 *     nothing and is not counted); decoding recurses, so a limit above a few thousand also needs a thread with a
 *     larger stack
 */
public record ArchiveLimits(int maxInputBytes, int maxObjects, int maxDepth) {
  /**
   * 128 MiB (the largest DTX message dtxkit accepts by default), one million objects, depth 256 (recorded XCTest,
   * sysmontap and accessibility-audit archives nest about ten deep; 256 levels fit a default 512 KiB thread stack).
   */
  public static final ArchiveLimits DEFAULT = new ArchiveLimits(128 << 20, 1_000_000, 256);

  /** Checks that every limit is positive. */
  public ArchiveLimits {
    if (maxInputBytes <= 0 || maxObjects <= 0 || maxDepth <= 0) {
      throw new IllegalArgumentException(
          "limits must be positive: " + maxInputBytes + ", " + maxObjects + ", " + maxDepth);
    }
  }

  /** A copy with another {@link #maxInputBytes()}. */
  public ArchiveLimits withMaxInputBytes(int value) {
    return new ArchiveLimits(value, maxObjects, maxDepth);
  }

  /** A copy with another {@link #maxObjects()}. */
  public ArchiveLimits withMaxObjects(int value) {
    return new ArchiveLimits(maxInputBytes, value, maxDepth);
  }

  /** A copy with another {@link #maxDepth()}. */
  public ArchiveLimits withMaxDepth(int value) {
    return new ArchiveLimits(maxInputBytes, maxObjects, value);
  }
}
