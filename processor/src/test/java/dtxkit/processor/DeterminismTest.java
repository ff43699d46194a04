package dtxkit.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same input, same bytes: every generated file, and the ServiceLoader listing whatever order services come in. */
class DeterminismTest {

  @Test
  void compilingTwiceWritesTheSameBytes(@TempDir Path first, @TempDir Path second) throws IOException {
    Compilations.DiskCompilation a = Compilations.compileToDisk(first, "good/sample/ProcessControl.java",
        "good/sample/ProcessInfo.java", "good/other/Healthy.java");
    // The other order: the sorted listing and per-service files must not depend on it.
    Compilations.DiskCompilation b = Compilations.compileToDisk(second, "good/other/Healthy.java",
        "good/sample/ProcessInfo.java", "good/sample/ProcessControl.java");
    assertTrue(a.success(), () -> String.valueOf(a.errors()));
    assertTrue(b.success(), () -> String.valueOf(b.errors()));

    List<String> generated = files(a.sourceOutput());
    assertEquals(9, generated.size(), () -> String.valueOf(generated));
    assertEquals(generated, files(b.sourceOutput()));
    for (String file : generated) {
      assertArrayEquals(Files.readAllBytes(a.sourceOutput().resolve(file)),
          Files.readAllBytes(b.sourceOutput().resolve(file)), file);
    }
    String services = "META-INF/services/dtxkit.runtime.internal.DtxServiceBinding";
    assertArrayEquals(Files.readAllBytes(a.classOutput().resolve(services)),
        Files.readAllBytes(b.classOutput().resolve(services)));
    assertEquals("other.Healthy_DtxBinding\nsample.ProcessControl_DtxBinding\n",
        Files.readString(a.classOutput().resolve(services)));
  }

  @Test
  void generatedSourcesHoldNoDatesOrPaths(@TempDir Path directory) throws IOException {
    Compilations.DiskCompilation compilation = Compilations.compileToDisk(directory,
        "good/sample/ProcessControl.java", "good/sample/ProcessInfo.java");
    for (String file : files(compilation.sourceOutput())) {
      String text = Files.readString(compilation.sourceOutput().resolve(file));
      assertTrue(text.contains("@Generated(\"dtxkit.processor.DtxProcessor\")"), file);
      assertTrue(!text.contains("date =") && !text.contains(directory.toString())
          && !text.contains(System.getProperty("user.name") + "/"), file);
    }
  }

  private static List<String> files(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }
}
