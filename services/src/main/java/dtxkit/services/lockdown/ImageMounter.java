package dtxkit.services.lockdown;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * A client of {@value #SERVICE}: which images are mounted ({@code LookupImage}), and mounting the developer disk
 * image of iOS 16 and earlier ({@code ReceiveBytes} + the upload, then {@code MountImage}). Not thread-safe.
 */
public final class ImageMounter implements Closeable {
  /** The lockdown service name. */
  public static final String SERVICE = "com.apple.mobile.mobile_image_mounter";
  /** The image type of the developer disk image. */
  public static final String DEVELOPER = "Developer";
  /** Where the device stages an image received with {@code ReceiveBytes}. */
  public static final String STAGING_PATH = "/private/var/mobile/Media/PublicStaging/staging.dimage";

  private final ServiceConnection connection;

  /**
   * @param connection the service's stream (from lockdown {@code StartService}); closing the client closes it
   */
  public ImageMounter(ServiceConnection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
  }

  /**
   * The signatures of the mounted images of a type.
   *
   * @param imageType e.g. {@value #DEVELOPER}
   * @return one signature per mounted image; empty when none is
   * @throws LockdownServiceException the device refused
   * @throws IOException the stream failed
   */
  public List<byte[]> lookup(String imageType) throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("Command", "LookupImage");
    request.put("ImageType", imageType);
    NSDictionary reply = call("LookupImage", request);
    List<byte[]> signatures = new ArrayList<>();
    if (reply.get("ImageSignature") instanceof NSArray array) {
      for (NSObject o : array.getArray()) {
        if (o instanceof NSData data) {
          signatures.add(data.bytes());
        }
      }
    } else if (reply.get("ImageSignature") instanceof NSData data) {
      signatures.add(data.bytes());
    }
    return signatures;
  }

  /**
   * Uploads an image and mounts it; does nothing when an image with this signature is mounted already.
   *
   * @param imageType e.g. {@value #DEVELOPER}
   * @param image the image's bytes, read once
   * @param size the image's size in bytes
   * @param signature the image's signature file's bytes
   * @param progress told of the bytes sent so far, after each chunk
   * @return false when it was mounted already, true when this call mounted it
   * @throws LockdownServiceException the device refused a step (the message names it)
   * @throws IOException the stream failed
   */
  public boolean mount(String imageType, InputStream image, long size, byte[] signature, LongConsumer progress)
      throws IOException {
    for (byte[] mounted : lookup(imageType)) {
      if (Arrays.equals(mounted, signature)) {
        return false;
      }
    }
    NSDictionary receive = new NSDictionary();
    receive.put("Command", "ReceiveBytes");
    receive.put("ImageType", imageType);
    receive.put("ImageSize", size);
    receive.put("ImageSignature", new NSData(signature));
    NSDictionary ack = call("ReceiveBytes", receive);
    if (!"ReceiveBytesAck".equals(InstalledApp.string(ack, "Status"))) {
      throw new LockdownServiceException(SERVICE, "ReceiveBytes", "no ReceiveBytesAck",
          "the device answered Status " + InstalledApp.string(ack, "Status"));
    }
    OutputStream out = connection.output();
    byte[] buffer = new byte[64 * 1024];
    long sent = 0;
    while (sent < size) {
      int n = image.read(buffer, 0, (int) Math.min(buffer.length, size - sent));
      if (n < 0) {
        throw new IOException("the image ended after " + sent + " of " + size + " bytes");
      }
      out.write(buffer, 0, n);
      sent += n;
      progress.accept(sent);
    }
    out.flush();
    NSDictionary uploaded = receive("ReceiveBytes upload");
    if (!"Complete".equals(InstalledApp.string(uploaded, "Status"))) {
      throw new LockdownServiceException(SERVICE, "ReceiveBytes upload", "not Complete",
          "the device answered Status " + InstalledApp.string(uploaded, "Status"));
    }
    NSDictionary mount = new NSDictionary();
    mount.put("Command", "MountImage");
    mount.put("ImageType", imageType);
    mount.put("ImagePath", STAGING_PATH);
    mount.put("ImageSignature", new NSData(signature));
    connection.send(mount);
    NSDictionary reply = connection.receive();
    String error = InstalledApp.string(reply, "Error");
    String detail = InstalledApp.string(reply, "DetailedError");
    if (error != null) {
      if (detail != null && detail.contains("is already mounted")) {
        return false;
      }
      throw new LockdownServiceException(SERVICE, "MountImage", error, detail);
    }
    return true;
  }

  /**
   * Ends the session politely ({@code Hangup}), as clients do before closing.
   *
   * @throws IOException the stream failed
   */
  public void hangup() throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("Command", "Hangup");
    call("Hangup", request);
  }

  private NSDictionary call(String command, NSDictionary request) throws IOException {
    connection.send(request);
    return receive(command);
  }

  private NSDictionary receive(String command) throws IOException {
    NSDictionary reply = connection.receive();
    String error = InstalledApp.string(reply, "Error");
    if (error != null) {
      String detail = InstalledApp.string(reply, "DetailedError");
      throw new LockdownServiceException(SERVICE, command, error, detail);
    }
    return reply;
  }

  /** Closes the stream. */
  @Override
  public void close() {
    connection.close();
  }
}
