package dtxkit.runtime.lockdown;

import dtxkit.runtime.tls.TlsIdentity;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcRSAContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Creates pair records as pairing does: a root CA, a host certificate and a device certificate (for the device's
 * public key), all signed by the root, all with empty subject and issuer names as real records have, RSA 2048.
 *
 * <ul>
 * <li>{@link #forDevice}: the host side of {@code Pair}: certificates for the {@code DevicePublicKey} a device
 *     reported;</li>
 * <li>{@link #generateDevice()} and {@link #forMockDevice}: a device key pair and a matching record, for a mock
 *     device that must hold both sides.</li>
 * </ul>
 * {@link Digest#SHA1} makes certificates like those of older pairings (libimobiledevice before 2020).
 */
public final class PairRecordGenerator {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final X500Name EMPTY_NAME = new X500Name(new RDN[0]);
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private PairRecordGenerator() {}

  /** The certificates' signature digest. */
  public enum Digest {
    /** SHA-256 with RSA, as pymobiledevice3 and current iTunes sign. */
    SHA256("SHA256withRSA"),
    /** SHA-1 with RSA, as older pairings signed. */
    SHA1("SHA1withRSA");

    private final String algorithm;

    Digest(String algorithm) {
      this.algorithm = algorithm;
    }
  }

  /**
   * A device's key pair, as a mock device keeps it.
   *
   * @param privateKey the private key
   * @param publicKey the public key
   */
  public record DeviceKeys(AsymmetricKeyParameter privateKey, AsymmetricKeyParameter publicKey) {
    /** The public key as lockdown's {@code DevicePublicKey} value: PEM {@code RSA PUBLIC KEY} (PKCS#1). */
    public byte[] publicKeyPem() {
      RSAKeyParameters rsa = (RSAKeyParameters) publicKey;
      try {
        return pem("RSA PUBLIC KEY", new RSAPublicKey(rsa.getModulus(), rsa.getExponent()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The private key as PEM ({@code RSA PRIVATE KEY}). */
    public byte[] privateKeyPem() {
      try {
        return privateKeyToPem(privateKey);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * A mock device's side of a pairing: the record a host would hold, and the device's own key.
   *
   * @param record the pair record (with private keys and an escrow bag)
   * @param deviceKeys the device's key pair ({@link PairRecord#deviceCertificate()} certifies its public key)
   */
  public record MockPairing(PairRecord record, DeviceKeys deviceKeys) {
    /** The device's TLS identity: the record's device certificate with the device's private key. */
    public TlsIdentity deviceIdentity() throws IOException {
      return new TlsIdentity(TlsIdentity.certificatesFromPem(record.deviceCertificate()), deviceKeys.privateKey());
    }
  }

  /** A new RSA 2048 device key pair. */
  public static DeviceKeys generateDevice() {
    AsymmetricCipherKeyPair pair = rsa();
    return new DeviceKeys(pair.getPrivate(), pair.getPublic());
  }

  /**
   * A complete pairing for a mock device: a device key pair and a record for it, with a fresh {@code HostID}.
   *
   * @param systemBuid the host's BUID (what the mock's usbmuxd answers to {@code ReadBUID})
   * @param digest the certificates' digest
   * @return the record and the device keys
   * @throws IOException when encoding fails
   */
  public static MockPairing forMockDevice(String systemBuid, Digest digest) throws IOException {
    DeviceKeys device = generateDevice();
    PairRecord record = forDevice(device.publicKeyPem(), newHostId(), systemBuid, null, digest)
        .withEscrowBag(randomBytes(32));
    return new MockPairing(record, device);
  }

  /** A new {@code HostID}: an upper-case UUID, as iTunes and pymobiledevice3 make them. */
  public static String newHostId() {
    return UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
  }

  /**
   * The host side of pairing: root, host and device certificates for a device's public key.
   *
   * @param devicePublicKeyPem the device's {@code DevicePublicKey} (PEM, PKCS#1 or SubjectPublicKeyInfo)
   * @param hostId this host's id
   * @param systemBuid this host's BUID
   * @param wifiMacAddress the device's {@code WiFiAddress}, or null
   * @param digest the certificates' digest
   * @return the record, with root and host private keys, without escrow bag (the device gives one)
   * @throws IOException when the public key cannot be read
   */
  public static PairRecord forDevice(byte[] devicePublicKeyPem, String hostId, String systemBuid,
      String wifiMacAddress, Digest digest) throws IOException {
    Objects.requireNonNull(digest, "digest");
    AsymmetricKeyParameter devicePublic = readPublicKey(devicePublicKeyPem);
    AsymmetricCipherKeyPair root = rsa();
    AsymmetricCipherKeyPair host = rsa();
    X509CertificateHolder rootCert = certificate(root.getPublic(), root.getPrivate(), true, digest);
    X509CertificateHolder hostCert = certificate(host.getPublic(), root.getPrivate(), false, digest);
    X509CertificateHolder deviceCert = certificate(devicePublic, root.getPrivate(), false, digest);
    return new PairRecord(hostId, systemBuid,
        pem("CERTIFICATE", hostCert.toASN1Structure()),
        privateKeyToPem(host.getPrivate()),
        pem("CERTIFICATE", rootCert.toASN1Structure()),
        privateKeyToPem(root.getPrivate()),
        pem("CERTIFICATE", deviceCert.toASN1Structure()),
        null,
        wifiMacAddress);
  }

  /**
   * Reads a public key from PEM ({@code RSA PUBLIC KEY} or {@code PUBLIC KEY}).
   *
   * @param pem the PEM
   * @return the key
   * @throws IOException when it is no public key
   */
  public static AsymmetricKeyParameter readPublicKey(byte[] pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      Object o = parser.readObject();
      if (o instanceof SubjectPublicKeyInfo info) {
        return PublicKeyFactory.createKey(info);
      }
      throw new IOException("DevicePublicKey: expected a PEM public key, found "
          + (o == null ? "nothing" : o.getClass().getSimpleName()));
    } catch (RuntimeException e) {
      throw new IOException("DevicePublicKey: not readable: " + e, e);
    }
  }

  /**
   * A certificate signed by {@code signer}, empty subject and issuer.
   *
   * @param subjectKey the certified public key
   * @param signer the signing private key
   * @param ca whether it is a CA (the root)
   * @param digest the signature digest
   * @return the certificate
   * @throws IOException when signing fails
   */
  public static X509CertificateHolder certificate(AsymmetricKeyParameter subjectKey, AsymmetricKeyParameter signer,
      boolean ca, Digest digest) throws IOException {
    Instant now = Instant.now();
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(subjectKey);
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(EMPTY_NAME, BigInteger.ONE,
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), EMPTY_NAME, spki);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    }
    builder.addExtension(Extension.subjectKeyIdentifier, false,
        new BcX509ExtensionUtils().createSubjectKeyIdentifier(spki));
    try {
      AlgorithmIdentifier sigAlg = new DefaultSignatureAlgorithmIdentifierFinder().find(digest.algorithm);
      AlgorithmIdentifier digAlg = new DefaultDigestAlgorithmIdentifierFinder().find(sigAlg);
      ContentSigner contentSigner = new BcRSAContentSignerBuilder(sigAlg, digAlg).build(signer);
      return builder.build(contentSigner);
    } catch (OperatorCreationException e) {
      throw new IOException("cannot sign a pairing certificate: " + e, e);
    }
  }

  private static AsymmetricCipherKeyPair rsa() {
    RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
    generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), RANDOM, 2048, 112));
    return generator.generateKeyPair();
  }

  static byte[] privateKeyToPem(AsymmetricKeyParameter key) throws IOException {
    // PKCS#1 "RSA PRIVATE KEY", the form pair records carry.
    return pem("RSA PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(key).parsePrivateKey());
  }

  static byte[] pem(String type, ASN1Encodable object) throws IOException {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, object.toASN1Primitive().getEncoded("DER")));
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** The DER of a PEM certificate (for {@link dtxkit.runtime.tls.TlsOptions#withExpectedPeerCertificate}). */
  public static byte[] der(byte[] certificatePem) throws IOException {
    List<byte[]> certs = TlsIdentity.certificatesFromPem(certificatePem);
    return certs.get(0);
  }
}
