package dtxkit.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A client and a server connection joined in memory or over loopback TCP; closing closes both. */
final class Loopback implements AutoCloseable {

  enum Mode {
    MEMORY,
    TCP_IPV4,
    TCP_IPV6
  }

  /** A transport the test can cut (close without the connection knowing), as a dropped cable would. */
  static final class Cuttable implements DtxTransport {
    final DtxTransport inner;

    Cuttable(DtxTransport inner) {
      this.inner = inner;
    }

    void cut() throws IOException {
      inner.close();
    }

    @Override
    public InputStream input() throws IOException {
      return inner.input();
    }

    @Override
    public OutputStream output() throws IOException {
      return inner.output();
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }

    @Override
    public String description() {
      return inner.description();
    }
  }

  final DtxConnection client;
  final DtxConnection server;
  final Cuttable clientTransport;
  final Cuttable serverTransport;

  private Loopback(DtxConnection client, DtxConnection server, Cuttable clientTransport, Cuttable serverTransport) {
    this.client = client;
    this.server = server;
    this.clientTransport = clientTransport;
    this.serverTransport = serverTransport;
  }

  static Pair transports(Mode mode) throws IOException {
    if (mode == Mode.MEMORY) {
      DtxTransport.Pair pair = DtxTransport.memoryPair();
      return new Pair(new Cuttable(pair.a()), new Cuttable(pair.b()));
    }
    InetAddress loopback = InetAddress.getByName(mode == Mode.TCP_IPV6 ? "::1" : "127.0.0.1");
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress(loopback, 0));
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
        try {
          return listener.accept();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      DtxTransport client = DtxTransport.tcp(loopback.getHostAddress(), listener.getLocalPort());
      Socket socket = accepted.join();
      return new Pair(new Cuttable(client), new Cuttable(DtxTransport.of(socket)));
    }
  }

  record Pair(Cuttable client, Cuttable server) {}

  static Loopback open(Mode mode, DtxServiceRegistry serverRegistry) throws IOException {
    return open(mode, b -> b.registry(serverRegistry), b -> {});
  }

  static Loopback open(Mode mode, Consumer<DtxConnection.Builder> serverConfig,
      Consumer<DtxConnection.Builder> clientConfig) throws IOException {
    Pair pair = transports(mode);
    DtxConnection.Builder sb = DtxConnection.builder(pair.server()).awaitPeerCapabilities(false).name("server");
    serverConfig.accept(sb);
    DtxConnection server = sb.connect();
    DtxConnection.Builder cb = DtxConnection.builder(pair.client()).name("client")
        .callTimeout(java.time.Duration.ofSeconds(20));
    clientConfig.accept(cb);
    DtxConnection client = cb.connect();
    return new Loopback(client, server, pair.client(), pair.server());
  }

  @Override
  public void close() throws Exception {
    client.close();
    server.close();
    server.closeFuture().get(10, TimeUnit.SECONDS);
  }
}
