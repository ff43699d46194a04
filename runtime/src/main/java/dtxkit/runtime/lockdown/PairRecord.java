package dtxkit.runtime.lockdown;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.stream.Plists;
import dtxkit.runtime.tls.TlsIdentity;
import java.io.IOException;
import java.util.Objects;

/**
 * A pair record: what a host keeps after pairing with a device, as usbmuxd ({@code ReadPairRecord}), macOS
 * ({@code /var/db/lockdown/UDID.plist}), libimobiledevice and pymobiledevice3 store it. Certificates and keys are PEM
 * bytes; the certificates have empty subject and issuer names.
 *
 * @param hostId {@code HostID}: this host's identity, sent with {@code StartSession}
 * @param systemBuid {@code SystemBUID}: the host system's id (usbmuxd's {@code ReadBUID})
 * @param hostCertificate {@code HostCertificate} PEM: the TLS client certificate
 * @param hostPrivateKey {@code HostPrivateKey} PEM
 * @param rootCertificate {@code RootCertificate} PEM: the CA that signed the host and device certificates
 * @param rootPrivateKey {@code RootPrivateKey} PEM, or null
 * @param deviceCertificate {@code DeviceCertificate} PEM: the device's public key, signed by the root
 * @param escrowBag {@code EscrowBag}, or null: lets {@code StartService} run while the device is locked
 * @param wifiMacAddress {@code WiFiMACAddress}, or null
 */
public record PairRecord(
    String hostId,
    String systemBuid,
    byte[] hostCertificate,
    byte[] hostPrivateKey,
    byte[] rootCertificate,
    byte[] rootPrivateKey,
    byte[] deviceCertificate,
    byte[] escrowBag,
    String wifiMacAddress) {

  /** Checks the fields {@code StartSession} needs. */
  public PairRecord {
    Objects.requireNonNull(hostId, "hostId");
    Objects.requireNonNull(systemBuid, "systemBuid");
    Objects.requireNonNull(hostCertificate, "hostCertificate");
    Objects.requireNonNull(hostPrivateKey, "hostPrivateKey");
  }

  /**
   * Parses a pair record plist (XML or binary).
   *
   * @param bytes the plist
   * @return the record
   * @throws DtxProtocolException when it is no plist dictionary or lacks {@code HostID}, {@code SystemBUID},
   *     {@code HostCertificate} or {@code HostPrivateKey}
   */
  public static PairRecord parse(byte[] bytes) throws DtxProtocolException {
    return fromPlist(Plists.parseDictionary(bytes, "pair record", DtxProtocolException.UNKNOWN_OFFSET));
  }

  /**
   * Reads a pair record dictionary.
   *
   * @param d the dictionary
   * @return the record
   * @throws DtxProtocolException when a required key is missing or of the wrong type
   */
  public static PairRecord fromPlist(NSDictionary d) throws DtxProtocolException {
    String what = "pair record";
    byte[] hostCert = Plists.optionalData(d, "HostCertificate", what);
    byte[] hostKey = Plists.optionalData(d, "HostPrivateKey", what);
    if (hostCert == null || hostKey == null) {
      throw new DtxProtocolException(what, "pair record has no " + (hostCert == null ? "HostCertificate"
          : "HostPrivateKey") + " (keys: " + d.keySet() + ")", DtxProtocolException.UNKNOWN_OFFSET, true, null);
    }
    return new PairRecord(
        Plists.requiredString(d, "HostID", what),
        Plists.requiredString(d, "SystemBUID", what),
        hostCert,
        hostKey,
        Plists.optionalData(d, "RootCertificate", what),
        Plists.optionalData(d, "RootPrivateKey", what),
        Plists.optionalData(d, "DeviceCertificate", what),
        Plists.optionalData(d, "EscrowBag", what),
        Plists.optionalString(d, "WiFiMACAddress", what));
  }

  /** The record as a dictionary, with the keys the peers use. */
  public NSDictionary toPlist() {
    NSDictionary d = new NSDictionary();
    putData(d, "DeviceCertificate", deviceCertificate);
    putData(d, "EscrowBag", escrowBag);
    putData(d, "HostCertificate", hostCertificate);
    d.put("HostID", hostId);
    putData(d, "HostPrivateKey", hostPrivateKey);
    putData(d, "RootCertificate", rootCertificate);
    putData(d, "RootPrivateKey", rootPrivateKey);
    d.put("SystemBUID", systemBuid);
    if (wifiMacAddress != null) {
      d.put("WiFiMACAddress", wifiMacAddress);
    }
    return d;
  }

  /** The record as XML plist bytes (what a pair record file holds). */
  public byte[] toBytes() {
    return Plists.toXml(toPlist());
  }

  /**
   * The record without private keys and escrow bag: what {@code Pair} and {@code ValidatePair} send to the device.
   */
  public NSDictionary toDevicePlist() {
    NSDictionary d = new NSDictionary();
    putData(d, "DeviceCertificate", deviceCertificate);
    putData(d, "HostCertificate", hostCertificate);
    d.put("HostID", hostId);
    putData(d, "RootCertificate", rootCertificate);
    d.put("SystemBUID", systemBuid);
    if (wifiMacAddress != null) {
      d.put("WiFiMACAddress", wifiMacAddress);
    }
    return d;
  }

  /**
   * The same record with an escrow bag (the device returns one from {@code Pair}).
   *
   * @param bag the escrow bag
   * @return the new record
   */
  public PairRecord withEscrowBag(byte[] bag) {
    return new PairRecord(hostId, systemBuid, hostCertificate, hostPrivateKey, rootCertificate, rootPrivateKey,
        deviceCertificate, bag, wifiMacAddress);
  }

  /**
   * The host certificate and key, for the TLS client side.
   *
   * @return the identity
   * @throws IOException when the PEM is unreadable
   */
  public TlsIdentity hostIdentity() throws IOException {
    return TlsIdentity.fromPem(hostCertificate, hostPrivateKey);
  }

  private static void putData(NSDictionary d, String key, byte[] value) {
    if (value != null) {
      d.put(key, new NSData(value));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PairRecord r && hostId.equals(r.hostId) && systemBuid.equals(r.systemBuid)
        && java.util.Arrays.equals(hostCertificate, r.hostCertificate)
        && java.util.Arrays.equals(hostPrivateKey, r.hostPrivateKey)
        && java.util.Arrays.equals(rootCertificate, r.rootCertificate)
        && java.util.Arrays.equals(rootPrivateKey, r.rootPrivateKey)
        && java.util.Arrays.equals(deviceCertificate, r.deviceCertificate)
        && java.util.Arrays.equals(escrowBag, r.escrowBag)
        && Objects.equals(wifiMacAddress, r.wifiMacAddress);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hostId, systemBuid);
  }

  @Override
  public String toString() {
    return "PairRecord[hostId=" + hostId + ", systemBuid=" + systemBuid + ", escrowBag="
        + (escrowBag != null) + "]";
  }
}
