package dtxkit.runtime;

import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.testing.DtxTestPeers;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
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
    this.reader = DtxTestPeers.startReader(transport.input(), "scripted-peer", this::take);
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
}
