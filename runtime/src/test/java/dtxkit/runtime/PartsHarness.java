package dtxkit.runtime;

import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import dtxkit.runtime.wire.DtxMessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The parts of a connection wired together without a transport or threads, for unit tests of each part: what they
 * write lands in a byte array ({@link #sent()} decodes it), deliveries run on the calling thread unless another
 * executor is given, and messages "from the peer" are built here ({@link #fromPeer}).
 */
final class PartsHarness {

  /** One message the parts wrote, decoded. */
  record Sent(DtxMessageType type, int identifier, int conversation, int channelCode, boolean expectsReply,
      Object payload, List<Object> arguments) {}

  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final List<Exception> writeFailures = new ArrayList<>();
  final OutboundWriter writer = new OutboundWriter(bytes, t -> false, Runnable::run, writeFailures::add);
  final LogLimiter warnings = new LogLimiter(org.slf4j.LoggerFactory.getLogger(PartsHarness.class), "parts");
  final Deliveries deliveries;
  final PendingCalls pending;
  volatile DtxConnectionClosedException closed;
  final Outbound outbound;
  final ChannelTable channels = new ChannelTable();
  final Refusals refusals;
  final DtxChannel control;
  private final DtxMessageDecoder decoder = new DtxMessageDecoder();
  private int decodedUpTo;

  PartsHarness() {
    this(Runnable::run);
  }

  PartsHarness(Executor executor) {
    deliveries = new Deliveries("parts", executor, 8);
    pending = new PendingCalls("parts", deliveries, warnings);
    outbound = new Outbound("parts", writer, pending, () -> closed);
    refusals = new Refusals("parts", outbound, 8, warnings, channels);
    control = new DtxChannel(null, 0, "ctrl", DtxChannel.State.OPEN, deliveries.newQueue(false));
    channels.put(control);
  }

  ChannelAcceptor acceptor(DtxServiceRegistry registry) {
    return new ChannelAcceptor(null, "parts", registry, channels, deliveries, outbound, refusals, warnings);
  }

  ControlProtocol controlProtocol(DtxServiceRegistry registry) {
    return new ControlProtocol(null, "parts", channels, deliveries, outbound, pending, acceptor(registry),
        warnings);
  }

  InboundRouter router(ControlProtocol control) {
    return new InboundRouter("parts", channels, pending, control, outbound, refusals, warnings);
  }

  DtxChannel channel(int code, String identifier) {
    DtxChannel channel = new DtxChannel(null, code, identifier, DtxChannel.State.OPEN, deliveries.newQueue(false));
    channels.put(channel);
    return channel;
  }

  /** The messages written since the last call. */
  List<Sent> sent() throws Exception {
    byte[] all = bytes.toByteArray();
    List<Sent> out = new ArrayList<>();
    decoder.decode(Unpooled.wrappedBuffer(all, decodedUpTo, all.length - decodedUpTo), m -> out.add(take(m)));
    decodedUpTo = all.length;
    return out;
  }

  private static Sent take(DtxMessage m) {
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
      return new Sent(m.type(), m.identifier(), m.conversationIndex(), m.channelCode(), m.expectsReply(), payload,
          args);
    } catch (DtxProtocolException e) {
      throw new AssertionError(e);
    } finally {
      m.release();
    }
  }

  /** A message as the peer would send it (channel code as on the wire); the caller routes and so releases it. */
  static DtxMessage fromPeer(DtxMessageType type, int identifier, int conversation, int wireCode,
      boolean expectsReply, Object archived) {
    DtxMessage.Builder b = DtxMessage.builder(type).identifier(identifier).conversationIndex(conversation)
        .channelCode(wireCode).expectsReply(expectsReply);
    if (archived != null) {
      b.payload(Codec.archive(archived));
    }
    return b.build();
  }

  /** An invocation as the peer would send it. */
  static DtxMessage invocation(int identifier, int wireCode, boolean expectsReply, String selector,
      DtxArgument... args) {
    ByteBuf aux = Codec.encodeArguments(args);
    return DtxMessage.builder(DtxMessageType.DISPATCH).identifier(identifier).conversationIndex(0)
        .channelCode(wireCode).expectsReply(expectsReply).aux(aux).payload(Codec.archiveSelector(selector)).build();
  }

  void close() {
    writer.close();
    decoder.close();
  }
}
