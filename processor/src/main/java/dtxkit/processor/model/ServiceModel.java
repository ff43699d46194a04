package dtxkit.processor.model;

import java.util.List;
import java.util.Optional;
import javax.lang.model.element.TypeElement;

/**
 * Everything the generators need to know about one {@code @DtxService} interface. Built only from an interface
 * whose validation report is clean. Apart from {@link #originatingElement()} (which names the source file every
 * generated file derives from, for incremental builds) it holds no {@code javax.lang.model} types, so generators
 * can be exercised with hand-built models.
 *
 * @param type               the service interface
 * @param identifier         the service identifier
 * @param methods            the {@code @DtxMethod}s in declaration order
 * @param eventsType         the nested interface holding the callbacks, if the service declares any
 * @param notifications      the callbacks in declaration order (empty without an events interface)
 * @param records            every record the service carries, directly or nested, in first-use order
 * @param originatingElement the interface element, or {@code null} for a hand-built model
 * @param proxy              a {@code dtxproxy:} protocol ({@code @DtxService(proxy = true)})
 */
public record ServiceModel(
    ClassRef type,
    String identifier,
    List<MethodModel> methods,
    Optional<ClassRef> eventsType,
    List<NotificationModel> notifications,
    List<RecordModel> records,
    TypeElement originatingElement,
    boolean proxy) {

  /** A plain service (not a {@code dtxproxy:} protocol). */
  public ServiceModel(ClassRef type, String identifier, List<MethodModel> methods, Optional<ClassRef> eventsType,
      List<NotificationModel> notifications, List<RecordModel> records, TypeElement originatingElement) {
    this(type, identifier, methods, eventsType, notifications, records, originatingElement, false);
  }

  public ServiceModel {
    methods = List.copyOf(methods);
    notifications = List.copyOf(notifications);
    records = List.copyOf(records);
  }

  /** The record model for {@code type}; every RECORD {@link TypeRef} of this service has one. */
  public RecordModel record(ClassRef recordType) {
    for (RecordModel record : records) {
      if (record.type().equals(recordType)) {
        return record;
      }
    }
    throw new IllegalArgumentException("no record model for " + recordType + " in " + type);
  }

  /** The {@code @OnData} sink, if the events interface declares one. */
  public Optional<NotificationModel> dataSink() {
    return notifications.stream().filter(NotificationModel::isData).findFirst();
  }
}
