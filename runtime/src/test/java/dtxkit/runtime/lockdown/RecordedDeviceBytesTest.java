package dtxkit.runtime.lockdown;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.tls.DeviceTls;
import dtxkit.runtime.tls.TlsIdentity;
import dtxkit.runtime.tls.TlsMode;
import dtxkit.runtime.tls.TlsOptions;
import dtxkit.runtime.usbmux.UsbmuxAddress;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxCodec;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.runtime.usbmux.UsbmuxMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dtxkit.runtime.testing.SplitReads;

/**
 * usbmuxd and lockdown bytes recorded from a real iPhone (appium-ios-device's fixtures, Apache-2.0): the codecs at
 * every split offset, the client against a replay, and the real pair record (SHA-1 certificates with empty names,
 * PKCS#8 keys) parsed and used for TLS.
 */
@Timeout(180)
class RecordedDeviceBytesTest {

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = RecordedDeviceBytesTest.class.getResourceAsStream("/fixtures/appium-ios-device/" + name)) {
      return in.readAllBytes();
    }
  }

  static PairRecord realRecord() throws IOException {
    UsbmuxMessage m = new UsbmuxCodec.Reader(new ByteArrayInputStream(fixture("usbmuxreadpairmessage.bin")), 1 << 16)
        .read();
    return PairRecord.parse(((NSData) m.plist().objectForKey("PairRecordData")).bytes());
  }

  @Test
  void listDevicesReplyAtEverySplit() throws Exception {
    byte[] bytes = fixture("usbmuxlistdevicemessage.bin");
    SplitReads.atEverySplit(bytes, (in, split) -> {
      UsbmuxMessage m = new UsbmuxCodec.Reader(in, 1 << 16).read();
      NSDictionary entry = (NSDictionary) ((com.dd.plist.NSArray) m.plist().objectForKey("DeviceList"))
          .objectAtIndex(0);
      UsbmuxDevice d = UsbmuxDevice.fromProperties((NSDictionary) entry.objectForKey("Properties"));
      assertEquals(1, d.deviceId());
      assertEquals("63c3d055c4f83e960e5980fa68be0fbf7d4ba74c", d.udid());
      assertEquals(4776, d.productId());
      assertEquals(339881984L, d.locationId());
      assertTrue(d.isUsb());
    });
  }

  @Test
  void connectResultThenLockdownReplyOnOneStreamAtEverySplit() throws Exception {
    // After Connect's Result the same socket carries lockdown's framing: both codecs read one stream in turn.
    byte[] bytes = fixture("usbmuxconnectandlockdown.bin");
    SplitReads.atEverySplit(bytes, (in, split) -> {
      UsbmuxMessage result = new UsbmuxCodec.Reader(in, 1 << 16).read();
      assertEquals("Result", result.messageType());
      assertEquals(1, result.tag());
      LockdownCodec.Reader lockdown = new LockdownCodec.Reader(in, 1 << 16, "lockdown");
      NSDictionary reply = lockdown.read();
      assertEquals("GetValue", reply.objectForKey("Request").toJavaObject());
      assertEquals("TimeIntervalSince1970", reply.objectForKey("Key").toJavaObject());
      assertEquals(1561317733.062099, ((Number) reply.objectForKey("Value").toJavaObject()).doubleValue());
      assertNull(lockdown.read());
    });
  }

  @Test
  void lockdownRepliesAtEverySplit() throws Exception {
    for (String name : List.of("lockdownquerytypemessage.bin", "lockdowngetvaluemessage.bin",
        "lockdowngettimemessage.bin")) {
      byte[] bytes = fixture(name);
      SplitReads.atEverySplit(bytes, (in, split) -> {
        LockdownCodec.Reader reader = new LockdownCodec.Reader(in, 1 << 16, "lockdown");
        NSDictionary reply = reader.read();
        assertTrue(reply.containsKey("Request"), name);
        assertEquals(bytes.length, reader.offset());
      });
    }
    NSDictionary version = new LockdownCodec.Reader(
        new ByteArrayInputStream(fixture("lockdowngetvaluemessage.bin")), 1 << 16, "lockdown").read();
    assertEquals("12.3.1", version.objectForKey("Value").toJavaObject());
  }

  @Test
  void realPairRecordParsesWithItsSha1EmptyNameCertificates() throws Exception {
    PairRecord record = realRecord();
    assertEquals("3B32AC55-3638-838A-2BBD-77B5E60E3913", record.hostId());
    assertEquals("97A08585-B8BC-4001-8D34-D692E9B8EBE0", record.systemBuid());
    assertEquals("dc:08:0f:49:f6:4c", record.wifiMacAddress());
    assertEquals(32, record.escrowBag().length);
    for (byte[] pem : List.of(record.hostCertificate(), record.rootCertificate(), record.deviceCertificate())) {
      X509CertificateHolder cert = new X509CertificateHolder(TlsIdentity.certificatesFromPem(pem).get(0));
      assertEquals(0, cert.getSubject().getRDNs().length, "empty subject");
      assertEquals(0, cert.getIssuer().getRDNs().length, "empty issuer");
      assertEquals("1.2.840.113549.1.1.5", cert.getSignatureAlgorithm().getAlgorithm().getId(), "sha1WithRSA");
    }
    TlsIdentity host = record.hostIdentity(); // PKCS#8 "PRIVATE KEY"
    assertTrue(host.privateKey().isPrivate());
    // Round trip through our writer.
    assertEquals(record, PairRecord.parse(record.toBytes()));
  }

  @Test
  void realSha1HostCertificateCarriesATlsSession() throws Exception {
    PairRecord record = realRecord();
    PairRecordGenerator.MockPairing device = LockdownTestSupport.sha256();
    for (boolean tls13 : new boolean[] {false, true}) {
      DtxTransport.Pair pair = DtxTransport.memoryPair();
      TlsOptions options = TlsOptions.DEFAULT.withTls13(tls13);
      CompletableFuture<String> server = CompletableFuture.supplyAsync(() -> {
        try (DtxTransport tls = DeviceTls.server(pair.b(), device.deviceIdentity(), TlsMode.KEEP,
            options.withExpectedPeerCertificate(PairRecordGenerator.der(record.hostCertificate())), "server")) {
          return new String(tls.input().readNBytes(5), StandardCharsets.US_ASCII);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      try (DtxTransport tls = DeviceTls.client(pair.a(), record.hostIdentity(), TlsMode.KEEP, options, "client")) {
        tls.output().write("hello".getBytes(StandardCharsets.US_ASCII));
        tls.output().flush();
        assertEquals("hello", server.get(20, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void clientAgainstARecordedUsbmuxd() throws Exception {
    // A usbmuxd that answers with the recorded bytes (tag 1, as our first request carries).
    byte[] listReply = fixture("usbmuxlistdevicemessage2.bin");
    try (ServerSocketChannel server = ServerSocketChannel.open()
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      CompletableFuture<byte[]> request = CompletableFuture.supplyAsync(() -> {
        try (SocketChannel c = server.accept()) {
          UsbmuxMessage m = new UsbmuxCodec.Reader(java.nio.channels.Channels.newInputStream(c), 1 << 16).read();
          c.write(ByteBuffer.wrap(listReply));
          return UsbmuxCodec.encode(m);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      UsbmuxClient client = UsbmuxClient.create(
          UsbmuxAddress.tcp("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort()),
          UsbmuxClient.Options.DEFAULT);
      List<UsbmuxDevice> devices = client.devices();
      assertEquals(1, devices.size());
      assertEquals("63c3d055c4f83e960e5980fa68be0fbf7d4ba74c", devices.get(0).udid());
      UsbmuxMessage sent = new UsbmuxCodec.Reader(new ByteArrayInputStream(request.get(10, TimeUnit.SECONDS)),
          1 << 16).read();
      assertEquals("ListDevices", sent.messageType());
      assertEquals(3L, ((Number) sent.plist().objectForKey("kLibUSBMuxVersion").toJavaObject()).longValue());
      assertEquals(Optional.of("dtxkit-usbmux"),
          Optional.ofNullable(sent.plist().objectForKey("ClientVersionString")).map(o -> o.toJavaObject()));
    }
  }

  @Test
  void recordedConnectRequestDecodes() throws IOException {
    UsbmuxMessage m = new UsbmuxCodec.Reader(new ByteArrayInputStream(fixture("usbmuxconnectmessage.bin")), 1 << 16)
        .read();
    assertEquals("Result", m.messageType());
    assertArrayEquals(fixture("usbmuxconnectmessage.bin"), java.util.Arrays.copyOf(
        fixture("usbmuxconnectandlockdown.bin"), 294), "the recorded Connect result opens the recorded stream");
  }
}
