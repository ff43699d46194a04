package dtxkit.processor.diagnostics;

import java.util.Locale;

/**
 * The catalogue of every diagnostic the processor reports. Each message starts with a stable tag (what build logs
 * and tests match on), then states what was found and what is allowed. Arguments are formatted with
 * {@link String#format}.
 */
public enum Message {

  SERVICE_NOT_INTERFACE("DtxServiceNotInterface",
      "@DtxService is on %s %s, but only an interface can declare a DTX service"),
  SERVICE_SHAPE("DtxServiceShape",
      "service interface %s %s; a service interface must be accessible, non-generic and extend no interface"),
  IDENTIFIER("DtxIdentifier",
      "service identifier \"%s\" is %s; expected dot-separated parts of letters, digits, '_' or '-', such as"
          + " \"com.apple.instruments.server.services.deviceinfo\""),
  SELECTOR_SYNTAX("DtxSelectorSyntax",
      "selector \"%s\" on %s() is %s; expected a name (\"runningProcesses\") or keywords each ending in a colon"
          + " (\"sendSignal:toPid:\")"),
  SELECTOR_ARITY("DtxSelectorArity",
      "selector \"%s\" takes %d argument%s but %s() declares %d parameter%s"),
  DUPLICATE_SELECTOR("DtxDuplicateSelector",
      "selector \"%s\" on %s() is already bound to %s(); each selector maps to one method"),
  UNANNOTATED_METHOD("DtxUnannotatedMethod",
      "abstract method %s() in %s has no %s; annotate it, or make it default or static"),
  GENERIC_METHOD("DtxGenericMethod",
      "%s() declares type parameters %s; generated code must know the exact types it sends and receives"),
  UNSUPPORTED_PARAMETER_TYPE("DtxUnsupportedParameterType",
      "parameter %s of %s() has type %s, which %s; supported: String, primitive and boxed numbers, boolean,"
          + " byte[], List, Set, Map, Instant, UUID, URI, Object, ArchivedObject classes and records"),
  UNSUPPORTED_RETURN_TYPE("DtxUnsupportedReturnType",
      "%s() returns %s, which %s; supported: void, a value (String, primitive and boxed numbers, boolean,"
          + " byte[], List, Set, Map, Instant, UUID, URI, Object, ArchivedObject classes, records)"
          + " or CompletableFuture of one"),
  UNSUPPORTED_COMPONENT_TYPE("DtxUnsupportedComponentType",
      "record component %s of %s has type %s, which %s; record components take the same types as parameters"),
  ENCODING_MISMATCH("DtxEncodingMismatch",
      "@%s on parameter %s of %s() needs %s, but the parameter is %s"),
  ENCODING_CONFLICT("DtxEncodingConflict",
      "parameter %s of %s() carries both @%s and @%s; choose one encoding"),
  ONEWAY_RETURN("DtxOnewayReturn",
      "oneway method %s() returns %s; a oneway selector gets no reply, so it must return void"),
  ONEWAY_FUTURE("DtxOnewayFuture",
      "oneway method %s() returns %s, which completes once the message is queued, not when the peer has acted on"
          + " it (a oneway selector gets no reply); return void, or drop oneway to wait for the reply"),
  NOTIFICATION_RETURN("DtxNotificationReturn",
      "@%s method %s() returns %s; the peer expects no value back, so it must return void"),
  DATA_SIGNATURE("DtxDataSignature",
      "@OnData method %s() takes (%s); it must take exactly one byte[] parameter"),
  DUPLICATE_DATA("DtxDuplicateData",
      "@OnData method %s() duplicates %s(); a channel has one DATA stream, so a service declares one @OnData"),
  EVENTS_INTERFACE("DtxEventsInterface",
      "%s declares callbacks in both %s and %s; put every @OnNotification and @OnData of a service in one nested"
          + " interface"),
  MISPLACED_ANNOTATION("DtxMisplacedAnnotation",
      "@%s on %s() %s; %s"),
  RECORD_KEY("DtxRecordKey",
      "record component %s of %s %s"),
  PROXY_NAME("DtxProxyName",
      "proxy protocol name \"%s\" is %s; a dtxproxy: channel names Objective-C protocols, so expected a letter"
          + " or '_' then letters, digits or '_', such as \"XCTestManager_IDEInterface\""),
  PROXY_CALLBACKS("DtxProxyCallbacks",
      "proxy protocol %s declares callbacks in %s; on a dtxproxy: channel the peer calls the protocol it exports:"
          + " declare those calls as @DtxMethod methods of that protocol's own interface"),
  INTERNAL_ERROR("DtxInternalError",
      "the dtxkit processor failed on %s; please file a bug with this output:%n%s");

  private final String tag;
  private final String format;

  Message(String tag, String format) {
    this.tag = tag;
    this.format = format;
  }

  /** The stable tag without brackets, e.g. {@code DtxSelectorArity}. */
  public String tag() {
    return tag;
  }

  /** The full text: {@code [Tag] } followed by the formatted message. */
  public String format(Object... args) {
    return "[" + tag + "] " + String.format(Locale.ROOT, format, args);
  }

  /**
   * The full text of a problem found inside another element and reported on the one being validated: the tag,
   * then {@code where} (naming the validated element and the inner one), then the formatted message.
   */
  public String formatWithin(String where, Object... args) {
    return "[" + tag + "] " + where + ": " + String.format(Locale.ROOT, format, args);
  }

  /** {@code "s"} unless {@code n} is one: for "1 parameter", "2 parameters". */
  public static String plural(int n) {
    return n == 1 ? "" : "s";
  }
}
