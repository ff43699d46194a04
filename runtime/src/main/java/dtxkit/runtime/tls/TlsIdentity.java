package dtxkit.runtime.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * A certificate (with any chain above it) and its private key, as pair records keep them: PEM, the key as
 * {@code RSA PRIVATE KEY} (PKCS#1) or {@code PRIVATE KEY} (PKCS#8). Certificates with empty subject and issuer names
 * (every pair record's) are fine: they are parsed with BouncyCastle, never with the JDK's certificate factory.
 *
 * @param certificates DER certificates, the leaf first
 * @param privateKey the leaf's private key
 */
public record TlsIdentity(List<byte[]> certificates, AsymmetricKeyParameter privateKey) {

  /** Checks there is a leaf and a private key. */
  public TlsIdentity {
    certificates = List.copyOf(certificates);
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no certificate");
    }
    Objects.requireNonNull(privateKey, "privateKey");
    if (!privateKey.isPrivate()) {
      throw new IllegalArgumentException("not a private key");
    }
  }

  /**
   * Reads PEM, as in a pair record's {@code HostCertificate} + {@code HostPrivateKey}.
   *
   * @param certificatePem one or more {@code CERTIFICATE} blocks, the leaf first
   * @param privateKeyPem the leaf's key
   * @return the identity
   * @throws IOException when either is not PEM of the expected kind, naming which
   */
  public static TlsIdentity fromPem(byte[] certificatePem, byte[] privateKeyPem) throws IOException {
    return new TlsIdentity(certificatesFromPem(certificatePem), privateKeyFromPem(privateKeyPem));
  }

  /** The leaf certificate, DER. */
  public byte[] leaf() {
    return certificates.get(0);
  }

  /**
   * The DER certificates in PEM text.
   *
   * @param pem PEM text with {@code CERTIFICATE} blocks
   * @return DER, in order
   * @throws IOException when there is no certificate, or a block is not one
   */
  public static List<byte[]> certificatesFromPem(byte[] pem) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (!(o instanceof X509CertificateHolder holder)) {
          throw new IOException("expected a PEM CERTIFICATE, found " + o.getClass().getSimpleName());
        }
        out.add(holder.getEncoded());
      }
    } catch (IOException e) {
      throw new IOException("certificate PEM: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("certificate PEM: not readable: " + e, e);
    }
    if (out.isEmpty()) {
      throw new IOException("certificate PEM: no CERTIFICATE block");
    }
    return out;
  }

  /**
   * A private key from PEM ({@code RSA PRIVATE KEY}, {@code EC PRIVATE KEY} or {@code PRIVATE KEY}).
   *
   * @param pem the PEM text
   * @return the key
   * @throws IOException when there is no private key block
   */
  public static AsymmetricKeyParameter privateKeyFromPem(byte[] pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      Object o = parser.readObject();
      PrivateKeyInfo info;
      if (o instanceof PEMKeyPair pair) {
        info = pair.getPrivateKeyInfo();
      } else if (o instanceof PrivateKeyInfo i) {
        info = i;
      } else {
        throw new IOException("expected a PEM private key, found "
            + (o == null ? "nothing" : o.getClass().getSimpleName()));
      }
      return PrivateKeyFactory.createKey(info);
    } catch (IOException e) {
      throw new IOException("private key PEM: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("private key PEM: not readable: " + e, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsIdentity other && privateKey.equals(other.privateKey)
        && certificates.size() == other.certificates.size()
        && java.util.stream.IntStream.range(0, certificates.size())
            .allMatch(i -> Arrays.equals(certificates.get(i), other.certificates.get(i)));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(leaf());
  }
}
