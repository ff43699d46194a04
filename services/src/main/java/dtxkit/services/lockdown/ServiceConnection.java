package dtxkit.services.lockdown;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.LockdownCodec;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * One lockdown service's byte stream, as {@code StartService} hands it out: plist messages in lockdown's framing
 * ({@link LockdownCodec}: what {@code installation_proxy} and {@code mobile_image_mounter} speak), and the raw
 * streams for what is not a plist (an image upload, the syslog byte stream).
 *
 * <p>Each direction is used by one thread at a time. A read waits as long as the transport lets it (set a socket
 * read timeout, see {@link #of(java.net.Socket, java.time.Duration)}); {@link #close()} from any thread unblocks it.
 */
public final class ServiceConnection implements Closeable {
  /** The largest plist message accepted by default (a big app catalogue is a few MiB). */
  public static final int DEFAULT_MAX_MESSAGE = 32 << 20;

  private final DtxTransport transport;
  private final InputStream in;
  private final OutputStream out;
  private final LockdownCodec.Reader reader;
  private long offset;

  private ServiceConnection(DtxTransport transport, int maxMessage) throws IOException {
    this.transport = Objects.requireNonNull(transport, "transport");
    if (maxMessage < 1) {
      throw new IllegalArgumentException("maxMessage must be positive: " + maxMessage);
    }
    this.in = transport.input();
    this.out = transport.output();
    this.reader = new LockdownCodec.Reader(in, maxMessage, transport.description());
  }

  /**
   * Wraps a transport (a socket, a TLS stream, one end of {@link DtxTransport#memoryPair()}); closing the
   * connection closes it.
   *
   * @param transport the byte stream
   * @param maxMessage the largest plist message to accept, in bytes
   * @return the connection
   * @throws IOException the transport's streams cannot be had
   */
  public static ServiceConnection over(DtxTransport transport, int maxMessage) throws IOException {
    return new ServiceConnection(transport, maxMessage);
  }

  /**
   * {@link #over(DtxTransport, int)} with {@link #DEFAULT_MAX_MESSAGE}.
   *
   * @param transport the byte stream
   * @return the connection
   * @throws IOException the transport's streams cannot be had
   */
  public static ServiceConnection over(DtxTransport transport) throws IOException {
    return new ServiceConnection(transport, DEFAULT_MAX_MESSAGE);
  }

  /**
   * Wraps a connected socket, every read bounded by {@code readTimeout}.
   *
   * @param socket the socket (plain or TLS)
   * @param readTimeout the longest a read may wait
   * @return the connection
   * @throws IOException the socket cannot be configured
   */
  public static ServiceConnection of(java.net.Socket socket, java.time.Duration readTimeout) throws IOException {
    socket.setSoTimeout(Math.toIntExact(Math.max(1, readTimeout.toMillis())));
    return over(DtxTransport.of(socket));
  }

  /**
   * Sends one plist message (lockdown's framing, {@link LockdownCodec}).
   *
   * @param message the message
   * @throws IOException the stream failed
   */
  public void send(NSDictionary message) throws IOException {
    synchronized (out) {
      LockdownCodec.write(out, message);
    }
  }

  /**
   * Reads one plist message.
   *
   * @return the message
   * @throws EOFException the peer closed the stream (before or inside a message)
   * @throws DtxProtocolException the length is over the limit, or the body is not a plist dictionary
   * @throws IOException the stream failed or the read timed out
   */
  public NSDictionary receive() throws IOException {
    NSDictionary message = reader.read();
    if (message == null) {
      throw new EOFException("the peer closed the stream before a message, at offset " + reader.offset());
    }
    return message;
  }

  /**
   * Reads exactly {@code n} raw bytes (the part of a protocol that is not plist messages).
   *
   * @param n how many
   * @param what what is read, for the error message
   * @return the bytes
   * @throws EOFException the peer closed first
   * @throws IOException the stream failed
   */
  public byte[] readExactly(int n, String what) throws IOException {
    byte[] bytes = new byte[n];
    int done = 0;
    while (done < n) {
      int r = in.read(bytes, done, n - done);
      if (r < 0) {
        throw new EOFException("the peer closed the stream " + (done == 0 ? "before" : "inside") + " the " + what
            + " at offset " + (offset + done) + " (" + done + " of " + n + " bytes read)");
      }
      done += r;
    }
    offset += n;
    return bytes;
  }

  /**
   * The raw input, for byte streams (e.g. syslog); do not mix with {@link #receive()} mid-message.
   *
   * @return the input stream
   */
  public InputStream input() {
    return in;
  }

  /**
   * The raw output, for byte streams (e.g. an image upload); flush it when done.
   *
   * @return the output stream
   */
  public OutputStream output() {
    return out;
  }

  /**
   * What this connection runs over, for messages.
   *
   * @return a short description
   */
  public String description() {
    return transport.description();
  }

  /** Closes the stream; unblocks a pending read. Idempotent. */
  @Override
  public void close() {
    try {
      transport.close();
    } catch (IOException ignored) {
      // Closing: nothing to do about it.
    }
  }
}
