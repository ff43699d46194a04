package dtxkit.samples.cli;

/** Starts dtxkit's mock device in this process for {@code --mock}, and connects to it through RSD. */
final class MockSessions {
  private MockSessions() {}

  static DeviceSession start() {
    throw new CliException("--mock: the mock device is not available in this build yet");
  }
}
