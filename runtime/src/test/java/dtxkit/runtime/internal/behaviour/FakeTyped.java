package dtxkit.runtime.internal.behaviour;

import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.DtxServiceHandle;
import dtxkit.runtime.archive.NSError;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** The server side of {@link Typed}: echoes, records, errors, and pushes callbacks through its handle. */
final class FakeTyped implements Typed {

  final List<Integer> killedPids = new CopyOnWriteArrayList<>();
  final CompletableFuture<String> pendingResult = new CompletableFuture<>();
  volatile DtxServiceHandle<Typed> handle;

  static final Proc INIT = new Proc(1, "launchd", null, Instant.parse("2026-01-01T00:00:00Z"), List.of());
  static final Proc SPRINGBOARD = new Proc(57, "SpringBoard", "com.apple.springboard",
      Instant.parse("2026-01-01T00:00:05Z"), List.of("-v"));

  @Override public int echoArchivedInt(int value) { return value; }
  @Override public int echoInt32(int value) { return value; }
  @Override public long echoInt64(long value) { return value; }
  @Override public double echoDouble(double value) { return value; }
  @Override public String echoStr(String value) { return value; }
  @Override public byte[] echoRaw(byte[] value) { return value; }
  @Override public String echoString(String value) { return value; }
  @Override public boolean echoBoolean(boolean value) { return value; }
  @Override public Long echoBoxed(Long value) { return value; }
  @Override public byte[] echoBytes(byte[] value) { return value; }
  @Override public List<String> echoList(List<String> value) { return value; }
  @Override public Set<Integer> echoSet(Set<Integer> value) { return value; }
  @Override public Map<String, Object> echoMap(Map<String, Object> value) { return value; }
  @Override public Instant echoInstant(Instant value) { return value; }
  @Override public UUID echoUuid(UUID value) { return value; }
  @Override public URI echoUri(URI value) { return value; }
  @Override public NSError echoError(NSError value) { return value; }
  @Override public Proc echoProc(Proc value) { return value; }

  @Override
  public List<Proc> runningProcesses() {
    return List.of(INIT, SPRINGBOARD);
  }

  @Override
  public Map<String, List<Proc>> byName(Set<Proc> processes) {
    Map<String, List<Proc>> out = new LinkedHashMap<>();
    for (Proc p : processes) {
      out.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
    }
    return out;
  }

  @Override
  public CompletableFuture<String> asyncUpper(String value) {
    return CompletableFuture.supplyAsync(() -> value.toUpperCase(Locale.ROOT));
  }

  @Override
  public CompletableFuture<Proc> asyncProc(int pid) {
    return pid == SPRINGBOARD.pid()
        ? CompletableFuture.completedFuture(SPRINGBOARD)
        : CompletableFuture.failedFuture(new DtxRemoteException("NSPOSIXErrorDomain", 3, "No such process " + pid));
  }

  @Override
  public CompletableFuture<Void> asyncNothing() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<String> pending() {
    return pendingResult;
  }

  @Override
  public String refuse(String domain, long code) {
    throw new DtxRemoteException(domain, code, "refused by the fake");
  }

  @Override
  public void crash() {
    throw new IllegalStateException("the fake crashed");
  }

  @Override public void nothing() {}
  @Override public String nullString() { return null; }

  @Override
  public void kill(int pid) {
    killedPids.add(pid);
  }

  @Override
  public List<Integer> killed() {
    return List.copyOf(killedPids);
  }

  @Override
  public void pushOutput(String text, int times) {
    for (Typed.Events client : handle.events(Typed.Events.class)) {
      for (int i = 0; i < times; i++) {
        client.outputReceived(text + i, 57, 1000L + i);
      }
      client.exited(SPRINGBOARD);
      client.data(new byte[] {1, 2, 3});
    }
  }
}
