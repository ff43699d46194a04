package dtxkit.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * The byte stream a {@link DtxConnection} runs over: a TCP socket, a TLS socket, a tunnel stream, the RSD layer's
 * socket, or an in-memory pipe in tests. Implement this to plug in another stream.
 *
 * <p><b>Threading.</b> The connection reads {@link #input()} from one thread at a time (the reader role may pass
 * between its two reading threads, each hand-over a happens-before edge, never with a read in progress) and writes
 * {@link #output()} from one thread at a time (its writer, or a caller writing a small message while the writer is
 * idle); {@link #close()} may be called from any thread,
 * including while the reader is blocked in a read, and must unblock it (with EOF or an {@link IOException}).
 */
public interface DtxTransport extends Closeable {

  /** How long {@link #tcp(String, int)} waits for the connection: 10 s. */
  Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The stream of bytes from the peer; called once, by {@link DtxConnection.Builder#connect()}.
   *
   * @return the input stream
   * @throws IOException when the stream cannot be obtained
   */
  InputStream input() throws IOException;

  /**
   * The stream of bytes to the peer; called once. The connection buffers its writes and flushes when it has nothing
   * queued.
   *
   * @return the output stream
   * @throws IOException when the stream cannot be obtained
   */
  OutputStream output() throws IOException;

  /**
   * Closes both directions; idempotent; unblocks a pending read.
   *
   * @throws IOException when closing fails (the connection logs it and carries on)
   */
  @Override
  void close() throws IOException;

  /** A short description for logs and exception messages, e.g. {@code tcp /127.0.0.1:51234}. */
  String description();

  /**
   * Connects a TCP socket to {@code host:port}. The host may be an IPv4 or IPv6 literal, including a scoped
   * link-local address such as {@code fe80::1%en0} (the zone is kept), or a name.
   *
   * Waits at most {@link #DEFAULT_CONNECT_TIMEOUT}.
   *
   * @param host the host
   * @param port the port
   * @return the connected transport (TCP_NODELAY set)
   * @throws IOException if the connection fails ({@link java.net.SocketTimeoutException} when it takes too long)
   */
  static DtxTransport tcp(String host, int port) throws IOException {
    return tcp(host, port, DEFAULT_CONNECT_TIMEOUT);
  }

  /**
   * Connects a TCP socket to {@code host:port}, waiting at most {@code connectTimeout}.
   *
   * @param host the host, as for {@link #tcp(String, int)}
   * @param port the port
   * @param connectTimeout how long to wait for the connection
   * @return the connected transport (TCP_NODELAY set)
   * @throws IOException if the connection fails ({@link java.net.SocketTimeoutException} when it takes too long)
   */
  static DtxTransport tcp(String host, int port, Duration connectTimeout) throws IOException {
    return tcp(new InetSocketAddress(InetAddress.getByName(host), port), connectTimeout);
  }

  /**
   * Connects a TCP socket to {@code address}, waiting at most {@link #DEFAULT_CONNECT_TIMEOUT}.
   *
   * @param address the address; a scoped IPv6 address keeps its scope
   * @return the connected transport (TCP_NODELAY set)
   * @throws IOException if the connection fails
   */
  static DtxTransport tcp(InetSocketAddress address) throws IOException {
    return tcp(address, DEFAULT_CONNECT_TIMEOUT);
  }

  /**
   * Connects a TCP socket to {@code address}, waiting at most {@code connectTimeout}.
   *
   * @param address the address; a scoped IPv6 address keeps its scope
   * @param connectTimeout how long to wait for the connection (positive)
   * @return the connected transport (TCP_NODELAY set)
   * @throws IOException if the connection fails ({@link java.net.SocketTimeoutException} when it takes too long)
   */
  static DtxTransport tcp(InetSocketAddress address, Duration connectTimeout) throws IOException {
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connect timeout must be positive: " + connectTimeout);
    }
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    Socket socket = new Socket();
    try {
      socket.connect(address, millis);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return of(socket);
  }

  /**
   * Wraps a connected socket (plain or {@code javax.net.ssl.SSLSocket}); closing the transport closes the socket.
   *
   * @param socket a connected socket
   * @return the transport (TCP_NODELAY set)
   * @throws IOException if the socket options cannot be set
   */
  static DtxTransport of(Socket socket) throws IOException {
    return new SocketTransport(socket);
  }

  /**
   * Two transports joined in memory: what one writes, the other reads. For tests and for running a client against
   * a server in one process.
   *
   * @return the two ends
   */
  static Pair memoryPair() {
    MemoryPipe aToB = new MemoryPipe(1 << 20);
    MemoryPipe bToA = new MemoryPipe(1 << 20);
    return new Pair(new MemoryTransport("memory A", bToA, aToB), new MemoryTransport("memory B", aToB, bToA));
  }

  /**
   * The two ends of {@link #memoryPair()}.
   *
   * @param a one end
   * @param b the other end
   */
  record Pair(DtxTransport a, DtxTransport b) {}
}
