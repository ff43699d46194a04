package dtxkit.runtime.testing;

import dtxkit.runtime.lockdown.PairRecordGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Mock pairings shared by the usbmux, lockdown and TLS tests of one test JVM: RSA 2048 key generation is the slow
 * part (three keys per pairing), so each kind is made once.
 */
public final class TestPairings {
  private TestPairings() {}

  /** The BUID the pairings carry. */
  public static final String BUID = "5E8E8E39-1B4C-4B2E-9C7A-2A4A6B0C0D0E";

  private static PairRecordGenerator.MockPairing sha256;
  private static PairRecordGenerator.MockPairing sha1;

  /** A pairing with SHA-256-signed certificates. */
  public static synchronized PairRecordGenerator.MockPairing sha256() {
    if (sha256 == null) {
      sha256 = make(PairRecordGenerator.Digest.SHA256);
    }
    return sha256;
  }

  /** A pairing with SHA-1-signed certificates, as older pairings have. */
  public static synchronized PairRecordGenerator.MockPairing sha1() {
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
