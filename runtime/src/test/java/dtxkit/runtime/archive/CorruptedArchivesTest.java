package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.fail;

import dtxkit.runtime.DtxProtocolException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Corrupted recorded archives (every truncation, and seeded single-byte changes) either still decode or fail with a
 * {@link DtxProtocolException}: no other exception type escapes the unarchiver.
 */
class CorruptedArchivesTest {
  private static void decodeOrProtocolError(byte[] bytes, String what) {
    try {
      NSKeyedUnarchiver.unarchive(bytes);
    } catch (DtxProtocolException expected) {
      // the outcome a peer's garbage must have
    } catch (RuntimeException | Error e) {
      fail(what + " escaped as " + e, e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DTSysmonTapMessage.bin", "XCActivityRecord.bin", "dttapstatusmessage.bin", "nsvalue.bin",
      "uint64-key-dictionary.bin", "xctestconfiguration.bin", "xctestidentifier.bin", "dict.xml"})
  void everyTruncation(String name) {
    byte[] full = Fixtures.read(name);
    for (int len = 0; len < full.length; len++) {
      decodeOrProtocolError(Arrays.copyOf(full, len), name + " truncated to " + len);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DTSysmonTapMessage.bin", "XCActivityRecord.bin", "dttapstatusmessage.bin", "nsvalue.bin",
      "uint64-key-dictionary.bin", "xctestconfiguration.bin", "xctestidentifier.bin", "dtcpuclusterinfo.bin"})
  void seededByteChanges(String name) {
    byte[] full = Fixtures.read(name);
    Random random = new Random(name.hashCode());
    for (int round = 0; round < 1000; round++) {
      byte[] bytes = full.clone();
      int at = random.nextInt(bytes.length);
      bytes[at] = (byte) random.nextInt(256);
      decodeOrProtocolError(bytes, name + " with byte " + at + " = " + (bytes[at] & 0xFF));
    }
  }
}
