package dtxkit.runtime.lockdown;

import dtxkit.runtime.testing.TestPairings;

/** Shortcuts to the shared {@link TestPairings}. */
final class LockdownTestSupport {
  private LockdownTestSupport() {}

  static final String BUID = TestPairings.BUID;

  static PairRecordGenerator.MockPairing sha256() {
    return TestPairings.sha256();
  }

  static PairRecordGenerator.MockPairing sha1() {
    return TestPairings.sha1();
  }
}
