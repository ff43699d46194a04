package dtxkit.runtime.archive;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * Duplicate detection for byte-array dictionary keys and set elements, by content: NSData keys are equal when their
 * bytes are (as {@code isEqual:} has it), but Java's {@code byte[]} compares by identity, so two entries of equal
 * bytes would stand side by side in a decoded Map or Set (and whether they did would depend on whether the archive
 * shared one plist object for both). Only byte arrays are tracked; other keys go by their own {@code equals}.
 */
final class DataKeys {
  private Set<ByteBuffer> seen;

  /** False when {@code key} is a byte array whose content was added before. */
  boolean add(Object key) {
    if (!(key instanceof byte[] bytes)) {
      return true;
    }
    if (seen == null) {
      seen = new HashSet<>();
    }
    return seen.add(ByteBuffer.wrap(bytes));
  }
}
