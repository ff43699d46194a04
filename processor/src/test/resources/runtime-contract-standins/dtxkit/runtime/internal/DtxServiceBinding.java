// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime.internal;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxChannelListener;
import dtxkit.runtime.DtxMethodDescriptor;
import dtxkit.runtime.DtxServiceHandler;
import java.util.List;

public interface DtxServiceBinding<T, E> {
    Class<T> serviceType();

    String identifier();

    Class<E> eventsType();

    List<DtxMethodDescriptor> methods();

    List<DtxMethodDescriptor> callbacks();

    T newClient(DtxChannel channel);

    DtxChannelListener newEventReceiver(E listener);

    DtxServiceHandler newDispatcher(T implementation);

    E newEventSender(DtxChannel channel);
}
