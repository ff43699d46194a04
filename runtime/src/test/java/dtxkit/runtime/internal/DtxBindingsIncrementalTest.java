package dtxkit.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two services compiled, then one recompiled alone with the first output on the class path (what an IDE or Gradle
 * does): the runtime still finds both, by interface and by identifier, and the naming rule matches the processor's.
 */
class DtxBindingsIncrementalTest {

  private static final String ALPHA = """
      package incremental;

      import dtxkit.annotations.DtxMethod;
      import dtxkit.annotations.DtxService;

      @DtxService("com.example.alpha")
      public interface Alpha {
        @DtxMethod("ping")
        String ping();
      }
      """;

  private static final String BETA = """
      package incremental.more;

      import dtxkit.annotations.DtxMethod;
      import dtxkit.annotations.DtxService;

      public final class Outer {
        private Outer() {}

        @DtxService("com.example.beta")
        public interface Beta {
          @DtxMethod("pong")
          String pong();
        }
      }
      """;

  @Test
  void recompilingOneServiceKeepsTheOtherFindable(@TempDir Path directory) throws Exception {
    Path src = Files.createDirectories(directory.resolve("src"));
    Path classes = Files.createDirectories(directory.resolve("classes"));
    Path alpha = write(src.resolve("incremental/Alpha.java"), ALPHA);
    Path beta = write(src.resolve("incremental/more/Outer.java"), BETA);
    compile(classes, directory, alpha, beta);
    // Alpha changed: recompiled alone over the same output.
    write(alpha, ALPHA.replace("String ping();", "String ping();\n\n  @DtxMethod(\"again\")\n  String again();"));
    compile(classes, directory, alpha);

    List<String> index = Files.readAllLines(classes.resolve(DtxBindings.SERVICES_FILE), StandardCharsets.UTF_8);
    assertEquals(List.of("incremental.Alpha_DtxBinding", "incremental.more.Outer_Beta_DtxBinding"), index);

    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        DtxBindingsIncrementalTest.class.getClassLoader())) {
      Class<?> alphaType = Class.forName("incremental.Alpha", false, loader);
      Class<?> betaType = Class.forName("incremental.more.Outer$Beta", false, loader);
      assertEquals("incremental.Alpha_DtxBinding", DtxBindings.bindingName(alphaType));
      assertEquals("incremental.more.Outer_Beta_DtxBinding", DtxBindings.bindingName(betaType));
      assertEquals("com.example.alpha", DtxBindings.forType(alphaType).identifier());
      assertSame(betaType, DtxBindings.forType(betaType).serviceType());
      assertTrue(DtxBindings.isService(alphaType));
      assertNotNull(DtxBindings.forIdentifier("com.example.beta", loader));
      Set<String> listed = DtxBindings.all(loader).stream().map(DtxServiceBinding::identifier)
          .collect(Collectors.toSet());
      assertTrue(listed.containsAll(Set.of("com.example.alpha", "com.example.beta")), listed::toString);
    }
  }

  @Test
  void bindingFoundByNameEvenWhenTheIndexLacksIt(@TempDir Path directory) throws Exception {
    Path src = Files.createDirectories(directory.resolve("src"));
    Path classes = Files.createDirectories(directory.resolve("classes"));
    compile(classes, directory, write(src.resolve("incremental/Alpha.java"), ALPHA));
    // A stale or lost index: one line naming a deleted class, none for Alpha.
    Files.writeString(classes.resolve(DtxBindings.SERVICES_FILE), "incremental.Deleted_DtxBinding\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        DtxBindingsIncrementalTest.class.getClassLoader())) {
      Class<?> alphaType = Class.forName("incremental.Alpha", false, loader);
      assertEquals("com.example.alpha", DtxBindings.forType(alphaType).identifier());
      assertTrue(DtxBindings.all(loader).stream().noneMatch(b -> b.identifier().equals("com.example.alpha")));
      assertThrows(IllegalArgumentException.class, () -> DtxBindings.forType(Runnable.class));
    }
  }

  private static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  /** The real javac with the dtxkit processor found on the class path, as a build tool runs it. */
  private static void compile(Path classes, Path directory, Path... sources) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path generated = Files.createDirectories(directory.resolve("generated"));
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      boolean ok = compiler.getTask(null, files, diagnostics,
          List.of("-d", classes.toString(), "-s", generated.toString(), "-proc:full",
              "-classpath", classes + File.pathSeparator + System.getProperty("java.class.path")),
          null, files.getJavaFileObjects(sources)).call();
      assertTrue(ok, () -> diagnostics.getDiagnostics().toString());
    }
  }
}
