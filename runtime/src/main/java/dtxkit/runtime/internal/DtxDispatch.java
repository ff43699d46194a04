package dtxkit.runtime.internal;

import dtxkit.runtime.DtxInvocation;
import dtxkit.runtime.DtxRemoteException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Helpers for generated dispatchers and event receivers. */
public final class DtxDispatch {

  private DtxDispatch() {}

  /**
   * Checks that the peer sent at least {@code count} arguments. More are tolerated: devices add trailing arguments
   * in newer releases, and the declared ones are still positional.
   *
   * @throws DtxRemoteException too few arguments; the connection answers the peer with this NSError
   */
  public static void requireArguments(DtxInvocation invocation, int count) {
    int actual = invocation.arguments().size();
    if (actual < count) {
      throw new DtxRemoteException(DtxRemoteException.DTX_DOMAIN, 1, "selector " + invocation.selector()
          + " takes " + count + " argument" + (count == 1 ? "" : "s") + " but the message carries " + actual);
    }
  }

  /**
   * An asynchronous implementation result, encoded when it completes. The connection replies when the returned
   * stage completes: with the value, or with the error the implementation's future failed with.
   */
  public static <T> CompletableFuture<Object> replyAsync(CompletionStage<T> result, Function<? super T, ?> encoder) {
    if (result == null) {
      throw new NullPointerException("the implementation returned a null future");
    }
    CompletableFuture<Object> reply = new CompletableFuture<>();
    result.whenComplete((value, error) -> {
      if (error != null) {
        reply.completeExceptionally(error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error);
        return;
      }
      try {
        reply.complete(encoder.apply(value));
      } catch (Throwable e) {
        // Any Throwable (see Failures): a converter that overflows the stack still completes the future.
        reply.completeExceptionally(e);
        Failures.rethrowIfFatal(e);
      }
    });
    return reply;
  }
}
