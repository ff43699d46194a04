package dtxkit.runtime;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * What every handle on a channel this side opened has: the channel, its end ({@link #onClose}), and cancelling it
 * ({@link #cancel()}, {@link #close()}). A typed service ({@link DtxClientHandle}) and a {@code dtxproxy:} channel
 * ({@link DtxProxyHandle}) are the two kinds.
 *
 * <p>Thread-safe.
 *
 * @param <H> the handle's own type, which {@link #onClose} returns
 */
public abstract sealed class DtxChannelHandle<H extends DtxChannelHandle<H>> implements AutoCloseable
    permits DtxClientHandle, DtxProxyHandle {

  private final DtxChannel channel;
  private final DtxClientHandle.Events events;

  DtxChannelHandle(DtxChannel channel, DtxClientHandle.Events events) {
    this.channel = channel;
    this.events = events;
  }

  /** The channel the handle speaks over (for untyped calls on the same channel). */
  public DtxChannel channel() {
    return channel;
  }

  /** The listener installed on the channel before it opened. */
  DtxClientHandle.Events events() {
    return events;
  }

  /** Whether the channel is open. */
  public boolean isOpen() {
    return channel.isOpen();
  }

  /**
   * Runs {@code callback} when the channel ends (cancelled by either side, or the connection closed), with the cause
   * or null for an orderly end; on the channel's delivery executor, after every callback delivered before the end.
   * When the channel has already ended, runs it now on the calling thread.
   *
   * @return this handle
   */
  @SuppressWarnings("unchecked") // H is the subclass's own type (the class is sealed: DtxClientHandle, DtxProxyHandle)
  public H onClose(Consumer<? super Throwable> callback) {
    events.onClose(Objects.requireNonNull(callback, "callback"));
    return (H) this;
  }

  /**
   * Cancels the channel ({@code _channelCanceled:}) and waits for the peer to confirm, with the call timeout.
   *
   * @throws DtxConnectionClosedException the connection closed first
   */
  public void cancel() {
    channel.cancel();
  }

  /** Cancels the channel if it and its connection are still open; never throws for a channel already gone. */
  @Override
  public void close() {
    if (channel.isOpen() && channel.connection().isOpen()) {
      try {
        channel.cancel();
      } catch (DtxConnectionClosedException e) {
        // The connection went away meanwhile: the channel is gone too.
      }
    }
  }
}
