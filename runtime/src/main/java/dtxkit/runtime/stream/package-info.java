/**
 * Byte streams below DTX and lockdown: a full-duplex {@link dtxkit.runtime.DtxTransport} over a TCP or Unix-domain
 * {@link java.nio.channels.SocketChannel} ({@link dtxkit.runtime.stream.ChannelTransport}), and a per-step watchdog
 * ({@link dtxkit.runtime.stream.StepTimer}) that bounds every blocking step (connect, one request and its reply, a TLS
 * handshake) by a timeout and turns an expiry into a {@link dtxkit.runtime.stream.StepTimeoutException} naming the
 * step.
 */
package dtxkit.runtime.stream;
