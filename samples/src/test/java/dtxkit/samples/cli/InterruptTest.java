package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Ctrl-C does to an unbounded stream: the shutdown hook's {@link DeviceSession#shutdown()} closes the
 * connection, the stream ends, and the command returns 0 with what it printed intact.
 */
class InterruptTest {
  @TempDir Path config;

  @BeforeEach
  void hostUuid() {
    System.setProperty("dtxkit.hostUuidFile", config.resolve("host-uuid").toString());
  }

  @AfterEach
  void clear() {
    System.clearProperty("dtxkit.hostUuidFile");
  }

  /** Collects what is printed and signals the first complete line. */
  static final class Lines extends Writer {
    final StringBuilder text = new StringBuilder();
    final CountDownLatch firstLine = new CountDownLatch(1);

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      text.append(buf, off, len);
      if (text.indexOf("\n") >= 0) {
        firstLine.countDown();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void shutdownEndsAnUnboundedSysmonCleanly() throws Exception {
    DeviceSession session = MockSessions.start();
    SysmonCommand sysmon = new SysmonCommand();
    sysmon.output = new Output();
    sysmon.bounds = new StreamOptions();
    sysmon.intervalMillis = 20;
    sysmon.top = 1;
    Lines lines = new Lines();
    AtomicReference<Object> result = new AtomicReference<>();
    Thread command = new Thread(() -> {
      try {
        result.set(sysmon.run(session, new PrintWriter(lines, true)));
      } catch (Throwable t) {
        result.set(t);
      } finally {
        session.close();
      }
    }, "sysmon-under-test");
    command.start();
    lines.firstLine.await();
    session.shutdown();
    command.join(30_000);
    assertFalse(command.isAlive(), "sysmon still running after the shutdown");
    if (result.get() instanceof Throwable t) {
      throw new AssertionError("sysmon failed instead of ending cleanly", t);
    }
    assertEquals(0, result.get());
    assertTrue(session.interrupted());
    assertTrue(lines.text.toString().startsWith("cpu "), lines.text.toString());
  }

  @Test
  void locationSetHoldsTheSimulationUntilShutdown() throws Exception {
    // A device ends a simulated location when the client that set it leaves (pymobiledevice3 #767), so 'location
    // set' stays connected until Ctrl-C, as pymobiledevice3's does.
    DeviceSession session = MockSessions.start();
    LocationCommand.Set set = new LocationCommand.Set();
    set.output = new Output();
    set.latitude = 48.8566;
    set.longitude = 2.3522;
    Lines lines = new Lines();
    AtomicReference<Object> result = new AtomicReference<>();
    Thread command = new Thread(() -> {
      try {
        result.set(set.run(session, new PrintWriter(lines, true)));
      } catch (Throwable t) {
        result.set(t);
      } finally {
        session.close();
      }
    }, "location-set-under-test");
    command.start();
    lines.firstLine.await();
    command.join(300);
    assertTrue(command.isAlive(), "'location set' returned (and so ended the simulation): " + result.get());
    session.shutdown();
    command.join(30_000);
    assertFalse(command.isAlive(), "'location set' still running after the shutdown");
    if (result.get() instanceof Throwable t) {
      throw new AssertionError("'location set' failed instead of ending cleanly", t);
    }
    assertEquals(0, result.get());
    assertTrue(lines.text.toString().startsWith("simulating location 48.8566, 2.3522"), lines.text.toString());
  }

  @Test
  void aBoundedStreamIsNotInterrupted() {
    CliRunner.Result r = CliRunner.run("netstat", "--mock", "--count", "1");
    assertEquals(0, r.exitCode(), r.err());
    assertNull(r.err().isEmpty() ? null : r.err());
  }
}
