package dtxkit.processor;

import com.google.auto.common.BasicAnnotationProcessor;
import com.google.auto.common.MoreElements;
import com.google.auto.service.AutoService;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.ImmutableSetMultimap;
import com.palantir.javapoet.JavaFile;
import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.annotations.OnData;
import dtxkit.annotations.OnNotification;
import dtxkit.processor.diagnostics.DiagnosticReporter;
import dtxkit.processor.generation.AuxGenerator;
import dtxkit.processor.generation.BindingGenerator;
import dtxkit.processor.generation.ClientGenerator;
import dtxkit.processor.generation.DispatcherGenerator;
import dtxkit.processor.generation.EventReceiverGenerator;
import dtxkit.processor.generation.EventSenderGenerator;
import dtxkit.processor.generation.RuntimeNames;
import dtxkit.processor.generation.SourceGenerator;
import dtxkit.processor.model.ServiceModel;
import dtxkit.processor.validation.PlacementValidator;
import dtxkit.processor.validation.ServiceValidator;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.Processor;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * The dtxkit annotation processor: for each {@code @DtxService} interface, validates it, builds its model and
 * generates the client, dispatcher, binding and (when needed) aux and event classes as siblings of the interface.
 *
 * <p>One step per annotation: {@code @DtxService} drives the work; the {@code @DtxMethod}, {@code @OnNotification}
 * and {@code @OnData} steps only report annotations placed where no service sees them. Types that are not generated
 * yet are deferred to a later round by {@link BasicAnnotationProcessor}, which reports them once at the end if they
 * never appear. A service with errors generates nothing; the other services of the round still do. This processor is
 * isolating: each generated file has the service interface as its only originating element. The ServiceLoader file
 * that lists every binding is written by {@link DtxServicesFileProcessor}, which is aggregating.
 */
@AutoService(Processor.class)
public final class DtxProcessor extends BasicAnnotationProcessor {

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  protected Iterable<? extends Step> steps() {
    DiagnosticReporter reporter = new DiagnosticReporter(processingEnv.getMessager());
    boolean jdkGenerated = processingEnv.getElementUtils()
        .getTypeElement(RuntimeNames.GENERATED.canonicalName()) != null;
    List<SourceGenerator> generators = List.of(
        new ClientGenerator(jdkGenerated),
        new DispatcherGenerator(jdkGenerated),
        new BindingGenerator(jdkGenerated),
        new AuxGenerator(jdkGenerated),
        new EventReceiverGenerator(jdkGenerated),
        new EventSenderGenerator(jdkGenerated));
    PlacementValidator placement = new PlacementValidator();
    return ImmutableList.of(
        new ServiceStep(reporter, generators),
        new PlacementStep(reporter, DtxMethod.class.getCanonicalName(),
            element -> placement.validateMethod(element)),
        new PlacementStep(reporter, OnNotification.class.getCanonicalName(),
            element -> placement.validateCallback(element, "OnNotification")),
        new PlacementStep(reporter, OnData.class.getCanonicalName(),
            element -> placement.validateCallback(element, "OnData")));
  }

  /** Validates and generates each {@code @DtxService} type. */
  private final class ServiceStep implements Step {

    private final DiagnosticReporter reporter;
    private final List<SourceGenerator> generators;

    ServiceStep(DiagnosticReporter reporter, List<SourceGenerator> generators) {
      this.reporter = reporter;
      this.generators = generators;
    }

    @Override
    public Set<String> annotations() {
      return ImmutableSet.of(DtxService.class.getCanonicalName());
    }

    @Override
    public Set<? extends Element> process(ImmutableSetMultimap<String, Element> elementsByAnnotation) {
      for (Element element : elementsByAnnotation.get(DtxService.class.getCanonicalName())) {
        try {
          TypeElement service = MoreElements.asType(element);
          ServiceValidator.Result result = new ServiceValidator(processingEnv).validate(service);
          reporter.report(result.report());
          if (result.model().isPresent()) {
            write(result.model().get());
          }
        } catch (RuntimeException | IOException | Error e) {
          reporter.internalError(element, e);
        }
      }
      return ImmutableSet.of();
    }

    private void write(ServiceModel model) throws IOException {
      for (SourceGenerator generator : generators) {
        Optional<JavaFile> file = generator.generate(model);
        if (file.isPresent()) {
          file.get().writeTo(processingEnv.getFiler());
        }
      }
    }
  }

  /** Reports a method annotation that no service will see. */
  private static final class PlacementStep implements Step {

    private final DiagnosticReporter reporter;
    private final String annotation;
    private final java.util.function.Function<Element, dtxkit.processor.diagnostics.ValidationReport> check;

    PlacementStep(DiagnosticReporter reporter, String annotation,
        java.util.function.Function<Element, dtxkit.processor.diagnostics.ValidationReport> check) {
      this.reporter = reporter;
      this.annotation = annotation;
      this.check = check;
    }

    @Override
    public Set<String> annotations() {
      return ImmutableSet.of(annotation);
    }

    @Override
    public Set<? extends Element> process(ImmutableSetMultimap<String, Element> elementsByAnnotation) {
      for (Element element : elementsByAnnotation.get(annotation)) {
        try {
          reporter.report(check.apply(element));
        } catch (RuntimeException | Error e) {
          reporter.internalError(element, e);
        }
      }
      return ImmutableSet.of();
    }
  }
}
