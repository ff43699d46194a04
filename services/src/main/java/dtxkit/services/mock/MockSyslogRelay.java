package dtxkit.services.mock;

import dtxkit.services.lockdown.ServiceConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The mock's {@code com.apple.syslog_relay}: streams the device log, each line ended by a line feed and a NUL byte as
 * a device sends it, until the client goes away. What the client writes (some send {@code start}) is ignored.
 */
final class MockSyslogRelay {
  private final MockSyslog syslog;

  MockSyslogRelay(MockSyslog syslog) {
    this.syslog = syslog;
  }

  /** Serves one client until it closes (or the connection fails). */
  void serve(ServiceConnection connection) throws IOException {
    MockSyslog.Listener listener = syslog.listen();
    try {
      OutputStream out = connection.output();
      while (true) {
        String line;
        try {
          line = listener.lines.poll(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (line != null) {
          out.write((line + "\n\0").getBytes(StandardCharsets.UTF_8));
          if (listener.lines.isEmpty()) {
            out.flush();
          }
        }
      }
    } finally {
      listener.close();
      connection.close();
    }
  }
}
