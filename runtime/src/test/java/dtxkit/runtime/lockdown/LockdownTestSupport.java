package dtxkit.runtime.lockdown;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Pairings shared by the lockdown tests: RSA key generation is the slow part, so each kind is made once. */
final class LockdownTestSupport {
  private LockdownTestSupport() {}

  static final String BUID = "5E8E8E39-1B4C-4B2E-9C7A-2A4A6B0C0D0E";

  private static PairRecordGenerator.MockPairing sha256;
  private static PairRecordGenerator.MockPairing sha1;

  static synchronized PairRecordGenerator.MockPairing sha256() {
    if (sha256 == null) {
      sha256 = make(PairRecordGenerator.Digest.SHA256);
    }
    return sha256;
  }

  static synchronized PairRecordGenerator.MockPairing sha1() {
    if (sha1 == null) {
      sha1 = make(PairRecordGenerator.Digest.SHA1);
    }
    return sha1;
  }

  private static PairRecordGenerator.MockPairing make(PairRecordGenerator.Digest digest) {
    try {
      return PairRecordGenerator.forMockDevice(BUID, digest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
