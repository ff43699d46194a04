package dtxkit.samples.cli;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxChannelListener;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.sysmontap.SysmonConfig;
import dtxkit.services.sysmontap.SysmonDecoder;
import dtxkit.services.sysmontap.SysmonProcessRow;
import dtxkit.services.sysmontap.SysmonSample;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit sysmon}: system and per-process CPU and memory from sysmontap, one sample per {@code --interval},
 * until Ctrl-C or a bound. The device's first sample carries no valid CPU figures; it is not printed.
 */
@Command(name = "sysmon", mixinStandardHelpOptions = true,
    description = "Stream system and process CPU/memory samples (sysmontap).")
final class SysmonCommand extends DeviceCommand {
  /**
   * The sysmontap service. Its samples arrive as OBJECT notifications, which the typed events interface does not
   * carry, so this command speaks to the channel directly with the selectors the {@code Sysmontap} interface
   * declares and decodes with {@link SysmonDecoder}.
   */
  static final String SYSMONTAP = "com.apple.instruments.server.services.sysmontap";

  @Option(names = "--pid", paramLabel = "P", description = "Only this process.")
  Integer pid;

  @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000",
      description = "Milliseconds between samples (default ${DEFAULT-VALUE}).")
  long intervalMillis;

  @Option(names = "--top", paramLabel = "N", defaultValue = "5",
      description = "Without --pid, how many of the busiest processes to show per sample (default ${DEFAULT-VALUE}).")
  int top;

  @Mixin StreamOptions bounds;

  @Override
  void validate() {
    if (intervalMillis <= 0) {
      throw usage("--interval must be positive, not " + intervalMillis);
    }
  }

  @Override
  int run(DeviceSession session, PrintWriter out) throws InterruptedException {
    DeviceInfo info = session.instruments().open(DeviceInfo.class);
    List<String> procAttrs = info.sysmonProcessAttributes();
    List<String> sysAttrs = info.sysmonSystemAttributes();
    SysmonDecoder decoder = new SysmonDecoder(procAttrs, sysAttrs);
    EventPump<SysmonSample> pump = new EventPump<SysmonSample>().until(session.instruments());
    DtxChannel channel = session.instruments().openChannel(SYSMONTAP, new DtxChannelListener() {
      @Override
      public void onNotification(Object value) {
        feed(value);
      }

      @Override
      public void onData(byte[] data) {
        feed(data);
      }

      private void feed(Object value) {
        try {
          decoder.decode(value).forEach(pump::offer);
        } catch (DtxProtocolException e) {
          pump.fail("a sysmontap sample does not decode", e);
        }
      }
    });
    channel.send("setConfig:", DtxArgument.object(
        SysmonConfig.of(procAttrs, sysAttrs, Duration.ofMillis(intervalMillis))));
    channel.send("start");
    EventPump.Stop stop = pump.drain(bounds, SysmonSample::valid, s -> {
      if (s.valid()) {
        print(out, s);
      }
    });
    if (stop == EventPump.Stop.CLOSED) {
      if (!session.interrupted()) {
        throw new CliException("the device closed the connection during sysmon"
            + (pump.closeCause() == null ? "" : ": " + pump.closeCause().getMessage()));
      }
      return 0;
    }
    channel.send("stop");
    session.flush();
    channel.cancel();
    return 0;
  }

  private void print(PrintWriter out, SysmonSample s) {
    List<SysmonProcessRow> rows;
    if (pid != null) {
      SysmonProcessRow row = s.process(pid);
      rows = row == null ? List.of() : List.of(row);
    } else {
      rows = new ArrayList<>(s.processes());
      rows.sort(Comparator.comparingDouble((SysmonProcessRow r) -> Double.isNaN(r.cpuUsage()) ? -1 : r.cpuUsage())
          .reversed().thenComparingInt(SysmonProcessRow::pid));
      if (!json()) {
        rows = rows.subList(0, Math.min(top, rows.size()));
      }
    }
    if (json()) {
      List<Object> processes = new ArrayList<>();
      for (SysmonProcessRow r : rows) {
        Map<String, Object> p = Output.object("pid", r.pid());
        r.attributes().forEach((k, v) -> p.putIfAbsent(k, v));
        processes.add(p);
      }
      Output.printJson(out, Output.object("cpuTotalLoad", s.cpuTotalLoad(), "cpuUserLoad", s.cpuUserLoad(),
          "cpuSystemLoad", s.cpuSystemLoad(), "cpuCount", s.cpuCount(), "processCount", s.processes().size(),
          "processes", processes));
      return;
    }
    out.println(String.format(Locale.ROOT, "cpu %5.1f%% (user %5.1f%%, system %5.1f%%) on %d cores, %d processes",
        s.cpuTotalLoad(), s.cpuUserLoad(), s.cpuSystemLoad(), s.cpuCount(), s.processes().size()));
    if (pid != null && rows.isEmpty()) {
      out.println("  pid " + pid + " is not running");
    }
    for (SysmonProcessRow r : rows) {
      out.println(String.format(Locale.ROOT, "  %6d  %-24s  cpu %5.1f%%  mem %s", r.pid(),
          r.name() == null ? "?" : r.name(), r.cpuUsage(), megabytes(r.physFootprint())));
    }
    out.flush();
  }

  static String megabytes(long bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
