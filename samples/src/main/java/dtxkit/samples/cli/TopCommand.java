package dtxkit.samples.cli;

import dtxkit.services.sysmontap.SysmonProcessRow;
import dtxkit.services.sysmontap.SysmonSample;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit top}: a full-screen live view of the device's processes, like {@code top}, from sysmontap: system
 * CPU and memory at the top, then the processes sorted by CPU, memory or threads. Keys: {@code c}, {@code m},
 * {@code t} sort; {@code q} (or Ctrl-C) quits. Drawn with JLine on the terminal; when standard output is not a
 * terminal, prints one plain frame per sample instead (bounded by {@code --count} or {@code --duration}).
 */
@Command(name = "top", mixinStandardHelpOptions = true,
    description = {"A full-screen live view of the device's processes (sysmontap), like top.",
        "Keys: c sort by CPU, m by memory, t by threads; q quits."})
final class TopCommand extends DeviceCommand {
  /** The orders the view offers, with their key. */
  enum Sort {
    CPU('c', "CPU"), MEMORY('m', "memory"), THREADS('t', "threads");

    final char key;
    final String label;

    Sort(char key, String label) {
      this.key = key;
      this.label = label;
    }

    Comparator<SysmonProcessRow> comparator() {
      Comparator<SysmonProcessRow> c = switch (this) {
        case CPU -> Comparator.comparingDouble(r -> Double.isNaN(r.cpuUsage()) ? -1 : r.cpuUsage());
        case MEMORY -> Comparator.comparingLong(SysmonProcessRow::physFootprint);
        case THREADS -> Comparator.comparingLong(TopCommand::threads);
      };
      return c.reversed().thenComparingInt(SysmonProcessRow::pid);
    }
  }

  @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000",
      description = "Milliseconds between refreshes (default ${DEFAULT-VALUE}).")
  long intervalMillis;

  @Option(names = "--sort", paramLabel = "ORDER", defaultValue = "CPU",
      description = "The first order: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Sort sort;

  @Mixin StreamOptions bounds;

  /** The terminal to draw on; tests give a JLine test terminal. Null: the system terminal when there is one. */
  Supplier<Terminal> terminal;

  /** Memory page size of iOS devices (arm64): 16 KiB. The vm*Count attributes count pages. */
  static final long PAGE = 16 * 1024;

  private volatile SysmonSample last;

  /** A key pressed. */
  private record Key(int code) {}

  @Override
  void validate() {
    if (intervalMillis <= 0) {
      throw usage("--interval must be positive, not " + intervalMillis);
    }
  }

  @Override
  int run(DeviceSession session, PrintWriter out) throws Exception {
    Terminal term = terminal != null ? terminal.get() : systemTerminal();
    EventPump<Object> pump = new EventPump<>().until(session.instruments());
    Runnable stop = pump.subscribe(session.facade().sysmon(Duration.ofMillis(intervalMillis)));
    String device = session.peerInfo().productType() + " " + session.peerInfo().udid();
    try {
      if (term == null) {
        // Not a terminal: plain frames, one per valid sample.
        pump.drain(bounds, e -> e instanceof SysmonSample s && s.valid(), e -> {
          if (e instanceof SysmonSample s && s.valid()) {
            render(s, sort, 100, 10_000, device).forEach(out::println);
            out.println();
            out.flush();
          }
        });
        return 0;
      }
      return interactive(term, pump, device, session);
    } finally {
      stop.run();
    }
  }

  private static Terminal systemTerminal() throws IOException {
    if (!Progress.onTerminal()) {
      return null;
    }
    return TerminalBuilder.builder().system(true).build();
  }

  private int interactive(Terminal term, EventPump<Object> pump, String device, DeviceSession session)
      throws InterruptedException {
    Attributes saved = term.enterRawMode();
    term.puts(Capability.enter_ca_mode);
    term.puts(Capability.cursor_invisible);
    term.flush();
    Thread keys = new Thread(() -> readKeys(term.reader(), pump), "dtxkit-top-keys");
    keys.setDaemon(true);
    keys.start();
    Terminal.SignalHandler previous = term.handle(Terminal.Signal.WINCH, s -> pump.offer(new Key(0)));
    try {
      draw(term, List.of(" dtxkit top: waiting for the first sample from " + device + "...", "",
          " (q quits)"));
      pump.drain(bounds, e -> e instanceof SysmonSample s && s.valid(), e -> {
        if (e instanceof SysmonSample s) {
          if (s.valid()) {
            last = s;
            draw(term, render(s, sort, term.getWidth(), term.getHeight(), device));
          }
        } else if (e instanceof Key k) {
          int c = Character.toLowerCase(k.code());
          if (c == 'q' || c == 3 || c < 0) {
            pump.end();
            return;
          }
          for (Sort s : Sort.values()) {
            if (c == s.key) {
              sort = s;
            }
          }
          SysmonSample shown = last;
          if (shown != null) {
            draw(term, render(shown, sort, term.getWidth(), term.getHeight(), device));
          }
        }
      });
      return 0;
    } finally {
      keys.interrupt();
      term.handle(Terminal.Signal.WINCH, previous);
      term.puts(Capability.cursor_visible);
      term.puts(Capability.exit_ca_mode);
      term.setAttributes(saved);
      term.flush();
      if (terminal == null) {
        try {
          term.close();
        } catch (IOException e) {
          // the terminal is being torn down anyway
        }
      }
    }
  }

  private static void readKeys(NonBlockingReader reader, EventPump<Object> pump) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        int c = reader.read(200);
        if (c == NonBlockingReader.READ_EXPIRED) {
          continue;
        }
        pump.offer(new Key(c));
        if (c < 0) {
          return; // end of input: quit
        }
      }
    } catch (IOException e) {
      pump.offer(new Key(-1));
    }
  }

  private static void draw(Terminal term, List<String> lines) {
    term.puts(Capability.clear_screen);
    PrintWriter w = term.writer();
    int height = Math.max(1, term.getHeight());
    for (int i = 0; i < lines.size() && i < height; i++) {
      w.print(lines.get(i));
      if (i < lines.size() - 1 && i < height - 1) {
        w.print("\r\n");
      }
    }
    w.flush();
  }

  static long threads(SysmonProcessRow r) {
    return r.get("threadCount") instanceof Number n ? n.longValue() : -1;
  }

  private static long systemLong(SysmonSample s, String name) {
    return s.system().get(name) instanceof Number n ? n.longValue() : -1;
  }

  /**
   * One screen: the device, the system CPU and memory, the column headings, then as many processes as fit, each
   * line cut to {@code width}.
   */
  static List<String> render(SysmonSample s, Sort sort, int width, int height, String device) {
    List<String> lines = new ArrayList<>();
    lines.add(" dtxkit top  " + device + "  sorted by " + sort.label + "  (c CPU, m memory, t threads, q quit)");
    long threads = systemLong(s, "threadCount");
    lines.add(String.format(Locale.ROOT, " CPU %5.1f%%  user %5.1f%%  system %5.1f%%  on %d cores   %d processes%s",
        s.cpuTotalLoad(), s.cpuUserLoad(), s.cpuSystemLoad(), s.cpuCount(), s.processes().size(),
        threads >= 0 ? ", " + threads + " threads" : ""));
    long physical = systemLong(s, "physMemSize");
    long free = systemLong(s, "vmFreeCount");
    long used = systemLong(s, "vmUsedCount");
    StringBuilder mem = new StringBuilder(" Mem");
    if (physical > 0) {
      mem.append(' ').append(gib(physical)).append(" total");
    }
    if (used >= 0) {
      mem.append(", ").append(gib(used * PAGE)).append(" used");
    }
    if (free >= 0) {
      mem.append(", ").append(gib(free * PAGE)).append(" free");
    }
    lines.add(mem.length() == 4 ? " Mem (the device sent no memory figures)" : mem.toString());
    lines.add("");
    lines.add(String.format(Locale.ROOT, " %6s  %-28s %7s %10s %8s", "PID", "NAME", mark("CPU%", sort == Sort.CPU),
        mark("MEM", sort == Sort.MEMORY), mark("THREADS", sort == Sort.THREADS)));
    List<SysmonProcessRow> rows = new ArrayList<>(s.processes());
    rows.sort(sort.comparator());
    for (SysmonProcessRow r : rows) {
      if (lines.size() >= height) {
        break;
      }
      String name = r.name() == null ? "?" : r.name();
      long t = threads(r);
      lines.add(String.format(Locale.ROOT, " %6d  %-28s %7.1f %10s %8s", r.pid(),
          name.length() > 28 ? name.substring(0, 27) + "~" : name, r.cpuUsage(), SysmonCommand.megabytes(
              r.physFootprint()), t < 0 ? "-" : Long.toString(t)));
    }
    lines.replaceAll(l -> l.length() > width ? l.substring(0, Math.max(0, width)) : l);
    return lines;
  }

  private static String mark(String heading, boolean sorted) {
    return sorted ? heading + "v" : heading;
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  }
}
