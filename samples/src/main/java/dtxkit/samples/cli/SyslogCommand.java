package dtxkit.samples.cli;

import dtxkit.services.lockdown.SyslogRelay;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dtxkit syslog}: the device's system log (lockdown {@code com.apple.syslog_relay}) until Ctrl-C. */
@Command(name = "syslog", mixinStandardHelpOptions = true,
    description = {"Stream the device's system log (syslog_relay) until Ctrl-C or a bound.",
        "Needs a device reached through usbmuxd (--usb), or --mock."})
final class SyslogCommand extends DeviceCommand {
  @Option(names = "--grep", paramLabel = "TEXT", description = "Only lines containing TEXT.")
  String grep;

  @Mixin StreamOptions bounds;

  @Override
  int run(DeviceSession session, PrintWriter out) throws IOException {
    SyslogRelay syslog = new SyslogRelay(session.startService(SyslogRelay.SERVICE));
    Instant deadline = bounds.deadline();
    ScheduledExecutorService timer = null;
    java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
    if (deadline != null) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dtxkit-syslog-deadline");
        t.setDaemon(true);
        return t;
      });
      timer.schedule(() -> {
        expired.set(true);
        syslog.close();
      }, Math.max(0, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
    }
    long seen = 0;
    try {
      while (!bounds.countReached(seen)) {
        String line;
        try {
          line = syslog.readLine();
        } catch (IOException e) {
          if (session.interrupted() || expired.get()) {
            return 0; // Ctrl-C or --duration closed the stream
          }
          throw new CliException("the syslog stream failed: " + DeviceOptions.rootMessage(e), e);
        }
        if (line == null) {
          if (session.interrupted() || expired.get()) {
            return 0;
          }
          throw new CliException("the device closed the syslog stream");
        }
        if (grep != null && !line.contains(grep)) {
          continue;
        }
        seen++;
        if (json()) {
          Output.printJson(out, Output.object("line", line));
        } else {
          out.println(line);
          out.flush();
        }
      }
      return 0;
    } finally {
      if (timer != null) {
        timer.shutdownNow();
      }
      syslog.close();
    }
  }
}
