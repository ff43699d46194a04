package dtxkit.runtime.lockdown;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.runtime.stream.Plists;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Pairs this host with a device, so that a phone never paired with this computer can be used: reads the device's
 * {@code DevicePublicKey}, makes root, host and device certificates ({@link PairRecordGenerator}), sends
 * {@code Pair} and, while the device shows the Trust dialog ({@code PairingDialogResponsePending}), asks again until
 * the user answers or the dialog timeout passes; then {@code ValidatePair}.
 *
 * <pre>{@code
 * PairRecord record = Pairing.pair(lockdown, usbmux.readBuid(), Pairing.Options.DEFAULT);
 * usbmux.savePairRecord(device.udid(), device.deviceId(), record.toBytes());
 * }</pre>
 */
public final class Pairing {
  private Pairing() {}

  /**
   * Pairing settings.
   *
   * @param dialogTimeout how long to wait for the user to tap Trust
   * @param retryInterval how long to wait between {@code Pair} attempts while the dialog is up
   * @param digest the certificates' digest
   * @param hostId the {@code HostID} to pair as, or null for a new one
   */
  public record Options(Duration dialogTimeout, Duration retryInterval, PairRecordGenerator.Digest digest,
      String hostId) {
    /** Two minutes for the dialog, asking every second, SHA-256, a new HostID. */
    public static final Options DEFAULT =
        new Options(Duration.ofMinutes(2), Duration.ofSeconds(1), PairRecordGenerator.Digest.SHA256, null);

    /** Checks the values. */
    public Options {
      Objects.requireNonNull(dialogTimeout, "dialogTimeout");
      Objects.requireNonNull(retryInterval, "retryInterval");
      Objects.requireNonNull(digest, "digest");
    }

    /**
     * @param timeout the dialog timeout
     * @param interval the retry interval
     * @return a copy with them
     */
    public Options withDialog(Duration timeout, Duration interval) {
      return new Options(timeout, interval, digest, hostId);
    }
  }

  /**
   * Pairs: {@code Pair} until the user trusts this computer, then {@code ValidatePair}.
   *
   * @param lockdown a lockdown client outside a session
   * @param systemBuid this host's BUID (usbmuxd's {@code ReadBUID})
   * @param options timeouts and digest
   * @return the new pair record, with the device's escrow bag; save it (usbmuxd {@code SavePairRecord} or
   *     {@link PairRecordStore#save})
   * @throws LockdownException when the user refuses ({@code UserDeniedPairing}), the device is locked
   *     ({@code PasswordProtected}: unlock it), or the dialog timed out (still {@code PairingDialogResponsePending})
   * @throws IOException when a request fails
   */
  public static PairRecord pair(LockdownClient lockdown, String systemBuid, Options options) throws IOException {
    NSObject key = lockdown.getValue(null, "DevicePublicKey");
    byte[] publicKey;
    if (key instanceof NSData data) {
      publicKey = data.bytes();
    } else if (key instanceof NSString s) {
      publicKey = s.getContent().getBytes(StandardCharsets.US_ASCII);
    } else {
      throw new LockdownProtocolException("GetValue DevicePublicKey", "data (a PEM public key)",
          key == null ? "missing" : key.getClass().getSimpleName(), LockdownProtocolException.UNKNOWN_OFFSET);
    }
    String wifi;
    try {
      wifi = lockdown.getString(null, "WiFiAddress");
    } catch (LockdownException e) {
      wifi = null;
    }
    String hostId = options.hostId() != null ? options.hostId() : PairRecordGenerator.newHostId();
    PairRecord record = PairRecordGenerator.forDevice(publicKey, hostId, systemBuid, wifi, options.digest());
    NSDictionary request = new NSDictionary();
    NSDictionary fields = record.toDevicePlist();
    fields.put("DevicePublicKey", new NSData(publicKey));
    request.put("PairRecord", fields);
    request.put("ProtocolVersion", "2");
    NSDictionary pairingOptions = new NSDictionary();
    pairingOptions.put("ExtendedPairingErrors", true);
    request.put("PairingOptions", pairingOptions);
    long deadline = System.nanoTime() + options.dialogTimeout().toNanos();
    NSDictionary reply;
    while (true) {
      try {
        reply = lockdown.request("Pair", request);
        break;
      } catch (LockdownException.PairingDialogPendingException e) {
        if (System.nanoTime() + options.retryInterval().toNanos() > deadline) {
          throw new LockdownException("Pair", "PairingDialogResponsePending",
              "nobody tapped Trust on the device within " + options.dialogTimeout().toSeconds()
                  + " s: unlock it, tap Trust, and pair again");
        }
        try {
          Thread.sleep(options.retryInterval().toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("pairing interrupted while waiting for the Trust dialog");
        }
      }
    }
    byte[] escrowBag = Plists.optionalData(reply, "EscrowBag", "Pair reply");
    PairRecord paired = escrowBag == null ? record : record.withEscrowBag(escrowBag);
    validate(lockdown, paired);
    return paired;
  }

  /**
   * {@code ValidatePair}: checks the device still accepts a record.
   *
   * @param lockdown a lockdown client
   * @param record the record
   * @throws LockdownException.NotPairedException when the device does not know it ({@code InvalidHostID})
   * @throws IOException when the request fails
   */
  public static void validate(LockdownClient lockdown, PairRecord record) throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("PairRecord", record.toDevicePlist());
    request.put("ProtocolVersion", "2");
    lockdown.request("ValidatePair", request);
  }
}
