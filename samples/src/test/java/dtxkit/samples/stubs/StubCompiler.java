package dtxkit.samples.stubs;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dtxkit.processor.DtxProcessor;
import dtxkit.processor.DtxServicesFileProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;

/** Compiles generated stubs with the dtxkit processor, as a user's build would; and reads the go-ios fixtures. */
final class StubCompiler {

  private StubCompiler() {
  }

  /** Compiles every source of {@code result} with the processors, warnings as errors. */
  static Compilation compile(Stubs.Result result) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (Stubs.Source s : result.sources()) {
      sources.add(JavaFileObjects.forSourceString(s.qualifiedName(), s.content()));
    }
    return javac()
        .withProcessors(new DtxProcessor(), new DtxServicesFileProcessor())
        .withOptions("-Xlint:all,-processing", "-Werror")
        .compile(sources);
  }

  /** Fails with the diagnostics and the sources when the compilation failed. */
  static void assertCompiles(Stubs.Result result, Compilation compilation) {
    if (compilation.status() != Compilation.Status.SUCCESS || !compilation.warnings().isEmpty()) {
      throw new AssertionError("generated stubs do not compile cleanly:\n" + compilation.diagnostics().stream()
          .map(Object::toString).collect(Collectors.joining("\n")) + "\n\n" + result.sources().stream()
          .map(Stubs.Source::content).collect(Collectors.joining("\n")));
    }
  }

  /** The go-ios fixture {@code name} (from runtime's test resources; MIT, licence beside it) copied into {@code dir}. */
  static Path fixture(Path dir, String name) {
    try (InputStream in = StubCompiler.class.getResourceAsStream("/fixtures/go-ios/dtx/" + name)) {
      if (in == null) {
        throw new AssertionError("no fixture " + name);
      }
      Path file = dir.resolve(name);
      Files.write(file, in.readAllBytes());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Compiles {@code result} with the processors into {@code dir} and returns a class loader over the classes (and the
   * processor's ServiceLoader index), child of the test class path: the generated clients, ready to use.
   */
  static java.net.URLClassLoader compileToDisk(Stubs.Result result, Path dir) throws IOException {
    Path sources = Files.createDirectories(dir.resolve("src"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<Path> written = result.writeTo(sources);
    javax.tools.JavaCompiler compiler = javax.tools.ToolProvider.getSystemJavaCompiler();
    javax.tools.DiagnosticCollector<JavaFileObject> diagnostics = new javax.tools.DiagnosticCollector<>();
    try (javax.tools.StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, java.util.Locale.ROOT,
        java.nio.charset.StandardCharsets.UTF_8)) {
      javax.tools.JavaCompiler.CompilationTask task = compiler.getTask(null, files, diagnostics,
          List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "--release", "17"),
          null, files.getJavaFileObjectsFromPaths(written));
      task.setProcessors(List.of(new DtxProcessor(), new DtxServicesFileProcessor()));
      if (!task.call()) {
        throw new AssertionError("generated stubs do not compile: " + diagnostics.getDiagnostics());
      }
    }
    return new java.net.URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
        StubCompiler.class.getClassLoader());
  }
}
