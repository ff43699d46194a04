package dtxkit.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.PairRecordGenerator;
import dtxkit.runtime.stream.ChannelTransport;
import dtxkit.runtime.testing.TestPairings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeviceTls} against OpenSSL's {@code s_server} and {@code s_client} (the {@code openssl} command must be
 * installed), with pair-record certificates (empty subject and issuer names), SHA-256 and SHA-1 signed, TLS 1.2 and
 * 1.3, both modes.
 */
@Timeout(180)
class DeviceTlsOpensslTest {

  private final List<Process> processes = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** PEM files of a pairing: the device's certificate and key (server), the host's (client). */
  record Files4(Path deviceCert, Path deviceKey, Path hostCert, Path hostKey, PairRecordGenerator.MockPairing p) {}

  private Files4 files(PairRecordGenerator.MockPairing pairing, String name) throws IOException {
    Path dc = dir.resolve(name + "-device.pem");
    Path dk = dir.resolve(name + "-device.key");
    Path hc = dir.resolve(name + "-host.pem");
    Path hk = dir.resolve(name + "-host.key");
    Files.write(dc, pairing.record().deviceCertificate());
    Files.write(dk, pairing.deviceKeys().privateKeyPem());
    Files.write(hc, pairing.record().hostCertificate());
    Files.write(hk, pairing.record().hostPrivateKey());
    return new Files4(dc, dk, hc, hk, pairing);
  }

  private Process start(List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException("cannot run openssl (install it: apt-get install openssl): " + e.getMessage(), e);
    }
    processes.add(p);
    return p;
  }

  /** Starts {@code s_server -rev} (echoes lines reversed); returns its TCP port. */
  private int sServer(Files4 f, String version, List<String> extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:0",
        "-cert", f.deviceCert().toString(), "-key", f.deviceKey().toString(), "-rev", "-naccept", "1",
        "-verify", "1", "-cipher", "DEFAULT@SECLEVEL=0", version));
    cmd.addAll(extra);
    Process p = start(cmd);
    return readAcceptPort(p);
  }

  private static int readAcceptPort(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
      try {
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
          seen.append(line).append('\n');
          if (line.startsWith("ACCEPT")) {
            return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
          }
        }
        throw new IllegalStateException("s_server ended without ACCEPT:\n" + seen);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    return port.get(20, TimeUnit.SECONDS);
  }

  private static String exchangeLine(DtxTransport tls, String line) throws IOException {
    OutputStream out = tls.output();
    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder reply = new StringBuilder();
    int c;
    while ((c = tls.input().read()) >= 0 && c != '\n') {
      reply.append((char) c);
    }
    return reply.toString();
  }

  private void clientAgainstSServer(PairRecordGenerator.MockPairing pairing, String name, String version)
      throws Exception {
    Files4 f = files(pairing, name);
    int port = sServer(f, version, List.of());
    DtxTransport raw = ChannelTransport.connect(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(10),
        "connect to s_server");
    TlsOptions options = TlsOptions.DEFAULT.withTls13(!version.equals("-tls1_2"))
        .withExpectedPeerCertificate(PairRecordGenerator.der(pairing.record().deviceCertificate()));
    try (DtxTransport tls = DeviceTls.client(raw, pairing.record().hostIdentity(), TlsMode.KEEP, options,
        "test TLS handshake")) {
      assertNotSame(raw, tls);
      assertEquals("olleh", exchangeLine(tls, "hello"));
      assertEquals("2 enil", exchangeLine(tls, "line 2"));
    }
  }

  @Test
  void keepModeAgainstSServerTls13EmptyNames() throws Exception {
    clientAgainstSServer(TestPairings.sha256(), "a",
        "-tls1_3");
  }

  @Test
  void keepModeAgainstSServerTls12Sha1Certificates() throws Exception {
    PairRecordGenerator.MockPairing sha1 = TestPairings.sha1();
    clientAgainstSServer(sha1, "b", "-tls1_2");
  }

  @Test
  void handshakeOnlyModeAgainstSServer() throws Exception {
    PairRecordGenerator.MockPairing pairing =
        TestPairings.sha1();
    Files4 f = files(pairing, "c");
    int port = sServer(f, "-tls1_2", List.of());
    DtxTransport raw = ChannelTransport.connect(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(10),
        "connect to s_server");
    DtxTransport after = DeviceTls.client(raw, pairing.record().hostIdentity(), TlsMode.HANDSHAKE_ONLY,
        TlsOptions.DEFAULT.withExpectedPeerCertificate(PairRecordGenerator.der(pairing.record().deviceCertificate())),
        "test TLS handshake");
    try (after) {
      // The TLS 1.2 handshake completed (OpenSSL's Finished verified, its certificate pinned); from here the bytes go
      // plain on the same socket, as an iOS 13 remoteserver expects.
      assertSame(raw, after);
      after.output().write("plain bytes\n".getBytes(StandardCharsets.US_ASCII));
      after.output().flush();
    }
  }

  private void sClientAgainstServer(PairRecordGenerator.MockPairing pairing, String name, String version)
      throws Exception {
    Files4 f = files(pairing, name);
    try (ServerSocketChannel listener = ServerSocketChannel.open()
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
      Process client = start(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
          "-cert", f.hostCert().toString(), "-key", f.hostKey().toString(), "-quiet",
          "-cipher", "DEFAULT@SECLEVEL=0", version));
      SocketChannel accepted = listener.accept();
      DtxTransport raw = new ChannelTransport(accepted, "s_client");
      TlsOptions options = TlsOptions.DEFAULT.withExpectedPeerCertificate(
          PairRecordGenerator.der(pairing.record().hostCertificate()));
      try (DtxTransport tls = DeviceTls.server(raw, pairing.deviceIdentity(), TlsMode.KEEP, options,
          "test server TLS handshake")) {
        client.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = tls.input().read()) >= 0 && c != '\n') {
          line.append((char) c);
        }
        assertEquals("ping", line.toString());
        tls.output().write("pong\n".getBytes(StandardCharsets.US_ASCII));
        tls.output().flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(),
            StandardCharsets.UTF_8));
        String got;
        while ((got = out.readLine()) != null && !got.equals("pong")) {
          // s_client's -quiet still prints verification notes; skip them
        }
        if (got == null) {
          fail("s_client ended without printing pong");
        }
      }
    }
  }

  @Test
  void serverSideAgainstSClientTls13() throws Exception {
    sClientAgainstServer(TestPairings.sha256(), "d",
        "-tls1_3");
  }

  @Test
  void serverSideAgainstSClientTls12Sha1() throws Exception {
    sClientAgainstServer(TestPairings.sha1(), "e",
        "-tls1_2");
  }
}
