package dtxkit.services.xctest.report;

import java.util.Objects;

/**
 * One failure recorded against a test case, with where in the test's source it happened.
 *
 * @param message what failed, e.g. {@code XCTAssertEqual failed: ("1") is not equal to ("2")}
 * @param file the source file, or null when the runner gave none
 * @param line the line in {@code file}, or 0 when unknown
 */
public record TestFailure(String message, String file, int line) {

  /**
   * Checks the message and the line.
   *
   * @param message what failed
   * @param file the source file, or null
   * @param line the line, or 0
   */
  public TestFailure {
    Objects.requireNonNull(message, "message");
    if (line < 0) {
      throw new IllegalArgumentException("line must not be negative: " + line);
    }
  }

  /**
   * {@code file:line} as compilers print it ({@code file} alone without a line), or null without a file.
   *
   * @return the location, or null
   */
  public String location() {
    if (file == null) {
      return null;
    }
    return line > 0 ? file + ":" + line : file;
  }

  @Override
  public String toString() {
    String where = location();
    return where == null ? message : where + ": " + message;
  }
}
