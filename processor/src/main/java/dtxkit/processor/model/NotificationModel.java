package dtxkit.processor.model;

import java.util.List;

/**
 * A callback of the service's events interface: an {@code @OnNotification} selector the peer invokes on us, or the
 * {@code @OnData} sink for raw DATA messages.
 *
 * @param name       the Java method name
 * @param selector   the selector, or {@code null} for the DATA sink
 * @param parameters the parameters in declaration order (for DATA: one {@code byte[]})
 */
public record NotificationModel(String name, Selector selector, List<ParameterModel> parameters) {

  public NotificationModel {
    parameters = List.copyOf(parameters);
  }

  /** Whether this is the {@code @OnData} sink. */
  public boolean isData() {
    return selector == null;
  }
}
