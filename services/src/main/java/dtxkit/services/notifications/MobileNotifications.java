package dtxkit.services.notifications;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.annotations.OnNotification;

/**
 * App state changes and memory pressure: the {@code mobilenotifications} Instruments service.
 *
 * <pre>{@code
 * MobileNotifications n = connection.openService(MobileNotifications.class, MobileNotifications.Events.class, new MobileNotifications.Events() {
 *     public void applicationStateNotification(AppStateNotification e) { System.out.println(e); }
 * }).client();
 * n.setApplicationStateNotificationsEnabled(true);
 * }</pre>
 *
 * <p>After enabling app state notifications the device first sends one per running app, then one per change.
 */
@DtxService("com.apple.instruments.server.services.mobilenotifications")
public interface MobileNotifications {

  /**
   * Turns app state notifications on or off (no reply).
   *
   * @param enabled on or off
   */
  @DtxMethod(value = "setApplicationStateNotificationsEnabled:", oneway = true)
  void setApplicationStateNotificationsEnabled(boolean enabled);

  /**
   * Turns memory level notifications on or off (no reply).
   *
   * @param enabled on or off
   */
  @DtxMethod(value = "setMemoryNotificationsEnabled:", oneway = true)
  void setMemoryNotificationsEnabled(boolean enabled);

  /** Notifications the device sends once enabled. */
  interface Events {

    /**
     * An app changed state (launched, went to the background, ...).
     *
     * @param notification the change
     */
    @OnNotification("applicationStateNotification:")
    default void applicationStateNotification(AppStateNotification notification) {
    }

    /**
     * The memory pressure level changed.
     *
     * @param notification the change
     */
    @OnNotification("memoryLevelNotification:")
    default void memoryLevelNotification(MemoryLevelNotification notification) {
    }
  }
}
