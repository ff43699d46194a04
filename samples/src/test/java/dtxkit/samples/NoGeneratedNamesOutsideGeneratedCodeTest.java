package dtxkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The services catalogue and the CLI use only the public typed API ({@code DtxConnection.open/openService},
 * {@code DtxServiceRegistry.register/registerPerChannel}): no hand-written source names a class the processor
 * generates. Only generated code and the runtime's binding lookup know those names.
 */
class NoGeneratedNamesOutsideGeneratedCodeTest {

  /** Split so that this file does not find itself. */
  private static final String GENERATED_MARKER = "_" + "Dtx";

  @Test
  void servicesAndSamplesSourcesNameNoGeneratedClass() throws IOException {
    List<Path> roots = List.of(Path.of("..", "services", "src"), Path.of("..", "samples", "src"));
    List<String> hits = new ArrayList<>();
    int scanned = 0;
    for (Path root : roots) {
      assertTrue(Files.isDirectory(root), "missing source root " + root.toAbsolutePath());
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          scanned++;
          List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
          for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(GENERATED_MARKER)) {
              hits.add(file + ":" + (i + 1) + ": " + lines.get(i).trim());
            }
          }
        }
      }
    }
    assertTrue(scanned > 50, "expected the services and samples sources, scanned " + scanned + " files");
    assertEquals(List.of(), hits, "generated class names used outside generated code");
  }
}
