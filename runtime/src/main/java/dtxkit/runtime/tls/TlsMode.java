package dtxkit.runtime.tls;

/** How long TLS lasts on a device connection. */
public enum TlsMode {
  /**
   * TLS for the whole connection: lockdown sessions, and services started with {@code EnableServiceSSL} such as
   * {@code com.apple.instruments.remoteserver.DVTSecureSocketProxy} (iOS 14-16).
   */
  KEEP,
  /**
   * A TLS handshake, then plain bytes on the same socket: the quirk of {@code com.apple.instruments.remoteserver} and
   * {@code com.apple.testmanagerd.lockdown} on iOS 13 and earlier. Pinned to TLS 1.2, whose handshake ends with the
   * server's Finished (no TLS 1.3 session tickets may follow it).
   */
  HANDSHAKE_ONLY
}
