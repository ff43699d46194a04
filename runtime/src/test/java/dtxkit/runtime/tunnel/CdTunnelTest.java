package dtxkit.runtime.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The CDTunnel handshake on bytes: its exact form, split at every offset, and every way it can be wrong. */
class CdTunnelTest {
  /** A response as a device sends it (field order and spacing of iOS 17.4's CoreDeviceProxy). */
  static final String DEVICE_JSON = "{\"clientParameters\":{\"address\":\"fd35:d15c:6a3e::2\",\"mtu\":16000,"
      + "\"netmask\":\"ffff:ffff:ffff:ffff::\"},\"serverAddress\":\"fd35:d15c:6a3e::1\","
      + "\"type\":\"serverHandshakeResponse\",\"serverRSDPort\":58783}";

  static byte[] message(String json) {
    return CdTunnel.frame(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theRequestIsMagicLengthAndJson() {
    byte[] m = CdTunnel.clientRequest(16000);
    String json = "{\"type\":\"clientHandshakeRequest\",\"mtu\":16000}";
    assertEquals("CDTunnel", new String(m, 0, 8, StandardCharsets.US_ASCII));
    assertEquals(json.length(), ((m[8] & 0xFF) << 8) | (m[9] & 0xFF));
    assertEquals(json, new String(m, 10, m.length - 10, StandardCharsets.UTF_8));
  }

  @Test
  void aDeviceResponseReadsWhereverTheReadsEnd() throws Exception {
    byte[] m = message(DEVICE_JSON);
    for (int split = 0; split <= m.length; split++) {
      TunnelParameters p = CdTunnel.readServerResponse(new ChunkedInput(m, split), CdTunnel.DEFAULT_MAX_JSON_BYTES);
      assertEquals(InetAddress.getByName("fd35:d15c:6a3e::2"), p.clientAddress());
      assertEquals(InetAddress.getByName("fd35:d15c:6a3e::1"), p.serverAddress());
      assertEquals(64, p.prefixLength());
      assertEquals(16000, p.mtu());
      assertEquals(58783, p.serverRsdPort());
    }
    // Byte at a time too.
    int[] every = new int[m.length];
    for (int i = 0; i < m.length; i++) {
      every[i] = i + 1;
    }
    assertEquals(58783, CdTunnel.readServerResponse(new ChunkedInput(m, every), 1024).serverRsdPort());
  }

  @Test
  void whatTheDeviceSideWritesTheHostSideReads() throws Exception {
    TunnelParameters p = new TunnelParameters(
        (java.net.Inet6Address) InetAddress.getByName("fd12:3456:789a::2"), 64, 1500,
        (java.net.Inet6Address) InetAddress.getByName("fd12:3456:789a::1"), 50123);
    assertEquals("ffff:ffff:ffff:ffff::", p.netmask());
    byte[] m = CdTunnel.serverResponse(p);
    assertEquals(p, CdTunnel.readServerResponse(new ByteArrayInputStream(m), 1024));
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    assertEquals(p, CdTunnel.clientHandshake(new ByteArrayInputStream(m), sent, 16000, 1024));
    assertEquals(16000, CdTunnel.readClientRequest(new ByteArrayInputStream(sent.toByteArray()), 1024));
    assertEquals("client fd12:3456:789a::2/64, device fd12:3456:789a::1, RSD port 50123, MTU 1500", p.toString());
  }

  @Test
  void aBadMagicNamesTheByteAndItsOffset() {
    byte[] m = message(DEVICE_JSON);
    m[3] = 'x';
    TunnelProtocolException e = assertThrows(TunnelProtocolException.class,
        () -> CdTunnel.readServerResponse(new ByteArrayInputStream(m), 1024));
    assertEquals("response magic", e.field());
    assertEquals(3, e.offset());
    assertTrue(e.getMessage().contains("\"CDTxnnel\"") && e.getMessage().contains("expected \"CDTunnel\""),
        e.getMessage());
  }

  @Test
  void aLengthOverTheLimitIsRefusedBeforeReadingIt() {
    byte[] m = message(DEVICE_JSON);
    DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class,
        () -> CdTunnel.readServerResponse(new ByteArrayInputStream(m, 0, 10), 100));
    assertEquals(8, e.offset());
    assertTrue(e.getMessage().contains(DEVICE_JSON.length() + " > 100"), e.getMessage());
    TunnelProtocolException zero = assertThrows(TunnelProtocolException.class,
        () -> CdTunnel.readServerResponse(new ByteArrayInputStream(message("")), 100));
    assertEquals(8, zero.offset());
  }

  @Test
  void malformedJsonNamesItsOffset() {
    TunnelProtocolException e = assertThrows(TunnelProtocolException.class,
        () -> CdTunnel.readServerResponse(new ByteArrayInputStream(message("{\"type\": }")), 1024));
    assertEquals("response JSON", e.field());
    assertEquals(10 + 9, e.offset());
    TunnelProtocolException array = assertThrows(TunnelProtocolException.class,
        () -> CdTunnel.readServerResponse(new ByteArrayInputStream(message("[1]")), 1024));
    assertTrue(array.getMessage().contains("expected an object"), array.getMessage());
    TunnelProtocolException trailing = assertThrows(TunnelProtocolException.class,
        () -> CdTunnel.readServerResponse(new ByteArrayInputStream(message("{} {}")), 1024));
    assertEquals(13, trailing.offset(), trailing.getMessage());
  }

  @Test
  void eachFieldIsChecked() {
    String[][] cases = {
        {"\"serverHandshakeResponse\"", "\"clientHandshakeRequest\"", "response type"},
        {"\"fd35:d15c:6a3e::2\"", "\"10.0.0.2\"", "response clientParameters.address"},
        {"\"ffff:ffff:ffff:ffff::\"", "\"ffff:0:ffff::\"", "response clientParameters.netmask"},
        {"16000", "100", "response clientParameters.mtu"},
        {"58783", "70000", "response serverRSDPort"},
        {"\"fd35:d15c:6a3e::1\"", "null", "response serverAddress"},
    };
    for (String[] c : cases) {
      String json = DEVICE_JSON.replace(c[0], c[1]);
      assertTrue(!json.equals(DEVICE_JSON), c[2]);
      TunnelProtocolException e = assertThrows(TunnelProtocolException.class,
          () -> CdTunnel.readServerResponse(new ByteArrayInputStream(message(json)), 1024), c[2]);
      assertEquals(c[2], e.field());
      assertEquals(10, e.offset());
      assertTrue(e.getMessage().contains(c[1].replace("null", "nothing")), e.getMessage());
    }
    TunnelProtocolException missing = assertThrows(TunnelProtocolException.class,
        () -> CdTunnel.readServerResponse(new ByteArrayInputStream(message("{\"type\":\"serverHandshakeResponse\"}")),
            1024));
    assertEquals("response clientParameters", missing.field());
  }

  @Test
  void aStreamEndingInsideTheMessageSaysWhere() {
    byte[] m = message(DEVICE_JSON);
    for (int cut : new int[] {0, 5, 9, 10, 40, m.length - 1}) {
      EOFException e = assertThrows(EOFException.class,
          () -> CdTunnel.readServerResponse(new ByteArrayInputStream(m, 0, cut), 1024));
      assertTrue(e.getMessage().contains("at offset " + cut), e.getMessage());
    }
  }

  @Test
  void deepOrWideJsonHitsItsLimits() {
    String deep = "{\"a\":".repeat(20) + "1" + "}".repeat(20);
    assertThrows(DtxLimitExceededException.class,
        () -> CdTunnel.readServerResponse(new ByteArrayInputStream(message(deep)), 1024));
    StringBuilder wide = new StringBuilder("{");
    for (int i = 0; i < 100; i++) {
      wide.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
    }
    DtxProtocolException e = assertThrows(DtxLimitExceededException.class,
        () -> CdTunnel.readServerResponse(new ByteArrayInputStream(message(wide.append('}').toString())), 4096));
    assertTrue(e.getMessage().contains("keys"), e.getMessage());
  }

  @Test
  void theRequestIsCheckedOnTheDeviceSide() throws IOException {
    assertEquals(1500, CdTunnel.readClientRequest(new ByteArrayInputStream(CdTunnel.clientRequest(1500)), 1024));
    TunnelProtocolException e = assertThrows(TunnelProtocolException.class, () -> CdTunnel.readClientRequest(
        new ByteArrayInputStream(message("{\"type\":\"clientHandshakeRequest\",\"mtu\":\"big\"}")), 1024));
    assertEquals("request mtu", e.field());
    assertArrayEquals(new byte[0], new byte[0]);
  }
}
