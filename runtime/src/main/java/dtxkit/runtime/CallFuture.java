package dtxkit.runtime;

import java.util.concurrent.CompletableFuture;

/** The future of one call awaiting a reply; cancelling it abandons the reply (a late one is counted and logged). */
final class CallFuture extends CompletableFuture<Object> {

  private final PendingCalls pending;
  private final int identifier;

  CallFuture(PendingCalls pending, int identifier) {
    this.pending = pending;
    this.identifier = identifier;
  }

  int identifier() {
    return identifier;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      pending.abandon(identifier);
    }
    return cancelled;
  }
}
