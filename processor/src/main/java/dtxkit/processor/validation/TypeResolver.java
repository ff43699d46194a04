package dtxkit.processor.validation;

import dtxkit.processor.model.ClassRef;
import dtxkit.processor.model.RecordModel;
import dtxkit.processor.model.TypeKind;
import dtxkit.processor.model.TypeRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;

/**
 * Maps a declared Java type to the {@link TypeRef} generation works with, or explains why DTX cannot carry it.
 * Records met on the way are validated once per service by {@link RecordValidator}.
 */
final class TypeResolver {

  /** Where a type appears: futures and {@code void} are only for returns. */
  enum Use { PARAMETER, RETURN, NESTED, FUTURE_ARGUMENT }

  /** Either a type or the reason it is unsupported, phrased to follow "which". */
  record Resolution(TypeRef type, String problem) {
    static Resolution ok(TypeRef type) {
      return new Resolution(type, null);
    }

    static Resolution fail(String problem) {
      return new Resolution(null, problem);
    }

    boolean isOk() {
      return problem == null;
    }
  }

  private static final String CANNOT_CARRY = "DTX cannot carry";
  private static final String ARCHIVE_PACKAGE = "dtxkit.runtime.archive";
  /** What every archived class implements; the runtime encodes and decodes it with ArchiveClassRegistry. */
  static final String ARCHIVED_OBJECT = ARCHIVE_PACKAGE + ".ArchivedObject";

  private static final Map<String, TypeKind> BOXES = Map.of(
      "java.lang.Boolean", TypeKind.BOOLEAN,
      "java.lang.Byte", TypeKind.BYTE,
      "java.lang.Short", TypeKind.SHORT,
      "java.lang.Integer", TypeKind.INT,
      "java.lang.Long", TypeKind.LONG,
      "java.lang.Float", TypeKind.FLOAT,
      "java.lang.Double", TypeKind.DOUBLE);

  private static final Map<String, TypeKind> VALUES = Map.of(
      "java.lang.String", TypeKind.STRING,
      "java.lang.Object", TypeKind.OBJECT,
      "java.time.Instant", TypeKind.INSTANT,
      "java.util.UUID", TypeKind.UUID,
      "java.net.URI", TypeKind.URI);

  private final ServiceContext context;
  private final RecordValidator records;

  TypeResolver(ServiceContext context) {
    this.context = context;
    this.records = new RecordValidator(context, this);
  }

  Resolution resolve(TypeMirror type, Use use) {
    switch (type.getKind()) {
      case VOID:
        return use == Use.RETURN
            ? Resolution.ok(TypeRef.primitive(TypeKind.VOID))
            : Resolution.fail("is allowed only as a return type");
      case BOOLEAN:
      case BYTE:
      case SHORT:
      case INT:
      case LONG:
      case FLOAT:
      case DOUBLE:
        return Resolution.ok(TypeRef.primitive(TypeKind.valueOf(type.getKind().name())));
      case ARRAY:
        return ((ArrayType) type).getComponentType().getKind() == javax.lang.model.type.TypeKind.BYTE
            ? Resolution.ok(new TypeRef(TypeKind.BYTES, false, null, List.of()))
            : Resolution.fail("is an array other than byte[], which " + CANNOT_CARRY);
      case WILDCARD:
        TypeMirror bound = ((WildcardType) type).getExtendsBound();
        return bound == null
            ? Resolution.ok(TypeRef.declared(TypeKind.OBJECT, ClassRef.of("java.lang", "Object")))
            : resolve(bound, use);
      case DECLARED:
        return resolveDeclared((DeclaredType) type, use);
      case TYPEVAR:
        return Resolution.fail("is a type variable, whose runtime type generated code cannot know");
      default:
        return Resolution.fail(CANNOT_CARRY);
    }
  }

  private Resolution resolveDeclared(DeclaredType type, Use use) {
    TypeElement element = (TypeElement) type.asElement();
    String name = element.getQualifiedName().toString();
    ClassRef ref = context.classRef(element);
    if (name.equals("java.lang.Void")) {
      return use == Use.FUTURE_ARGUMENT
          ? Resolution.ok(TypeRef.declared(TypeKind.VOID, ref))
          : Resolution.fail("is allowed only as the argument of CompletableFuture");
    }
    if (BOXES.containsKey(name)) {
      return Resolution.ok(TypeRef.declared(BOXES.get(name), ref));
    }
    if (VALUES.containsKey(name)) {
      return Resolution.ok(TypeRef.declared(VALUES.get(name), ref));
    }
    switch (name) {
      case "java.util.List":
        return generic(TypeKind.LIST, ref, type, 1);
      case "java.util.Set":
        return generic(TypeKind.SET, ref, type, 1);
      case "java.util.Map":
        return generic(TypeKind.MAP, ref, type, 2);
      case "java.util.concurrent.CompletableFuture":
        if (use != Use.RETURN) {
          return Resolution.fail("is a future, which is allowed only as a method's return type");
        }
        if (type.getTypeArguments().isEmpty()) {
          return Resolution.fail("is a raw CompletableFuture; name the reply type, e.g."
              + " CompletableFuture<Void>");
        }
        Resolution argument = resolve(type.getTypeArguments().get(0), Use.FUTURE_ARGUMENT);
        return argument.isOk()
            ? Resolution.ok(TypeRef.declared(TypeKind.FUTURE, ref, argument.type()))
            : argument;
      default:
        break;
    }
    // An archived class (NSError, NSURL, a user's own class with a codec registered in ArchiveClassRegistry) is
    // recognised by what it implements, not by its package: NSKeyedArchiver is in the archive package but is no
    // value, and a user's class is in theirs. Checked before records: an archived record is not a dictionary.
    if (isArchivedObject(type)) {
      if (!element.getModifiers().contains(Modifier.PUBLIC)
          && !ref.packageName().equals(context.servicePackage)) {
        return Resolution.fail("is an archived class that generated code in package " + context.servicePackage
            + " cannot access; make it public");
      }
      return Resolution.ok(TypeRef.declared(TypeKind.ARCHIVE, ref));
    }
    if (ref.packageName().equals(ARCHIVE_PACKAGE)) {
      return Resolution.fail("does not implement " + ARCHIVED_OBJECT + ", so DTX cannot carry it");
    }
    if (element.getKind() == ElementKind.RECORD) {
      return resolveRecord(element, ref);
    }
    return Resolution.fail(CANNOT_CARRY);
  }

  private boolean isArchivedObject(DeclaredType type) {
    TypeElement archived = context.elements.getTypeElement(ARCHIVED_OBJECT);
    return archived != null
        && context.types.isAssignable(context.types.erasure(type), context.types.erasure(archived.asType()));
  }

  private Resolution generic(TypeKind kind, ClassRef ref, DeclaredType type, int arity) {
    List<TypeRef> arguments = new ArrayList<>();
    for (int i = 0; i < arity; i++) {
      if (type.getTypeArguments().isEmpty()) {
        // A raw collection holds whatever the archive decoded.
        arguments.add(TypeRef.declared(TypeKind.OBJECT, ClassRef.of("java.lang", "Object")));
        continue;
      }
      Resolution argument = resolve(type.getTypeArguments().get(i), Use.NESTED);
      if (!argument.isOk()) {
        return Resolution.fail("holds a type that " + argument.problem());
      }
      arguments.add(argument.type());
    }
    return Resolution.ok(new TypeRef(kind, false, ref, arguments));
  }

  private Resolution resolveRecord(TypeElement element, ClassRef ref) {
    if (!element.getTypeParameters().isEmpty()) {
      return Resolution.fail("is a generic record, whose component types generated code cannot know");
    }
    boolean samePackage = ref.packageName().equals(context.servicePackage);
    if (!element.getModifiers().contains(Modifier.PUBLIC) && !samePackage) {
      return Resolution.fail("is a record that generated code in package " + context.servicePackage
          + " cannot access; make it public");
    }
    if (!context.knowsRecord(ref.canonicalName())) {
      // Registered before its components are resolved so that a recursive record terminates.
      context.putRecord(ref.canonicalName(), new RecordModel(ref, List.of()));
      context.putRecord(ref.canonicalName(), records.validate(element, ref));
    }
    return Resolution.ok(TypeRef.declared(TypeKind.RECORD, ref));
  }
}
