package dtxkit.samples.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Appends records to a {@link Recording} (thread-safe: the proxy's pumps write concurrently, each record whole and
 * flushed) and hands each record to listeners, which is how {@code dtxkit proxy --decode} prints messages live.
 */
public final class RecordingWriter implements AutoCloseable {

  private final OutputStream out;
  private final Clock clock;
  private final AtomicInteger nextConnection = new AtomicInteger(1);
  private final List<Consumer<Recording.Entry>> listeners = new CopyOnWriteArrayList<>();
  private long offset;
  private boolean closed;
  private IOException failure;

  /** Writes the header to {@code out} (owned by this writer from now on). */
  public RecordingWriter(OutputStream out) throws IOException {
    this(out, Clock.systemUTC());
  }

  RecordingWriter(OutputStream out, Clock clock) throws IOException {
    this.out = out;
    this.clock = clock;
    byte[] header = Recording.header();
    out.write(header);
    out.flush();
    offset = header.length;
  }

  /** Called with every record after it is written, on the thread that wrote it. */
  public void addListener(Consumer<Recording.Entry> listener) {
    listeners.add(listener);
  }

  /** A new connection number (1, 2, 3...). */
  public int newConnection() {
    return nextConnection.getAndIncrement();
  }

  /** Records {@code length} bytes of {@code bytes} from {@code from}. */
  public void write(Recording.Type type, int connection, byte[] bytes, int from, int length) {
    long time = nanos(clock.instant());
    Recording.Entry entry;
    synchronized (this) {
      if (closed || failure != null) {
        return;
      }
      byte[] record = Recording.record(type, connection, time, bytes, from, length);
      try {
        out.write(record);
        out.flush();
      } catch (IOException e) {
        failure = e;
        return;
      }
      entry = new Recording.Entry(offset, type, connection, time,
          java.util.Arrays.copyOfRange(bytes, from, from + length));
      offset += record.length;
    }
    for (Consumer<Recording.Entry> listener : listeners) {
      listener.accept(entry);
    }
  }

  /** Records a text body (OPEN, CLOSE, NOTE). */
  public void write(Recording.Type type, int connection, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    write(type, connection, bytes, 0, bytes.length);
  }

  /** The first write error, if any: recording stops at it while forwarding goes on. */
  public synchronized IOException failure() {
    return failure;
  }

  /** Flushes and closes the file; later writes are dropped. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        out.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw new UncheckedIOException("the recording could not be written", failure);
    }
  }

  static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
