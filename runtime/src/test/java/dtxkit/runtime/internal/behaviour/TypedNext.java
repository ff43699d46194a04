package dtxkit.runtime.internal.behaviour;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;

/** A newer client's view of {@link Typed}: one selector the server does not know. */
@DtxService("dtxkit.test.typed")
public interface TypedNext {

  @DtxMethod("echoString:")
  String echoString(String value);

  @DtxMethod("selectorFromTheFuture:")
  String fromTheFuture(String value);
}
