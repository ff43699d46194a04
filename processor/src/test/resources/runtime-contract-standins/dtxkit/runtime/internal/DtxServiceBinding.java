// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime.internal;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxChannelListener;
import dtxkit.runtime.DtxServiceHandler;

public interface DtxServiceBinding<T> {
    Class<T> serviceType();

    String identifier();

    Class<?> eventsType();

    T newClient(DtxChannel channel);

    DtxChannelListener newEventReceiver(Object listener);

    DtxServiceHandler newDispatcher(T implementation);

    Object newEventSender(DtxChannel channel);
}
