package dtxkit.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dtxkit.processor.Compilations.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * Pins the shape of every generated role for one representative service ({@code good/sample/ProcessControl}: each
 * return kind, each encoding, records, futures, oneway, callbacks and DATA) against golden files compared by AST
 * equivalence. Behaviour is proven elsewhere; these make changes to the generated code visible as reviewed diffs.
 *
 * <p>To rewrite the goldens after an intended change: {@code mvn -o -pl annotations,processor test
 * -Dtest=GoldenFilesTest -Ddtxkit.goldens.rewrite=true}, then review {@code git diff}.
 */
class GoldenFilesTest {

  private static final boolean REWRITE = Boolean.getBoolean("dtxkit.goldens.rewrite");
  private static final Path GOLDEN_DIRECTORY = Path.of("src/test/resources/expected");

  private static final List<String> GENERATED = List.of(
      "sample/ProcessControl_DtxAux",
      "sample/ProcessControl_DtxBinding",
      "sample/ProcessControl_DtxClient",
      "sample/ProcessControl_DtxDispatcher",
      "sample/ProcessControl_DtxEventReceiver",
      "sample/ProcessControl_DtxEventSender");

  @Test
  void generatedSourcesMatchGoldens() throws IOException {
    Compilation compilation = compile("good/sample/ProcessControl.java", "good/sample/ProcessInfo.java");
    assertThat(compilation).succeededWithoutWarnings();
    assertEquals(GENERATED, compilation.generatedSourceFiles().stream()
        .map(file -> file.getName().replaceFirst("^/SOURCE_OUTPUT/", "").replaceFirst("\\.java$", ""))
        .sorted()
        .toList());
    for (String name : GENERATED) {
      if (REWRITE) {
        JavaFileObject generated = compilation.generatedSourceFile(name).orElseThrow();
        Path golden = GOLDEN_DIRECTORY.resolve(name + ".java");
        Files.createDirectories(golden.getParent());
        Files.writeString(golden, generated.getCharContent(true), StandardCharsets.UTF_8);
        continue;
      }
      assertThat(compilation).generatedSourceFile(name)
          .hasSourceEquivalentTo(JavaFileObjects.forResource("expected/" + name + ".java"));
    }
  }

  @Test
  void bindingIsListedForServiceLoader() {
    Compilation compilation = compile("good/sample/ProcessControl.java", "good/sample/ProcessInfo.java",
        "good/other/Healthy.java");
    assertThat(compilation).succeeded();
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, "META-INF/services/dtxkit.runtime.internal.DtxServiceBinding")
        .contentsAsUtf8String()
        .isEqualTo("other.Healthy_DtxBinding\nsample.ProcessControl_DtxBinding\n");
  }

  @Test
  void nestedServiceNamesJoinWithUnderscores() {
    Compilation compilation = compile("good/nested/Outer.java");
    assertThat(compilation).succeeded();
    assertThat(compilation).generatedSourceFile("nested/Outer_Inner_DtxClient")
        .contentsAsUtf8String().contains("public final class Outer_Inner_DtxClient implements Outer.Inner");
  }
}
