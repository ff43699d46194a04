package dtxkit.runtime.usbmux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.stream.StepTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link UsbmuxClient} against {@link UsbmuxServer}, on a Unix socket and on loopback TCP, and against bad peers. */
@Timeout(30)
class UsbmuxClientServerTest {

  static final UsbmuxClient.Options FAST = UsbmuxClient.Options.DEFAULT.withTimeout(Duration.ofSeconds(5));

  /** A table with one USB and one network device; port 62078 of the USB one echoes upper-cased lines. */
  static final class Table implements UsbmuxDeviceTable {
    final List<UsbmuxDevice> devices = new CopyOnWriteArrayList<>();
    final Map<String, byte[]> records = new ConcurrentHashMap<>();

    Table() {
      devices.add(UsbmuxDevice.usb(3, "00008030-001A2B3C4D5E6F70", 0x12A8));
      NSDictionary net = new NSDictionary();
      net.put("ConnectionType", "Network");
      net.put("DeviceID", 7);
      net.put("SerialNumber", "00008030-001A2B3C4D5E6F70");
      net.put("EscapedFullServiceName", "aa:bb@fe80::1._apple-mobdev2._tcp.local.");
      net.put("InterfaceIndex", 4);
      devices.add(new UsbmuxDevice(7, "00008030-001A2B3C4D5E6F70", "Network", 0, 0, net));
      records.put("00008030-001A2B3C4D5E6F70", "<plist><dict/></plist>".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public List<UsbmuxDevice> devices() {
      return devices;
    }

    @Override
    public Optional<byte[]> pairRecord(String udid) {
      return Optional.ofNullable(records.get(udid));
    }

    @Override
    public boolean savePairRecord(String udid, byte[] record) {
      records.put(udid, record);
      return true;
    }

    @Override
    public String systemBuid() {
      return "5E8E8E39-1B4C-4B2E-9C7A-2A4A6B0C0D0E";
    }

    @Override
    public PortHandler connect(UsbmuxDevice device, int port) {
      if (device.deviceId() != 3 || port != 62078) {
        return null;
      }
      return stream -> {
        try (DtxTransport s = stream) {
          InputStream in = s.input();
          OutputStream out = s.output();
          byte[] buffer = new byte[256];
          int n;
          while ((n = in.read(buffer)) > 0) {
            out.write(new String(buffer, 0, n, StandardCharsets.US_ASCII).toUpperCase()
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
          }
        }
      };
    }
  }

  @Test
  void unixSocketAndTcpServeTheSameTable(@TempDir Path dir) throws Exception {
    Table table = new Table();
    try (UsbmuxServer server = UsbmuxServer.builder().deviceTable(table).unixSocket(dir.resolve("usbmuxd"))
        .loopbackTcp(0).start()) {
      UsbmuxAddress unix = UsbmuxAddress.parse("unix://" + server.unixAddress());
      UsbmuxAddress tcp = UsbmuxAddress.parse("tcp://127.0.0.1:" + server.tcpAddress().getPort());
      for (UsbmuxAddress address : List.of(unix, tcp, UsbmuxAddress.parse(server.unixAddress().toString()),
          UsbmuxAddress.parse("127.0.0.1:" + server.tcpAddress().getPort()))) {
        UsbmuxClient client = UsbmuxClient.create(address, FAST);
        List<UsbmuxDevice> devices = client.devices();
        assertEquals(2, devices.size());
        assertEquals(3, devices.get(0).deviceId());
        assertTrue(devices.get(0).isUsb());
        assertEquals(0x12A8, devices.get(0).productId());
        assertTrue(devices.get(1).isNetwork());
        assertEquals(4L, ((Number) devices.get(1).property("InterfaceIndex").toJavaObject()).longValue());
        assertEquals(3, client.device("00008030-001A2B3C4D5E6F70").orElseThrow().deviceId(), "USB preferred");
        assertEquals("5E8E8E39-1B4C-4B2E-9C7A-2A4A6B0C0D0E", client.readBuid());
        assertArrayEquals(table.records.get("00008030-001A2B3C4D5E6F70"),
            client.readPairRecord("00008030-001A2B3C4D5E6F70").orElseThrow());
        assertEquals(Optional.empty(), client.readPairRecord("unknown"));

        try (DtxTransport stream = client.connect(3, 62078)) {
          stream.output().write("hello".getBytes(StandardCharsets.US_ASCII));
          stream.output().flush();
          assertEquals("HELLO", new String(stream.input().readNBytes(5), StandardCharsets.US_ASCII));
        }
        UsbmuxResultException badDevice = assertThrows(UsbmuxResultException.class, () -> client.connect(99, 1));
        assertEquals(2, badDevice.result());
        assertTrue(badDevice.getMessage().contains("bad device"), badDevice.getMessage());
        UsbmuxResultException refused = assertThrows(UsbmuxResultException.class, () -> client.connect(3, 1234));
        assertEquals(3, refused.result());
        assertTrue(refused.getMessage().contains("device 3 port 1234"), refused.getMessage());
      }
      UsbmuxClient client = UsbmuxClient.create(unix, FAST);
      client.savePairRecord("X", 3, new byte[] {1, 2});
      assertArrayEquals(new byte[] {1, 2}, table.records.get("X"));
      assertEquals(0, server.failedConnections());
    }
  }

  /**
   * Issue 10 item 1: when no thread can be made for a client ({@code OutOfMemoryError: unable to create native
   * thread}), that client is closed and counted, and the server goes on accepting.
   */
  @Test
  void noThreadForOneClientClosesItAndTheServerGoesOn() throws Exception {
    // The first thread is the TCP accept loop's, the second would serve the first client.
    dtxkit.runtime.testing.FailingThreads threads = dtxkit.runtime.testing.FailingThreads.onCall(2);
    try (UsbmuxServer server = UsbmuxServer.builder().deviceTable(new Table()).loopbackTcp(0).threadFactory(threads)
        .start()) {
      try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), server.tcpAddress().getPort())) {
        s.setSoTimeout(10_000);
        try {
          assertEquals(-1, s.getInputStream().read(), "the client nobody can serve is closed");
        } catch (java.net.SocketException reset) {
          // Closed by the server as well.
        }
      }
      assertEquals(1, server.failedConnections());
      UsbmuxClient client = UsbmuxClient.create(server.address(), FAST);
      assertEquals(2, client.devices().size(), "the next client is served");
      assertEquals(1, server.failedConnections());
    }
  }

  @Test
  void noThreadToAcceptWithFailsTheStartAndLeavesNothingBound(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("usbmuxd");
    IOException e = assertThrows(IOException.class, () -> UsbmuxServer.builder().deviceTable(new Table())
        .unixSocket(socket).threadFactory(dtxkit.runtime.testing.FailingThreads.onCall(1)).start());
    assertTrue(e.getMessage().contains("unable to create native thread"), e.getMessage());
    assertTrue(!java.nio.file.Files.exists(socket), "the socket file is removed");
  }

  @Test
  void fullDuplexOnTheUnixStream(@TempDir Path dir) throws Exception {
    // A read blocked on the device stream must not stop a write from another thread (Channels streams would).
    try (UsbmuxServer server = UsbmuxServer.builder().deviceTable(new Table()).unixSocket(dir.resolve("m")).start()) {
      UsbmuxClient client = UsbmuxClient.create(server.address(), FAST);
      try (DtxTransport stream = client.connect(3, 62078)) {
        CompletableFuture<String> reading = CompletableFuture.supplyAsync(() -> {
          try {
            return new String(stream.input().readNBytes(4), StandardCharsets.US_ASCII);
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
        Thread.sleep(100);
        stream.output().write("ping".getBytes(StandardCharsets.US_ASCII));
        stream.output().flush();
        assertEquals("PING", reading.get(5, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void listenReportsAttachedDevicesThenChanges(@TempDir Path dir) throws Exception {
    Table table = new Table();
    try (UsbmuxServer server = UsbmuxServer.builder().deviceTable(table).unixSocket(dir.resolve("m")).start()) {
      UsbmuxClient client = UsbmuxClient.create(server.address(), FAST);
      try (UsbmuxClient.EventStream events = client.listen()) {
        UsbmuxEvent first = events.next();
        assertEquals(UsbmuxEvent.Type.ATTACHED, first.type());
        assertEquals(3, first.device().deviceId());
        assertEquals(7, events.next().deviceId());
        server.publish(UsbmuxEvent.detached(7));
        UsbmuxEvent detached = events.next();
        assertEquals(UsbmuxEvent.Type.DETACHED, detached.type());
        assertEquals(7, detached.deviceId());
        assertNull(detached.device());
        UsbmuxDevice again = UsbmuxDevice.usb(8, "other", 0x12A8);
        server.publish(UsbmuxEvent.attached(again));
        assertEquals("other", events.next().device().udid());
        CompletableFuture<UsbmuxEvent> pending = CompletableFuture.supplyAsync(() -> {
          try {
            return events.next();
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
        Thread.sleep(50);
        events.close();
        assertNull(pending.get(5, TimeUnit.SECONDS), "close() ends next() with null");
      }
    }
  }

  /** A fake usbmuxd on loopback TCP that answers every connection with {@code reply} (null: never answers). */
  static final class FakePeer implements AutoCloseable {
    final ServerSocketChannel server;
    final Thread thread;

    FakePeer(byte[] reply) throws IOException {
      server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      thread = new Thread(() -> {
        try {
          while (true) {
            SocketChannel c = server.accept();
            c.read(ByteBuffer.allocate(4096));
            if (reply != null) {
              c.write(ByteBuffer.wrap(reply));
              c.shutdownOutput();
            }
          }
        } catch (IOException e) {
          // closed
        }
      });
      thread.setDaemon(true);
      thread.start();
    }

    UsbmuxAddress address() throws IOException {
      return UsbmuxAddress.tcp("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort());
    }

    @Override
    public void close() throws IOException {
      server.close();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void garbageFromUsbmuxdIsAProtocolErrorNamingTheStep() throws Exception {
    try (FakePeer peer = new FakePeer("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
      UsbmuxClient client = UsbmuxClient.create(peer.address(), FAST);
      DtxProtocolException e = assertThrows(DtxProtocolException.class, client::devices);
      assertTrue(e.getMessage().startsWith("bad usbmuxd length") || e.getMessage().contains("usbmuxd"),
          e.getMessage());
      assertTrue(e.getMessage().contains("at offset 0"), e.getMessage());
    }
  }

  @Test
  void hugeLengthFromUsbmuxdIsRefused() throws Exception {
    byte[] huge = ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0x7FFFFFFF).putInt(1)
        .putInt(8).putInt(1).array();
    try (FakePeer peer = new FakePeer(huge)) {
      UsbmuxClient client = UsbmuxClient.create(peer.address(), FAST);
      IOException e = assertThrows(IOException.class, client::readBuid);
      assertTrue(e.getMessage().contains("usbmuxd message bytes exceeded: 2147483647 > 1048576"), e.getMessage());
    }
  }

  @Test
  void closedWithoutAnswerAndWrongReplies() throws Exception {
    try (FakePeer peer = new FakePeer(new byte[0])) {
      IOException e = assertThrows(IOException.class, UsbmuxClient.create(peer.address(), FAST)::devices);
      assertTrue(e.getMessage().contains("usbmuxd ListDevices") && e.getMessage().contains("without answering"),
          e.getMessage());
    }
    NSDictionary noList = new NSDictionary();
    noList.put("Something", "else");
    try (FakePeer peer = new FakePeer(UsbmuxCodec.encode(UsbmuxMessage.plist(1, noList)))) {
      DtxProtocolException e = assertThrows(DtxProtocolException.class,
          UsbmuxClient.create(peer.address(), FAST)::devices);
      assertTrue(e.getMessage().contains("ListDevices reply DeviceList"), e.getMessage());
    }
    try (FakePeer peer = new FakePeer(UsbmuxCodec.encode(UsbmuxMessage.plist(9, noList)))) {
      DtxProtocolException e = assertThrows(DtxProtocolException.class,
          UsbmuxClient.create(peer.address(), FAST)::readBuid);
      assertTrue(e.getMessage().contains("ReadBUID reply tag 9 (expected 1)"), e.getMessage());
    }
  }

  @Test
  void silentUsbmuxdTimesOutNamingTheStep() throws Exception {
    try (FakePeer peer = new FakePeer(null)) {
      UsbmuxClient client = UsbmuxClient.create(peer.address(), FAST.withTimeout(Duration.ofMillis(300)));
      StepTimeoutException e = assertThrows(StepTimeoutException.class, () -> client.connect(1, 62078));
      assertTrue(e.getMessage().startsWith("usbmuxd Connect at 127.0.0.1:"), e.getMessage());
      assertTrue(e.getMessage().contains("did not complete within 300 ms"), e.getMessage());
    }
  }

  @Test
  void noUsbmuxdIsAClearError(@TempDir Path dir) {
    UsbmuxClient client = UsbmuxClient.create(UsbmuxAddress.unix(dir.resolve("absent")), FAST);
    IOException e = assertThrows(IOException.class, client::devices);
    assertTrue(e.getMessage().contains("usbmuxd ListDevices: connect to " + dir.resolve("absent")), e.getMessage());
  }

  @Test
  void serverClosesMalformedClientsAndCountsThem(@TempDir Path dir) throws Exception {
    try (UsbmuxServer server = UsbmuxServer.builder().deviceTable(new Table()).unixSocket(dir.resolve("m"))
        .maxMessageBytes(1024).start()) {
      for (byte[] bad : new byte[][] {
          "garbage garbage garbage".getBytes(StandardCharsets.US_ASCII),
          ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(1 << 30).putInt(1).putInt(8)
              .putInt(1).array()}) {
        try (SocketChannel c = SocketChannel.open(java.net.UnixDomainSocketAddress.of(server.unixAddress()))) {
          c.write(ByteBuffer.wrap(bad));
          ByteBuffer in = ByteBuffer.allocate(16);
          try {
            assertEquals(-1, c.read(in), "the server closes the connection");
          } catch (IOException reset) {
            // Closed with our bytes unread: a reset is the same answer.
          }
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (server.failedConnections() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(2, server.failedConnections());
      // Still serving.
      assertEquals(2, UsbmuxClient.create(server.address(), FAST).devices().size());
      NSDictionary unknown = new NSDictionary();
      unknown.put("MessageType", "Frobnicate");
      try (SocketChannel c = SocketChannel.open(java.net.UnixDomainSocketAddress.of(server.unixAddress()))) {
        c.write(ByteBuffer.wrap(UsbmuxCodec.encode(UsbmuxMessage.plist(5, unknown))));
        UsbmuxMessage reply = new UsbmuxCodec.Reader(java.nio.channels.Channels.newInputStream(c), 4096).read();
        assertEquals(5, reply.tag());
        assertEquals(1L, ((Number) reply.plist().objectForKey("Number").toJavaObject()).longValue());
      }
    }
  }

  @Test
  void deviceFromPropertiesNamesMissingKeys() {
    NSDictionary p = new NSDictionary();
    p.put("DeviceID", 1);
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> UsbmuxDevice.fromProperties(p));
    assertTrue(e.getMessage().contains("SerialNumber"), e.getMessage());
    assertInstanceOf(DtxProtocolException.class, e);
  }
}
