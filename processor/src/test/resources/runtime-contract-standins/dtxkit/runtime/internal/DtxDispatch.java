// TEST-ONLY STAND-IN for the runtime contract (docs/runtime-contract.md), so processor tests can compile generated
// code without depending on the runtime module. Signatures only; never executed.
package dtxkit.runtime.internal;

import dtxkit.runtime.DtxInvocation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

public final class DtxDispatch {
    private DtxDispatch() {
    }

    public static void requireArguments(DtxInvocation invocation, int count) {
        throw new UnsupportedOperationException("stand-in");
    }

    public static <T> CompletableFuture<Object> replyAsync(CompletionStage<T> result,
            Function<? super T, ?> encoder) {
        throw new UnsupportedOperationException("stand-in");
    }
}
