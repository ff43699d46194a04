package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dtxkit.runtime.archive.NSError;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DtxArgumentAndErrorsTest {

  @Test
  void argumentsKeepKindAndValue() {
    assertEquals(DtxArgument.Kind.INT32, DtxArgument.int32(5).kind());
    assertEquals(3, DtxArgument.int32(5).kind().auxTag());
    assertEquals(6, DtxArgument.int64(5).kind().auxTag());
    assertEquals(9, DtxArgument.float64(1).kind().auxTag());
    assertEquals(1, DtxArgument.string("s").kind().auxTag());
    assertEquals(2, DtxArgument.object("s").kind().auxTag());
    assertEquals(2, DtxArgument.raw(new byte[1]).kind().auxTag());
    byte[] bytes = {1, 2};
    DtxArgument raw = DtxArgument.raw(bytes);
    bytes[0] = 9;
    assertArrayEquals(new byte[] {1, 2}, (byte[]) raw.value(), "raw copies its bytes");
    assertEquals(DtxArgument.raw(new byte[] {1, 2}), raw);
    assertNotEquals(DtxArgument.object(5), DtxArgument.int32(5));
    assertThrows(NullPointerException.class, () -> DtxArgument.string(null));
  }

  @Test
  void encodedArgumentsDecodeToTheContractsJavaValues() throws Exception {
    ByteBuf aux = Codec.encodeArguments(new DtxArgument[] {DtxArgument.object(5), DtxArgument.object(null),
        DtxArgument.raw("not an archive".getBytes()), DtxArgument.int64(-1)});
    try {
      List<Object> args = Codec.decodeArguments(aux, 0);
      assertEquals(5, args.get(0));
      assertEquals(null, args.get(1));
      assertArrayEquals("not an archive".getBytes(), (byte[]) args.get(2));
      assertEquals(-1L, args.get(3));
    } finally {
      aux.release();
    }
  }

  @Test
  void remoteErrorTypeFollowsTheDescription() {
    NSError plain = new NSError("NSCocoaErrorDomain", 4, Map.of("NSLocalizedDescription", "no such file"));
    DtxRemoteException e = DtxRemoteException.of(plain);
    assertEquals(DtxRemoteException.class, e.getClass());
    assertEquals("NSCocoaErrorDomain 4: no such file", e.getMessage());

    NSError device = new NSError("DTXMessage", 1, Map.of("NSLocalizedDescription",
        "Unable to invoke -[DTDeviceInfoService foo] - it does not respond to the selector"));
    assertInstanceOf(DtxUnrecognizedSelectorException.class, DtxRemoteException.of(device));

    DtxUnrecognizedSelectorException made = DtxUnrecognizedSelectorException.forSelector("foo:", "DTDeviceInfoService");
    assertEquals("Unable to invoke -[DTDeviceInfoService foo:] - it does not respond to the selector",
        made.nsError().localizedDescription());
    assertEquals(Map.of(), new DtxRemoteException(new NSError("D", 1, null)).userInfo());
  }
}
