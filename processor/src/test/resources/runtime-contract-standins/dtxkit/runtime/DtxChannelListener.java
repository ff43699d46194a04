// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime;

public interface DtxChannelListener {
    default void onInvocation(DtxInvocation invocation) {
    }

    default void onNotification(Object value) {
    }

    default void onData(byte[] data) {
    }
}
