package dtxkit.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.PairRecordGenerator;
import dtxkit.runtime.stream.StepTimeoutException;
import dtxkit.runtime.testing.TestPairings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DeviceTls} client against server in one process: both modes, full duplex, and failures named by step. */
@Timeout(180)
class DeviceTlsTest {

  static PairRecordGenerator.MockPairing pairing;

  @BeforeAll
  static void pair() throws IOException {
    pairing = TestPairings.sha256();
  }

  interface Body {
    void run(DtxTransport transport) throws Exception;
  }

  static CompletableFuture<Void> serve(DtxTransport raw, TlsMode mode, TlsOptions options, Body body) {
    return CompletableFuture.runAsync(() -> {
      try (DtxTransport tls = DeviceTls.server(raw, pairing.deviceIdentity(), mode, options, "test server")) {
        body.run(tls);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void keepModeIsFullDuplexBothWays() throws Exception {
    for (boolean tls13 : new boolean[] {true, false}) {
      DtxTransport.Pair pair = DtxTransport.memoryPair();
      byte[] big = new byte[300_000];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) (i * 31);
      }
      TlsOptions options = TlsOptions.DEFAULT.withTls13(tls13);
      CompletableFuture<Void> server = serve(pair.b(), TlsMode.KEEP,
          options.withExpectedPeerCertificate(PairRecordGenerator.der(pairing.record().hostCertificate())), tls -> {
            // Write while the client writes too; then check what it sent.
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
              try {
                tls.output().write(big);
                tls.output().flush();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
            assertArrayEquals(big, tls.input().readNBytes(big.length));
            writing.get(20, TimeUnit.SECONDS);
          });
      try (DtxTransport tls = DeviceTls.client(pair.a(), pairing.record().hostIdentity(), TlsMode.KEEP,
          options.withExpectedPeerCertificate(PairRecordGenerator.der(pairing.record().deviceCertificate())),
          "test client")) {
        assertNotSame(pair.a(), tls);
        assertTrue(tls.description().startsWith("tls "));
        CompletableFuture<byte[]> reading = CompletableFuture.supplyAsync(() -> {
          try {
            return tls.input().readNBytes(big.length);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        tls.output().write(big);
        tls.output().flush();
        assertArrayEquals(big, reading.get(20, TimeUnit.SECONDS));
        server.get(20, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void handshakeOnlyModeLeavesPlainBytesOnTheSameStream() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
      try {
        DtxTransport after = DeviceTls.server(pair.b(), pairing.deviceIdentity(), TlsMode.HANDSHAKE_ONLY,
            TlsOptions.DEFAULT, "test server");
        assertSame(pair.b(), after);
        assertEquals("plain DTX", new String(after.input().readNBytes(9), StandardCharsets.US_ASCII));
        after.output().write("plain back".getBytes(StandardCharsets.US_ASCII));
        after.output().flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    DtxTransport after = DeviceTls.client(pair.a(), pairing.record().hostIdentity(), TlsMode.HANDSHAKE_ONLY,
        TlsOptions.DEFAULT, "test client");
    assertSame(pair.a(), after);
    after.output().write("plain DTX".getBytes(StandardCharsets.US_ASCII));
    after.output().flush();
    assertEquals("plain back", new String(after.input().readNBytes(10), StandardCharsets.US_ASCII));
    server.get(20, TimeUnit.SECONDS);
    after.close();
  }

  @Test
  void wrongDeviceCertificateIsRefusedByThePinningClient() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    CompletableFuture<Void> server = serve(pair.b(), TlsMode.KEEP, TlsOptions.DEFAULT, tls -> { });
    byte[] someOtherCertificate = PairRecordGenerator.der(pairing.record().rootCertificate());
    TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> DeviceTls.client(pair.a(),
        pairing.record().hostIdentity(), TlsMode.KEEP,
        TlsOptions.DEFAULT.withExpectedPeerCertificate(someOtherCertificate), "lockdown StartSession TLS"));
    assertEquals("lockdown StartSession TLS", e.step());
    assertTrue(e.getMessage().contains("the device presented a certificate that is not the pair record's"),
        e.getMessage());
    assertThrows(Exception.class, () -> server.get(20, TimeUnit.SECONDS));
  }

  @Test
  void silentPeerTimesOutNamingTheStep() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    StepTimeoutException e = assertThrows(StepTimeoutException.class, () -> DeviceTls.client(pair.a(),
        pairing.record().hostIdentity(), TlsMode.KEEP,
        TlsOptions.DEFAULT.withHandshakeTimeout(Duration.ofMillis(300)), "service X TLS handshake"));
    assertEquals("service X TLS handshake", e.step());
    pair.b().close();
  }

  @Test
  void aPeerSpeakingNoTlsIsNamed() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
      try {
        pair.b().input().readNBytes(5);
        pair.b().output().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        pair.b().output().flush();
      } catch (IOException e) {
        // the client may close first
      }
    });
    TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> DeviceTls.client(pair.a(),
        pairing.record().hostIdentity(), TlsMode.KEEP, TlsOptions.DEFAULT, "service Y TLS handshake"));
    assertTrue(e.getMessage().startsWith("service Y TLS handshake: "), e.getMessage());
    peer.get(20, TimeUnit.SECONDS);
    pair.b().close();
  }

  @Test
  void clientClosingMidHandshakeIsNamedOnTheServer() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
      try {
        pair.a().output().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40, 0x01});
        pair.a().output().flush();
        pair.a().close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> DeviceTls.server(pair.b(),
        pairing.deviceIdentity(), TlsMode.KEEP, TlsOptions.DEFAULT, "lockdown server StartSession TLS handshake"));
    assertTrue(e.getMessage().contains("closed the connection during the handshake"), e.getMessage());
    client.get(20, TimeUnit.SECONDS);
  }
}
