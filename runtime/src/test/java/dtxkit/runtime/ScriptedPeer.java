package dtxkit.runtime;

import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import dtxkit.runtime.wire.DtxMessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The far end of a transport driven by a test: writes bytes as given (recorded device bytes, or hand-made
 * fragments) and decodes what the connection under test sends into {@link Seen} records.
 */
final class ScriptedPeer implements AutoCloseable {

  /** One message the connection under test sent, as the peer saw it on the wire. */
  record Seen(DtxMessageType type, int identifier, int conversation, int channelCode, boolean expectsReply,
      Object payload, List<Object> arguments) {}

  final DtxTransport transport;
  final LinkedBlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  private final OutputStream out;
  private final Thread reader;

  ScriptedPeer(DtxTransport transport) throws IOException {
    this.transport = transport;
    this.out = transport.output();
    InputStream in = transport.input();
    this.reader = new Thread(() -> read(in), "scripted-peer");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(InputStream in) {
    try (DtxMessageDecoder decoder = new DtxMessageDecoder()) {
      byte[] chunk = new byte[65536];
      int n;
      while ((n = in.read(chunk)) > 0) {
        decoder.decode(Unpooled.copiedBuffer(chunk, 0, n), this::take);
      }
    } catch (IOException e) {
      // The connection under test closed; tests look at what was seen.
    }
  }

  private void take(DtxMessage m) {
    try {
      Object payload = null;
      if (m.payload().isReadable()) {
        byte[] bytes = m.payloadBytes();
        try {
          payload = NSKeyedUnarchiver.unarchive(bytes);
        } catch (DtxProtocolException e) {
          payload = bytes;
        }
      }
      List<Object> args = m.aux().isReadable() ? Codec.decodeArguments(m.aux(), 0) : List.of();
      seen.add(new Seen(m.type(), m.identifier(), m.conversationIndex(), m.channelCode(), m.expectsReply(),
          payload, args));
    } catch (DtxProtocolException e) {
      throw new AssertionError(e);
    } finally {
      m.release();
    }
  }

  /** The next message the connection sent, waiting up to 10 s. */
  Seen next() throws InterruptedException {
    Seen s = seen.poll(10, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("the connection sent nothing within 10 s");
    }
    return s;
  }

  /** The next message the connection sent that matches, skipping others (returned in {@code skipped}). */
  Seen nextMatching(java.util.function.Predicate<Seen> p, List<Seen> skipped) throws InterruptedException {
    while (true) {
      Seen s = next();
      if (p.test(s)) {
        return s;
      }
      skipped.add(s);
    }
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Writes a message built here, fragmenting like the connection does. */
  void write(DtxMessage message) throws IOException {
    var outbound = new dtxkit.runtime.wire.DtxFragmentEncoder().encode(message);
    while (outbound.hasNextFragment()) {
      ByteBuf f = outbound.nextFragment();
      try {
        f.getBytes(f.readerIndex(), out, f.readableBytes());
      } finally {
        f.release();
      }
    }
    out.flush();
  }

  @Override
  public void close() throws Exception {
    transport.close();
    reader.join(5000);
  }

  /** One recorded fragment: its bytes and the header fields the script needs. */
  record Recorded(byte[] bytes, int identifier, int conversation, int channelCode, boolean expectsReply, int type) {
    /** The same bytes with another identifier (header offset 16). */
    byte[] withIdentifier(int id) {
      byte[] copy = bytes.clone();
      ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(16, id);
      return copy;
    }
  }

  /** Splits a recorded stream of single-fragment messages into its fragments. */
  static List<Recorded> split(byte[] dump) {
    List<Recorded> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(dump).order(ByteOrder.LITTLE_ENDIAN);
    int at = 0;
    while (at < dump.length) {
      int headerSize = b.getInt(at + 4);
      int count = b.getShort(at + 10) & 0xFFFF;
      long length = b.getInt(at + 12) & 0xFFFFFFFFL;
      if (count != 1) {
        throw new IllegalArgumentException("the replay fixtures hold single-fragment messages only");
      }
      int end = at + headerSize + (int) length;
      byte[] bytes = java.util.Arrays.copyOfRange(dump, at, end);
      out.add(new Recorded(bytes, b.getInt(at + 16), b.getInt(at + 20), b.getInt(at + 24),
          (b.getInt(at + 28) & 1) != 0, dump[at + headerSize] & 0xFF));
      at = end;
    }
    return out;
  }
}
