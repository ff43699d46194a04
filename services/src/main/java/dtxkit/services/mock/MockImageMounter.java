package dtxkit.services.mock;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.services.lockdown.ServiceConnection;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mock's {@code com.apple.mobile.mobile_image_mounter} (the iOS 16-and-earlier flavour): {@code LookupImage},
 * {@code ReceiveBytes} with the upload, {@code MountImage}, {@code Hangup}. It accepts any image with a non-empty
 * signature (it cannot check Apple's signature), counts the uploaded bytes without keeping them, and once an image is
 * mounted, the device's developer services start. Shared by every connection of one device; thread-safe.
 */
final class MockImageMounter {
  /** The largest image accepted (a developer disk image is about 20 MB). */
  static final long MAX_IMAGE = 1L << 30;

  private final List<byte[]> mounted = new ArrayList<>();
  private final DeviceState state;

  MockImageMounter(DeviceState state, boolean mountedAtStart) {
    this.state = state;
    if (mountedAtStart) {
      mounted.add("dtxkit mock developer disk image".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** True when a developer image is mounted. */
  synchronized boolean developerImageMounted() {
    return !mounted.isEmpty();
  }

  private synchronized List<byte[]> signatures() {
    return new ArrayList<>(mounted);
  }

  /** Serves one client until it hangs up or closes. */
  void serve(ServiceConnection connection) throws IOException {
    byte[] staged = null;
    try {
      while (true) {
        NSDictionary request;
        try {
          request = connection.receive();
        } catch (EOFException closed) {
          return;
        }
        String command = string(request, "Command");
        if (command == null) {
          connection.send(error("MissingCommand", "the request has no Command"));
          continue;
        }
        switch (command) {
          case "LookupImage" -> {
            NSDictionary reply = new NSDictionary();
            String type = string(request, "ImageType");
            NSArray signatures = new NSArray(0);
            if ("Developer".equals(type)) {
              List<byte[]> all = signatures();
              signatures = new NSArray(all.size());
              for (int i = 0; i < all.size(); i++) {
                signatures.setValue(i, new NSData(all.get(i)));
              }
            }
            reply.put("ImageSignature", signatures);
            reply.put("Status", "Complete");
            connection.send(reply);
          }
          case "ReceiveBytes" -> staged = receive(connection, request);
          case "MountImage" -> {
            connection.send(mount(request, staged));
            staged = null;
          }
          case "Hangup" -> {
            NSDictionary reply = new NSDictionary();
            reply.put("Status", "Complete");
            connection.send(reply);
            return;
          }
          default -> connection.send(error("UnknownCommand", "unknown command " + command));
        }
      }
    } finally {
      connection.close();
    }
  }

  /** {@code ReceiveBytes}: the ack, the upload, then Complete; returns the signature of the staged image. */
  private byte[] receive(ServiceConnection connection, NSDictionary request) throws IOException {
    NSObject size = request.get("ImageSize");
    NSObject signature = request.get("ImageSignature");
    if (!(size instanceof NSNumber n) || n.longValue() <= 0 || n.longValue() > MAX_IMAGE) {
      connection.send(error("InvalidImageSize", "ImageSize must be 1 to " + MAX_IMAGE + ", not " + size));
      return null;
    }
    if (!(signature instanceof NSData data) || data.length() == 0) {
      connection.send(error("MissingImageSignature", "ReceiveBytes needs a non-empty ImageSignature"));
      return null;
    }
    NSDictionary ack = new NSDictionary();
    ack.put("Status", "ReceiveBytesAck");
    connection.send(ack);
    InputStream in = connection.input();
    byte[] buffer = new byte[64 * 1024];
    long left = n.longValue();
    while (left > 0) {
      int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (r < 0) {
        throw new EOFException("the image upload ended " + left + " bytes short of ImageSize " + n.longValue());
      }
      left -= r;
    }
    NSDictionary complete = new NSDictionary();
    complete.put("Status", "Complete");
    connection.send(complete);
    return data.bytes();
  }

  private NSDictionary mount(NSDictionary request, byte[] staged) {
    String type = string(request, "ImageType");
    if (!"Developer".equals(type)) {
      return error("ImageMountFailed", "the mock mounts only Developer images, not " + type);
    }
    byte[] signature = request.get("ImageSignature") instanceof NSData d ? d.bytes() : null;
    synchronized (this) {
      if (!mounted.isEmpty()) {
        return error("ImageMountFailed", "Developer image is already mounted at /Developer");
      }
      if (staged == null || signature == null || !Arrays.equals(staged, signature)) {
        return error("ImageMountFailed", "no image with this signature was received (send ReceiveBytes first)");
      }
      mounted.add(signature);
    }
    state.syslog.log("MobileStorageMounter", "Mounted the developer disk image at /Developer");
    NSDictionary reply = new NSDictionary();
    reply.put("Status", "Complete");
    return reply;
  }

  private static NSDictionary error(String error, String detail) {
    NSDictionary reply = new NSDictionary();
    reply.put("Error", error);
    reply.put("DetailedError", detail);
    return reply;
  }

  static String string(NSDictionary d, String key) {
    return d.get(key) instanceof NSString s ? s.getContent() : null;
  }
}
