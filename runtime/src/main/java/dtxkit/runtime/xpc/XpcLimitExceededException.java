package dtxkit.runtime.xpc;

import dtxkit.runtime.DtxLimitExceededException;

/** An XPC message announced a size above {@link XpcLimits#maxMessageBytes()}; raised before anything is buffered. */
public class XpcLimitExceededException extends DtxLimitExceededException {
  private static final long serialVersionUID = 1L;

  /**
   * @param max the limit
   * @param actual the announced size (read as unsigned; negative means above 2^63)
   * @param offset stream offset of the size field
   */
  public XpcLimitExceededException(long max, long actual, long offset) {
    super("XPC message bytes", max, actual, offset);
  }

  /**
   * @param limit the limit's name, e.g. a {@link XpcBufferBudget}'s
   * @param max the limit
   * @param actual what holding the bytes would have made it
   * @param offset stream offset where it happened
   */
  public XpcLimitExceededException(String limit, long max, long actual, long offset) {
    super(limit, max, actual, offset);
  }
}
