// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

public final class DtxCalls {
    private DtxCalls() {
    }

    public static <T> CompletableFuture<T> mapAsync(CompletableFuture<Object> reply,
            Function<Object, ? extends T> converter) {
        throw new UnsupportedOperationException("stand-in");
    }
}
