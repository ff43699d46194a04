package dtxkit.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Deferral across rounds, and how the processors are registered (AutoService, Gradle incremental declaration). */
class RoundsAndRegistrationTest {

  /** Generates {@code deferred.Later} in the first round, as another annotation processor would. */
  private static final class LaterGenerator extends AbstractProcessor {
  private boolean done;

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of("*");
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    if (done) {
    return false;
    }
    done = true;
    try {
    JavaFileObject file = processingEnv.getFiler().createSourceFile("deferred.Later");
    try (Writer writer = file.openWriter()) {
      writer.write("package deferred;\n\npublic record Later(int pid, String name) {}\n");
    }
    } catch (IOException e) {
    throw new java.io.UncheckedIOException(e);
    }
    return false;
  }
  }

  @Test
  void serviceUsingATypeGeneratedInALaterRoundIsDeferredThenGenerated() {
  List<JavaFileObject> sources = new ArrayList<>();
  sources.add(JavaFileObjects.forResource("good/deferred/Deferred.java"));
  for (String standin : List.of("DtxArgument", "DtxChannel", "DtxChannelListener", "DtxInvocation", "DtxMethodDescriptor",
    "DtxServiceHandler", "DtxUnrecognizedSelectorException")) {
    sources.add(JavaFileObjects.forResource("runtime-contract-standins/dtxkit/runtime/" + standin + ".java"));
  }
  for (String standin : List.of("DtxCalls", "DtxConversions", "DtxDispatch", "DtxGeneratedCode",
    "DtxServiceBinding")) {
    sources.add(JavaFileObjects.forResource(
      "runtime-contract-standins/dtxkit/runtime/internal/" + standin + ".java"));
  }
  Compilation compilation = javac()
    .withProcessors(new LaterGenerator(), new DtxProcessor(), new DtxServicesFileProcessor())
    .compile(sources);
  assertThat(compilation).succeeded();
  assertThat(compilation).generatedSourceFile("deferred/Deferred_DtxAux")
    .contentsAsUtf8String().contains("return new Later(");
  assertThat(compilation).generatedSourceFile("deferred/Deferred_DtxClient");
  }

  @Test
  void processorsAreRegisteredAndDeclaredForGradle() throws IOException {
  assertEquals(List.of("dtxkit.processor.DtxProcessor", "dtxkit.processor.DtxServicesFileProcessor"),
    lines("META-INF/services/javax.annotation.processing.Processor"));
  assertEquals(List.of("dtxkit.processor.DtxProcessor,isolating",
    "dtxkit.processor.DtxServicesFileProcessor,aggregating"),
    lines("META-INF/gradle/incremental.annotation.processors"));
  }

  private static List<String> lines(String resource) throws IOException {
  try (InputStream in = DtxProcessor.class.getClassLoader().getResourceAsStream(resource)) {
    assertTrue(in != null, resource);
    return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).sorted()
      .toList();
  }
  }
}
