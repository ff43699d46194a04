package dtxkit.runtime.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the go-ios NSKeyedArchiver fixtures copied into test resources. */
final class Fixtures {
  static final String DIR = "/fixtures/go-ios/nskeyedarchiver/";

  private Fixtures() {}

  static byte[] read(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
