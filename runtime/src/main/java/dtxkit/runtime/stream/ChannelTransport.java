package dtxkit.runtime.stream;

import dtxkit.runtime.DtxTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link DtxTransport} over a connected, blocking {@link SocketChannel}, TCP or Unix-domain (JDK 16+, no native
 * library).
 *
 * <p>Full duplex: {@link #input()} and {@link #output()} call {@link SocketChannel#read} and {@link SocketChannel#write}
 * directly, so one thread may block in a read while another writes. (A Unix-domain channel has no {@code socket()}
 * adaptor, and {@code Channels.newInputStream}/{@code newOutputStream} on one channel serialise on the channel's
 * blocking lock, so a write would wait for a pending read to return.) {@link #close()} from any thread unblocks a
 * pending read, which then ends with an {@link java.nio.channels.AsynchronousCloseException}.
 *
 * <p>The channel has no read timeout; bound blocking steps with {@link StepTimer}.
 */
public final class ChannelTransport implements DtxTransport {

  private final SocketChannel channel;
  private final String description;
  private final InputStream input;
  private final OutputStream output;

  /**
   * Wraps a connected blocking channel; closing the transport closes the channel.
   *
   * @param channel a connected channel in blocking mode
   * @param description for logs and messages, e.g. {@code "usbmuxd /var/run/usbmuxd"}
   */
  public ChannelTransport(SocketChannel channel, String description) {
    this.channel = Objects.requireNonNull(channel, "channel");
    if (!channel.isBlocking()) {
      throw new IllegalArgumentException("the channel must be in blocking mode");
    }
    this.description = Objects.requireNonNull(description, "description");
    this.input = new ChannelInput();
    this.output = new ChannelOutput();
  }

  /**
   * Connects to a TCP ({@link InetSocketAddress}) or Unix-domain ({@link UnixDomainSocketAddress}) address.
   *
   * @param address where to connect
   * @param timeout how long connecting may take (zero: no limit)
   * @param step the step's name for errors, e.g. {@code "connect to usbmuxd"}
   * @return the connected transport (TCP_NODELAY set for TCP)
   * @throws IOException when connecting fails, naming the step and the address; a {@link StepTimeoutException} when
   *     it timed out
   */
  public static ChannelTransport connect(SocketAddress address, Duration timeout, String step) throws IOException {
    Objects.requireNonNull(address, "address");
    SocketChannel channel = address instanceof UnixDomainSocketAddress
        ? SocketChannel.open(StandardProtocolFamily.UNIX)
        : SocketChannel.open();
    try (StepTimer.Step timer = StepTimer.start(step, timeout, channel)) {
      try {
        channel.connect(address);
        if (address instanceof InetSocketAddress) {
          channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
      } catch (IOException e) {
        IOException failure = timer.failure(e);
        if (failure == e) {
          failure = new IOException(step + ": cannot connect to " + describe(address) + ": " + e, e);
        }
        throw failure;
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return new ChannelTransport(channel, describe(address));
  }

  /** {@code unix:/path} or {@code tcp host:port}. */
  static String describe(SocketAddress address) {
    if (address instanceof UnixDomainSocketAddress unix) {
      return "unix:" + unix.getPath();
    }
    return "tcp " + address;
  }

  /** The underlying channel. */
  public SocketChannel channel() {
    return channel;
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public void close() throws IOException {
    if (channel.isOpen()) {
      try {
        // FIN after everything written, as SocketTransport does: what we wrote reaches the peer.
        channel.shutdownOutput();
      } catch (IOException | RuntimeException e) {
        // Already broken or shut down: close() below is all there is to do.
      }
    }
    channel.close();
  }

  @Override
  public String description() {
    return description;
  }

  private final class ChannelInput extends InputStream {
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
      int n = channel.read(ByteBuffer.wrap(b, off, len));
      return n;
    }

    @Override
    public void close() throws IOException {
      ChannelTransport.this.close();
    }
  }

  private final class ChannelOutput extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }

    @Override
    public void close() throws IOException {
      ChannelTransport.this.close();
    }
  }
}
