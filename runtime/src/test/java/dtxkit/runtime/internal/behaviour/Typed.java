package dtxkit.runtime.internal.behaviour;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.annotations.Int32;
import dtxkit.annotations.Int64;
import dtxkit.annotations.OnData;
import dtxkit.annotations.OnNotification;
import dtxkit.annotations.Raw;
import dtxkit.annotations.Str;
import dtxkit.runtime.archive.NSError;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Every parameter encoding, every return kind, errors, oneway and callbacks, for the behaviour tests. */
@DtxService("dtxkit.test.typed")
public interface Typed {

  @DtxMethod("echoArchivedInt:")
  int echoArchivedInt(int value);

  @DtxMethod("echoInt32:")
  int echoInt32(@Int32 int value);

  @DtxMethod("echoInt64:")
  long echoInt64(@Int64 long value);

  @DtxMethod("echoDouble:")
  double echoDouble(@dtxkit.annotations.Double double value);

  @DtxMethod("echoStr:")
  String echoStr(@Str String value);

  @DtxMethod("echoRaw:")
  byte[] echoRaw(@Raw byte[] value);

  @DtxMethod("echoString:")
  String echoString(String value);

  @DtxMethod("echoBoolean:")
  boolean echoBoolean(boolean value);

  @DtxMethod("echoBoxed:")
  Long echoBoxed(Long value);

  @DtxMethod("echoBytes:")
  byte[] echoBytes(byte[] value);

  @DtxMethod("echoList:")
  List<String> echoList(List<String> value);

  @DtxMethod("echoSet:")
  Set<Integer> echoSet(Set<Integer> value);

  @DtxMethod("echoMap:")
  Map<String, Object> echoMap(Map<String, Object> value);

  @DtxMethod("echoInstant:")
  Instant echoInstant(Instant value);

  @DtxMethod("echoUuid:")
  UUID echoUuid(UUID value);

  @DtxMethod("echoUri:")
  URI echoUri(URI value);

  @DtxMethod("echoError:")
  NSError echoError(NSError value);

  @DtxMethod("echoProc:")
  Proc echoProc(Proc value);

  @DtxMethod("runningProcesses")
  List<Proc> runningProcesses();

  @DtxMethod("byName:")
  Map<String, List<Proc>> byName(Set<Proc> processes);

  @DtxMethod("asyncUpper:")
  CompletableFuture<String> asyncUpper(String value);

  @DtxMethod("asyncProc:")
  CompletableFuture<Proc> asyncProc(int pid);

  @DtxMethod("asyncNothing")
  CompletableFuture<Void> asyncNothing();

  @DtxMethod("pending")
  CompletableFuture<String> pending();

  @DtxMethod("refuse:code:")
  String refuse(String domain, long code);

  @DtxMethod("crash")
  void crash();

  @DtxMethod("nothing")
  void nothing();

  @DtxMethod("nullString")
  String nullString();

  @DtxMethod(value = "killPid:", oneway = true)
  void kill(int pid);

  @DtxMethod("killed")
  List<Integer> killed();

  @DtxMethod("pushOutput:times:")
  void pushOutput(String text, int times);

  /** Not remote: stays on the interface. */
  default String greet(String name) {
    return echoString("hello " + name);
  }

  /** Callbacks the server pushes. */
  interface Events {
    @OnNotification("outputReceived:fromProcess:atTime:")
    default void outputReceived(String output, int pid, long machTime) {}

    @OnNotification("processExited:")
    default void exited(Proc process) {}

    @OnData
    default void data(byte[] chunk) {}
  }
}
