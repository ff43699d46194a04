package dtxkit.services.xctest;

import dtxkit.runtime.DtxException;

/**
 * An XCTest run could not start or ended before its plan finished: the runner is not installed, did not connect in
 * time, failed to bootstrap, exited, or testmanagerd's connection dropped. The message says which step and why.
 */
public class XcTestException extends DtxException {
  private static final long serialVersionUID = 1L;

  /** @param message what failed */
  public XcTestException(String message) {
    super(message);
  }

  /**
   * @param message what failed
   * @param cause the underlying failure
   */
  public XcTestException(String message, Throwable cause) {
    super(message, cause);
  }
}
