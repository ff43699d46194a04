package dtxkit.services.processcontrol;

/** Keys of the options dictionary of {@link ProcessControl#launchSuspendedProcess}. */
public final class LaunchOptions {

    /** Boolean: start the process suspended (for a debugger to attach). */
    public static final String START_SUSPENDED = "StartSuspendedKey";

    /** Boolean: kill a running instance of the app first. */
    public static final String KILL_EXISTING = "KillExisting";

    /** Boolean: resume a suspended launch once the app is active (XCTest, iOS 12 and later). */
    public static final String ACTIVATE_SUSPENDED = "ActivateSuspended";

    private LaunchOptions() {
    }
}
