package dtxkit.processor.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import dtxkit.processor.model.ClassRef;
import dtxkit.processor.model.Encoding;
import dtxkit.processor.model.MethodModel;
import dtxkit.processor.model.NotificationModel;
import dtxkit.processor.model.ParameterModel;
import dtxkit.processor.model.RecordModel;
import dtxkit.processor.model.Selector;
import dtxkit.processor.model.ServiceModel;
import dtxkit.processor.model.TypeKind;
import dtxkit.processor.model.TypeRef;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Generators run from hand-built models: no compiler, no elements. */
class GeneratorsFromModelTest {

  private static final ClassRef SERVICE = ClassRef.of("x.y", "Outer", "Svc");
  private static final ClassRef RECORD_A = ClassRef.of("a", "Sample");
  private static final ClassRef RECORD_B = ClassRef.of("b", "Sample");

  private static ServiceModel model(Optional<ClassRef> events, List<NotificationModel> notifications,
    List<RecordModel> records) {
  TypeRef string = TypeRef.declared(TypeKind.STRING, ClassRef.of("java.lang", "String"));
  MethodModel ping = new MethodModel("ping", new Selector("ping:"), false,
    List.of(new ParameterModel("pid", TypeRef.primitive(TypeKind.INT), Encoding.INT32)), string, List.of());
  return new ServiceModel(SERVICE, "com.example.svc", List.of(ping), events, notifications, records, null);
  }

  private static String generate(SourceGenerator generator, ServiceModel model) {
  return generator.generate(model).map(JavaFile::toString).orElse("<none>");
  }

  @Test
  void namesComeFromOnePlaceAndNestedTypesJoinWithUnderscores() {
  assertEquals("x.y.Outer_Svc_DtxClient", GeneratedNames.client(SERVICE).canonicalName());
  assertEquals("x.y.Outer_Svc_DtxDispatcher", GeneratedNames.dispatcher(SERVICE).canonicalName());
  assertEquals("x.y.Outer_Svc_DtxBinding", GeneratedNames.binding(SERVICE).canonicalName());
  assertEquals("x.y.Outer_Svc_DtxAux", GeneratedNames.aux(SERVICE).canonicalName());
  assertEquals("META-INF/services/dtxkit.runtime.internal.DtxServiceBinding", GeneratedNames.SERVICES_FILE);
  }

  @Test
  void recordsWithTheSameSimpleNameGetQualifiedMapperNames() {
  RecordModel a = new RecordModel(RECORD_A, List.of());
  RecordModel b = new RecordModel(RECORD_B, List.of());
  ServiceModel model = model(Optional.empty(), List.of(), List.of(a, b));
  assertEquals("to_a_Sample", GeneratedNames.recordDecoder(model, RECORD_A));
  assertEquals("from_b_Sample", GeneratedNames.recordEncoder(model, RECORD_B));
  ServiceModel single = model(Optional.empty(), List.of(), List.of(a));
  assertEquals("toSample", GeneratedNames.recordDecoder(single, RECORD_A));
  }

  @Test
  void optionalRolesAreSkippedWhenTheServiceDoesNotNeedThem() {
  ServiceModel plain = model(Optional.empty(), List.of(), List.of());
  assertEquals("<none>", generate(new AuxGenerator(true), plain));
  assertEquals("<none>", generate(new EventReceiverGenerator(true), plain));
  assertEquals("<none>", generate(new EventSenderGenerator(true), plain));
  String binding = generate(new BindingGenerator(true), plain);
  assertTrue(binding.contains("throw new IllegalArgumentException(\"Outer.Svc declares no callbacks\")"), binding);
  assertTrue(binding.contains("return null;"), binding);
  }

  @Test
  void onlyAProxyProtocolsBindingSaysSo() {
  ServiceModel plain = model(Optional.empty(), List.of(), List.of());
  ServiceModel proxy = new ServiceModel(plain.type(), "Example_IDEInterface", plain.methods(), Optional.empty(),
    List.of(), List.of(), null, true);
  assertTrue(!generate(new BindingGenerator(true), plain).contains("proxy()"));
  String binding = generate(new BindingGenerator(true), proxy);
  assertTrue(binding.contains("public boolean proxy() {\n    return true;\n  }"), binding);
  }

  @Test
  void clientEncodesWithTheDeclaredPrimitiveAndHasNoGeneratedAnnotationWhenUnavailable() {
  String client = generate(new ClientGenerator(false), model(Optional.empty(), List.of(), List.of()));
  assertTrue(client.contains("channel.invoke(\"ping:\",\n        DtxArgument.int32(pid));"), client);
  assertTrue(client.contains("return DtxConversions.toStr(reply);"), client);
  assertTrue(client.contains("public final class Outer_Svc_DtxClient implements Outer.Svc"), client);
  assertTrue(!client.contains("@Generated"), client);
  }

  @Test
  void dataSinkIsRoutedBothWays() {
  NotificationModel data = new NotificationModel("chunk", null, List.of(new ParameterModel("bytes",
    new TypeRef(TypeKind.BYTES, false, null, List.of()), Encoding.OBJECT)));
  ServiceModel model = model(Optional.of(ClassRef.of("x.y", "Outer", "Svc", "Events")), List.of(data), List.of());
  String receiver = generate(new EventReceiverGenerator(true), model);
  assertTrue(receiver.contains("listener.chunk(data);"), receiver);
  assertTrue(receiver.contains("default:"), receiver);
  String sender = generate(new EventSenderGenerator(true), model);
  assertTrue(sender.contains("channel.sendData(bytes);"), sender);
  }
}
