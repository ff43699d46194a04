package dtxkit.runtime.testing;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.auxdict.AuxCodec;
import dtxkit.runtime.auxdict.AuxValue;
import dtxkit.runtime.wire.DtxFragmentInfo;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A transport that keeps a copy of every byte in both directions, and decodes the copies back into messages, so a
 * test can check what really went over the wire (aux tags, fragment counts), or keep the raw bytes of each direction.
 */
public final class WireRecording implements DtxTransport {

  /** One decoded message: what a test looks at. */
  public record Seen(int channelCode, int conversationIndex, boolean expectsReply, String selector,
      List<AuxValue> arguments, List<DtxFragmentInfo> fragments, long bodyLength) {
  }

  private final DtxTransport inner;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  public WireRecording(DtxTransport inner) {
    this.inner = inner;
  }

  @Override
  public InputStream input() throws IOException {
    return new FilterInputStream(inner.input()) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          synchronized (received) {
            received.write(b);
          }
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        if (n > 0) {
          synchronized (received) {
            received.write(buffer, off, n);
          }
        }
        return n;
      }
    };
  }

  @Override
  public OutputStream output() throws IOException {
    return new FilterOutputStream(inner.output()) {
      @Override
      public void write(int b) throws IOException {
        synchronized (sent) {
          sent.write(b);
        }
        out.write(b);
      }

      @Override
      public void write(byte[] buffer, int off, int len) throws IOException {
        synchronized (sent) {
          sent.write(buffer, off, len);
        }
        out.write(buffer, off, len);
      }
    };
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }

  @Override
  public String description() {
    return "recorded " + inner.description();
  }

  /** The messages this side sent so far. */
  public List<Seen> sent() throws DtxProtocolException {
    return decode(sentBytes());
  }

  /** The messages this side received so far. */
  public List<Seen> received() throws DtxProtocolException {
    return decode(receivedBytes());
  }

  /** The bytes this side sent so far. */
  public byte[] sentBytes() {
    synchronized (sent) {
      return sent.toByteArray();
    }
  }

  /** The bytes this side received so far. */
  public byte[] receivedBytes() {
    synchronized (received) {
      return received.toByteArray();
    }
  }

  /**
   * Waits (at most {@code timeout}) until the bytes received so far contain {@code text} (in ASCII, as a selector or
   * an archived string is on the wire).
   *
   * @return true when they do
   */
  public boolean awaitReceived(String text, Duration timeout) throws InterruptedException {
    byte[] wanted = text.getBytes(StandardCharsets.US_ASCII);
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      byte[] now = receivedBytes();
      for (int i = 0; i + wanted.length <= now.length; i++) {
        if (Arrays.equals(now, i, i + wanted.length, wanted, 0, wanted.length)) {
          return true;
        }
      }
      Thread.sleep(10);
    } while (System.nanoTime() < deadline);
    return false;
  }

  private static List<Seen> decode(byte[] bytes) throws DtxProtocolException {
    List<Seen> seen = new ArrayList<>();
    List<DtxProtocolException> errors = new ArrayList<>();
    try (DtxMessageDecoder decoder = new DtxMessageDecoder()) {
      decoder.decode(Unpooled.wrappedBuffer(bytes), message -> {
        try {
          seen.add(describe(message));
        } catch (DtxProtocolException e) {
          errors.add(e);
        } finally {
          message.release();
        }
      });
    }
    if (!errors.isEmpty()) {
      throw errors.get(0);
    }
    return seen;
  }

  private static Seen describe(DtxMessage message) throws DtxProtocolException {
    String selector = null;
    byte[] payload = message.payloadBytes();
    if (payload.length > 0 && message.type().name().equals("DISPATCH")) {
      Object decoded = NSKeyedUnarchiver.unarchive(payload);
      selector = decoded instanceof String s ? s : null;
    }
    List<AuxValue> arguments = AuxCodec.decodeArguments(message.aux(), 0);
    return new Seen(message.channelCode(), message.conversationIndex(), message.expectsReply(), selector,
        arguments, message.fragments(), message.bodyLength());
  }
}
