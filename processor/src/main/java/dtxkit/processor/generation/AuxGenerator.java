package dtxkit.processor.generation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dtxkit.processor.model.RecordModel;
import dtxkit.processor.model.ServiceModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <I>_DtxAux}: for each record the service carries, a decoder from the NSDictionary the archive
 * produced and an encoder back to an insertion-ordered dictionary, used by the client, dispatcher and event
 * classes. Only for services that carry records.
 *
 * <pre>{@code
 * public static ProcessInfo toProcessInfo(Object value) {
 *     Map<String, Object> map = DtxConversions.dictionary(value, "ProcessInfo");
 *     if (map == null) return null;
 *     return new ProcessInfo(DtxConversions.toInt(DtxConversions.required(map, "pid", "ProcessInfo")), ...);
 * }
 * }</pre>
 */
public final class AuxGenerator extends SourceGenerator {

  public AuxGenerator(boolean jdkGeneratedAvailable) {
    super(jdkGeneratedAvailable);
  }

  @Override
  protected Optional<TypeSpec> type(ServiceModel service) {
    if (service.records().isEmpty()) {
      return Optional.empty();
    }
    ValueCode values = new ValueCode(service);
    TypeName dictionary = ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class),
        ClassName.OBJECT);
    TypeSpec.Builder type = newClass(GeneratedNames.aux(service.type()), service, "Record mapping")
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (RecordModel record : service.records()) {
      ClassName recordName = GeneratedNames.className(record.type());
      String display = record.type().nestedName();

      MethodSpec.Builder decoder = MethodSpec.methodBuilder(
              GeneratedNames.recordDecoder(service, record.type()))
          .addJavadoc("Decodes a {@link $T} from a dictionary; {@code null} stays {@code null}.\n",
              recordName)
          .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
          .returns(recordName)
          .addParameter(Object.class, "value")
          .addStatement("$T map = $T.dictionary(value, $S)", dictionary, RuntimeNames.DTX_CONVERSIONS,
              display)
          .beginControlFlow("if (map == null)")
          .addStatement("return null")
          .endControlFlow();
      CodeBlock.Builder arguments = CodeBlock.builder();
      for (int i = 0; i < record.components().size(); i++) {
        RecordModel.Component component = record.components().get(i);
        // A primitive component cannot take null: a missing key is an error naming the key.
        CodeBlock raw = component.type().primitive()
            ? CodeBlock.of("$T.required(map, $S, $S)", RuntimeNames.DTX_CONVERSIONS, component.key(),
                display)
            : CodeBlock.of("map.get($S)", component.key());
        arguments.add(i == 0 ? "\n" : ",\n").add("$L", values.decode(component.type(), raw));
      }
      decoder.addStatement("return new $T($L)", recordName, arguments.build());
      type.addMethod(decoder.build());

      MethodSpec.Builder encoder = MethodSpec.methodBuilder(
              GeneratedNames.recordEncoder(service, record.type()))
          .addJavadoc("Encodes a {@link $T} as an insertion-ordered dictionary; {@code null} stays"
              + " {@code null}.\n", recordName)
          .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
          .returns(dictionary)
          .addParameter(recordName, "value")
          .beginControlFlow("if (value == null)")
          .addStatement("return null")
          .endControlFlow()
          .addStatement("$T map = new $T<>()", dictionary, LinkedHashMap.class);
      for (RecordModel.Component component : record.components()) {
        encoder.addStatement("map.put($S, $L)", component.key(),
            values.encode(component.type(), CodeBlock.of("value.$N()", component.name())));
      }
      encoder.addStatement("return map");
      type.addMethod(encoder.build());
    }
    return Optional.of(type.build());
  }
}
