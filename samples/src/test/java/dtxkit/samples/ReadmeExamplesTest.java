package dtxkit.samples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.internal.DtxBindings;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README compiles, together, against dtxkit with the dtxkit processor running, as
 * it would in a user's build. A README example that no longer compiles fails the build.
 */
class ReadmeExamplesTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile("^public\\s+(?:final\\s+)?(?:class|interface|record|enum)\\s+(\\w+)", Pattern.MULTILINE);

  @TempDir Path dir;

  static List<String> javaBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(markdown);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  @Test
  void everyJavaExampleCompiles() throws IOException {
    Path readme = Path.of("..", "README.md");
    List<String> blocks = javaBlocks(Files.readString(readme, StandardCharsets.UTF_8));
    assertTrue(blocks.size() >= 5, "expected the README's Java examples, found " + blocks.size());

    Path src = Files.createDirectories(dir.resolve("src"));
    Path out = Files.createDirectories(dir.resolve("classes"));
    List<File> files = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Matcher type = PUBLIC_TYPE.matcher(blocks.get(i));
      String name = type.find() ? type.group(1) : "ReadmeExample" + i;
      Path file = src.resolve(name + ".java");
      Files.writeString(file, blocks.get(i), StandardCharsets.UTF_8);
      files.add(file.toFile());
    }

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      StringWriter log = new StringWriter();
      boolean ok = javac.getTask(log, fm, diagnostics,
              List.of("--release", "17", "-classpath", classpath, "-processorpath", classpath,
                  "-d", out.toString(), "-s", out.toString()),
              null, fm.getJavaFileObjectsFromFiles(files))
          .call();
      StringBuilder errors = new StringBuilder(log.toString());
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          errors.append(d).append('\n');
        }
      }
      assertTrue(ok, "README examples do not compile:\n" + errors);
    }
    // The processor ran on the README's own service declaration: the runtime finds its binding.
    try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
        ReadmeExamplesTest.class.getClassLoader())) {
      Class<?> declared = Class.forName("MyProcessControl", false, loader);
      assertTrue(DtxBindings.isService(declared), "no generated binding for the example's service");
    } catch (ClassNotFoundException e) {
      throw new AssertionError("the README's MyProcessControl did not compile", e);
    }
    assertFalse(javaBlocks("no code here").iterator().hasNext());
  }
}
