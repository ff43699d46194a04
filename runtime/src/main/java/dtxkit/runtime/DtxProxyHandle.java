package dtxkit.runtime;

import dtxkit.runtime.internal.DtxBindings;
import dtxkit.runtime.internal.DtxServiceBinding;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@code dtxproxy:} channel this side opened ({@link DtxConnection#openProxy}): one channel carrying two
 * Objective-C protocols, {@code @DtxService(proxy = true)} interfaces. This side exports {@code L} (its
 * implementation answers the peer's calls, return values included) and calls {@code R} through {@link #remote()}.
 * The channel is requested as {@code dtxproxy:<L>:<R>}, the way Xcode names
 * {@code dtxproxy:XCTestManager_IDEInterface:XCTestManager_DaemonConnectionInterface}.
 *
 * <pre>{@code
 * try (DtxProxyHandle<XCTestManagerDaemonConnectionInterface, XCTestManagerIdeInterface> daemon =
 *         connection.openProxy(XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class, ide)) {
 *     daemon.remote().initiateControlSessionWithProtocolVersion(36);
 * }
 * }</pre>
 *
 * <p>The peer opens the reverse kind of channel; accept it with
 * {@link DtxServiceRegistry#registerProxy(Class, Class, java.util.function.BiFunction)}.
 *
 * @param <R> the protocol the peer exports and this side calls
 * @param <L> the protocol this side exports
 */
public final class DtxProxyHandle<R, L> extends DtxChannelHandle<DtxProxyHandle<R, L>> {

  /** The prefix of every proxy channel identifier. */
  public static final String PREFIX = "dtxproxy:";

  private final DtxServiceBinding<R, ?> remoteBinding;
  private final DtxServiceBinding<L, ?> localBinding;
  private final R remote;
  private final L local;

  DtxProxyHandle(DtxServiceBinding<R, ?> remoteBinding, DtxServiceBinding<L, ?> localBinding, DtxChannel channel,
      L local, DtxClientHandle.Events events) {
    super(channel, events);
    this.remoteBinding = remoteBinding;
    this.localBinding = localBinding;
    this.local = local;
    this.remote = remoteBinding.newClient(channel);
  }

  /** {@inheritDoc} (Declared here too, so that code compiled when this class declared it still links.) */
  @Override
  public DtxProxyHandle<R, L> onClose(Consumer<? super Throwable> callback) {
    return super.onClose(callback);
  }

  /**
   * The channel identifier a side that exports {@code exported} and calls {@code called} requests:
   * {@code dtxproxy:<exported>:<called>}.
   *
   * @param exported the protocol the requesting side implements
   * @param called the protocol the requesting side calls
   * @throws IllegalArgumentException either has no binding or is not a proxy protocol
   */
  public static String identifier(Class<?> exported, Class<?> called) {
    return identifier(proxyBinding(exported), proxyBinding(called));
  }

  static String identifier(DtxServiceBinding<?, ?> exported, DtxServiceBinding<?, ?> called) {
    return PREFIX + exported.identifier() + ":" + called.identifier();
  }

  /** The binding of a {@code @DtxService(proxy = true)} interface; refuses plain services. */
  static <T> DtxServiceBinding<T, ?> proxyBinding(Class<T> protocol) {
    DtxServiceBinding<T, ?> binding = DtxBindings.forType(protocol);
    if (!binding.proxy()) {
      throw new IllegalArgumentException(protocol.getName() + " is a plain service (\"" + binding.identifier()
          + "\"), not a dtxproxy: protocol; declare it with @DtxService(value = ..., proxy = true)");
    }
    return binding;
  }

  /** The client of the protocol the peer exports: every call goes over {@link #channel()}. */
  public R remote() {
    return remote;
  }

  /** This side's implementation of the exported protocol. */
  public L local() {
    return local;
  }

  /** The channel identifier, {@code dtxproxy:<L>:<R>}. */
  public String identifier() {
    return channel().identifier();
  }

  /** The protocol this side calls. */
  public Class<R> remoteType() {
    return remoteBinding.serviceType();
  }

  /** The protocol this side exports. */
  public Class<L> localType() {
    return localBinding.serviceType();
  }

  /** The methods of the called protocol: selector, oneway, argument encodings. */
  public List<DtxMethodDescriptor> remoteMethods() {
    return remoteBinding.methods();
  }

  /** The methods of the exported protocol, the selectors the peer may send. */
  public List<DtxMethodDescriptor> localMethods() {
    return localBinding.methods();
  }

  @Override
  public String toString() {
    return "DtxProxyHandle{" + channel() + "}";
  }
}
