package dtxkit.services.processcontrol;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.annotations.Int32;
import dtxkit.annotations.OnNotification;
import java.util.List;
import java.util.Map;

/**
 * Launches, signals and watches processes: the {@code processcontrol} Instruments service.
 *
 * <pre>{@code
 * ProcessControl pc = connection.openService(ProcessControl.class, ProcessControl.Events.class, new ProcessControl.Events() {
 *     public void outputReceived(String output, int pid, long machTime) { System.out.print(output); }
 * }).client();
 * int pid = pc.launchSuspendedProcess("", "com.apple.mobilesafari", Map.of(), List.of(),
 *         Map.of(LaunchOptions.START_SUSPENDED, false, LaunchOptions.KILL_EXISTING, true));
 * pc.sendSignal(9, pid);
 * }</pre>
 *
 * <p>The device sends {@link Events#processTerminated} only to a client that announced the
 * {@code com.apple.instruments.client.processcontrol.capability.terminationCallback} capability.
 */
@DtxService("com.apple.instruments.server.services.processcontrol")
public interface ProcessControl {

  /** The client capability that asks the device for {@link Events#processTerminated} callbacks. */
  String TERMINATION_CALLBACK_CAPABILITY =
      "com.apple.instruments.client.processcontrol.capability.terminationCallback";

  /**
   * Launches an app.
   *
   * @param devicePath the executable path, {@code ""} to launch by bundle id
   * @param bundleIdentifier the app's bundle id
   * @param environment extra environment variables
   * @param arguments command-line arguments
   * @param options launch options such as {@link LaunchOptions#START_SUSPENDED} and
   *     {@link LaunchOptions#KILL_EXISTING}
   * @return the pid of the new process
   * @throws dtxkit.runtime.DtxRemoteException the device refused, e.g. the app is not installed
   */
  @DtxMethod("launchSuspendedProcessWithDevicePath:bundleIdentifier:environment:arguments:options:")
  int launchSuspendedProcess(String devicePath, String bundleIdentifier, Map<String, String> environment,
      List<String> arguments, Map<String, Object> options);

  /**
   * Sends a signal to a process and waits for the device to confirm.
   *
   * @param signal the signal number, e.g. 9 for SIGKILL
   * @param pid the process id
   */
  @DtxMethod("sendSignal:toPid:")
  void sendSignal(int signal, int pid);

  /**
   * Kills a process. The device does not answer; the message may be lost if the connection closes right after.
   *
   * @param pid the process id
   */
  @DtxMethod(value = "killPid:", oneway = true)
  void killPid(int pid);

  /**
   * Lifts the jetsam memory limits of a process (the pid travels as a raw int32).
   *
   * @param pid the process id
   * @return whether the device lifted them
   */
  @DtxMethod("requestDisableMemoryLimitsForPid:")
  boolean requestDisableMemoryLimits(@Int32 int pid);

  /**
   * The pid of a running app.
   *
   * @param bundleIdentifier the app's bundle id
   * @return its pid, or 0 when it does not run
   */
  @DtxMethod("processIdentifierForBundleIdentifier:")
  int processIdentifierForBundleIdentifier(String bundleIdentifier);

  /**
   * Starts forwarding the output of a process as {@link Events#outputReceived} callbacks.
   *
   * @param pid the process id
   */
  @DtxMethod("startObservingPid:")
  void startObservingPid(int pid);

  /**
   * Stops forwarding the output of a process.
   *
   * @param pid the process id
   */
  @DtxMethod("stopObservingPid:")
  void stopObservingPid(int pid);

  /** Callbacks the device sends on a processcontrol channel. */
  interface Events {

    /**
     * Output a launched or observed process wrote to stdout or stderr.
     *
     * @param output the text
     * @param pid the process id
     * @param machTime the device's mach time of the write
     */
    @OnNotification("outputReceived:fromProcess:atTime:")
    default void outputReceived(String output, int pid, long machTime) {
    }

    /**
     * A process ended; exactly one of {@code exitCode} and {@code crashingSignal} is usually non-null.
     *
     * @param pid the process id
     * @param exitCode the exit status, or null when it was killed by a signal
     * @param crashingSignal the signal that ended it, or null when it exited
     */
    @OnNotification("processWithPID:terminatedWithExitCode:orCrashingSignal:")
    default void processTerminated(int pid, Integer exitCode, Integer crashingSignal) {
    }
  }
}
