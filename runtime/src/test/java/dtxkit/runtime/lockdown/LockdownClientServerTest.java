package dtxkit.runtime.lockdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.stream.StepTimeoutException;
import dtxkit.runtime.tls.TlsHandshakeException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LockdownClient} against {@link LockdownServer} in one process, over an in-memory stream. */
@Timeout(180)
class LockdownClientServerTest {

  /**
   * A minute for each step, on both sides: the pairing tests generate RSA keys between two requests, which took over
   * the 10 s these once allowed on a 2-core machine at a load average of 40 (the server's read timed out and closed
   * the pipe: "pipe closed" on the client's next write). No test here is about those timeouts.
   */
  static final LockdownClient.Options OPTIONS = LockdownClient.Options.DEFAULT.withTimeout(Duration.ofSeconds(60));

  static final Map<String, NSObject> VALUES = Map.of(
      "ProductVersion", new NSString("15.8"),
      "ProductType", new NSString("iPhone14,2"),
      "UniqueDeviceID", new NSString("00008110-001A2B3C4D5E801E"),
      "DeviceName", new NSString("dtxkit mock"),
      "WiFiAddress", new NSString("aa:bb:cc:dd:ee:ff"));

  static LockdownServer server(PairRecordGenerator.MockPairing pairing, int prompts) {
    LockdownServer server = LockdownServer.builder()
        .values(VALUES)
        .deviceKeys(pairing.deviceKeys())
        .pairingDialogPrompts(prompts)
        .timeout(Duration.ofSeconds(60))
        .services((service, request) -> {
          switch (service) {
            case "com.apple.instruments.remoteserver.DVTSecureSocketProxy":
              return new ServiceInfo(service, 50001, true);
            case "com.apple.syslog_relay":
              return new ServiceInfo(service, 50002, false);
            case "com.apple.locked":
              throw LockdownException.of("StartService " + service, "PasswordProtected");
            default:
              throw new LockdownException.InvalidServiceException("StartService " + service);
          }
        })
        .build();
    server.pairings().add(pairing.record());
    return server;
  }

  /** Runs the server on the B end; returns the A end for the client, and the server's outcome. */
  static final class Running {
    final DtxTransport client;
    final CompletableFuture<Void> served;

    Running(LockdownServer server) {
      DtxTransport.Pair pair = DtxTransport.memoryPair();
      client = pair.a();
      served = CompletableFuture.runAsync(() -> {
        try {
          server.serve(pair.b());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
  }

  @Test
  void sessionWithTlsThenServicesThenStop() throws Exception {
    PairRecordGenerator.MockPairing pairing = LockdownTestSupport.sha256();
    LockdownServer server = server(pairing, 0);
    Running running = new Running(server);
    try (LockdownClient lockdown = LockdownClient.open(running.client, OPTIONS)) {
      assertEquals("com.apple.mobile.lockdown", lockdown.queryType());
      assertEquals("15.8", lockdown.getString(null, "ProductVersion"));
      assertNull(lockdown.getValue("com.apple.other", "X"), "MissingValue is no value");
      NSObject all = lockdown.getValue(null, null);
      assertEquals("iPhone14,2", ((NSDictionary) all).objectForKey("ProductType").toJavaObject());

      String session = lockdown.startSession(pairing.record());
      assertNotNull(session);
      assertEquals(session, lockdown.sessionId());
      // Now inside TLS.
      assertEquals("iPhone14,2", lockdown.getString(null, "ProductType"));
      ServiceInfo proxy = lockdown.startService("com.apple.instruments.remoteserver.DVTSecureSocketProxy",
          pairing.record().escrowBag());
      assertEquals(50001, proxy.port());
      assertTrue(proxy.ssl());
      assertEquals(dtxkit.runtime.tls.TlsMode.KEEP, proxy.tlsMode());
      ServiceInfo syslog = lockdown.startService("com.apple.syslog_relay", null);
      assertEquals(50002, syslog.port());
      assertTrue(!syslog.ssl());
      LockdownException.InvalidServiceException invalid = assertThrows(
          LockdownException.InvalidServiceException.class,
          () -> lockdown.startService("com.apple.instruments.remoteserver", null));
      assertTrue(invalid.getMessage().contains("mount the developer disk image"), invalid.getMessage());
      LockdownException.PasswordProtectedException locked = assertThrows(
          LockdownException.PasswordProtectedException.class, () -> lockdown.startService("com.apple.locked", null));
      assertTrue(locked.getMessage().contains("unlock it"), locked.getMessage());

      lockdown.stopSession();
      assertNull(lockdown.sessionId());
      // Plain again.
      assertEquals("dtxkit mock", lockdown.getString(null, "DeviceName"));
      LockdownException noSession = assertThrows(LockdownException.class,
          () -> lockdown.startService("com.apple.syslog_relay", null));
      assertEquals("NoRunningSession", noSession.error());
    }
    running.served.get(10, TimeUnit.SECONDS);
    assertEquals(0, server.failedConnections());
  }

  @Test
  void tls12OnlyAndSha1Certificates() throws Exception {
    PairRecordGenerator.MockPairing pairing = LockdownTestSupport.sha1();
    Running running = new Running(server(pairing, 0));
    LockdownClient.Options tls12 = OPTIONS.withTls(OPTIONS.tls().withTls13(false));
    try (LockdownClient lockdown = LockdownClient.open(running.client, tls12)) {
      lockdown.startSession(pairing.record());
      assertEquals("00008110-001A2B3C4D5E801E", lockdown.getString(null, "UniqueDeviceID"));
    }
    running.served.get(10, TimeUnit.SECONDS);
  }

  @Test
  void unknownHostIdMeansPair() throws Exception {
    PairRecordGenerator.MockPairing pairing = LockdownTestSupport.sha256();
    LockdownServer server = server(pairing, 0);
    server.pairings().remove(pairing.record().hostId());
    Running running = new Running(server);
    try (LockdownClient lockdown = LockdownClient.open(running.client, OPTIONS)) {
      LockdownException.NotPairedException e = assertThrows(LockdownException.NotPairedException.class,
          () -> lockdown.startSession(pairing.record()));
      assertEquals("InvalidHostID", e.error());
      assertTrue(e.getMessage().contains("pair it (dtxkit pair) and tap Trust"), e.getMessage());
    }
  }

  @Test
  void wrongHostCertificateFailsTheHandshakeNamingTheStep() throws Exception {
    PairRecordGenerator.MockPairing pairing = LockdownTestSupport.sha256();
    PairRecord other = LockdownTestSupport.sha1().record();
    // The right HostID with another pairing's certificate and key.
    PairRecord wrong = new PairRecord(pairing.record().hostId(), pairing.record().systemBuid(),
        other.hostCertificate(), other.hostPrivateKey(), null, null, null, null, null);
    LockdownServer server = server(pairing, 0);
    Running running = new Running(server);
    // TLS 1.2: the server checks the client's certificate before its Finished, so the handshake itself fails.
    try (LockdownClient lockdown = LockdownClient.open(running.client,
        OPTIONS.withTls(OPTIONS.tls().withTls13(false)))) {
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> lockdown.startSession(wrong));
      assertEquals("lockdown StartSession TLS handshake", e.step());
      assertTrue(e.getMessage().contains("bad_certificate")
          || e.getMessage().contains("is this pair record the one the device knows"), e.getMessage());
    }
    Exception serverSide = assertThrows(Exception.class, () -> running.served.get(10, TimeUnit.SECONDS));
    assertTrue(serverSide.getMessage().contains("lockdown server StartSession TLS handshake: the client presented"
        + " a certificate that is not the pair record's"), serverSide.getMessage());
    assertEquals(1, server.failedConnections());
  }

  @Test
  void wrongHostCertificateUnderTls13FailsAtTheFirstStepAfterIt() throws Exception {
    // In TLS 1.3 the client's handshake ends before the server has judged its certificate: the refusal arrives
    // with the first request in the session, which names itself.
    PairRecordGenerator.MockPairing pairing = LockdownTestSupport.sha256();
    PairRecord other = LockdownTestSupport.sha1().record();
    PairRecord wrong = new PairRecord(pairing.record().hostId(), pairing.record().systemBuid(),
        other.hostCertificate(), other.hostPrivateKey(), null, null, null, null, null);
    LockdownServer server = server(pairing, 0);
    Running running = new Running(server);
    try (LockdownClient lockdown = LockdownClient.open(running.client, OPTIONS)) {
      IOException e = assertThrows(IOException.class, () -> {
        lockdown.startSession(wrong);
        lockdown.getValue(null, "ProductVersion");
      });
      assertTrue(e.getMessage().startsWith("lockdown StartSession TLS handshake")
          || e.getMessage().startsWith("lockdown GetValue ProductVersion"), e.getMessage());
    }
    assertThrows(Exception.class, () -> running.served.get(10, TimeUnit.SECONDS));
    assertEquals(1, server.failedConnections());
  }

  @Test
  void pairingWaitsForTheTrustDialogThenWorks() throws Exception {
    PairRecordGenerator.MockPairing device = LockdownTestSupport.sha256();
    LockdownServer server = server(device, 2);
    server.pairings().remove(device.record().hostId());
    Running running = new Running(server);
    try (LockdownClient lockdown = LockdownClient.open(running.client, OPTIONS)) {
      PairRecord record = Pairing.pair(lockdown, LockdownTestSupport.BUID,
          Pairing.Options.DEFAULT.withDialog(Duration.ofSeconds(10), Duration.ofMillis(10)));
      assertNotNull(record.escrowBag());
      assertEquals("aa:bb:cc:dd:ee:ff", record.wifiMacAddress());
      assertEquals(LockdownTestSupport.BUID, record.systemBuid());
      // The generated record parses back, and opens a TLS session with the device's own key.
      PairRecord reparsed = PairRecord.parse(record.toBytes());
      assertEquals(record, reparsed);
      lockdown.startSession(reparsed);
      assertEquals("15.8", lockdown.getString(null, "ProductVersion"));
      Pairing.validate(lockdown, reparsed);
    }
  }

  @Test
  void trustDialogNeverAnsweredTimesOut() throws Exception {
    PairRecordGenerator.MockPairing device = LockdownTestSupport.sha256();
    Running running = new Running(server(device, Integer.MAX_VALUE));
    try (LockdownClient lockdown = LockdownClient.open(running.client, OPTIONS)) {
      LockdownException e = assertThrows(LockdownException.class, () -> Pairing.pair(lockdown,
          LockdownTestSupport.BUID, Pairing.Options.DEFAULT.withDialog(Duration.ofMillis(200),
              Duration.ofMillis(20))));
      assertEquals("PairingDialogResponsePending", e.error());
      assertTrue(e.getMessage().contains("tap Trust"), e.getMessage());
      LockdownException.NotPairedException invalid = assertThrows(LockdownException.NotPairedException.class,
          () -> Pairing.validate(lockdown, device.record().withEscrowBag(null)
              .equals(null) ? null : new PairRecord("UNKNOWN", "B", new byte[1], new byte[1], null, null, null, null,
              null)));
      assertEquals("InvalidHostID", invalid.error());
    }
  }

  @Test
  void silentDeviceTimesOutNamingTheStep() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    try (LockdownClient lockdown = LockdownClient.open(pair.a(),
        OPTIONS.withTimeout(Duration.ofMillis(300)))) {
      StepTimeoutException e = assertThrows(StepTimeoutException.class, lockdown::queryType);
      assertEquals("lockdown QueryType", e.step());
    } finally {
      pair.b().close();
    }
  }

  @Test
  void deviceClosingMidHandshakeIsNamed() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    CompletableFuture<Void> device = CompletableFuture.runAsync(() -> {
      try (DtxTransport b = pair.b()) {
        LockdownCodec.Reader reader = new LockdownCodec.Reader(b.input(), 1 << 16, "client");
        reader.read();
        NSDictionary reply = new NSDictionary();
        reply.put("Request", "StartSession");
        reply.put("SessionID", "S");
        reply.put("EnableSessionSSL", true);
        LockdownCodec.write(b.output(), reply);
        b.input().readNBytes(10); // part of the ClientHello, then close
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try (LockdownClient lockdown = LockdownClient.open(pair.a(), OPTIONS)) {
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
          () -> lockdown.startSession(LockdownTestSupport.sha256().record()));
      assertEquals("lockdown StartSession TLS handshake", e.step());
      assertTrue(e.getMessage().contains("closed the connection during the handshake"), e.getMessage());
    }
    device.get(10, TimeUnit.SECONDS);
  }

  @Test
  void garbageAndWrongRepliesAreProtocolErrors() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    CompletableFuture<Void> device = CompletableFuture.runAsync(() -> {
      try (DtxTransport b = pair.b()) {
        LockdownCodec.Reader reader = new LockdownCodec.Reader(b.input(), 1 << 16, "client");
        reader.read();
        NSDictionary wrong = new NSDictionary();
        wrong.put("Request", "GetValue");
        LockdownCodec.write(b.output(), wrong);
        reader.read();
        b.output().write(new byte[] {0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'});
        b.output().flush();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try (LockdownClient lockdown = LockdownClient.open(pair.a(), OPTIONS)) {
      DtxProtocolException echo = assertThrows(DtxProtocolException.class, lockdown::queryType);
      assertTrue(echo.getMessage().contains("QueryType reply Request GetValue (expected QueryType)"),
          echo.getMessage());
      DtxProtocolException garbage = assertThrows(DtxProtocolException.class, lockdown::queryType);
      assertTrue(garbage.getMessage().contains("not a property list"), garbage.getMessage());
    }
    device.get(10, TimeUnit.SECONDS);
  }

  /**
   * Issue 10 item 1: an {@link Error} while serving one connection (here a value source that cannot make the thread
   * it needs) closes that connection, is counted, reaches the caller as an {@code IOException} (one log line in its
   * loop, not an Error that ends the loop's thread), and the server serves the next connection.
   */
  @Test
  void anErrorWhileServingEndsOnlyThatConnectionAndIsCounted() throws Exception {
    PairRecordGenerator.MockPairing pairing = LockdownTestSupport.sha256();
    LockdownServer server = LockdownServer.builder()
        .values((domain, key) -> {
          if ("Boom".equals(key)) {
            throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource"
                + " limits reached");
          }
          return VALUES.get(key);
        })
        .deviceKeys(pairing.deviceKeys())
        .timeout(Duration.ofSeconds(10))
        .build();
    Running first = new Running(server);
    try (LockdownClient lockdown = LockdownClient.open(first.client, OPTIONS)) {
      assertEquals("15.8", lockdown.getString(null, "ProductVersion"));
      assertThrows(IOException.class, () -> lockdown.getValue(null, "Boom"), "the connection is closed");
    }
    java.util.concurrent.ExecutionException failure = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> first.served.get(10, TimeUnit.SECONDS));
    Throwable io = failure.getCause().getCause();
    assertTrue(io instanceof IOException, "an IOException for the caller: " + failure.getCause());
    assertTrue(io.getCause() instanceof OutOfMemoryError, "with the error as its cause: " + io);
    assertEquals(1, server.failedConnections());

    Running second = new Running(server);
    try (LockdownClient lockdown = LockdownClient.open(second.client, OPTIONS)) {
      assertEquals("iPhone14,2", lockdown.getString(null, "ProductType"));
    }
    second.served.get(10, TimeUnit.SECONDS);
    assertEquals(1, server.failedConnections());
  }
}
