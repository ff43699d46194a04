package dtxkit.services.mock;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mock device's system log: lines its fake processes write (launches, exits, installs, and a little chatter
 * from the daemons while someone listens), in the format syslog_relay sends:
 * {@code Dec  6 05:41:12 iPhone SpringBoard[57] <Notice>: message}. Keeps the last {@value #HISTORY} lines for
 * new listeners; each listener has a bounded queue and loses its oldest lines (counted) when it falls behind.
 */
final class MockSyslog {
  static final int HISTORY = 50;
  static final int QUEUE = 1024;
  static final long CHATTER_MS = 250;

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);
  private static final String[] CHATTER = {
    "<Notice>: Received state update for %s",
    "<Info>: Memory pressure check: normal",
    "<Notice>: Timer fired; rescheduling in 30.0s",
    "<Info>: Connection from %s accepted",
    "<Notice>: Power assertion released",
  };

  private final DeviceState state;
  private final ArrayDeque<String> history = new ArrayDeque<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private ScheduledFuture<?> chatter;
  private long chatterCount;

  /** One subscriber: its own bounded queue. */
  final class Listener {
    final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);

    void offer(String line) {
      while (!lines.offer(line)) {
        if (lines.poll() != null) {
          dropped.incrementAndGet();
        }
      }
    }

    void close() {
      remove(this);
    }
  }

  MockSyslog(DeviceState state) {
    this.state = state;
  }

  /** Writes a line as {@code process} (the pid of the first process of that name, else 0). */
  void log(String process, String message) {
    int pid = 0;
    for (MockProcess p : state.processes()) {
      if (p.name().equals(process)) {
        pid = p.pid();
        break;
      }
    }
    append(format(process, pid, "<Notice>: " + message));
  }

  private String format(String process, int pid, String rest) {
    return TIME.format(LocalDateTime.now()) + " " + state.identity.deviceName().replace(' ', '-') + " " + process
        + "[" + pid + "] " + rest;
  }

  private void append(String line) {
    synchronized (history) {
      history.addLast(line);
      while (history.size() > HISTORY) {
        history.removeFirst();
      }
    }
    for (Listener l : listeners) {
      l.offer(line);
    }
  }

  /** Subscribes: the recent history first, then every new line. Close the listener when done. */
  Listener listen() {
    Listener listener = new Listener();
    synchronized (history) {
      for (String line : history) {
        listener.offer(line);
      }
      listeners.add(listener);
    }
    synchronized (this) {
      if (chatter == null) {
        chatter = state.scheduler.scheduleAtFixedRate(this::chatter, 0, CHATTER_MS, TimeUnit.MILLISECONDS);
      }
    }
    return listener;
  }

  private void remove(Listener listener) {
    listeners.remove(listener);
    synchronized (this) {
      if (listeners.isEmpty() && chatter != null) {
        chatter.cancel(false);
        chatter = null;
      }
    }
  }

  private void chatter() {
    List<MockProcess> processes = state.processes();
    if (processes.isEmpty()) {
      return;
    }
    long n;
    synchronized (this) {
      n = chatterCount++;
    }
    MockProcess p = processes.get((int) (n * 7 % processes.size()));
    MockProcess other = processes.get((int) ((n * 7 + 3) % processes.size()));
    append(format(p.name(), p.pid(), String.format(Locale.ROOT, CHATTER[(int) (n % CHATTER.length)],
        other.name())));
  }

  /** Lines lost by listeners that fell behind. */
  long dropped() {
    return dropped.get();
  }
}
