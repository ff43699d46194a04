package dtxkit.runtime.tls;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one TLS handshake.
 *
 * @param handshakeTimeout the bound on the handshake (zero: none); on expiry the stream is closed and the handshake
 *     fails with a {@code StepTimeoutException}
 * @param allowTls13 offer (client) or accept (server) TLS 1.3 besides 1.2; devices negotiate 1.2 or 1.3 by iOS version
 * @param expectedPeerCertificate DER of the one certificate the peer must present, or null to accept any (the client
 *     default, as pymobiledevice3 and go-ios do: the device's certificate is not checked; a server fronting a pair
 *     record sets the record's host certificate here)
 */
public record TlsOptions(Duration handshakeTimeout, boolean allowTls13, byte[] expectedPeerCertificate) {

  /** 10 s, TLS 1.2-1.3, any peer certificate. */
  public static final TlsOptions DEFAULT = new TlsOptions(Duration.ofSeconds(10), true, null);

  /** Checks the timeout. */
  public TlsOptions {
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    expectedPeerCertificate = expectedPeerCertificate == null ? null : expectedPeerCertificate.clone();
  }

  /**
   * @param value the handshake timeout
   * @return a copy with it
   */
  public TlsOptions withHandshakeTimeout(Duration value) {
    return new TlsOptions(value, allowTls13, expectedPeerCertificate);
  }

  /**
   * @param value whether TLS 1.3 may be negotiated
   * @return a copy with it
   */
  public TlsOptions withTls13(boolean value) {
    return new TlsOptions(handshakeTimeout, value, expectedPeerCertificate);
  }

  /**
   * @param der the certificate the peer must present (DER), or null for any
   * @return a copy with it
   */
  public TlsOptions withExpectedPeerCertificate(byte[] der) {
    return new TlsOptions(handshakeTimeout, allowTls13, der);
  }

  @Override
  public byte[] expectedPeerCertificate() {
    return expectedPeerCertificate == null ? null : expectedPeerCertificate.clone();
  }
}
