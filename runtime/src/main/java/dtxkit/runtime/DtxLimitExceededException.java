package dtxkit.runtime;

/**
 * A peer asked for more than a configured limit allows (a message, a fragment, the bytes or messages buffered at
 * once, an archive's depth or object count). Checked before anything is allocated; always fatal to the connection,
 * since the rest of the stream cannot be skipped safely.
 */
public class DtxLimitExceededException extends DtxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * {@code LIMIT exceeded: ACTUAL > MAX at offset N}.
   *
   * @param limit the limit's name, e.g. {@code "bytes per message"}
   * @param max the configured maximum
   * @param actual what the peer asked for, read as unsigned (every size on the wire is: a u64 of 2^64-1 is named
   *     so, not as -1)
   * @param offset stream offset of the field that asked, or {@link #UNKNOWN_OFFSET}
   */
  public DtxLimitExceededException(String limit, long max, long actual, long offset) {
    super(limit, limit + " exceeded: " + Long.toUnsignedString(actual) + " > " + max, offset, true, null);
  }
}
