package dtxkit.services.xctest;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Plays a recorded device side (go-ios {@code conn-in*.dump}, MIT, licence beside the copies in runtime's test
 * resources) against a dtxkit connection: the device's own messages are written as recorded; each recorded reply is
 * written when the connection has sent the call it answers, with that call's identifier. What the connection sends
 * is decoded into {@link Sent} records.
 */
final class RecordedPeer implements AutoCloseable {
  /**
   * Runs each task on a thread of its own: the common pool has one worker on a 2-core machine, and a blocking task
   * of an earlier test there starved these (seen on JDK 25: the device side never connected).
   */
  private static final java.util.concurrent.Executor OWN_THREAD = task -> {
    Thread thread = new Thread(task, "test-peer");
    thread.setDaemon(true);
    thread.start();
  };


  /** One recorded single-fragment message: its bytes, header fields and (for a dispatch) its selector. */
  record Recorded(byte[] bytes, int identifier, int conversation, int channelCode, boolean expectsReply, int type,
      String selector) {
    byte[] withIdentifier(int id) {
      byte[] copy = bytes.clone();
      ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(16, id);
      return copy;
    }
  }

  /** A message the connection under test sent. */
  record Sent(int identifier, int conversation, int channelCode, boolean expectsReply, int type, Object payload) {}

  final List<Recorded> script;
  final LinkedBlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
  final List<Sent> replies = java.util.Collections.synchronizedList(new ArrayList<>());
  private final DtxTransport transport;
  private final OutputStream out;
  private final Thread reader;

  RecordedPeer(DtxTransport transport, String fixture) throws IOException {
    this.script = split(fixture(fixture));
    this.transport = transport;
    this.out = transport.output();
    InputStream in = transport.input();
    this.reader = new Thread(() -> read(in), "recorded-peer");
    reader.setDaemon(true);
    reader.start();
  }

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = RecordedPeer.class.getResourceAsStream("/fixtures/go-ios/dtx/" + name)) {
      if (in == null) {
        throw new IOException("missing fixture " + name);
      }
      return in.readAllBytes();
    }
  }

  /** The selectors of the recorded dispatches, in order. */
  List<String> selectors() {
    return script.stream().filter(r -> r.selector() != null).map(Recorded::selector).toList();
  }

  /** Plays the whole script on another thread; completes when the last recorded message is written. */
  CompletableFuture<Void> play() {
    return CompletableFuture.runAsync(() -> {
      try {
        for (Recorded r : script) {
          if (r.conversation() == 0) {
            out.write(r.bytes());
            out.flush();
            continue;
          }
          Sent call = nextCall();
          out.write(r.withIdentifier(call.identifier()));
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, OWN_THREAD);
  }

  private Sent nextCall() throws InterruptedException {
    while (true) {
      Sent s = sent.poll(20, TimeUnit.SECONDS);
      if (s == null) {
        throw new IllegalStateException("the connection made no further call within 20 s");
      }
      if (s.conversation() == 0 && s.expectsReply()) {
        return s;
      }
    }
  }

  private void read(InputStream in) {
    try (DtxMessageDecoder decoder = new DtxMessageDecoder()) {
      byte[] chunk = new byte[65536];
      int n;
      while ((n = in.read(chunk)) > 0) {
        decoder.decode(Unpooled.copiedBuffer(chunk, 0, n), this::take);
      }
    } catch (IOException e) {
      // The connection under test closed.
    }
  }

  private void take(DtxMessage m) {
    try {
      Object payload = null;
      if (m.payload().isReadable()) {
        try {
          payload = NSKeyedUnarchiver.unarchive(m.payloadBytes());
        } catch (DtxProtocolException e) {
          payload = m.payloadBytes();
        }
      }
      Sent s = new Sent(m.identifier(), m.conversationIndex(), m.channelCode(), m.expectsReply(), m.type().code(),
          payload);
      if (s.conversation() > 0) {
        replies.add(s);
      }
      sent.add(s);
    } finally {
      m.release();
    }
  }

  @Override
  public void close() throws Exception {
    transport.close();
    reader.join(5000);
  }

  static List<Recorded> split(byte[] dump) throws IOException {
    List<Recorded> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(dump).order(ByteOrder.LITTLE_ENDIAN);
    int at = 0;
    while (at < dump.length) {
      int headerSize = b.getInt(at + 4);
      int count = b.getShort(at + 10) & 0xFFFF;
      long length = b.getInt(at + 12) & 0xFFFFFFFFL;
      if (count != 1) {
        throw new IllegalArgumentException("the recordings hold single-fragment messages only");
      }
      int end = at + headerSize + (int) length;
      byte[] bytes = Arrays.copyOfRange(dump, at, end);
      int type = dump[at + headerSize] & 0xFF;
      String selector = null;
      if (type == 2) {
        ByteBuffer p = ByteBuffer.wrap(dump, at + headerSize, (int) length).order(ByteOrder.LITTLE_ENDIAN);
        int auxLength = p.getInt(at + headerSize + 4);
        int payloadStart = at + headerSize + 16 + auxLength;
        Object decoded = NSKeyedUnarchiver.unarchive(Arrays.copyOfRange(dump, payloadStart, end));
        selector = (String) decoded;
      }
      out.add(new Recorded(bytes, b.getInt(at + 16), b.getInt(at + 20), b.getInt(at + 24),
          (b.getInt(at + 28) & 1) != 0, type, selector));
      at = end;
    }
    return out;
  }
}
