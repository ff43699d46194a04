package dtxkit.services.lockdown;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * A client of {@value #SERVICE} (Apple File Conduit, the media area {@code /private/var/mobile/Media}): what an
 * install needs, making a directory and uploading a file (to {@code PublicStaging}). Not thread-safe.
 */
public final class AfcClient implements Closeable {
  /** The lockdown service name. */
  public static final String SERVICE = "com.apple.afc";
  /** The largest reply accepted. */
  public static final int MAX_PACKET = 16 << 20;
  /** The size of each write. */
  public static final int CHUNK = 64 * 1024;

  private final ServiceConnection connection;
  private long next;
  private long offset;

  /**
   * @param connection the service's stream (from lockdown {@code StartService}); closing the client closes it
   */
  public AfcClient(ServiceConnection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
  }

  /**
   * Makes a directory (and its parents); fine when it exists.
   *
   * @param path e.g. {@code PublicStaging}
   * @throws AfcException the device refused
   * @throws IOException the stream failed
   */
  public void makeDirectory(String path) throws IOException {
    status("MakeDir " + path, call(AfcPacket.MAKE_DIR, path(path), new byte[0]));
  }

  /**
   * Uploads a file, replacing any file of that path.
   *
   * @param path e.g. {@code PublicStaging/MyApp.ipa}
   * @param content the bytes, read once
   * @param size how many
   * @param progress told of the bytes sent so far, after each chunk
   * @throws AfcException the device refused
   * @throws IOException the stream failed, or {@code content} ended early
   */
  public void upload(String path, InputStream content, long size, LongConsumer progress) throws IOException {
    AfcPacket opened = call(AfcPacket.FILE_OPEN, concat(AfcPacket.u64(AfcPacket.MODE_WRITE), path(path)),
        new byte[0]);
    if (opened.operation() != AfcPacket.FILE_OPEN_RESULT) {
      status("FileOpen " + path, opened);
      throw new AfcException("FileOpen " + path, -1, "no handle in the reply");
    }
    long handle = opened.headerLong(0);
    try {
      byte[] buffer = new byte[CHUNK];
      long sent = 0;
      while (sent < size) {
        int n = content.readNBytes(buffer, 0, (int) Math.min(buffer.length, size - sent));
        if (n == 0) {
          throw new IOException("the file ended after " + sent + " of " + size + " bytes");
        }
        byte[] chunk = n == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, n);
        status("FileWrite " + path, call(AfcPacket.FILE_WRITE, AfcPacket.u64(handle), chunk));
        sent += n;
        progress.accept(sent);
      }
    } finally {
      status("FileClose " + path, call(AfcPacket.FILE_CLOSE, AfcPacket.u64(handle), new byte[0]));
    }
  }

  private AfcPacket call(long operation, byte[] header, byte[] data) throws IOException {
    long number = next++;
    new AfcPacket(number, operation, header, data).write(connection.output());
    AfcPacket reply = AfcPacket.read(connection.input(), MAX_PACKET, offset);
    if (reply == null) {
      throw new java.io.EOFException("AFC: the device closed the stream before answering packet " + number);
    }
    offset += AfcPacket.HEADER_SIZE + reply.header().length + reply.data().length;
    if (reply.number() != number) {
      throw new dtxkit.runtime.DtxProtocolException("AFC packet number", Long.toString(number),
          Long.toString(reply.number()), offset);
    }
    return reply;
  }

  private static void status(String what, AfcPacket reply) throws IOException {
    if (reply.operation() != AfcPacket.STATUS) {
      throw new dtxkit.runtime.DtxProtocolException("AFC reply operation", "STATUS (1)",
          Long.toString(reply.operation()), dtxkit.runtime.DtxProtocolException.UNKNOWN_OFFSET);
    }
    long code = reply.headerLong(0);
    if (code != AfcPacket.OK) {
      throw new AfcException(what, code, null);
    }
  }

  private static byte[] path(String path) {
    return (path + "\0").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** An AFC operation the device refused. */
  public static final class AfcException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long code;

    /**
     * @param what the operation and path
     * @param code the AFC status code
     * @param detail more, or null
     */
    public AfcException(String what, long code, String detail) {
      super("AFC " + what + " failed" + (code >= 0 ? ": status " + code + " (" + name(code) + ")" : "")
          + (detail == null ? "" : ": " + detail));
      this.code = code;
    }

    /** The AFC status code, e.g. 8 (object not found). */
    public long code() {
      return code;
    }

    static String name(long code) {
      return switch ((int) code) {
        case 7 -> "invalid argument";
        case 8 -> "object not found";
        case 9 -> "object is a directory";
        case 10 -> "permission denied";
        case 15 -> "unsupported";
        case 16 -> "object exists";
        case 18 -> "no space left";
        default -> "error " + code;
      };
    }
  }

  /** Closes the stream. */
  @Override
  public void close() {
    connection.close();
  }
}
