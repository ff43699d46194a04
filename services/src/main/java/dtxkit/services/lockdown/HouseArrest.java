package dtxkit.services.lockdown;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import java.io.IOException;
import java.util.Objects;

/**
 * {@code com.apple.mobile.house_arrest}: opens an app's container for AFC. {@code VendContainer} (the app's data
 * container: where an XCTest runner on iOS 13 and earlier reads its {@code .xctestconfiguration}) or
 * {@code VendDocuments}; once the device says {@code Complete}, the same stream speaks AFC rooted in that container.
 *
 * <pre>{@code
 * try (AfcClient container = HouseArrest.vendContainer(session.startService(HouseArrest.SERVICE), "com.example.app")) {
 *     container.makeDirectory("tmp");
 * }
 * }</pre>
 */
public final class HouseArrest {

  /** The lockdown service name. */
  public static final String SERVICE = "com.apple.mobile.house_arrest";

  private HouseArrest() {}

  /**
   * Asks for an app's data container and returns AFC on it.
   *
   * @param connection the service's stream; owned by the returned client (closed on failure)
   * @param bundleIdentifier the app
   * @return AFC rooted in the app's container
   * @throws LockdownServiceException the device refused (e.g. {@code ApplicationLookupFailed}: not installed, or not
   *     a developer-signed app)
   * @throws IOException the stream failed
   */
  public static AfcClient vendContainer(ServiceConnection connection, String bundleIdentifier) throws IOException {
    return vend(connection, "VendContainer", bundleIdentifier);
  }

  /**
   * Asks for an app's Documents folder (apps that share files) and returns AFC on it.
   *
   * @param connection the service's stream; owned by the returned client
   * @param bundleIdentifier the app
   * @return AFC rooted in the app's Documents
   * @throws LockdownServiceException the device refused
   * @throws IOException the stream failed
   */
  public static AfcClient vendDocuments(ServiceConnection connection, String bundleIdentifier) throws IOException {
    return vend(connection, "VendDocuments", bundleIdentifier);
  }

  private static AfcClient vend(ServiceConnection connection, String command, String bundleIdentifier)
      throws IOException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(bundleIdentifier, "bundleIdentifier");
    try {
      NSDictionary request = new NSDictionary();
      request.put("Command", command);
      request.put("Identifier", bundleIdentifier);
      connection.send(request);
      NSDictionary reply = connection.receive();
      NSObject error = reply.get("Error");
      if (error != null) {
        throw new LockdownServiceException(SERVICE, command + " " + bundleIdentifier,
            error instanceof NSString s ? s.getContent() : error.toString(), null);
      }
      NSObject status = reply.get("Status");
      if (!(status instanceof NSString s) || !"Complete".equals(s.getContent())) {
        throw new LockdownServiceException(SERVICE, command + " " + bundleIdentifier, "UnexpectedReply",
            "expected Status Complete, got keys " + reply.keySet());
      }
      return new AfcClient(connection);
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }
}
