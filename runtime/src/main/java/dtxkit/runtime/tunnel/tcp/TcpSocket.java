package dtxkit.runtime.tunnel.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.time.Duration;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * A connection of a {@link TcpStack} as an ordinary {@link Socket}: streams, {@code SO_TIMEOUT} on reads,
 * {@code shutdownOutput} (FIN), {@code close} (FIN, or RST when unread data is left), addresses. What the socket
 * options of a kernel socket tune is fixed here ({@code TCP_NODELAY} is always on: every write is sent at once);
 * setting them is accepted and ignored.
 *
 * <p>Made unconnected by {@link TcpStack#socketFactory()} and connected with {@link #connect(SocketAddress, int)},
 * as {@code new Socket()} is, or returned connected by {@link TcpStack#connect} and
 * {@link TcpStack.Listener#accept}.
 */
public final class TcpSocket extends Socket {
  private final TcpStack stack;
  private TcpStack.Connection connection;
  private volatile int soTimeout;
  private volatile boolean closed;
  private InputStream in;
  private OutputStream out;

  TcpSocket(TcpStack stack, TcpStack.Connection connection) throws SocketException {
    super((SocketImpl) null);
    this.stack = Objects.requireNonNull(stack, "stack");
    this.connection = connection;
  }

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    connect(endpoint, 0);
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    if (!(endpoint instanceof InetSocketAddress isa) || isa.isUnresolved()) {
      throw new IllegalArgumentException("a resolved InetSocketAddress is needed, not " + endpoint);
    }
    synchronized (this) {
      if (closed) {
        throw new SocketException("Socket is closed");
      }
      if (connection != null) {
        throw new SocketException("already connected");
      }
    }
    TcpSocket connected = stack.connect(isa.getAddress(), isa.getPort(),
        timeout > 0 ? Duration.ofMillis(timeout) : null);
    synchronized (this) {
      connection = connected.connection;
    }
  }

  private synchronized TcpStack.Connection connection() throws SocketException {
    if (connection == null) {
      throw new SocketException("Socket is not connected");
    }
    return connection;
  }

  @Override
  public synchronized InputStream getInputStream() throws IOException {
    if (closed) {
      throw new SocketException("Socket is closed");
    }
    TcpStack.Connection c = connection();
    if (in == null) {
      in = new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          Objects.checkFromIndexSize(off, len, b.length);
          if (len == 0) {
            return 0;
          }
          return c.read(b, off, len, soTimeout);
        }

        @Override
        public int available() {
          return c.available();
        }

        @Override
        public void close() {
          TcpSocket.this.close();
        }
      };
    }
    return in;
  }

  @Override
  public synchronized OutputStream getOutputStream() throws IOException {
    if (closed) {
      throw new SocketException("Socket is closed");
    }
    TcpStack.Connection c = connection();
    if (out == null) {
      out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          Objects.checkFromIndexSize(off, len, b.length);
          c.write(b, off, len);
        }

        @Override
        public void close() {
          TcpSocket.this.close();
        }
      };
    }
    return out;
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout < 0");
    }
    soTimeout = timeout;
  }

  @Override
  public int getSoTimeout() {
    return soTimeout;
  }

  @Override
  public void setTcpNoDelay(boolean on) {
    // Always on.
  }

  @Override
  public boolean getTcpNoDelay() {
    return true;
  }

  @Override
  public void setKeepAlive(boolean on) {
    // Keepalive is the stack's (TcpOptions).
  }

  @Override
  public boolean getKeepAlive() {
    return true;
  }

  @Override
  public void setSoLinger(boolean on, int linger) {
    // Ignored.
  }

  @Override
  public int getSoLinger() {
    return -1;
  }

  @Override
  public void setReceiveBufferSize(int size) {
    // Fixed by TcpOptions.
  }

  @Override
  public int getReceiveBufferSize() {
    return stack.options().receiveBuffer();
  }

  @Override
  public void setSendBufferSize(int size) {
    // Fixed by TcpOptions.
  }

  @Override
  public int getSendBufferSize() {
    return stack.options().sendBuffer();
  }

  @Override
  public InetAddress getInetAddress() {
    TcpStack.Connection c = connection;
    return c == null ? null : c.remoteAddress;
  }

  @Override
  public int getPort() {
    TcpStack.Connection c = connection;
    return c == null ? 0 : c.key.remotePort();
  }

  @Override
  public InetAddress getLocalAddress() {
    return stack.localAddress();
  }

  @Override
  public int getLocalPort() {
    TcpStack.Connection c = connection;
    return c == null ? -1 : c.key.localPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    TcpStack.Connection c = connection;
    return c == null ? null : new InetSocketAddress(c.remoteAddress, c.key.remotePort());
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    TcpStack.Connection c = connection;
    return c == null ? null : new InetSocketAddress(stack.localAddress(), c.key.localPort());
  }

  @Override
  public boolean isConnected() {
    return connection != null;
  }

  @Override
  public boolean isBound() {
    return connection != null;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean isInputShutdown() {
    TcpStack.Connection c = connection;
    return c != null && c.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    TcpStack.Connection c = connection;
    return c != null && c.isOutputShutdown();
  }

  @Override
  public void shutdownInput() throws IOException {
    connection().shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    connection().shutdownOutput();
  }

  /** Sends RST and drops the connection at once. */
  public void abort() {
    TcpStack.Connection c;
    synchronized (this) {
      closed = true;
      c = connection;
    }
    if (c != null) {
      c.lock().lock();
      try {
        c.appClosed = true;
        c.stack().abortConnection(c);
      } finally {
        c.lock().unlock();
      }
    }
  }

  @Override
  public void close() {
    TcpStack.Connection c;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      c = connection;
    }
    if (c != null) {
      c.close();
    }
  }

  @Override
  public String toString() {
    TcpStack.Connection c = connection;
    return c == null ? "TcpSocket[unconnected]" : "TcpSocket[" + c + " to [" + c.remoteAddress.getHostAddress()
        + "]:" + c.key.remotePort() + "]";
  }

  /** The stack's socket factory: unconnected sockets, or connected ones for a host and port. */
  static final class Factory extends SocketFactory {
    private final TcpStack stack;

    Factory(TcpStack stack) {
      this.stack = stack;
    }

    @Override
    public Socket createSocket() throws IOException {
      return new TcpSocket(stack, null);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return stack.connect(InetAddress.getByName(host), port, null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return stack.connect(host, port, null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return createSocket(address, port);
    }
  }
}
