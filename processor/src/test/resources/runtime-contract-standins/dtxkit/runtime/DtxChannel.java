// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime;

import java.util.concurrent.CompletableFuture;

public interface DtxChannel {
    Object invoke(String selector, DtxArgument... arguments);

    CompletableFuture<Object> invokeAsync(String selector, DtxArgument... arguments);

    void send(String selector, DtxArgument... arguments);

    void sendNotification(Object value);

    void sendData(byte[] data);

    void setListener(DtxChannelListener listener);
}
