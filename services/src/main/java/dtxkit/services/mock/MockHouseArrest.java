package dtxkit.services.mock;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.services.applications.AppInfo;
import dtxkit.services.lockdown.ServiceConnection;
import java.io.IOException;

/**
 * The mock's {@code com.apple.mobile.house_arrest}: {@code VendContainer} (or {@code VendDocuments}) of an installed
 * user app, answered {@code Status: Complete}, then AFC on the same stream rooted in the app's data container (its
 * {@code Container}, as installation_proxy reports it). Unknown apps are refused with
 * {@code ApplicationLookupFailed}, as a device does.
 */
final class MockHouseArrest {

  private final DeviceState state;
  private final MockAfc afc;

  MockHouseArrest(DeviceState state, MockAfc afc) {
    this.state = state;
    this.afc = afc;
  }

  void serve(ServiceConnection connection) throws IOException {
    NSDictionary request = connection.receive();
    String command = string(request, "Command");
    String bundleIdentifier = string(request, "Identifier");
    NSDictionary reply = new NSDictionary();
    if (!"VendContainer".equals(command) && !"VendDocuments".equals(command)) {
      reply.put("Error", "UnknownCommand");
      connection.send(reply);
      return;
    }
    AppInfo app = bundleIdentifier == null ? null : state.app(bundleIdentifier);
    if (app == null || !"User".equals(app.type())) {
      reply.put("Error", "ApplicationLookupFailed");
      connection.send(reply);
      return;
    }
    String container = MockInstallationProxy.container(bundleIdentifier) + "/";
    // A container has its folders from the app's first launch on: a client lists tmp before writing there.
    for (String folder : new String[] {"", "Documents", "Library", "Library/Caches", "tmp"}) {
      state.makeDirectory(container + folder);
    }
    reply.put("Status", "Complete");
    connection.send(reply);
    afc.serve(connection, "VendDocuments".equals(command) ? container + "Documents/" : container);
  }

  private static String string(NSDictionary d, String key) {
    NSObject value = d.get(key);
    return value instanceof NSString s ? s.getContent() : null;
  }
}
