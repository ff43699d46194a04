package dtxkit.services.mock;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Plays a recorded host side (go-ios {@code conn-out*.dump}, MIT, licence beside the copies in runtime's test
 * resources) against the mock device: the host's own messages are written as recorded; each recorded reply is written
 * when the mock has made a call that expects one, with that call's identifier. What the mock sends is kept, in order.
 */
final class RecordedHost implements AutoCloseable {
  /**
   * Runs each task on a thread of its own: the common pool has one worker on a 2-core machine, and a blocking task
   * of an earlier test there starved these (seen on JDK 25: the device side never connected).
   */
  private static final java.util.concurrent.Executor OWN_THREAD = task -> {
    Thread thread = new Thread(task, "test-peer");
    thread.setDaemon(true);
    thread.start();
  };


  /** One recorded single-fragment message. */
  record Recorded(byte[] bytes, int identifier, int conversation, int channelCode, String selector) {
    byte[] withIdentifier(int id) {
      byte[] copy = bytes.clone();
      ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(16, id);
      return copy;
    }
  }

  /** A message the mock sent: header fields and, for a dispatch, its selector. */
  record Sent(int identifier, int conversation, int channelCode, boolean expectsReply, String type, String selector) {}

  final List<Recorded> script;
  final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Sent> calls = new LinkedBlockingQueue<>();
  private final Socket socket;
  private final OutputStream out;
  private final Thread reader;

  RecordedHost(Socket socket, String fixture) throws IOException {
    this.script = split(fixture(fixture));
    this.socket = socket;
    this.out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    this.reader = new Thread(() -> read(in), "recorded-host");
    reader.setDaemon(true);
    reader.start();
  }

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = RecordedHost.class.getResourceAsStream("/fixtures/go-ios/dtx/" + name)) {
      if (in == null) {
        throw new IOException("missing fixture " + name);
      }
      return in.readAllBytes();
    }
  }

  /** The selectors of the dispatches of a recording, in order. */
  static List<String> selectors(String fixture) throws IOException {
    return split(fixture(fixture)).stream().filter(r -> r.selector() != null).map(Recorded::selector).toList();
  }

  /** The selectors the mock sent (its dispatches), in order. */
  List<String> sentSelectors() {
    return sent.stream().filter(s -> s.selector() != null).map(Sent::selector).toList();
  }

  /** Plays the script on another thread; completes when the last recorded message is written. */
  CompletableFuture<Void> play() {
    return CompletableFuture.runAsync(() -> {
      try {
        for (Recorded r : script) {
          if (r.conversation() == 0) {
            out.write(r.bytes());
          } else {
            out.write(r.withIdentifier(nextCall().identifier()));
          }
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, OWN_THREAD);
  }

  private Sent nextCall() throws InterruptedException {
    Sent s = calls.poll(20, TimeUnit.SECONDS);
    if (s == null) {
      throw new IllegalStateException("the mock made no further call within 20 s; it sent " + sentSelectors());
    }
    return s;
  }

  private void read(InputStream in) {
    try (DtxMessageDecoder decoder = new DtxMessageDecoder()) {
      byte[] chunk = new byte[65536];
      int n;
      while ((n = in.read(chunk)) > 0) {
        decoder.decode(Unpooled.copiedBuffer(chunk, 0, n), this::take);
      }
    } catch (IOException e) {
      // The mock closed the connection.
    }
  }

  private void take(DtxMessage m) {
    try {
      String selector = null;
      if (m.type().code() == 2 && m.payload().isReadable()) {
        try {
          selector = (String) NSKeyedUnarchiver.unarchive(m.payloadBytes());
        } catch (DtxProtocolException e) {
          selector = "(undecodable)";
        }
      }
      Sent s = new Sent(m.identifier(), m.conversationIndex(), m.channelCode(), m.expectsReply(),
          m.type().toString(), selector);
      sent.add(s);
      if (s.conversation() == 0 && s.expectsReply()) {
        calls.add(s);
      }
    } finally {
      m.release();
    }
  }

  @Override
  public void close() throws Exception {
    socket.close();
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
        int auxLength = b.getInt(at + headerSize + 4);
        int payloadStart = at + headerSize + 16 + auxLength;
        selector = (String) NSKeyedUnarchiver.unarchive(Arrays.copyOfRange(dump, payloadStart, end));
      }
      out.add(new Recorded(bytes, b.getInt(at + 16), b.getInt(at + 20), b.getInt(at + 24), selector));
      at = end;
    }
    return out;
  }
}
