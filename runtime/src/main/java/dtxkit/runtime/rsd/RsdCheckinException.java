package dtxkit.runtime.rsd;

import java.io.IOException;

/** The device refused {@code RSDCheckin}: its reply carried {@code Error}. */
public class RsdCheckinException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String error;

  /** @param error the device's {@code Error} value */
  public RsdCheckinException(String error) {
    super("RSDCheckin refused: " + error);
    this.error = error;
  }

  /** The device's {@code Error} value. */
  public String error() {
    return error;
  }
}
