package dtxkit.runtime.tls;

import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.stream.StepTimer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsProtocol;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedDecryptor;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * TLS handshakes on device connections, client and server, with BouncyCastle's TLS protocol classes over a
 * {@link DtxTransport}'s streams. Nothing JVM-wide is touched: no provider is installed and no default context
 * changes.
 *
 * <p>What devices need and this accepts (pymobiledevice3 sets the same with OpenSSL): certificates with empty subject
 * and issuer names; SHA-1-signed certificates from older pairings (the peer's certificate signature algorithm is not
 * checked); peers without secure renegotiation (legacy renegotiation); TLS 1.2 and 1.3; ECDHE-RSA and plain RSA key
 * exchange with AES-GCM and AES-CBC. The peer's certificate is accepted as is unless
 * {@link TlsOptions#expectedPeerCertificate()} names the one it must be.
 *
 * <pre>{@code
 * TlsIdentity host = TlsIdentity.fromPem(record.hostCertificate(), record.hostPrivateKey());
 * DtxTransport tls = DeviceTls.client(raw, host, TlsMode.KEEP, TlsOptions.DEFAULT, "lockdown StartSession TLS");
 * }</pre>
 */
public final class DeviceTls {
  private DeviceTls() {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final int[] CIPHER_SUITES = {
    CipherSuite.TLS_AES_128_GCM_SHA256,
    CipherSuite.TLS_AES_256_GCM_SHA384,
    CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
    CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
    CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256,
    CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256,
    CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
    CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
  };

  /** RSA signature schemes, best first: PSS (required for TLS 1.3), then PKCS#1 v1.5 (TLS 1.2), SHA-1 last. */
  private static final int[] RSA_SCHEMES = {
    SignatureScheme.rsa_pss_rsae_sha256,
    SignatureScheme.rsa_pss_rsae_sha384,
    SignatureScheme.rsa_pss_rsae_sha512,
    SignatureScheme.rsa_pkcs1_sha256,
    SignatureScheme.rsa_pkcs1_sha384,
    SignatureScheme.rsa_pkcs1_sha512,
    SignatureScheme.rsa_pkcs1_sha1,
  };

  /**
   * Runs a client handshake on {@code raw} presenting {@code identity} (a pair record's host certificate and key).
   *
   * @param raw the stream (e.g. a usbmuxd {@code Connect}ed lockdown or service connection)
   * @param identity the client certificate and key
   * @param mode {@link TlsMode#KEEP}: the returned transport encrypts; {@link TlsMode#HANDSHAKE_ONLY}: it is
   *     {@code raw} itself after the handshake
   * @param options timeout, versions, an expected device certificate
   * @param step the step's name for errors, e.g. {@code "lockdown StartSession TLS handshake"}
   * @return the transport to use from now on
   * @throws TlsHandshakeException when the handshake fails (alert, closed, not TLS, wrong certificate)
   * @throws dtxkit.runtime.stream.StepTimeoutException when it does not finish in time
   * @throws IOException when the stream fails
   */
  public static DtxTransport client(DtxTransport raw, TlsIdentity identity, TlsMode mode, TlsOptions options,
      String step) throws IOException {
    Objects.requireNonNull(identity, "identity");
    BcTlsCrypto crypto = new BcTlsCrypto(RANDOM);
    DeviceTlsClient client = new DeviceTlsClient(crypto, identity, mode, options);
    EofWatch in = new EofWatch(raw.input());
    TlsClientProtocol protocol = new TlsClientProtocol(in, raw.output());
    handshake(raw, step, options, () -> protocol.connect(client), () -> client.end.peerProblem, in);
    return wrap(raw, protocol, mode, in);
  }

  /**
   * Runs a server handshake on {@code raw} presenting {@code identity} (a device certificate and key), and asking
   * the client for its certificate.
   *
   * @param raw the stream from a client
   * @param identity the server certificate and key
   * @param mode as for {@link #client}
   * @param options timeout, versions, and the certificate the client must present (null: any, but one is required)
   * @param step the step's name for errors
   * @return the transport to use from now on
   * @throws TlsHandshakeException when the handshake fails
   * @throws dtxkit.runtime.stream.StepTimeoutException when it does not finish in time
   * @throws IOException when the stream fails
   */
  public static DtxTransport server(DtxTransport raw, TlsIdentity identity, TlsMode mode, TlsOptions options,
      String step) throws IOException {
    Objects.requireNonNull(identity, "identity");
    BcTlsCrypto crypto = new BcTlsCrypto(RANDOM);
    DeviceTlsServer server = new DeviceTlsServer(crypto, identity, mode, options);
    EofWatch in = new EofWatch(raw.input());
    TlsServerProtocol protocol = new TlsServerProtocol(in, raw.output());
    handshake(raw, step, options, () -> protocol.accept(server), () -> server.end.peerProblem, in);
    return wrap(raw, protocol, mode, in);
  }

  private interface Handshake {
    void run() throws IOException;
  }

  private interface Problem {
    String get();
  }

  private static void handshake(DtxTransport raw, String step, TlsOptions options, Handshake handshake,
      Problem problem, EofWatch in) throws IOException {
    try (StepTimer.Step timer = StepTimer.start(step, options.handshakeTimeout(), raw)) {
      try {
        handshake.run();
      } catch (IOException e) {
        IOException failure = timer.failure(e);
        if (failure != e) {
          throw failure;
        }
        closeQuietly(raw);
        throw new TlsHandshakeException(step, describe(e, problem.get(), in.eof), e);
      } catch (RuntimeException e) {
        closeQuietly(raw);
        throw new TlsHandshakeException(step, "the TLS stack failed: " + e, e);
      }
    }
  }

  private static String describe(IOException e, String problem, boolean eof) {
    if (problem != null) {
      return problem;
    }
    if (e instanceof TlsFatalAlertReceived received) {
      return "the peer refused the handshake with alert " + AlertDescription.getText(received.getAlertDescription())
          + (received.getAlertDescription() == AlertDescription.bad_certificate
              || received.getAlertDescription() == AlertDescription.certificate_unknown
              ? " (it does not accept our certificate: is this pair record the one the device knows? pair again)"
              : "");
    }
    if (eof || e instanceof EOFException) {
      return "the peer closed the connection during the handshake (if it refused our certificate: is this pair"
          + " record the one the device knows? pair again)";
    }
    if (e instanceof TlsFatalAlert alert) {
      return "the peer's handshake is not acceptable (" + AlertDescription.getText(alert.getAlertDescription())
          + (alert.getMessage() == null ? "" : ": " + alert.getMessage()) + ")";
    }
    return e.toString() + " (the connection broke during the handshake; if the peer refused our certificate: is"
        + " this pair record the one the device knows?)";
  }

  private static DtxTransport wrap(DtxTransport raw, TlsProtocol protocol, TlsMode mode, EofWatch in) {
    if (mode == TlsMode.HANDSHAKE_ONLY) {
      // The TLS 1.2 handshake ended with the server's Finished; both sides now speak plain bytes on the socket.
      return raw;
    }
    return new TlsTransport(raw, protocol, in);
  }

  private static void closeQuietly(DtxTransport raw) {
    try {
      raw.close();
    } catch (IOException e) {
      // already failing
    }
  }

  private static ProtocolVersion[] versions(TlsMode mode, TlsOptions options) {
    if (mode == TlsMode.HANDSHAKE_ONLY || !options.allowTls13()) {
      return new ProtocolVersion[] {ProtocolVersion.TLSv12};
    }
    return ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
  }

  static Certificate chain(TlsContext context, BcTlsCrypto crypto, TlsIdentity identity, byte[] requestContext)
      throws IOException {
    List<byte[]> der = identity.certificates();
    if (TlsUtils.isTLSv13(context)) {
      CertificateEntry[] entries = new CertificateEntry[der.size()];
      for (int i = 0; i < entries.length; i++) {
        entries[i] = new CertificateEntry(crypto.createCertificate(der.get(i)), null);
      }
      return new Certificate(requestContext == null ? TlsUtils.EMPTY_BYTES : requestContext, entries);
    }
    TlsCertificate[] certs = new TlsCertificate[der.size()];
    for (int i = 0; i < certs.length; i++) {
      certs[i] = crypto.createCertificate(der.get(i));
    }
    return new Certificate(certs);
  }

  /** The first of our RSA schemes the peer offered (null: the peer sent no list, TLS 1.2 default rules). */
  static SignatureAndHashAlgorithm pickRsa(TlsContext context, Vector<?> offered) throws IOException {
    if (offered == null) {
      return TlsUtils.isSignatureAlgorithmsExtensionAllowed(context.getServerVersion())
          ? SignatureAndHashAlgorithm.getInstance(org.bouncycastle.tls.HashAlgorithm.sha1,
              org.bouncycastle.tls.SignatureAlgorithm.rsa)
          : null;
    }
    boolean tls13 = TlsUtils.isTLSv13(context);
    for (int scheme : RSA_SCHEMES) {
      if (tls13 && !SignatureScheme.isRSAPSS(scheme)) {
        continue;
      }
      SignatureAndHashAlgorithm alg = SignatureScheme.getSignatureAndHashAlgorithm(scheme);
      if (offered.contains(alg)) {
        return alg;
      }
    }
    throw new TlsFatalAlert(AlertDescription.handshake_failure,
        "the peer offers no RSA signature scheme this key can sign with: " + offered);
  }

  static String checkPeer(byte[] expected, Certificate presented, String who) {
    if (presented == null || presented.isEmpty()) {
      return "the " + who + " presented no certificate";
    }
    if (expected == null) {
      return null;
    }
    try {
      byte[] leaf = presented.getCertificateAt(0).getEncoded();
      if (!Arrays.equals(expected, leaf)) {
        return "the " + who + " presented a certificate that is not the pair record's (wrong certificate:"
            + " pair again, or check which device this is)";
      }
      return null;
    } catch (IOException e) {
      return "the " + who + "'s certificate cannot be read: " + e;
    }
  }

  /**
   * What both ends of a device TLS connection share: the crypto, the identity, the mode and options, the versions and
   * cipher suites they offer, how they check the peer's certificate, and the problem found with it (for the error
   * message). The two ends extend different Bouncy Castle classes, so they hold one of these rather than inherit it.
   */
  private static final class Endpoint {
    final BcTlsCrypto bc;
    final TlsIdentity identity;
    final TlsMode mode;
    final TlsOptions options;
    volatile String peerProblem;

    Endpoint(BcTlsCrypto bc, TlsIdentity identity, TlsMode mode, TlsOptions options) {
      this.bc = bc;
      this.identity = identity;
      this.mode = mode;
      this.options = options;
    }

    ProtocolVersion[] versions() {
      return DeviceTls.versions(mode, options);
    }

    int[] cipherSuites() {
      return TlsUtils.getSupportedCipherSuites(bc, CIPHER_SUITES);
    }

    /**
     * Fails the handshake with {@code alert} when the peer's certificate is not the pair record's.
     *
     * @param who "device" or "client", for the message
     * @param alert the alert to send (and {@code missingAlert} when the peer presented none)
     */
    void checkPeerCertificate(Certificate presented, String who, short alert, short missingAlert)
        throws TlsFatalAlert {
      String problem = checkPeer(options.expectedPeerCertificate(), presented, who);
      if (problem != null) {
        peerProblem = problem;
        throw new TlsFatalAlert(presented == null || presented.isEmpty() ? missingAlert : alert, problem);
      }
    }

    /** Signs with the identity's RSA key, offering one of {@code peerAlgorithms}. */
    TlsCredentialedSigner signer(TlsContext context, Vector<?> peerAlgorithms,
        byte[] requestContext) throws IOException {
      return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), bc, identity.privateKey(),
          chain(context, bc, identity, requestContext), pickRsa(context, peerAlgorithms));
    }
  }

  // Legacy renegotiation is allowed on both ends (older lockdownd does not send renegotiation_info), close_notify is
  // not required (devices and their clients close the socket without it: a normal end of stream), and the peer's
  // signature algorithms are not checked against its certificate's.

  private static final class DeviceTlsClient extends DefaultTlsClient {
    final Endpoint end;

    DeviceTlsClient(BcTlsCrypto crypto, TlsIdentity identity, TlsMode mode, TlsOptions options) {
      super(crypto);
      this.end = new Endpoint(crypto, identity, mode, options);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return end.versions();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
      return end.cipherSuites();
    }

    @Override
    public boolean shouldCheckSigAlgOfPeerCerts() {
      return false;
    }

    @Override
    public void notifySecureRenegotiation(boolean secureRenegotiation) {}

    @Override
    public boolean requiresCloseNotify() {
      return false;
    }

    @Override
    public TlsAuthentication getAuthentication() {
      return new TlsAuthentication() {
        @Override
        public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
          end.checkPeerCertificate(serverCertificate.getCertificate(), "device", AlertDescription.bad_certificate,
              AlertDescription.bad_certificate);
        }

        @Override
        public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
          return end.signer(context, request.getSupportedSignatureAlgorithms(),
              request.getCertificateRequestContext());
        }
      };
    }
  }

  private static final class DeviceTlsServer extends DefaultTlsServer {
    final Endpoint end;

    DeviceTlsServer(BcTlsCrypto crypto, TlsIdentity identity, TlsMode mode, TlsOptions options) {
      super(crypto);
      this.end = new Endpoint(crypto, identity, mode, options);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return end.versions();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
      return end.cipherSuites();
    }

    @Override
    public boolean shouldCheckSigAlgOfPeerCerts() {
      return false;
    }

    @Override
    public void notifySecureRenegotiation(boolean secureRenegotiation) {}

    @Override
    public boolean requiresCloseNotify() {
      return false;
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
      if (!TlsUtils.isTLSv13(context)
          && context.getSecurityParametersHandshake().getKeyExchangeAlgorithm() == KeyExchangeAlgorithm.RSA) {
        return new BcDefaultTlsCredentialedDecryptor(end.bc, chain(context, end.bc, end.identity, null),
            end.identity.privateKey());
      }
      return end.signer(context, context.getSecurityParametersHandshake().getClientSigAlgs(), null);
    }

    @Override
    public CertificateRequest getCertificateRequest() throws IOException {
      Vector<SignatureAndHashAlgorithm> algs = new Vector<>();
      for (int scheme : RSA_SCHEMES) {
        algs.add(SignatureScheme.getSignatureAndHashAlgorithm(scheme));
      }
      if (TlsUtils.isTLSv13(context)) {
        return new CertificateRequest(TlsUtils.EMPTY_BYTES, algs, null, null);
      }
      return new CertificateRequest(new short[] {ClientCertificateType.rsa_sign}, algs, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
      end.checkPeerCertificate(clientCertificate, "client", AlertDescription.bad_certificate,
          AlertDescription.certificate_required);
    }
  }

  /** Remembers whether the peer closed its side during the handshake, for the error message. */
  private static final class EofWatch extends java.io.FilterInputStream {
    volatile boolean eof;

    EofWatch(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        eof = true;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        eof = true;
      }
      return n;
    }
  }

  /** The transport that encrypts: reads and writes go through the TLS protocol object. */
  private static final class TlsTransport implements DtxTransport {
    private final DtxTransport raw;
    private final TlsProtocol protocol;
    private final InputStream input;

    TlsTransport(DtxTransport raw, TlsProtocol protocol, EofWatch rawInput) {
      this.raw = raw;
      this.protocol = protocol;
      this.input = new java.io.FilterInputStream(protocol.getInputStream()) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          try {
            return super.read(b, off, len);
          } catch (IOException e) {
            if (rawInput.eof) {
              // The peer closed without close_notify and the TLS layer's own close_notify could not be written:
              // an end of stream, as devices end connections.
              return -1;
            }
            throw e;
          }
        }
      };
    }

    @Override
    public InputStream input() {
      return input;
    }

    @Override
    public OutputStream output() {
      return protocol.getOutputStream();
    }

    @Override
    public void close() throws IOException {
      // Closing the stream below first unblocks a reader inside the TLS layer; no close_notify is needed by devices.
      raw.close();
    }

    @Override
    public String description() {
      return "tls " + raw.description();
    }
  }
}
