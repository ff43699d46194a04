/**
 * TLS as iPhones speak it on lockdown connections, with BouncyCastle's TLS API used directly (no security provider is
 * installed, no JVM-wide setting changes): pair-record certificates with empty subject and issuer names, SHA-1
 * certificates from older pairings, legacy renegotiation, TLS 1.2 and 1.3, client and server sides, and both modes a
 * device uses ({@link dtxkit.runtime.tls.TlsMode}).
 *
 * <p>Entry points: {@link dtxkit.runtime.tls.DeviceTls#client} and {@link dtxkit.runtime.tls.DeviceTls#server} wrap a
 * {@link dtxkit.runtime.DtxTransport} after a handshake; {@link dtxkit.runtime.tls.TlsIdentity} is a certificate and
 * its private key from PEM.
 */
package dtxkit.runtime.tls;
