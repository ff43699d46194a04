package dtxkit.samples.proxy;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import io.netty.buffer.Unpooled;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns recording records (from a file or live from the proxy) into DTX messages per connection and direction.
 *
 * <p>Each direction of a connection is decoded from its first DTX fragment header on: bytes before it (the
 * usbmuxd and lockdown exchanges of a cable connection, an {@code RSDCheckin}, a TLS handshake) are skipped and
 * reported with {@link Listener#skipped}. A connection whose bytes never hold a DTX header (the RSD connection
 * itself, a plist service, a connection encrypted end to end) yields no messages. A malformed DTX stream stops the
 * decoding of that direction only ({@link Listener#error}); forwarding and the other direction go on.
 */
public final class RecordingDecoder implements AutoCloseable {

  /** Which way bytes went. */
  public enum Direction {
    TO_DEVICE("toDevice"),
    FROM_DEVICE("fromDevice");

    private final String json;

    Direction(String json) {
      this.json = json;
    }

    /** The name in JSON output: {@code toDevice} or {@code fromDevice}. */
    public String json() {
      return json;
    }
  }

  /** What the decoder finds; every method is called on the thread that feeds the decoder. */
  public interface Listener {
    /** A client connected to the proxy; {@code json} is the OPEN body. */
    default void open(int connection, long timeNanos, String json) {
    }

    /**
     * A whole DTX message; the decoder releases it when this returns (retain it to keep it).
     *
     * @throws DtxProtocolException when the listener cannot read the message's aux or payload: ends that direction
     */
    void message(int connection, Direction direction, long timeNanos, DtxMessage message)
        throws DtxProtocolException;

    /** {@code bytes} bytes of {@code direction} came before its first DTX header and were not decoded. */
    default void skipped(int connection, Direction direction, long bytes) {
    }

    /** The DTX stream of {@code direction} is malformed at {@code error.offset()}; nothing more is decoded from it. */
    default void error(int connection, Direction direction, DtxProtocolException error) {
    }

    /** The connection ended; {@code reason} is empty when both sides closed in order. */
    default void close(int connection, long timeNanos, String reason) {
    }

    /** A NOTE record. */
    default void note(long timeNanos, String json) {
    }
  }

  /** The first bytes of every DTX fragment header: the magic 0x1F3D5B79 and the header length 32, little-endian. */
  private static final byte[] DTX_START = {0x79, 0x5B, 0x3D, 0x1F, 0x20, 0x00};

  private final Listener listener;
  private final Map<Integer, Map<Direction, Stream>> connections = new HashMap<>();

  /** Feeds {@code listener}. */
  public RecordingDecoder(Listener listener) {
    this.listener = listener;
  }

  /** Decodes one record. */
  public void accept(Recording.Entry entry) {
    switch (entry.type()) {
      case OPEN -> {
        connections.computeIfAbsent(entry.connection(), c -> new EnumMap<>(Direction.class));
        listener.open(entry.connection(), entry.timeNanos(), entry.text());
      }
      case TO_DEVICE -> stream(entry.connection(), Direction.TO_DEVICE).feed(entry.body(), entry.timeNanos());
      case FROM_DEVICE -> stream(entry.connection(), Direction.FROM_DEVICE).feed(entry.body(), entry.timeNanos());
      case CLOSE -> {
        finish(entry.connection());
        listener.close(entry.connection(), entry.timeNanos(), entry.text());
      }
      case NOTE -> listener.note(entry.timeNanos(), entry.text());
      default -> throw new IllegalStateException("unknown record type " + entry.type());
    }
  }

  /** Ends every connection still open (a recording cut short): incomplete messages are reported as errors. */
  @Override
  public void close() {
    for (Integer connection : connections.keySet().stream().sorted().toList()) {
      finish(connection);
    }
  }

  private void finish(int connection) {
    Map<Direction, Stream> streams = connections.remove(connection);
    if (streams != null) {
      for (Stream s : streams.values()) {
        s.finish();
      }
    }
  }

  private Stream stream(int connection, Direction direction) {
    return connections.computeIfAbsent(connection, c -> new EnumMap<>(Direction.class))
        .computeIfAbsent(direction, d -> new Stream(connection, d));
  }

  /** One direction of one connection. */
  private final class Stream {
    private final int connection;
    private final Direction direction;
    /** Bytes seen before the DTX start while scanning; the last few are kept in {@link #tail}. */
    private long skipped;
    private byte[] tail = new byte[0];
    private DtxMessageDecoder decoder;
    private boolean failed;
    private long time;

    Stream(int connection, Direction direction) {
      this.connection = connection;
      this.direction = direction;
    }

    void feed(byte[] bytes, long timeNanos) {
      if (failed) {
        return;
      }
      time = timeNanos;
      if (decoder == null) {
        byte[] joined = new byte[tail.length + bytes.length];
        System.arraycopy(tail, 0, joined, 0, tail.length);
        System.arraycopy(bytes, 0, joined, tail.length, bytes.length);
        int start = indexOf(joined);
        if (start < 0) {
          int keep = Math.min(joined.length, DTX_START.length - 1);
          skipped += joined.length - keep - 0L;
          tail = java.util.Arrays.copyOfRange(joined, joined.length - keep, joined.length);
          return;
        }
        skipped += start;
        if (skipped > 0) {
          listener.skipped(connection, direction, skipped);
        }
        tail = null;
        decoder = new DtxMessageDecoder();
        bytes = java.util.Arrays.copyOfRange(joined, start, joined.length);
      }
      try {
        DtxProtocolException[] listenerError = {null};
        decoder.decode(Unpooled.wrappedBuffer(bytes), m -> {
          try {
            if (listenerError[0] == null) {
              listener.message(connection, direction, time, m);
            }
          } catch (DtxProtocolException e) {
            listenerError[0] = e;
          } finally {
            m.release();
          }
        });
        if (listenerError[0] != null) {
          fail(listenerError[0]);
        }
      } catch (DtxProtocolException e) {
        fail(e);
      }
    }

    void finish() {
      if (decoder == null || failed) {
        return;
      }
      if (decoder.state() != DtxMessageDecoder.State.HEADER || decoder.messagesInFlight() > 0) {
        fail(new DtxProtocolException("stream", "truncated: the connection ended inside a DTX message",
            decoder.offset(), true, null));
      } else {
        decoder.close();
      }
    }

    private void fail(DtxProtocolException e) {
      failed = true;
      decoder.close();
      listener.error(connection, direction, e);
    }
  }

  private static int indexOf(byte[] haystack) {
    outer:
    for (int i = 0; i + DTX_START.length <= haystack.length; i++) {
      for (int j = 0; j < DTX_START.length; j++) {
        if (haystack[i + j] != DTX_START[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
