package dtxkit.services.lockdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxTransport;
import java.io.EOFException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The service stream's plist messages, and what it says about a peer's bad bytes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServiceConnectionTest {

  @Test
  void roundTripsAMessage() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    try (ServiceConnection a = ServiceConnection.over(pair.a()); ServiceConnection b = ServiceConnection.over(pair.b())) {
      NSDictionary message = new NSDictionary();
      message.put("Command", "Browse");
      message.put("Size", 12);
      a.send(message);
      assertEquals(message, b.receive());
    }
  }

  @Test
  void refusesAHugeLengthBeforeAllocating() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    try (ServiceConnection b = ServiceConnection.over(pair.b(), 1024)) {
      OutputStream out = pair.a().output();
      out.write(new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      out.flush();
      DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class, b::receive);
      assertTrue(e.getMessage().contains("2147483647"), e.getMessage());
      assertEquals(0, e.offset());
    }
  }

  @Test
  void garbageIsAProtocolErrorNamingTheOffset() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    try (ServiceConnection b = ServiceConnection.over(pair.b())) {
      OutputStream out = pair.a().output();
      byte[] junk = "this is no plist at all".getBytes(StandardCharsets.US_ASCII);
      out.write(new byte[] {0, 0, 0, (byte) junk.length});
      out.write(junk);
      out.flush();
      DtxProtocolException e = assertThrows(DtxProtocolException.class, b::receive);
      assertEquals(4, e.offset());
      assertTrue(e.getMessage().contains("not a property list"), e.getMessage());
    }
  }

  @Test
  void aStreamEndingInsideAMessageSaysSo() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    try (ServiceConnection b = ServiceConnection.over(pair.b())) {
      OutputStream out = pair.a().output();
      out.write(new byte[] {0, 0, 0, 100, 'x'});
      out.flush();
      pair.a().close();
      EOFException e = assertThrows(EOFException.class, b::receive);
      assertTrue(e.getMessage().contains("inside a message"), e.getMessage());
    }
  }
}
