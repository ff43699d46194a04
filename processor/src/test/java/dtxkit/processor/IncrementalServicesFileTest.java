package dtxkit.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An IDE or Gradle recompiles only the changed service, with the earlier output on the class path: the ServiceLoader
 * file must still list every service, as it does after a full build.
 */
class IncrementalServicesFileTest {

  private static final String SERVICES_FILE = "META-INF/services/dtxkit.runtime.internal.DtxServiceBinding";

  @Test
  void recompilingOneOfTwoServicesKeepsBoth(@TempDir Path directory) throws IOException {
    Path classes = Files.createDirectories(directory.resolve("classes"));
    Path sources = Files.createDirectories(directory.resolve("generated"));
    List<String> both = List.of("nested.Outer_Inner_DtxBinding", "other.Healthy_DtxBinding");

    compile(classes, sources, true, "good/other/Healthy.java", "good/nested/Outer.java");
    assertEquals(both, Files.readAllLines(classes.resolve(SERVICES_FILE), StandardCharsets.UTF_8));

    // Only Healthy changed: javac sees it alone, the rest comes from the class path.
    compile(classes, sources, false, "good/other/Healthy.java");
    assertEquals(both, Files.readAllLines(classes.resolve(SERVICES_FILE), StandardCharsets.UTF_8));
    assertTrue(Files.exists(classes.resolve("nested/Outer_Inner_DtxBinding.class")));

    // And the other one alone, the way round.
    compile(classes, sources, false, "good/nested/Outer.java");
    assertEquals(both, Files.readAllLines(classes.resolve(SERVICES_FILE), StandardCharsets.UTF_8));
  }

  /** Compiles with the real javac into {@code classes}, which is also on the class path. */
  private static void compile(Path classes, Path generated, boolean withStandins, String... resources)
      throws IOException {
    List<JavaFileObject> units = new ArrayList<>();
    for (String resource : resources) {
      units.add(Compilations.source(resource));
    }
    if (withStandins) {
      units.addAll(Compilations.standins());
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      JavaCompiler.CompilationTask task = compiler.getTask(null, files, diagnostics,
          List.of("-d", classes.toString(), "-s", generated.toString(),
              "-classpath", classes + File.pathSeparator + System.getProperty("java.class.path")),
          null, units);
      task.setProcessors(List.of(new DtxProcessor(), new DtxServicesFileProcessor()));
      boolean success = task.call();
      assertTrue(success, () -> diagnostics.getDiagnostics().toString());
    }
  }
}
