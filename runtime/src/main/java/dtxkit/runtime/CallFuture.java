package dtxkit.runtime;

import java.util.concurrent.CompletableFuture;

/** The future of one call awaiting a reply; cancelling it abandons the reply (a late one is counted and logged). */
final class CallFuture extends CompletableFuture<Object> {

  private final DtxConnection connection;
  private final int identifier;

  CallFuture(DtxConnection connection, int identifier) {
    this.connection = connection;
    this.identifier = identifier;
  }

  int identifier() {
    return identifier;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      connection.abandon(identifier);
    }
    return cancelled;
  }
}
