package dtxkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * examples/mock-service is the README's "Use it from your build", exactly: each of its Java files (without its
 * package line) is one of the README's Java blocks, and its POM uses the coordinates the README shows. CI builds the
 * example against the installed artifacts (.ci/run); ReadmeExamplesTest compiles the same code here.
 */
class ExampleProjectTest {
  static final Path EXAMPLE = Path.of("..", "examples", "mock-service");

  @Test
  void everyExampleSourceIsInTheReadme() throws IOException {
    List<String> blocks = ReadmeExamplesTest.javaBlocks(Files.readString(Path.of("..", "README.md"),
        StandardCharsets.UTF_8)).stream().map(String::strip).toList();
    List<Path> sources;
    try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
    assertEquals(2, sources.size(), "the service and its test: " + sources);
    for (Path source : sources) {
      String code = Files.readString(source, StandardCharsets.UTF_8).replaceFirst("^package [\\w.]+;\\R\\R", "")
          .strip();
      assertTrue(blocks.contains(code), source + " is not, verbatim, a Java block of the README:\n" + code);
    }
  }

  @Test
  void thePomUsesWhatTheReadmeShows() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String pom = Files.readString(EXAMPLE.resolve("pom.xml"), StandardCharsets.UTF_8);
    for (String needed : List.of("<artifactId>dtxkit-bom</artifactId>", "<scope>import</scope>",
        "<artifactId>dtxkit-services</artifactId>", "<annotationProcessorPaths>",
        "<artifactId>dtxkit-processor</artifactId>", "<artifactId>slf4j-simple</artifactId>")) {
      assertTrue(readme.contains(needed), "README lacks " + needed);
      assertTrue(pom.contains(needed), "the example POM lacks " + needed);
    }
  }
}
