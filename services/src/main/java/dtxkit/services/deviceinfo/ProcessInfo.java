package dtxkit.services.deviceinfo;

import dtxkit.annotations.Key;
import java.time.Instant;

/**
 * One entry of {@link DeviceInfo#runningProcesses()}.
 *
 * @param pid the process id
 * @param name the process name (the executable's file name)
 * @param realAppName the path of the executable or app bundle, or null
 * @param bundleIdentifier the bundle id of an app, or null for a daemon
 * @param startDate when the process started, or null
 * @param isApplication whether it is an app, or null when the device does not say
 */
public record ProcessInfo(int pid, String name, String realAppName, String bundleIdentifier, Instant startDate,
        @Key("isApplication") Boolean isApplication) {
}
