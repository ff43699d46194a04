package dtxkit.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dtxkit.processor.Compilations.compile;
import static dtxkit.processor.Compilations.lineOf;
import static dtxkit.processor.Compilations.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per message of the diagnostics catalogue: the error count, the full text, the file and the line. Each
 * input under {@code bad/} marks the line the error belongs on with a {@code // <- Tag} comment.
 */
class DiagnosticsTest {

  private static final String SUPPORTED_RETURNS = "supported: void, a value (String, primitive and boxed numbers,"
      + " boolean, byte[], List, Set, Map, Instant, UUID, URI, Object, ArchivedObject classes, records)"
      + " or CompletableFuture of one";

  /** Compiles one input and asserts it failed with exactly one error, {@code message}, on the marked line. */
  private static void assertOneError(String resource, String marker, String message) {
    Compilation compilation = compile(resource);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertError(compilation, resource, marker, message);
  }

  private static void assertError(Compilation compilation, String resource, String marker, String message) {
    assertThat(compilation).hadErrorContaining(message).inFile(source(resource))
        .onLine(lineOf(resource, marker));
  }

  @Test
  void serviceOnAClass() {
    assertOneError("bad/NotInterface.java", "<- DtxServiceNotInterface",
        "[DtxServiceNotInterface] @DtxService is on class NotInterface, but only an interface can declare a"
            + " DTX service");
  }

  @Test
  void genericServiceInterface() {
    assertOneError("bad/ServiceShape.java", "<- DtxServiceShape",
        "[DtxServiceShape] service interface ServiceShape declares type parameters; a service interface must"
            + " be accessible, non-generic and extend no interface");
  }

  @Test
  void malformedIdentifier() {
    assertOneError("bad/Identifier.java", "<- DtxIdentifier",
        "[DtxIdentifier] service identifier \"com.example..broken\" is malformed; expected dot-separated"
            + " parts of letters, digits, '_' or '-', such as"
            + " \"com.apple.instruments.server.services.deviceinfo\"");
  }

  @Test
  void emptyIdentifierAndEmptySelector() {
    Compilation compilation = compile("bad/EmptyNames.java");
    assertThat(compilation).hadErrorCount(2);
    assertError(compilation, "bad/EmptyNames.java", "<- DtxIdentifier empty",
        "[DtxIdentifier] service identifier \"\" is empty;");
    assertError(compilation, "bad/EmptyNames.java", "<- DtxSelectorSyntax empty",
        "[DtxSelectorSyntax] selector \"\" on nothing() is empty; expected a name (\"runningProcesses\") or"
            + " keywords each ending in a colon (\"sendSignal:toPid:\")");
  }

  @Test
  void malformedSelector() {
    assertOneError("bad/SelectorSyntax.java", "<- DtxSelectorSyntax",
        "[DtxSelectorSyntax] selector \"kill Pid:\" on kill() is malformed; expected a name"
            + " (\"runningProcesses\") or keywords each ending in a colon (\"sendSignal:toPid:\")");
  }

  @Test
  void selectorArity() {
    assertOneError("bad/SelectorArity.java", "<- DtxSelectorArity",
        "[DtxSelectorArity] selector \"killPid:\" takes 1 argument but kill() declares 0 parameters");
  }

  @Test
  void duplicateSelector() {
    assertOneError("bad/DuplicateSelector.java", "<- DtxDuplicateSelector",
        "[DtxDuplicateSelector] selector \"runningProcesses\" on processesAgain() is already bound to"
            + " processes(); each selector maps to one method");
  }

  @Test
  void abstractMethodWithoutAnnotation() {
    assertOneError("bad/UnannotatedMethod.java", "<- DtxUnannotatedMethod",
        "[DtxUnannotatedMethod] abstract method forgotten() in UnannotatedMethod has no @DtxMethod; annotate"
            + " it, or make it default or static");
  }

  @Test
  void genericMethod() {
    assertOneError("bad/GenericMethod.java", "<- DtxGenericMethod",
        "[DtxGenericMethod] valueFor() declares type parameters <T>; generated code must know the exact"
            + " types it sends and receives");
  }

  @Test
  void unsupportedParameterType() {
    assertOneError("bad/UnsupportedParameterType.java", "<- DtxUnsupportedParameterType",
        "[DtxUnsupportedParameterType] parameter thread of run() has type java.lang.Thread, which DTX"
            + " cannot carry; supported: String, primitive and boxed numbers, boolean, byte[], List,"
            + " Set, Map, Instant, UUID, URI, Object, ArchivedObject classes and records");
  }

  @Test
  void unsupportedReturnType() {
    assertOneError("bad/UnsupportedReturnType.java", "<- DtxUnsupportedReturnType",
        "[DtxUnsupportedReturnType] current() returns java.lang.Thread, which DTX cannot carry; "
            + SUPPORTED_RETURNS);
  }

  @Test
  void unsupportedRecordComponentType() {
    assertOneError("bad/UnsupportedComponentType.java", "<- DtxUnsupportedComponentType",
        "[DtxUnsupportedComponentType] record component owner of UnsupportedComponentType.Sample has type"
            + " java.lang.Thread, which DTX cannot carry; record components take the same types as"
            + " parameters");
  }

  /**
   * A record from the class path (a jar, an earlier build) has no source, so its problems are reported on the method
   * that uses it, with a file and a line, naming the record and the component.
   */
  @Test
  void problemsInARecordWithoutSourceAreReportedOnTheMethod(@TempDir Path library) throws IOException {
    Compilations.compileLibrary(library, "jar/lib/JarSample.java", "jar/lib/JarKeys.java");
    Compilation compilation = Compilations.compileWithClasspath(List.of(library.toFile()),
        "bad/JarRecordUser.java");
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(2);
    assertError(compilation, "bad/JarRecordUser.java", "<- DtxUnsupportedComponentType",
        "[DtxUnsupportedComponentType] sample() uses record lib.JarSample (from the class path, no source to"
            + " point at): record component owner of JarSample has type java.lang.Thread, which DTX cannot"
            + " carry; record components take the same types as parameters");
    assertError(compilation, "bad/JarRecordUser.java", "<- DtxRecordKey",
        "[DtxRecordKey] load() uses record lib.JarKeys (from the class path, no source to point at): record"
            + " component user of JarKeys maps to key \"CPU\", already used by component total; each key maps"
            + " to one component");
  }

  /** A oneway method returning {@code CompletableFuture<Void>} works (done when queued) but earns a warning. */
  @Test
  void onewayFutureIsAWarning() {
    Compilation compilation = Compilations.compileWithClasspath(List.of(), "warn/OnewayFuture.java");
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation).hadWarningContaining("[DtxOnewayFuture] oneway method kill() returns"
            + " java.util.concurrent.CompletableFuture<java.lang.Void>, which completes once the message is"
            + " queued, not when the peer has acted on it (a oneway selector gets no reply); return void, or drop"
            + " oneway to wait for the reply")
        .inFile(source("warn/OnewayFuture.java")).onLine(lineOf("warn/OnewayFuture.java", "<- DtxOnewayFuture"));
    assertThat(compilation).generatedSourceFile("warn/OnewayFuture_DtxClient").contentsAsUtf8String()
        .contains("return CompletableFuture.completedFuture(null);");
  }

  @Test
  void recordSharedByTwoServicesIsReportedOnce() {
    Compilation compilation = compile("bad/SharedRecordA.java", "bad/SharedRecordB.java",
        "bad/SharedSample.java");
    assertThat(compilation).hadErrorCount(1);
    assertError(compilation, "bad/SharedSample.java", "<- DtxUnsupportedComponentType",
        "[DtxUnsupportedComponentType] record component owner of SharedSample has type java.lang.Thread");
  }

  @Test
  void encodingOnIncompatibleType() {
    assertOneError("bad/EncodingMismatch.java", "<- DtxEncodingMismatch",
        "[DtxEncodingMismatch] @Int32 on parameter name of setName() needs int, Integer, short, Short, byte"
            + " or Byte, but the parameter is java.lang.String");
  }

  @Test
  void twoEncodingsOnOneParameter() {
    assertOneError("bad/EncodingConflict.java", "<- DtxEncodingConflict",
        "[DtxEncodingConflict] parameter pid of setPid() carries both @Int32 and @Int64; choose one"
            + " encoding");
  }

  @Test
  void onewayReturningAValue() {
    assertOneError("bad/OnewayReturn.java", "<- DtxOnewayReturn",
        "[DtxOnewayReturn] oneway method kill() returns boolean; a oneway selector gets no reply, so it must"
            + " return void");
  }

  @Test
  void notificationReturningAValue() {
    assertOneError("bad/NotificationReturn.java", "<- DtxNotificationReturn",
        "[DtxNotificationReturn] @OnNotification method output() returns java.lang.String; the peer expects"
            + " no value back, so it must return void");
  }

  @Test
  void dataSinkWithoutByteArray() {
    assertOneError("bad/DataSignature.java", "<- DtxDataSignature",
        "[DtxDataSignature] @OnData method data() takes (java.lang.String); it must take exactly one byte[]"
            + " parameter");
  }

  @Test
  void twoDataSinks() {
    assertOneError("bad/DuplicateData.java", "<- DtxDuplicateData",
        "[DtxDuplicateData] @OnData method moreData() duplicates data(); a channel has one DATA stream, so a"
            + " service declares one @OnData");
  }

  @Test
  void twoEventsInterfaces() {
    assertOneError("bad/EventsInterface.java", "<- DtxEventsInterface",
        "[DtxEventsInterface] EventsInterface declares callbacks in both Events and MoreEvents; put every"
            + " @OnNotification and @OnData of a service in one nested interface");
  }

  @Test
  void proxyProtocolNameIsAnObjectiveCIdentifier() {
    assertOneError("bad/ProxyName.java", "<- DtxProxyName",
        "[DtxProxyName] proxy protocol name \"com.example.NotAProtocol\" is malformed; a dtxproxy: channel names"
            + " Objective-C protocols, so expected a letter or '_' then letters, digits or '_', such as"
            + " \"XCTestManager_IDEInterface\"");
  }

  @Test
  void proxyProtocolDeclaresNoCallbacks() {
    assertOneError("bad/ProxyCallbacks.java", "<- DtxProxyCallbacks",
        "[DtxProxyCallbacks] proxy protocol ProxyCallbacks declares callbacks in Events; on a dtxproxy: channel the"
            + " peer calls the protocol it exports: declare those calls as @DtxMethod methods of that protocol's own"
            + " interface");
  }

  @Test
  void misplacedAnnotations() {
    Compilation compilation = compile("bad/MisplacedAnnotation.java");
    assertThat(compilation).hadErrorCount(2);
    assertError(compilation, "bad/MisplacedAnnotation.java", "<- DtxMisplacedAnnotation in service",
        "[DtxMisplacedAnnotation] @OnNotification on stopped() is in the service interface"
            + " MisplacedAnnotation itself; declare callbacks in a nested interface such as"
            + " MisplacedAnnotation.Events");
    assertError(compilation, "bad/MisplacedAnnotation.java", "<- DtxMisplacedAnnotation outside service",
        "[DtxMisplacedAnnotation] @DtxMethod on ping() is outside a @DtxService interface; declare it in an"
            + " interface annotated @DtxService");
  }

  @Test
  void recordKeys() {
    Compilation compilation = compile("bad/RecordKey.java");
    assertThat(compilation).hadErrorCount(2);
    assertError(compilation, "bad/RecordKey.java", "<- DtxRecordKey duplicate",
        "[DtxRecordKey] record component user of RecordKey.Load maps to key \"CPU_TotalLoad\", already used"
            + " by component total; each key maps to one component");
    assertError(compilation, "bad/RecordKey.java", "<- DtxRecordKey empty",
        "[DtxRecordKey] record component nice of RecordKey.Load has an empty @Key; a dictionary key needs at"
            + " least one character");
  }

  @Test
  void brokenServiceGeneratesNothing(@TempDir Path directory) throws IOException {
    Compilations.DiskCompilation compilation = Compilations.compileToDisk(directory, "bad/SelectorArity.java");
    assertFalse(compilation.success());
    assertEquals(List.of(), generatedFiles(compilation));
  }

  /**
   * Two broken methods give two errors, the healthy method beside them is not reported, and another service in the
   * same compilation still generates.
   */
  @Test
  void keepsGoingPastErrors(@TempDir Path directory) throws IOException {
    Compilation compilation = compile("bad/TwoBroken.java", "good/other/Healthy.java");
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(2);
    assertError(compilation, "bad/TwoBroken.java", "<- DtxSelectorArity",
        "[DtxSelectorArity] selector \"killPid:\" takes 1 argument but kill() declares 0 parameters");
    assertError(compilation, "bad/TwoBroken.java", "<- DtxUnsupportedReturnType",
        "[DtxUnsupportedReturnType] ping() returns java.lang.Thread, which DTX cannot carry");

    Compilations.DiskCompilation onDisk = Compilations.compileToDisk(directory, "bad/TwoBroken.java",
        "good/other/Healthy.java");
    assertEquals(2, onDisk.errors().size(), () -> String.valueOf(onDisk.errors()));
    assertEquals(List.of("other/Healthy_DtxBinding.java", "other/Healthy_DtxClient.java",
        "other/Healthy_DtxDispatcher.java"), generatedFiles(onDisk));
  }

  private static List<String> generatedFiles(Compilations.DiskCompilation compilation) throws IOException {
    try (Stream<Path> files = Files.walk(compilation.sourceOutput())) {
      return files.filter(Files::isRegularFile)
          .map(p -> compilation.sourceOutput().relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }
}
