package dtxkit.benchmarks;

import com.sun.management.UnixOperatingSystemMXBean;
import dtxkit.services.DeviceStream;
import dtxkit.services.Instruments;
import dtxkit.services.mock.MockDevice;
import dtxkit.services.sysmontap.SysmonSample;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Soak run (a program, not a unit test nor a JMH benchmark): a {@link MockDevice} streams sysmontap samples and
 * mobilenotifications to N clients (default 32) connected through RSD, while a driver launches and kills an app so
 * that every client gets app state and memory notifications; every sample period (default one minute) it records
 * the heap after a full GC, direct buffer memory, live threads, open file descriptors, the device's connections and
 * the items the clients received. At the end it closes everything, samples once more, and says whether heap,
 * threads and descriptors stayed flat (see {@link #verdict}).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dtxkit.benchmarks.SoakRun --minutes 30 --clients 32 \
 *     --sample-seconds 60 --sysmon-millis 250 --out soak.md
 * </pre>
 *
 * <p>Client and device share this JVM, so the samples bound both sides together. Exit status 0 when flat, 1 when
 * something grew, 2 on bad arguments or a failed start.
 */
public final class SoakRun {

  private record Sample(Duration at, long heapBytes, long directBytes, int threads, long fds, int deviceConnections,
      long sysmonSamples, long notifications, long launches) {}

  private final int clients;
  private final Duration length;
  private final Duration period;
  private final Duration sysmonInterval;
  private final PrintStream out;
  private final AtomicLong sysmonSamples = new AtomicLong();
  private final AtomicLong notifications = new AtomicLong();
  private final AtomicLong launches = new AtomicLong();
  private final AtomicLong streamFailures = new AtomicLong();
  private final List<Sample> samples = new ArrayList<>();
  private final Instant start = Instant.now();
  private volatile boolean stopping;
  private final java.util.Set<Thread> threadsBefore = new java.util.HashSet<>();

  private SoakRun(int clients, Duration length, Duration period, Duration sysmonInterval, PrintStream out) {
    this.clients = clients;
    this.length = length;
    this.period = period;
    this.sysmonInterval = sysmonInterval;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    int clients = 32;
    double minutes = 30;
    double sampleSeconds = 60;
    long sysmonMillis = 250;
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--clients" -> clients = Integer.parseInt(v);
        case "--minutes" -> minutes = Double.parseDouble(v);
        case "--sample-seconds" -> sampleSeconds = Double.parseDouble(v);
        case "--sysmon-millis" -> sysmonMillis = Long.parseLong(v);
        case "--out" -> file = Path.of(v);
        default -> {
          System.err.println("usage: SoakRun [--clients N] [--minutes M] [--sample-seconds S] [--sysmon-millis MS]"
              + " [--out FILE]");
          System.exit(2);
        }
      }
      i++;
    }
    PrintStream out = file == null ? System.out
        : new TeePrintStream(System.out, Files.newOutputStream(file));
    SoakRun run = new SoakRun(clients, Duration.ofMillis((long) (minutes * 60_000)),
        Duration.ofMillis((long) (sampleSeconds * 1000)), Duration.ofMillis(sysmonMillis), out);
    boolean flat = run.run();
    out.flush();
    System.exit(flat ? 0 : 1);
  }

  private boolean run() throws Exception {
    out.printf(Locale.ROOT, "# dtxkit soak: %d clients, sysmon every %d ms, notifications, %s, sampled every %s%n",
        clients, sysmonInterval.toMillis(), length, period);
    out.printf(Locale.ROOT, "started %s, java %s, %d cpus, max heap %d MiB%n%n", start,
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    out.println("| minute | heap after GC (KiB) | direct (KiB) | threads | fds | device conns | sysmon samples"
        + " | notifications | launches |");
    out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    sample(); // before anything starts
    threadsBefore.addAll(Thread.getAllStackTraces().keySet());
    List<Thread> readers = new ArrayList<>();
    List<AutoCloseable> open = new ArrayList<>();
    try (MockDevice device = MockDevice.start()) {
      List<Instruments> connected = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Instruments instruments = Instruments.connect(device.rsdHost(), device.rsdPort());
        open.add(instruments);
        connected.add(instruments);
        DeviceStream.Iterator<SysmonSample> sysmon = instruments.sysmon(sysmonInterval).iterator();
        DeviceStream.Iterator<Object> notes = instruments.notifications().iterator();
        open.add(sysmon);
        open.add(notes);
        readers.add(reader("soak-sysmon-" + i, sysmon, sysmonSamples));
        readers.add(reader("soak-notes-" + i, notes, notifications));
      }
      Instruments driverConnection = Instruments.connect(device.rsdHost(), device.rsdPort());
      open.add(driverConnection);
      Thread driver = new Thread(() -> drive(driverConnection), "soak-driver");
      driver.setDaemon(true);
      driver.start();
      long end = System.nanoTime() + length.toNanos();
      long next = System.nanoTime() + period.toNanos();
      while (System.nanoTime() < end) {
        long sleep = Math.min(next, end) - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        }
        if (System.nanoTime() >= next) {
          sample(device.connections().size());
          next += period.toNanos();
        }
      }
      sample(device.connections().size());
      stopping = true;
      driver.interrupt();
      driver.join(10_000);
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          out.println("close: " + e);
        }
      }
      // A reader blocked in hasNext() is not woken by the close of its iterator from another thread.
      for (Thread t : readers) {
        t.interrupt();
      }
      for (Thread t : readers) {
        t.join(2_000);
      }
    }
    // Idle threads of the runtime's shared cached pools (dtx-delivery-*) end 60 s after their last task: wait
    // that out, so what is left after the close is what the connections leaked.
    Thread.sleep(65_000);
    sample(0);
    out.println();
    List<String> left = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!threadsBefore.contains(t)) {
        left.add(t.getName() + (t.isDaemon() ? " (daemon)" : ""));
      }
    }
    java.util.Collections.sort(left);
    out.println("threads left after the close that were not there before the device started: " + left);
    out.printf(Locale.ROOT, "stream failures: %d%n", streamFailures.get());
    return verdict();
  }

  private Thread reader(String name, DeviceStream.Iterator<?> items, AtomicLong count) {
    Thread t = new Thread(() -> {
      try {
        while (items.hasNext()) {
          items.next();
          count.incrementAndGet();
        }
      } catch (RuntimeException e) {
        if (!stopping) {
          streamFailures.incrementAndGet();
          out.println(name + " ended: " + e);
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Launches Safari and kills it again, over and over: app state and memory notifications for every client. */
  private void drive(Instruments instruments) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        int pid = instruments.launch("com.apple.mobilesafari");
        Thread.sleep(500);
        instruments.kill(pid);
        launches.incrementAndGet();
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (stopping) {
          return;
        }
        streamFailures.incrementAndGet();
        out.println("driver: " + e);
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private void sample() {
    sample(0);
  }

  private void sample(int deviceConnections) {
    System.gc();
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct = pool.getMemoryUsed();
      }
    }
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    long fds = os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
    Sample s = new Sample(Duration.between(start, Instant.now()), heap, direct, threads, fds, deviceConnections,
        sysmonSamples.get(), notifications.get(), launches.get());
    samples.add(s);
    out.printf(Locale.ROOT, "| %.1f | %d | %d | %d | %d | %d | %d | %d | %d |%n", s.at().toMillis() / 60_000.0,
        s.heapBytes() >> 10, s.directBytes() >> 10, s.threads(), s.fds(), s.deviceConnections(), s.sysmonSamples(),
        s.notifications(), s.launches());
    out.flush();
  }

  /**
   * Flat: between the first sample with every client streaming and the last one before the close, heap after GC grew
   * by less than 16 MiB and 25%, threads and descriptors by at most 2, and every stream kept delivering; after the
   * close, threads and descriptors are back within 2 of where they were before the device started.
   */
  private boolean verdict() {
    if (samples.size() < 4) {
      out.println("verdict: too short to judge (" + samples.size() + " samples; need 2 while streaming)");
      return false;
    }
    Sample before = samples.get(0);
    Sample first = samples.get(1);
    Sample last = samples.get(samples.size() - 2);
    Sample after = samples.get(samples.size() - 1);
    List<String> grew = new ArrayList<>();
    long heapGrowth = last.heapBytes() - first.heapBytes();
    if (heapGrowth > 16L << 20 && heapGrowth > first.heapBytes() / 4) {
      grew.add("heap +" + (heapGrowth >> 10) + " KiB");
    }
    if (last.threads() - first.threads() > 2) {
      grew.add("threads " + first.threads() + " -> " + last.threads());
    }
    if (last.fds() - first.fds() > 2) {
      grew.add("fds " + first.fds() + " -> " + last.fds());
    }
    if (after.threads() - before.threads() > 2) {
      grew.add("threads after close " + before.threads() + " -> " + after.threads());
    }
    if (after.fds() - before.fds() > 2) {
      grew.add("fds after close " + before.fds() + " -> " + after.fds());
    }
    if (streamFailures.get() > 0) {
      grew.add(streamFailures.get() + " stream failures");
    }
    if (last.sysmonSamples() <= first.sysmonSamples() || last.notifications() <= first.notifications()) {
      grew.add("streams stopped delivering");
    }
    out.printf(Locale.ROOT, "heap after GC: %d KiB at the first streaming sample, %d KiB at the last (%+d KiB)%n",
        first.heapBytes() >> 10, last.heapBytes() >> 10, heapGrowth >> 10);
    out.println(grew.isEmpty() ? "verdict: FLAT" : "verdict: NOT FLAT: " + String.join(", ", grew));
    return grew.isEmpty();
  }

  /** Prints to the console and a file. */
  private static final class TeePrintStream extends PrintStream {
    private final PrintStream second;

    TeePrintStream(PrintStream first, java.io.OutputStream file) {
      super(first, true, StandardCharsets.UTF_8);
      this.second = new PrintStream(file, true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(byte[] buf, int off, int len) {
      super.write(buf, off, len);
      second.write(buf, off, len);
    }

    @Override
    public void write(int b) {
      super.write(b);
      second.write(b);
    }

    @Override
    public void flush() {
      super.flush();
      second.flush();
    }

    @Override
    public void close() {
      super.close();
      second.close();
    }
  }
}
