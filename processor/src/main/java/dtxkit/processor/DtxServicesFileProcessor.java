package dtxkit.processor;

import com.google.auto.service.AutoService;
import dtxkit.annotations.DtxService;
import dtxkit.processor.generation.GeneratedNames;
import dtxkit.processor.model.ClassRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Writes {@code META-INF/services/dtxkit.runtime.internal.DtxServiceBinding}, listing the binding of every
 * {@code @DtxService} interface of the compilation, sorted, once processing is over. Gathering every service into
 * one file makes this processor aggregating, so it is kept apart from the isolating {@link DtxProcessor}.
 *
 * <p>A service whose validation fails gets no binding class; listing it anyway would only add a second error
 * ("binding not found") to the one {@link DtxProcessor} reported, so interfaces are listed only when their binding
 * class exists by the final round.
 *
 * <p><b>Incremental builds.</b> An IDE or Gradle recompiles only the changed sources, with the earlier output on the
 * class path; the file is then merged, as AutoService does: the lines already in the class output are read through
 * the {@link javax.annotation.processing.Filer}, united with this compilation's and written back sorted. A line left
 * by a service since deleted is harmless: the runtime finds a binding by its generated name first and skips index
 * lines whose class is missing.
 */
@AutoService(Processor.class)
public final class DtxServicesFileProcessor extends AbstractProcessor {

  /** Binding class name → originating interface; sorted for reproducible output. */
  private final TreeMap<String, TypeElement> bindings = new TreeMap<>();

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(DtxService.class.getCanonicalName());
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (Element element : round.getElementsAnnotatedWith(DtxService.class)) {
      if (element.getKind() == ElementKind.INTERFACE) {
        TypeElement type = (TypeElement) element;
        bindings.put(GeneratedNames.binding(classRef(type)).canonicalName(), type);
      }
    }
    if (round.processingOver() && !bindings.isEmpty()) {
      write();
    }
    return false;
  }

  private void write() {
    TreeSet<String> lines = new TreeSet<>();
    List<Element> origins = new ArrayList<>();
    bindings.forEach((binding, service) -> {
      if (processingEnv.getElementUtils().getTypeElement(binding) != null) {
        lines.add(binding);
        origins.add(service);
      }
    });
    if (lines.isEmpty()) {
      return;
    }
    lines.addAll(existingLines());
    try {
      FileObject file = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
          GeneratedNames.SERVICES_FILE, origins.toArray(new Element[0]));
      try (Writer writer = new java.io.OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
        for (String line : lines) {
          writer.write(line);
          writer.write('\n');
        }
      }
    } catch (IOException | RuntimeException e) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          "[DtxInternalError] could not write " + GeneratedNames.SERVICES_FILE + ": " + e);
    }
  }

  /**
   * The binding names an earlier compilation listed in the class output, or none when there is no such file (a
   * clean build; compile-testing's in-memory file manager reports it as an exception).
   */
  private Set<String> existingLines() {
    Set<String> lines = new TreeSet<>();
    try {
      FileObject existing = processingEnv.getFiler().getResource(StandardLocation.CLASS_OUTPUT, "",
          GeneratedNames.SERVICES_FILE);
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(existing.openInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          int comment = line.indexOf('#');
          String name = (comment >= 0 ? line.substring(0, comment) : line).trim();
          if (!name.isEmpty()) {
            lines.add(name);
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // No earlier file: nothing to merge.
    }
    return lines;
  }

  private static ClassRef classRef(TypeElement type) {
    List<String> names = new ArrayList<>();
    Element e = type;
    while (e.getKind() != ElementKind.PACKAGE) {
      names.add(0, e.getSimpleName().toString());
      e = e.getEnclosingElement();
    }
    return new ClassRef(((PackageElement) e).getQualifiedName().toString(), names);
  }
}
