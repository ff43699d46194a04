package dtxkit.services.notifications;

import dtxkit.annotations.Key;
import java.time.Instant;

/**
 * A memory pressure change from {@link MobileNotifications.Events#memoryLevelNotification}.
 *
 * @param code the level: 0 normal, 1 warning, 2 urgent, 3 critical; or null
 * @param pid the process the level concerns, -1 for the system; or null
 * @param machAbsoluteTime {@code mach_absolute_time} of the change, or null
 * @param timestamp when it changed, or null
 */
public record MemoryLevelNotification(Integer code, Integer pid, @Key("mach_absolute_time") Long machAbsoluteTime,
        Instant timestamp) {
}
