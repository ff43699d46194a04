package dtxkit.services.mock;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.testing.DtxTestPeers;
import dtxkit.runtime.testing.DtxTestPeers.Recorded;
import dtxkit.runtime.wire.DtxMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
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

  /** A message the mock sent: header fields and, for a dispatch, its selector. */
  record Sent(int identifier, int conversation, int channelCode, boolean expectsReply, String type, String selector) {}

  final List<Recorded> script;
  final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Sent> calls = new LinkedBlockingQueue<>();
  private final Socket socket;
  private final OutputStream out;
  private final Thread reader;

  RecordedHost(Socket socket, String fixture) throws IOException {
    this.script = DtxTestPeers.split(DtxTestPeers.goIosDtx(fixture));
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.reader = DtxTestPeers.startReader(socket.getInputStream(), "recorded-host", this::take);
  }

  /** The selectors of the dispatches of a recording, in order. */
  static List<String> selectors(String fixture) throws IOException {
    return DtxTestPeers.split(DtxTestPeers.goIosDtx(fixture)).stream().filter(r -> r.selector() != null)
        .map(Recorded::selector).toList();
  }

  /** The selectors the mock sent (its dispatches), in order. */
  List<String> sentSelectors() {
    return sent.stream().filter(s -> s.selector() != null).map(Sent::selector).toList();
  }

  /** Plays the script on another thread; completes when the last recorded message is written. */
  CompletableFuture<Void> play() {
    return DtxTestPeers.play(script, out, () -> nextCall().identifier());
  }

  private Sent nextCall() throws InterruptedException {
    Sent s = calls.poll(20, TimeUnit.SECONDS);
    if (s == null) {
      throw new IllegalStateException("the mock made no further call within 20 s; it sent " + sentSelectors());
    }
    return s;
  }

  private void take(DtxMessage m) {
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
  }

  @Override
  public void close() throws Exception {
    socket.close();
    reader.join(5000);
  }
}
