package dtxkit.services.notifications;

import dtxkit.annotations.Key;
import java.time.Instant;

/**
 * An app state change from {@link MobileNotifications.Events#applicationStateNotification}.
 *
 * @param appName the app's name, or null
 * @param bundleIdentifier {@code displayID}, the bundle id, or null
 * @param executable {@code execName}, the executable path, or null
 * @param pid the process id, or null
 * @param state the numeric state (e.g. 8 foreground running), or null
 * @param stateDescription {@code state_description}, e.g. {@code "Foreground Running"}, or null
 * @param machAbsoluteTime {@code mach_absolute_time} of the change, or null
 * @param timestamp when it changed, or null
 */
public record AppStateNotification(String appName, @Key("displayID") String bundleIdentifier,
        @Key("execName") String executable, Integer pid, Integer state,
        @Key("state_description") String stateDescription, @Key("mach_absolute_time") Long machAbsoluteTime,
        Instant timestamp) {
}
