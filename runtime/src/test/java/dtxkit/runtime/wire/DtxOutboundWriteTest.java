package dtxkit.runtime.wire;

import static dtxkit.runtime.wire.DtxTesting.ALLOC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DtxOutboundMessage#writeNextFragment} writes exactly the bytes {@link DtxOutboundMessage#nextFragment} hands
 * out, fragment by fragment, whatever the fragment size and wherever the aux and payload boundaries fall, from heap
 * and direct buffers and slices; and it releases the message after the last fragment, or when a write fails and the
 * message is closed.
 */
class DtxOutboundWriteTest {

  private static byte[] bytes(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** {@code bytes} in a buffer of the given kind: heap, direct, or a slice of a larger heap buffer. */
  private static ByteBuf buffer(byte[] bytes, int kind) {
    return switch (kind) {
      case 0 -> Unpooled.wrappedBuffer(bytes);
      case 1 -> ALLOC.directBuffer(Math.max(1, bytes.length)).writeBytes(bytes);
      default -> {
        ByteBuf big = Unpooled.buffer(bytes.length + 10);
        big.writeZero(7).writeBytes(bytes).writeZero(3);
        yield big.skipBytes(7).writerIndex(7 + bytes.length);
      }
    };
  }

  private static DtxMessage message(byte[] aux, byte[] payload, int auxKind, int payloadKind) {
    return DtxMessage.builder(DtxMessageType.OBJECT)
        .identifier(0xFFFF_FFF0)
        .conversationIndex(2)
        .channelCode(-9)
        .expectsReply(true)
        .payloadFlags(0x10, 0x02)
        .aux(buffer(aux, auxKind))
        .payload(buffer(payload, payloadKind))
        .build();
  }

  @Test
  void writesTheSameBytesAsTheFragmentBuffers() throws IOException {
    int[] sizes = {0, 1, 15, 16, 17, 100, 1000, 5000};
    int[] fragmentBodies = {16, 17, 31, 100, 1024, 128 * 1024};
    for (int auxSize : sizes) {
      for (int payloadSize : sizes) {
        for (int fragmentBody : fragmentBodies) {
          for (int kind = 0; kind < 3; kind++) {
            byte[] aux = bytes(auxSize, auxSize);
            byte[] payload = bytes(payloadSize, payloadSize + 1);
            DtxFragmentEncoder encoder = new DtxFragmentEncoder(fragmentBody, ALLOC);
            DtxMessage reference = message(aux, payload, kind, 2 - kind);
            DtxMessage written = message(aux, payload, kind, 2 - kind);
            ByteBuf writtenAux = written.aux();
            ByteBuf writtenPayload = written.payload();
            DtxOutboundMessage expected = encoder.encode(reference);
            DtxOutboundMessage actual = encoder.encode(written);
            assertEquals(expected.fragmentCount(), actual.fragmentCount());
            String what = "aux " + auxSize + ", payload " + payloadSize + ", fragment body " + fragmentBody
                + ", kind " + kind;
            while (expected.hasNextFragment()) {
              ByteBuf fragment = expected.nextFragment();
              byte[] want = new byte[fragment.readableBytes()];
              fragment.readBytes(want);
              fragment.release();
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              actual.writeNextFragment(out);
              assertArrayEquals(want, out.toByteArray(), what + ", fragment " + (actual.nextIndex() - 1));
            }
            assertFalse(actual.hasNextFragment(), what);
            // (An empty wrapped array is Netty's shared EMPTY_BUFFER, which is never released.)
            for (ByteBuf part : new ByteBuf[] {writtenAux, writtenPayload}) {
              if (part != Unpooled.EMPTY_BUFFER) {
                assertEquals(0, part.refCnt(), what + ": released after the last fragment");
              }
            }
            assertThrows(NoSuchElementException.class, () -> actual.writeNextFragment(new ByteArrayOutputStream()));
          }
        }
      }
    }
  }

  @Test
  void aFailedWriteLeavesTheMessageToBeClosed() {
    DtxMessage m = message(bytes(10, 1), bytes(5000, 2), 1, 1);
    ByteBuf aux = m.aux();
    ByteBuf payload = m.payload();
    DtxOutboundMessage outbound = new DtxFragmentEncoder(1024, ALLOC).encode(m);
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("broken pipe");
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw new IOException("broken pipe");
      }
    };
    assertThrows(IOException.class, () -> outbound.writeNextFragment(broken));
    outbound.close();
    assertEquals(0, payload.refCnt());
    assertEquals(0, aux.refCnt());
  }
}
