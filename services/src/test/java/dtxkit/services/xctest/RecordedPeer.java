package dtxkit.services.xctest;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.testing.DtxTestPeers;
import dtxkit.runtime.testing.DtxTestPeers.Recorded;
import dtxkit.runtime.wire.DtxMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
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

  /** A message the connection under test sent. */
  record Sent(int identifier, int conversation, int channelCode, boolean expectsReply, int type, Object payload) {}

  final List<Recorded> script;
  final LinkedBlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
  final List<Sent> replies = java.util.Collections.synchronizedList(new ArrayList<>());
  private final DtxTransport transport;
  private final OutputStream out;
  private final Thread reader;

  RecordedPeer(DtxTransport transport, String fixture) throws IOException {
    this.script = DtxTestPeers.split(DtxTestPeers.goIosDtx(fixture));
    this.transport = transport;
    this.out = transport.output();
    this.reader = DtxTestPeers.startReader(transport.input(), "recorded-peer", this::take);
  }

  /** The selectors of the recorded dispatches, in order. */
  List<String> selectors() {
    return script.stream().filter(r -> r.selector() != null).map(Recorded::selector).toList();
  }

  /** Plays the whole script on another thread; completes when the last recorded message is written. */
  CompletableFuture<Void> play() {
    return DtxTestPeers.play(script, out, () -> nextCall().identifier());
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

  private void take(DtxMessage m) {
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
  }

  @Override
  public void close() throws Exception {
    transport.close();
    reader.join(5000);
  }
}
