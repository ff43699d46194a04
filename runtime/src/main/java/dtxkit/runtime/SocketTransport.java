package dtxkit.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** A {@link DtxTransport} over a connected socket. */
final class SocketTransport implements DtxTransport {

  private final Socket socket;
  private final String description;

  SocketTransport(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    this.description = "tcp " + socket.getRemoteSocketAddress();
  }

  @Override
  public InputStream input() throws IOException {
    return socket.getInputStream();
  }

  @Override
  public OutputStream output() throws IOException {
    return socket.getOutputStream();
  }

  @Override
  public void close() throws IOException {
    if (!socket.isClosed() && !socket.isOutputShutdown()) {
      try {
        // FIN after everything written, before close(): what close() flushed reaches the peer even if the peer's
        // last bytes are still in flight towards us.
        socket.shutdownOutput();
      } catch (IOException | UnsupportedOperationException e) {
        // An SSLSocket does not support it, or the socket is already broken: close() below is all we can do.
      }
    }
    socket.close();
  }

  @Override
  public String description() {
    return description;
  }
}
