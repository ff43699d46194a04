package dtxkit.processor.generation;

import com.palantir.javapoet.ClassName;
import dtxkit.processor.model.ClassRef;
import dtxkit.processor.model.RecordModel;
import dtxkit.processor.model.ServiceModel;

/**
 * Computes every name the processor generates; nothing else builds names from strings. Generated types are
 * siblings of the service interface, in its package: {@code DeviceInfo} gives {@code DeviceInfo_DtxClient}, and a
 * nested {@code Outer.Inner} gives {@code Outer_Inner_DtxClient}.
 */
public final class GeneratedNames {

  /** The processor named in {@code @Generated}. */
  public static final String PROCESSOR = "dtxkit.processor.DtxProcessor";

  /** The ServiceLoader file listing every binding, relative to the class output. */
  public static final String SERVICES_FILE = "META-INF/services/" + RuntimeNames.DTX_SERVICE_BINDING.canonicalName();

  private GeneratedNames() {
  }

  /** {@code <I>_DtxClient}: the client proxy. */
  public static ClassName client(ClassRef service) {
    return sibling(service, "Client");
  }

  /** {@code <I>_DtxDispatcher}: the server dispatch table. */
  public static ClassName dispatcher(ClassRef service) {
    return sibling(service, "Dispatcher");
  }

  /** {@code <I>_DtxBinding}: identifier and wiring, listed for ServiceLoader. */
  public static ClassName binding(ClassRef service) {
    return sibling(service, "Binding");
  }

  /** {@code <I>_DtxAux}: record encoders and decoders shared by the other generated types. */
  public static ClassName aux(ClassRef service) {
    return sibling(service, "Aux");
  }

  /** {@code <I>_DtxEventReceiver}: routes the peer's callbacks to a client's listener. */
  public static ClassName eventReceiver(ClassRef service) {
    return sibling(service, "EventReceiver");
  }

  /** {@code <I>_DtxEventSender}: implements the events interface by sending to the client. */
  public static ClassName eventSender(ClassRef service) {
    return sibling(service, "EventSender");
  }

  /** A model class as a JavaPoet name. */
  public static ClassName className(ClassRef ref) {
    String first = ref.simpleNames().get(0);
    String[] rest = ref.simpleNames().subList(1, ref.simpleNames().size()).toArray(new String[0]);
    return ClassName.get(ref.packageName(), first, rest);
  }

  /** {@code toProcessInfo}: the Aux method decoding a record from a dictionary. */
  public static String recordDecoder(ServiceModel service, ClassRef record) {
    return "to" + recordStem(service, record);
  }

  /** {@code fromProcessInfo}: the Aux method encoding a record as a dictionary. */
  public static String recordEncoder(ServiceModel service, ClassRef record) {
    return "from" + recordStem(service, record);
  }

  /** The record's nested names joined; qualified by its package when another record of the service shares them. */
  private static String recordStem(ServiceModel service, ClassRef record) {
    String flat = String.join("_", record.simpleNames());
    for (RecordModel other : service.records()) {
      if (!other.type().equals(record) && String.join("_", other.type().simpleNames()).equals(flat)) {
        return "_" + record.canonicalName().replace('.', '_');
      }
    }
    return flat;
  }

  private static ClassName sibling(ClassRef service, String role) {
    return ClassName.get(service.packageName(), String.join("_", service.simpleNames()) + "_Dtx" + role);
  }
}
