package dtxkit.samples.cli;

import dtxkit.services.notifications.AppStateNotification;
import dtxkit.services.notifications.MemoryLevelNotification;
import dtxkit.services.notifications.MobileNotifications;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit notifications}: application state changes and memory-level warnings as the device reports them
 * (mobilenotifications), until Ctrl-C or a bound.
 */
@Command(name = "notifications", mixinStandardHelpOptions = true,
    description = "Stream application state and memory-level notifications.")
final class NotificationsCommand extends DeviceCommand {
  @Option(names = "--no-memory", description = "Leave out memory-level notifications.")
  boolean noMemory;

  @Mixin StreamOptions bounds;

  @Override
  int run(DeviceSession session, PrintWriter out) throws InterruptedException {
    EventPump<Object> pump = new EventPump<>().until(session.instruments());
    MobileNotifications notifications = session.instruments().openService(MobileNotifications.class,
        MobileNotifications.Events.class, new MobileNotifications.Events() {
          @Override
          public void applicationStateNotification(AppStateNotification n) {
            pump.offer(n);
          }

          @Override
          public void memoryLevelNotification(MemoryLevelNotification n) {
            pump.offer(n);
          }
        }).client();
    notifications.setApplicationStateNotificationsEnabled(true);
    if (!noMemory) {
      notifications.setMemoryNotificationsEnabled(true);
    }
    if (!json()) {
      out.println(String.format(Locale.ROOT, "%-24s  %-6s  %6s  %s", "TIME", "KIND", "PID", "DETAIL"));
      out.flush();
    }
    EventPump.Stop stop = pump.drain(bounds, e -> true, e -> print(out, e));
    if (session.interrupted()) {
      return 0; // Ctrl-C: the stream ended because the user asked
    }
    if (stop != EventPump.Stop.CLOSED) {
      notifications.setApplicationStateNotificationsEnabled(false);
      notifications.setMemoryNotificationsEnabled(false);
      session.flush();
    } else if (!session.interrupted()) {
      throw new CliException("the device closed the connection"
          + (pump.closeCause() == null ? "" : ": " + pump.closeCause().getMessage()));
    }
    return 0;
  }

  /** The time to milliseconds, so the column keeps its width. */
  private static String time(Instant t) {
    return t == null ? "-" : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private void print(PrintWriter out, Object e) {
    if (e instanceof AppStateNotification a) {
      if (json()) {
        Output.printJson(out, Output.object("kind", "appState", "timestamp", a.timestamp(), "pid", a.pid(),
            "appName", a.appName(), "bundleIdentifier", a.bundleIdentifier(), "executable", a.executable(),
            "state", a.state(), "stateDescription", a.stateDescription(), "machAbsoluteTime", a.machAbsoluteTime()));
        return;
      }
      out.println(String.format(Locale.ROOT, "%-24s  %-6s  %6s  %s %s", time(a.timestamp()), "app", a.pid(),
          a.bundleIdentifier() != null ? a.bundleIdentifier() : a.appName(), a.stateDescription()));
    } else if (e instanceof MemoryLevelNotification m) {
      if (json()) {
        Output.printJson(out, Output.object("kind", "memoryLevel", "timestamp", m.timestamp(), "pid", m.pid(),
            "code", m.code(), "machAbsoluteTime", m.machAbsoluteTime()));
        return;
      }
      out.println(String.format(Locale.ROOT, "%-24s  %-6s  %6s  level %s", time(m.timestamp()), "memory", m.pid(), m.code()));
    }
    out.flush();
  }
}
