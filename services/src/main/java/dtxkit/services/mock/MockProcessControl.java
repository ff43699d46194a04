package dtxkit.services.mock;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxException;
import dtxkit.services.processcontrol.LaunchOptions;
import dtxkit.services.processcontrol.ProcessControl;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mock device's processcontrol, one per channel: launches fake app processes whose output comes back on this
 * channel, and reports the end of processes this channel launched or observes, when the client announced the
 * termination callback capability.
 */
final class MockProcessControl implements ProcessControl, DeviceState.ProcessListener {

  private static final Logger LOG = LoggerFactory.getLogger(MockProcessControl.class);

  /** Darwin signals whose default action does not end a process: 0 (probe), URG, STOP, TSTP, CONT, CHLD, TTIN,
   *  TTOU, IO, WINCH, INFO. */
  private static final Set<Integer> NON_TERMINATING = Set.of(0, 16, 17, 18, 19, 20, 21, 22, 23, 28, 29);

  private final DeviceState state;
  private final DtxChannel channel;
  private final ProcessControl.Events client;
  private final Set<Integer> watched = ConcurrentHashMap.newKeySet();

  MockProcessControl(DeviceState state, DtxChannel channel, ProcessControl.Events client) {
    this.state = state;
    this.channel = channel;
    this.client = client;
    state.addListener(this);
  }

  @Override
  public int launchSuspendedProcess(String devicePath, String bundleIdentifier, Map<String, String> environment,
      List<String> arguments, Map<String, Object> options) {
    if (bundleIdentifier == null || bundleIdentifier.isEmpty()) {
      throw DeviceState.notInstalled(String.valueOf(bundleIdentifier));
    }
    Map<String, String> env = environment == null ? Map.of() : environment;
    List<String> args = arguments == null ? List.of() : arguments;
    Map<String, Object> opts = options == null ? Map.of() : options;
    MockProcess process = state.launch(bundleIdentifier, env, args, flag(opts.get(LaunchOptions.KILL_EXISTING)));
    watched.add(process.pid());
    if (!flag(opts.get(LaunchOptions.START_SUSPENDED))) {
      // After the reply has gone out, as on a device: the process writes once it runs.
      state.scheduler.schedule(() -> writeStartupOutput(process), 20, TimeUnit.MILLISECONDS);
    }
    return process.pid();
  }

  private void writeStartupOutput(MockProcess process) {
    if (!channel.isOpen() || state.process(process.pid()) == null) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    lines.append(process.name()).append('[').append(process.pid()).append("]: started ")
        .append(process.bundleIdentifier()).append('\n');
    for (int i = 0; i < process.arguments().size(); i++) {
      lines.append(process.name()).append('[').append(process.pid()).append("]: argv[").append(i + 1)
          .append("] = ").append(process.arguments().get(i)).append('\n');
    }
    process.environment().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        lines.append(process.name()).append('[').append(process.pid()).append("]: env ").append(e.getKey())
            .append('=').append(e.getValue()).append('\n'));
    try {
      for (String line : lines.toString().split("(?<=\n)")) {
        client.outputReceived(line, process.pid(), state.clock.now());
      }
    } catch (DtxException closed) {
      LOG.debug("output of pid {} not delivered: {}", process.pid(), closed.getMessage());
    }
  }

  @Override
  public void sendSignal(int signal, int pid) {
    MockProcess process = state.process(pid);
    if (process == null) {
      throw DeviceState.posix(3, "No such process");
    }
    if (!process.isApplication() && process.uid() == DeviceState.UID_ROOT) {
      throw DeviceState.posix(1, "Operation not permitted");
    }
    if (!NON_TERMINATING.contains(signal)) {
      state.terminate(pid, null, signal);
    }
  }

  @Override
  public void killPid(int pid) {
    try {
      sendSignal(9, pid);
    } catch (DtxException refused) {
      // killPid: gets no reply, so a device has nobody to tell either.
      LOG.debug("killPid: {} refused: {}", pid, refused.getMessage());
    }
  }

  @Override
  public boolean requestDisableMemoryLimits(int pid) {
    return state.process(pid) != null;
  }

  @Override
  public int processIdentifierForBundleIdentifier(String bundleIdentifier) {
    MockProcess p = state.processForBundle(bundleIdentifier);
    return p == null ? 0 : p.pid();
  }

  @Override
  public void startObservingPid(int pid) {
    watched.add(pid);
  }

  @Override
  public void stopObservingPid(int pid) {
    watched.remove(pid);
  }

  @Override
  public void terminated(MockProcess process, Integer exitCode, Integer signal) {
    if (!channel.isOpen()) {
      state.removeListener(this);
      return;
    }
    if (!watched.remove(process.pid()) || !wantsTerminationCallbacks()) {
      return;
    }
    try {
      client.processTerminated(process.pid(), exitCode, signal);
    } catch (DtxException closed) {
      LOG.debug("termination of pid {} not delivered: {}", process.pid(), closed.getMessage());
    }
  }

  /** A device sends termination callbacks only to clients that announced the capability. */
  private boolean wantsTerminationCallbacks() {
    Object value = channel.connection().peerCapabilities().get(TERMINATION_CALLBACK_CAPABILITY);
    return flag(value);
  }

  private static boolean flag(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    return value instanceof Number n && n.longValue() != 0;
  }
}
