package dtxkit.processor.generation;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dtxkit.processor.model.Encoding;
import dtxkit.processor.model.ParameterModel;
import dtxkit.processor.model.ServiceModel;
import dtxkit.processor.model.TypeKind;
import dtxkit.processor.model.TypeRef;
import java.util.List;

/**
 * The code fragments that move values between Java types and what the runtime decodes: type names, decoding an
 * {@code Object} to a declared type, encoding a declared type to something the archiver writes, and the
 * {@code DtxArgument} factory for a parameter. All conversions are calls to {@code DtxConversions}; records go
 * through the service's {@code _DtxAux}; a {@code URI} is written as an NSURL.
 */
final class ValueCode {

  private final ServiceModel service;

  ValueCode(ServiceModel service) {
    this.service = service;
  }

  /** The Java type as declared. */
  TypeName typeName(TypeRef type) {
    if (type.primitive()) {
      return switch (type.kind()) {
        case VOID -> TypeName.VOID;
        case BOOLEAN -> TypeName.BOOLEAN;
        case BYTE -> TypeName.BYTE;
        case SHORT -> TypeName.SHORT;
        case INT -> TypeName.INT;
        case LONG -> TypeName.LONG;
        case FLOAT -> TypeName.FLOAT;
        case DOUBLE -> TypeName.DOUBLE;
        default -> throw new IllegalArgumentException("no primitive form: " + type);
      };
    }
    if (type.kind() == TypeKind.BYTES) {
      return ArrayTypeName.of(TypeName.BYTE);
    }
    ClassName raw = GeneratedNames.className(type.type());
    if (type.arguments().isEmpty()) {
      return raw;
    }
    TypeName[] arguments = type.arguments().stream().map(this::typeName).toArray(TypeName[]::new);
    return ParameterizedTypeName.get(raw, arguments);
  }

  /** An expression converting {@code value} (an {@code Object} the runtime decoded) to {@code type}. */
  CodeBlock decode(TypeRef type, CodeBlock value) {
    return decode(type, value, 0);
  }

  private CodeBlock decode(TypeRef type, CodeBlock value, int depth) {
    ClassName conversions = RuntimeNames.DTX_CONVERSIONS;
    return switch (type.kind()) {
      case OBJECT -> value;
      case ARCHIVE -> CodeBlock.of("$T.cast($L, $T.class)", conversions, value, typeName(type));
      case LIST -> CodeBlock.of("$T.toList($L, $L)", conversions, value, decoder(type.element(), depth));
      case SET -> CodeBlock.of("$T.toSet($L, $L)", conversions, value, decoder(type.element(), depth));
      case MAP -> CodeBlock.of("$T.toMap($L, $L, $L)", conversions, value,
          decoder(type.arguments().get(0), depth), decoder(type.arguments().get(1), depth));
      case RECORD -> CodeBlock.of("$T.$L($L)", GeneratedNames.aux(service.type()),
          GeneratedNames.recordDecoder(service, type.type()), value);
      default -> CodeBlock.of("$T.$L($L)", conversions, simpleDecoder(type), value);
    };
  }

  /** A {@code Function<Object, T>} for collection elements: a method reference where one exists. */
  private CodeBlock decoder(TypeRef type, int depth) {
    return switch (type.kind()) {
      case OBJECT, ARCHIVE, LIST, SET, MAP -> {
        CodeBlock name = CodeBlock.of("v$L", depth);
        yield CodeBlock.of("$L -> $L", name, decode(type, name, depth + 1));
      }
      case RECORD -> CodeBlock.of("$T::$L", GeneratedNames.aux(service.type()),
          GeneratedNames.recordDecoder(service, type.type()));
      default -> CodeBlock.of("$T::$L", RuntimeNames.DTX_CONVERSIONS, simpleDecoder(type));
    };
  }

  /** The {@code DtxConversions} method for a value kind: {@code toInt} for {@code int}, {@code toIntegerOrNull}. */
  private static String simpleDecoder(TypeRef type) {
    String boxed = switch (type.kind()) {
      case BOOLEAN -> "Boolean";
      case BYTE -> "Byte";
      case SHORT -> "Short";
      case INT -> "Integer";
      case LONG -> "Long";
      case FLOAT -> "Float";
      case DOUBLE -> "Double";
      default -> null;
    };
    if (boxed != null) {
      if (!type.primitive()) {
        return "to" + boxed + "OrNull";
      }
      return type.kind() == TypeKind.INT ? "toInt" : "to" + boxed;
    }
    return switch (type.kind()) {
      case STRING -> "toStr";
      case BYTES -> "toBytes";
      case INSTANT -> "toInstant";
      case UUID -> "toUuid";
      case URI -> "toUri";
      default -> throw new IllegalArgumentException("no simple decoder for " + type);
    };
  }

  /**
   * An expression turning {@code value} of {@code type} into what the archiver writes: the value itself, except
   * that records become dictionaries (also inside collections).
   */
  CodeBlock encode(TypeRef type, CodeBlock value) {
    return encode(type, value, 0);
  }

  private CodeBlock encode(TypeRef type, CodeBlock value, int depth) {
    if (!type.needsEncoding()) {
      return value;
    }
    ClassName conversions = RuntimeNames.DTX_CONVERSIONS;
    return switch (type.kind()) {
      case RECORD -> CodeBlock.of("$T.$L($L)", GeneratedNames.aux(service.type()),
          GeneratedNames.recordEncoder(service, type.type()), value);
      case URI -> CodeBlock.of("$T.fromUri($L)", conversions, value);
      case LIST -> CodeBlock.of("$T.fromList($L, $L)", conversions, value, encoder(type.element(), depth));
      case SET -> CodeBlock.of("$T.fromSet($L, $L)", conversions, value, encoder(type.element(), depth));
      case MAP -> CodeBlock.of("$T.fromMap($L, $L, $L)", conversions, value,
          encoder(type.arguments().get(0), depth), encoder(type.arguments().get(1), depth));
      default -> throw new IllegalArgumentException("needs no encoding: " + type);
    };
  }

  /** A {@code Function<T, Object>} for collection elements. */
  private CodeBlock encoder(TypeRef type, int depth) {
    if (type.kind() == TypeKind.RECORD) {
      return CodeBlock.of("$T::$L", GeneratedNames.aux(service.type()),
          GeneratedNames.recordEncoder(service, type.type()));
    }
    if (type.kind() == TypeKind.URI) {
      return CodeBlock.of("$T::fromUri", RuntimeNames.DTX_CONVERSIONS);
    }
    CodeBlock name = CodeBlock.of("v$L", depth);
    return CodeBlock.of("$L -> $L", name, encode(type, name, depth + 1));
  }

  /** {@code DtxArgument.object(pid)}, {@code DtxArgument.int32(pid)}, ... for one parameter. */
  CodeBlock argument(ParameterModel parameter) {
    CodeBlock name = CodeBlock.of("$N", parameter.name());
    String factory = switch (parameter.encoding()) {
      case OBJECT -> "object";
      case INT32 -> "int32";
      case INT64 -> "int64";
      case DOUBLE -> "float64";
      case STRING -> "string";
      case RAW -> "raw";
    };
    CodeBlock value = parameter.encoding() == Encoding.OBJECT ? encode(parameter.type(), name) : name;
    return CodeBlock.of("$T.$L($L)", RuntimeNames.DTX_ARGUMENT, factory, value);
  }

  /** {@code selector, arg0, arg1} for a call: the selector literal followed by each encoded argument. */
  CodeBlock selectorAndArguments(String selector, List<ParameterModel> parameters) {
    CodeBlock.Builder code = CodeBlock.builder().add("$S", selector);
    for (ParameterModel parameter : parameters) {
      code.add(",\n$L", argument(parameter));
    }
    return code.build();
  }

  /** {@code DtxConversions.toInt(arguments.get(0)), ...}: decoded invocation arguments for a call. */
  CodeBlock decodedArguments(List<ParameterModel> parameters) {
    CodeBlock.Builder code = CodeBlock.builder();
    for (int i = 0; i < parameters.size(); i++) {
      code.add(i == 0 ? "\n" : ",\n");
      code.add("$L", decode(parameters.get(i).type(), CodeBlock.of("arguments.get($L)", i)));
    }
    return code.build();
  }
}
