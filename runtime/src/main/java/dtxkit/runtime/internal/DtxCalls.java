package dtxkit.runtime.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/** Helpers for generated clients. */
public final class DtxCalls {

  private DtxCalls() {}

  /**
   * The reply future converted to the declared type. Unlike {@code thenApply}, cancelling the returned future
   * cancels {@code reply}, which abandons the pending reply; a conversion failure completes it exceptionally with the
   * {@link dtxkit.runtime.DtxException} the converter threw (not wrapped), as does a failed reply.
   */
  public static <T> CompletableFuture<T> mapAsync(CompletableFuture<Object> reply,
      Function<Object, ? extends T> converter) {
    CompletableFuture<T> result = new CompletableFuture<>();
    reply.whenComplete((value, error) -> {
      if (error != null) {
        result.completeExceptionally(error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error);
        return;
      }
      try {
        result.complete(converter.apply(value));
      } catch (Throwable e) {
        // Any Throwable (see Failures): a converter that overflows the stack still completes the future.
        result.completeExceptionally(e);
        Failures.rethrowIfFatal(e);
      }
    });
    result.whenComplete((value, error) -> {
      if (result.isCancelled()) {
        reply.cancel(false);
      }
    });
    return result;
  }
}
