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
}
