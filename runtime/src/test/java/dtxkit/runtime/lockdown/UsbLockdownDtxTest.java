package dtxkit.runtime.lockdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.tls.DeviceTls;
import dtxkit.runtime.tls.TlsOptions;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.runtime.usbmux.UsbmuxDeviceTable;
import dtxkit.runtime.usbmux.UsbmuxServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole cable path in one process, as a mock device wires it: usbmuxd ({@link UsbmuxServer}) lists a device whose
 * port 62078 is a {@link LockdownServer}; the client reads the pair record from usbmuxd, starts a TLS session, starts
 * the Instruments service of iOS 14-16 (TLS kept) and of iOS 13 (handshake, then plain), connects to it through
 * usbmuxd and runs a {@link DtxConnection} (the capabilities handshake) over it; syslog_relay is plain.
 */
@Timeout(180)
class UsbLockdownDtxTest {

  static final String UDID = "00008110-001A2B3C4D5E801E";
  static final String SECURE = "com.apple.instruments.remoteserver.DVTSecureSocketProxy";
  static final String OLD = "com.apple.instruments.remoteserver";
  static final String SYSLOG = "com.apple.syslog_relay";

  @Test
  void usbmuxLockdownTlsAndDtxBothInstrumentsModes(@TempDir Path dir) throws Exception {
    PairRecordGenerator.MockPairing pairing = LockdownTestSupport.sha256();
    Map<String, ServiceInfo> services = Map.of(
        SECURE, new ServiceInfo(SECURE, 50001, true),
        OLD, new ServiceInfo(OLD, 50002, true),
        SYSLOG, new ServiceInfo(SYSLOG, 50003, false));
    LockdownServer lockdown = LockdownServer.builder()
        .values(Map.<String, NSObject>of("ProductVersion", new NSString("15.8"), "UniqueDeviceID",
            new NSString(UDID)))
        .deviceKeys(pairing.deviceKeys())
        .services((service, request) -> {
          ServiceInfo info = services.get(service);
          if (info == null) {
            throw new LockdownException.InvalidServiceException("StartService " + service);
          }
          return info;
        })
        .build();
    lockdown.pairings().add(pairing.record());
    List<DtxConnection> deviceSide = new CopyOnWriteArrayList<>();
    UsbmuxDevice device = UsbmuxDevice.usb(5, UDID, 0x12A8);
    UsbmuxDeviceTable table = new UsbmuxDeviceTable() {
      @Override
      public List<UsbmuxDevice> devices() {
        return List.of(device);
      }

      @Override
      public Optional<byte[]> pairRecord(String udid) {
        return udid.equals(UDID) ? Optional.of(pairing.record().toBytes()) : Optional.empty();
      }

      @Override
      public String systemBuid() {
        return LockdownTestSupport.BUID;
      }

      @Override
      public PortHandler connect(UsbmuxDevice d, int port) {
        if (port == UsbmuxClient.LOCKDOWN_PORT) {
          return lockdown::serve;
        }
        for (ServiceInfo info : services.values()) {
          if (info.port() == port) {
            return stream -> {
              if (info.name().equals(SYSLOG)) {
                try (stream) {
                  stream.output().write("Dec  6 05:00:00 mock kernel[0] <Notice>: hello\n\0"
                      .getBytes(StandardCharsets.UTF_8));
                  stream.output().flush();
                }
                return;
              }
              TlsOptions tls = TlsOptions.DEFAULT.withExpectedPeerCertificate(
                  PairRecordGenerator.der(pairing.record().hostCertificate()));
              DtxTransport serviceStream = DeviceTls.server(stream, pairing.deviceIdentity(), info.tlsMode(), tls,
                  "mock " + info.name() + " TLS handshake");
              deviceSide.add(DtxConnection.builder(serviceStream).name("mock " + info.name()).connect());
            };
          }
        }
        return null;
      }
    };
    try (UsbmuxServer usbmuxd = UsbmuxServer.builder().deviceTable(table).unixSocket(dir.resolve("usbmuxd"))
        .start()) {
      UsbmuxClient usbmux = UsbmuxClient.create(usbmuxd.address(),
          UsbmuxClient.Options.DEFAULT.withTimeout(Duration.ofSeconds(10)));
      UsbmuxDevice found = usbmux.device(UDID).orElseThrow();
      PairRecord record = new PairRecordStore(List.of(dir.resolve("none"))).require(usbmux, UDID);
      assertEquals(pairing.record(), record);
      try (LockdownClient client = LockdownClient.connect(usbmux, found, LockdownClient.Options.DEFAULT)) {
        assertEquals("15.8", client.getString(null, "ProductVersion"));
        client.startSession(record);
        for (String service : List.of(SECURE, OLD)) {
          DtxTransport stream = client.openService(usbmux, found, service, record);
          try (DtxConnection dtx = DtxConnection.builder(stream).name(service)
              .handshakeTimeout(Duration.ofSeconds(10)).connect()) {
            assertTrue(dtx.peerCapabilitiesFuture().get(10, java.util.concurrent.TimeUnit.SECONDS).containsKey("com.apple.private.DTXConnection"),
                dtx.peerCapabilities().toString());
          }
        }
        try (DtxTransport syslog = client.openService(usbmux, found, SYSLOG, record)) {
          String line = new String(syslog.input().readAllBytes(), StandardCharsets.UTF_8);
          assertTrue(line.contains("<Notice>: hello"), line);
        }
        assertThrows(LockdownException.InvalidServiceException.class,
            () -> client.startService("com.apple.mobile.notification_proxy", null));
      }
      // The device side's connect() returns once it has the client's capabilities, which can be after the client
      // closed: wait (bounded) for both to have been added.
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (deviceSide.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(2, deviceSide.size());
      for (DtxConnection c : deviceSide) {
        c.close();
      }
      assertEquals(0, usbmuxd.failedConnections());
    }
  }

  @Test
  void noPairRecordAnywhereSaysPair(@TempDir Path dir) throws IOException {
    PairRecordStore store = new PairRecordStore(List.of(dir));
    LockdownException.NotPairedException e = assertThrows(LockdownException.NotPairedException.class,
        () -> store.require(null, UDID));
    assertTrue(e.getMessage().contains("pair the device (dtxkit pair) and tap Trust"), e.getMessage());
    PairRecord record = LockdownTestSupport.sha1().record();
    Path saved = PairRecordStore.save(dir, UDID, record);
    assertEquals(dir.resolve(UDID + ".plist"), saved);
    assertEquals(record, store.require(null, UDID));
    assertThrows(IllegalArgumentException.class, () -> store.find("../etc/passwd"));
  }
}
