package dtxkit.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles test inputs with both dtxkit processors and the test-only runtime-contract stand-ins. */
final class Compilations {

  /** The stand-ins under {@code src/test/resources/runtime-contract-standins/}, so generated code compiles. */
  private static final List<String> STANDINS = List.of(
      "dtxkit/runtime/DtxArgument.java",
      "dtxkit/runtime/DtxChannel.java",
      "dtxkit/runtime/DtxChannelListener.java",
      "dtxkit/runtime/DtxInvocation.java",
      "dtxkit/runtime/DtxMethodDescriptor.java",
      "dtxkit/runtime/DtxServiceHandler.java",
      "dtxkit/runtime/DtxUnrecognizedSelectorException.java",
      "dtxkit/runtime/archive/ArchivedObject.java",
      "dtxkit/runtime/archive/NSError.java",
      "dtxkit/runtime/archive/NSKeyedArchiver.java",
      "dtxkit/runtime/internal/DtxCalls.java",
      "dtxkit/runtime/internal/DtxConversions.java",
      "dtxkit/runtime/internal/DtxDispatch.java",
      "dtxkit/runtime/internal/DtxGeneratedCode.java",
      "dtxkit/runtime/internal/DtxServiceBinding.java");

  private Compilations() {
  }

  /** Compiles resources such as {@code "bad/SelectorArity.java"} together with the stand-ins. */
  static Compilation compile(String... resources) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (String resource : resources) {
      sources.add(source(resource));
    }
    for (String standin : STANDINS) {
      sources.add(JavaFileObjects.forResource("runtime-contract-standins/" + standin));
    }
    return javac()
        .withProcessors(new DtxProcessor(), new DtxServicesFileProcessor())
        .withOptions("-Xlint:all,-processing", "-Werror")
        .compile(sources);
  }

  /**
   * Compiles {@code resources} with the stand-ins and {@code classpath} (directories of classes compiled earlier,
   * e.g. records that then have no source, as from a jar) ahead of the test class path; warnings do not fail it.
   */
  static Compilation compileWithClasspath(List<java.io.File> classpath, String... resources) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (String resource : resources) {
      sources.add(source(resource));
    }
    sources.addAll(standins());
    List<java.io.File> entries = new ArrayList<>(classpath);
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      entries.add(new java.io.File(entry));
    }
    return javac()
        .withProcessors(new DtxProcessor(), new DtxServicesFileProcessor())
        .withOptions("-Xlint:all,-processing")
        .withClasspath(entries)
        .compile(sources);
  }

  /** Compiles {@code resources} alone (no processors) into {@code directory}, as a library built elsewhere. */
  static void compileLibrary(Path directory, String... resources) throws IOException {
    List<JavaFileObject> sources = new ArrayList<>();
    for (String resource : resources) {
      sources.add(source(resource));
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      boolean ok = compiler.getTask(null, files, diagnostics, List.of("-d", directory.toString(), "-proc:none",
          "-classpath", System.getProperty("java.class.path")), null, sources).call();
      if (!ok) {
        throw new AssertionError(diagnostics.getDiagnostics().toString());
      }
    }
  }

  /** What {@link #compileToDisk} leaves behind: the error messages and the directories written to. */
  record DiskCompilation(boolean success, List<String> errors, Path sourceOutput, Path classOutput) {
  }

  /**
   * Compiles with the real {@code javac} into {@code directory}, keeping what the processors wrote even when the
   * compilation fails (compile-testing hides generated files then), for "keeps going" and determinism checks.
   */
  static DiskCompilation compileToDisk(Path directory, String... resources) throws IOException {
    Path sourceOutput = Files.createDirectories(directory.resolve("generated-sources"));
    Path classOutput = Files.createDirectories(directory.resolve("classes"));
    List<JavaFileObject> sources = new ArrayList<>();
    for (String resource : resources) {
      sources.add(source(resource));
    }
    for (String standin : STANDINS) {
      sources.add(JavaFileObjects.forResource("runtime-contract-standins/" + standin));
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      JavaCompiler.CompilationTask task = compiler.getTask(null, files, diagnostics,
          List.of("-d", classOutput.toString(), "-s", sourceOutput.toString(),
              "-classpath", System.getProperty("java.class.path"), "-proc:only"),
          null, sources);
      task.setProcessors(List.of(new DtxProcessor(), new DtxServicesFileProcessor()));
      boolean success = task.call();
      List<String> errors = new ArrayList<>();
      for (javax.tools.Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == javax.tools.Diagnostic.Kind.ERROR) {
          errors.add(d.getMessage(Locale.ROOT));
        }
      }
      return new DiskCompilation(success, errors, sourceOutput, classOutput);
    }
  }

  /** The runtime-contract stand-ins as sources. */
  static List<JavaFileObject> standins() {
    List<JavaFileObject> sources = new ArrayList<>();
    for (String standin : STANDINS) {
      sources.add(JavaFileObjects.forResource("runtime-contract-standins/" + standin));
    }
    return sources;
  }

  static JavaFileObject source(String resource) {
    return JavaFileObjects.forResource(resource);
  }

  /** The 1-based line of {@code resource} that contains {@code marker}; fails when there is not exactly one. */
  static long lineOf(String resource, String marker) {
    String[] lines = text(resource).split("\n", -1);
    long found = -1;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(marker)) {
        if (found != -1) {
          throw new AssertionError(marker + " occurs twice in " + resource);
        }
        found = i + 1;
      }
    }
    if (found == -1) {
      throw new AssertionError(marker + " not found in " + resource);
    }
    return found;
  }

  static String text(String resource) {
    try (InputStream in = Compilations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError("no resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
