package dtxkit.services.mock;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxException;
import dtxkit.services.notifications.AppStateNotification;
import dtxkit.services.notifications.MemoryLevelNotification;
import dtxkit.services.notifications.MobileNotifications;
import java.time.Instant;

/**
 * The mock device's mobilenotifications, one per channel: once app state notifications are on, one per running app,
 * then one per launch and end; once memory notifications are on, the current level (normal), then a warning each
 * time an app launches.
 */
final class MockMobileNotifications implements MobileNotifications, DeviceState.ProcessListener {

  private final DeviceState state;
  private final DtxChannel channel;
  private final MobileNotifications.Events client;
  private volatile boolean appState;
  private volatile boolean memory;

  MockMobileNotifications(DeviceState state, DtxChannel channel, MobileNotifications.Events client) {
    this.state = state;
    this.channel = channel;
    this.client = client;
    state.addListener(this);
  }

  @Override
  public void setApplicationStateNotificationsEnabled(boolean enabled) {
    boolean wasOn = appState;
    appState = enabled;
    if (enabled && !wasOn) {
      for (MockProcess p : state.processes()) {
        if (p.isApplication()) {
          send(appState(p, 8, "Foreground Running"));
        }
      }
    }
  }

  @Override
  public void setMemoryNotificationsEnabled(boolean enabled) {
    boolean wasOn = memory;
    memory = enabled;
    if (enabled && !wasOn) {
      sendMemory(new MemoryLevelNotification(0, -1, state.clock.now(), Instant.now()));
    }
  }

  @Override
  public void started(MockProcess process) {
    if (closed()) {
      return;
    }
    if (appState) {
      send(appState(process, 2, "Launching"));
      send(appState(process, 8, "Foreground Running"));
    }
    if (memory) {
      sendMemory(new MemoryLevelNotification(1, process.pid(), state.clock.now(), Instant.now()));
    }
  }

  @Override
  public void terminated(MockProcess process, Integer exitCode, Integer signal) {
    if (!closed() && appState && process.isApplication()) {
      send(appState(process, 1, "Terminated"));
    }
  }

  private AppStateNotification appState(MockProcess p, int code, String description) {
    return new AppStateNotification(p.name(), p.bundleIdentifier(), p.executablePath(), p.pid(), code,
        description, state.clock.now(), Instant.now());
  }

  private boolean closed() {
    if (!channel.isOpen()) {
      state.removeListener(this);
      return true;
    }
    return false;
  }

  private void send(AppStateNotification notification) {
    try {
      client.applicationStateNotification(notification);
    } catch (DtxException gone) {
      state.removeListener(this);
    }
  }

  private void sendMemory(MemoryLevelNotification notification) {
    try {
      client.memoryLevelNotification(notification);
    } catch (DtxException gone) {
      state.removeListener(this);
    }
  }
}
