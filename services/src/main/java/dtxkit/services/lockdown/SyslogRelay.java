package dtxkit.services.lockdown;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A client of {@value #SERVICE}: the device's system log as a stream of lines. The device sends each line ended by
 * a line feed and a NUL byte; NULs are dropped. Not thread-safe; {@link #close()} from another thread ends a
 * waiting {@link #readLine()}.
 */
public final class SyslogRelay implements Closeable {
  /** The lockdown service name. */
  public static final String SERVICE = "com.apple.syslog_relay";
  /** The longest line kept whole by default; longer ones are cut into pieces of this size. */
  public static final int DEFAULT_MAX_LINE = 64 * 1024;

  private final ServiceConnection connection;
  private final InputStream in;
  private final int maxLine;
  private final byte[] buffer = new byte[8192];
  private int position;
  private int limit;

  /**
   * @param connection the service's stream; closing the client closes it
   * @param maxLine the longest line to return whole
   */
  public SyslogRelay(ServiceConnection connection, int maxLine) {
    this.connection = Objects.requireNonNull(connection, "connection");
    if (maxLine < 1) {
      throw new IllegalArgumentException("maxLine must be positive: " + maxLine);
    }
    this.in = connection.input();
    this.maxLine = maxLine;
  }

  /**
   * {@link #SyslogRelay(ServiceConnection, int)} with {@link #DEFAULT_MAX_LINE}.
   *
   * @param connection the service's stream
   */
  public SyslogRelay(ServiceConnection connection) {
    this(connection, DEFAULT_MAX_LINE);
  }

  /**
   * The next line, without its line feed.
   *
   * @return the line, or null when the stream ended
   * @throws IOException the stream failed (or was closed under the read)
   */
  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      if (position == limit) {
        limit = in.read(buffer);
        position = 0;
        if (limit < 0) {
          limit = 0;
          return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }
      }
      byte b = buffer[position++];
      if (b == 0) {
        continue;
      }
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
      if (line.size() >= maxLine) {
        return line.toString(StandardCharsets.UTF_8);
      }
    }
  }

  /** Closes the stream; a pending {@link #readLine()} ends. */
  @Override
  public void close() {
    connection.close();
  }
}
