package dtxkit.samples.stubs;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.auxdict.AuxCodec;
import dtxkit.runtime.auxdict.AuxValue;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One DTX message as the stub generator needs it, copied out of the (reference-counted) wire message: who sent it,
 * its header fields, its selector, its arguments and its payload decoded.
 *
 * @param side 0 or 1: which stream of the connection it came from
 * @param identifier the message identifier
 * @param conversation the conversation index (0 for a call, odd for a reply)
 * @param channelCode the channel code as on the wire
 * @param expectsReply whether the sender asked for a reply
 * @param type the message type
 * @param selector the selector of a DISPATCH, else null
 * @param args the aux arguments in order
 * @param payload a reply's payload decoded (an archive's value, or its bytes when it is no archive), else null
 * @param payloadLength the payload's length in bytes (DATA messages keep only this: tap streams are large)
 */
record Observed(int side, int identifier, int conversation, int channelCode, boolean expectsReply,
    DtxMessageType type, String selector, List<Arg> args, Object payload, int payloadLength) {

  /** How an aux argument travelled. */
  enum ArgKind { STRING, INT32, INT64, DOUBLE, OBJECT, BUFFER, NULL, DICTIONARY }

  /**
   * One aux argument.
   *
   * @param kind how it was encoded
   * @param value its value (an archived object decoded)
   */
  record Arg(ArgKind kind, Object value) {
  }

  /** Copies what the generator needs out of {@code m}. */
  static Observed of(int side, DtxMessage m) throws DtxProtocolException {
    List<Arg> args = new ArrayList<>();
    if (m.aux().isReadable()) {
      for (AuxValue v : AuxCodec.decodeArguments(m.aux().duplicate(), m.streamOffset() + 48)) {
        args.add(arg(v));
      }
    }
    String selector = null;
    Object payload = null;
    int payloadLength = m.payload().readableBytes();
    if (m.type() == DtxMessageType.DATA) {
      // Only the length: the stub generator needs no more of a tap stream's bytes.
    } else if (m.payload().isReadable()) {
      byte[] bytes = ByteBufUtil.getBytes(m.payload());
      if (m.type() == DtxMessageType.DISPATCH) {
        Object value = isArchive(bytes) ? NSKeyedUnarchiver.unarchive(bytes) : null;
        selector = value instanceof String s ? s : null;
      } else {
        payload = unarchiveOrBytes(bytes);
      }
    }
    return new Observed(side, m.identifier(), m.conversationIndex(), m.channelCode(), m.expectsReply(), m.type(),
        selector, List.copyOf(args), payload, payloadLength);
  }

  private static Arg arg(AuxValue v) {
    if (v instanceof AuxValue.Str s) {
      return new Arg(ArgKind.STRING, s.value());
    } else if (v instanceof AuxValue.Int32 i) {
      return new Arg(ArgKind.INT32, i.value());
    } else if (v instanceof AuxValue.Int64 l) {
      return new Arg(ArgKind.INT64, l.value());
    } else if (v instanceof AuxValue.Float64 d) {
      return new Arg(ArgKind.DOUBLE, d.value());
    } else if (v instanceof AuxValue.Null) {
      return new Arg(ArgKind.NULL, null);
    } else if (v instanceof AuxValue.Buffer b) {
      byte[] bytes = b.value();
      if (bytes.length == 0) {
        return new Arg(ArgKind.OBJECT, null);
      }
      if (isArchive(bytes)) {
        try {
          return new Arg(ArgKind.OBJECT, NSKeyedUnarchiver.unarchive(bytes));
        } catch (DtxProtocolException e) {
          return new Arg(ArgKind.BUFFER, bytes);
        }
      }
      return new Arg(ArgKind.BUFFER, bytes);
    }
    return new Arg(ArgKind.DICTIONARY, null);
  }

  private static Object unarchiveOrBytes(byte[] bytes) {
    if (isArchive(bytes)) {
      try {
        return NSKeyedUnarchiver.unarchive(bytes);
      } catch (DtxProtocolException e) {
        return bytes;
      }
    }
    return bytes;
  }

  private static boolean isArchive(byte[] bytes) {
    byte[] magic = "bplist".getBytes(StandardCharsets.US_ASCII);
    if (bytes.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (bytes[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
