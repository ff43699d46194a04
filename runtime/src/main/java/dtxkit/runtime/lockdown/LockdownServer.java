package dtxkit.runtime.lockdown;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.stream.Plists;
import dtxkit.runtime.stream.StepTimer;
import dtxkit.runtime.tls.DeviceTls;
import dtxkit.runtime.tls.TlsIdentity;
import dtxkit.runtime.tls.TlsMode;
import dtxkit.runtime.tls.TlsOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The device side of lockdown, for a mock device: {@link #serve(DtxTransport)} answers one client connection (what
 * usbmuxd {@code Connect}s to port 62078) as lockdownd does.
 *
 * <table>
 * <caption>Requests</caption>
 * <tr><th>Request</th><th>reply</th></tr>
 * <tr><td>{@code QueryType}</td><td>{@code Type com.apple.mobile.lockdown}</td></tr>
 * <tr><td>{@code GetValue}</td><td>{@code Value} from the {@link ValueSource} ({@code DevicePublicKey} from the
 * device keys), or {@code Error MissingValue}</td></tr>
 * <tr><td>{@code StartSession}</td><td>for a paired {@code HostID}: {@code SessionID}, {@code EnableSessionSSL
 * true}, then a TLS server handshake (the device certificate of that pairing, the device key; the client must
 * present the record's host certificate); else {@code Error InvalidHostID}</td></tr>
 * <tr><td>{@code StartService}</td><td>in a session: {@code Port}, {@code EnableServiceSSL} from the
 * {@link ServiceStarter}, or its error ({@code InvalidService}...); outside one: {@code Error
 * NoRunningSession}</td></tr>
 * <tr><td>{@code StopSession}</td><td>the echo; TLS is then dropped on both sides</td></tr>
 * <tr><td>{@code Pair}</td><td>{@code Error PairingDialogResponsePending} as many times as
 * {@link Builder#pairingDialogPrompts(int)} says (the user has not tapped Trust yet), then {@code EscrowBag} and
 * the record is stored in the {@link Pairings}</td></tr>
 * <tr><td>{@code ValidatePair}</td><td>the echo for a paired {@code HostID}, else {@code Error
 * InvalidHostID}</td></tr>
 * <tr><td>anything else</td><td>{@code Error InvalidRequest}</td></tr>
 * </table>
 *
 * <p>One {@code LockdownServer} serves any number of connections, each on the caller's thread. Malformed input ends
 * that connection with an exception from {@link #serve}, and so does any {@link Error} while serving it (as an
 * {@code IOException} with the error as its cause, so that the caller's loop logs one line and serves on);
 * {@link #failedConnections()} counts them.
 */
public final class LockdownServer {

  /** Lockdown values, by domain (null: the default domain) and key. */
  @FunctionalInterface
  public interface ValueSource {
    /**
     * @param domain the domain, or null
     * @param key the key, or null for the whole domain (return a dictionary)
     * @return the value, or null when there is none
     */
    NSObject value(String domain, String key);
  }

  /** Starts services for {@code StartService}. */
  @FunctionalInterface
  public interface ServiceStarter {
    /**
     * @param service the service name
     * @param request the whole request (with {@code EscrowBag} when the client sent one)
     * @return where the service listens and whether it speaks TLS
     * @throws LockdownException to answer with its {@link LockdownException#error()}, e.g.
     *     {@link LockdownException.InvalidServiceException}
     */
    ServiceInfo start(String service, NSDictionary request) throws LockdownException;
  }

  /** The hosts paired with the device, by {@code HostID}. Thread-safe. */
  public static final class Pairings {
    private final Map<String, PairRecord> records = new ConcurrentHashMap<>();

    /**
     * Adds (or replaces) a pairing.
     *
     * @param record the record (its {@code HostID}, host and device certificates)
     */
    public void add(PairRecord record) {
      records.put(record.hostId(), record);
    }

    /**
     * @param hostId a {@code HostID}
     * @return its record, if paired
     */
    public Optional<PairRecord> find(String hostId) {
      return Optional.ofNullable(records.get(hostId));
    }

    /**
     * Forgets a pairing (as "Reset Location &amp; Privacy" does).
     *
     * @param hostId the {@code HostID}
     */
    public void remove(String hostId) {
      records.remove(hostId);
    }
  }

  private final ValueSource values;
  private final ServiceStarter services;
  private final PairRecordGenerator.DeviceKeys deviceKeys;
  private final Pairings pairings;
  private final Duration timeout;
  private final int maxMessageBytes;
  private final AtomicInteger pairingPromptsLeft;
  private final AtomicLong failed = new AtomicLong();

  private LockdownServer(Builder b) {
    this.values = Objects.requireNonNull(b.values, "values");
    this.services = Objects.requireNonNull(b.services, "services");
    this.deviceKeys = Objects.requireNonNull(b.deviceKeys, "deviceKeys");
    this.pairings = Objects.requireNonNull(b.pairings, "pairings");
    this.timeout = b.timeout;
    this.maxMessageBytes = b.maxMessageBytes;
    this.pairingPromptsLeft = new AtomicInteger(b.pairingPrompts);
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The pairings the server accepts (add the mock's generated record here). */
  public Pairings pairings() {
    return pairings;
  }

  /** Connections that ended with an error (malformed input, a failed TLS handshake, a timeout). */
  public long failedConnections() {
    return failed.get();
  }

  /**
   * Serves one client connection until the client closes it; closes the stream when done.
   *
   * @param stream the client's stream
   * @throws IOException when the client breaks the protocol, a TLS handshake fails or a step times out, or when
   *     serving failed with an {@link Error} (the {@link ValueSource} or {@link ServiceStarter} threw one, e.g. an
   *     {@code OutOfMemoryError} when no thread can be created: it is the cause); the connection is closed and counted
   *     either way
   */
  public void serve(DtxTransport stream) throws IOException {
    try (DtxTransport raw = stream) {
      new Session(raw).run();
    } catch (IOException | RuntimeException e) {
      failed.incrementAndGet();
      throw e;
    } catch (Error e) {
      // A value source or service starter that cannot make its thread (OutOfMemoryError), a stack overflow...: this
      // connection is closed (above) and counted, and the caller's loop gets an IOException to log in one line and
      // serve its next client, not an Error that would end its thread.
      failed.incrementAndGet();
      throw new IOException("lockdown server: serving the connection failed: " + e, e);
    }
  }

  private final class Session {
    private final DtxTransport raw;
    private DtxTransport current;
    private LockdownCodec.Reader reader;
    private String sessionId;

    Session(DtxTransport raw) throws IOException {
      this.raw = raw;
      use(raw);
    }

    private void use(DtxTransport transport) throws IOException {
      current = transport;
      reader = new LockdownCodec.Reader(transport.input(), maxMessageBytes, "lockdown client");
    }

    void run() throws IOException {
      while (true) {
        NSDictionary request;
        try (StepTimer.Step step = StepTimer.start("lockdown server: read a request", timeout, raw)) {
          try {
            request = reader.read();
          } catch (IOException e) {
            throw step.failure(e);
          }
        }
        if (request == null) {
          return;
        }
        String name = Plists.requiredString(request, "Request", "lockdown request");
        NSDictionary reply = new NSDictionary();
        reply.put("Request", name);
        Runnable afterReply = null;
        switch (name) {
          case "QueryType" -> reply.put("Type", LockdownClient.LOCKDOWN_TYPE);
          case "GetValue" -> getValue(request, reply);
          case "StartSession" -> {
            String hostId = Plists.requiredString(request, "HostID", "StartSession request");
            Optional<PairRecord> record = pairings.find(hostId);
            if (record.isEmpty()) {
              reply.put("Error", "InvalidHostID");
            } else {
              sessionId = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
              reply.put("SessionID", sessionId);
              reply.put("EnableSessionSSL", true);
              write(reply);
              startTls(record.get());
              continue;
            }
          }
          case "StartService" -> {
            String service = Plists.requiredString(request, "Service", "StartService request");
            reply.put("Service", service);
            if (sessionId == null) {
              reply.put("Error", "NoRunningSession");
            } else {
              try {
                ServiceInfo info = services.start(service, request);
                reply.put("Port", info.port());
                reply.put("EnableServiceSSL", info.ssl());
              } catch (LockdownException e) {
                reply.put("Error", e.error());
              }
            }
          }
          case "StopSession" -> {
            if (sessionId == null) {
              reply.put("Error", "NoRunningSession");
            } else {
              sessionId = null;
              afterReply = this::dropTls;
            }
          }
          case "Pair" -> pair(request, reply);
          case "ValidatePair" -> {
            NSDictionary record = Plists.optionalDictionary(request, "PairRecord", "ValidatePair request");
            String hostId = record == null ? null : Plists.optionalString(record, "HostID", "ValidatePair PairRecord");
            if (hostId == null || pairings.find(hostId).isEmpty()) {
              reply.put("Error", "InvalidHostID");
            }
          }
          default -> reply.put("Error", "InvalidRequest");
        }
        write(reply);
        if (afterReply != null) {
          afterReply.run();
        }
      }
    }

    private void getValue(NSDictionary request, NSDictionary reply) throws IOException {
      String domain = Plists.optionalString(request, "Domain", "GetValue request");
      String key = Plists.optionalString(request, "Key", "GetValue request");
      if (domain != null) {
        reply.put("Domain", domain);
      }
      if (key != null) {
        reply.put("Key", key);
      }
      NSObject value = domain == null && "DevicePublicKey".equals(key)
          ? new NSData(deviceKeys.publicKeyPem())
          : values.value(domain, key);
      if (value == null) {
        reply.put("Error", "MissingValue");
      } else {
        reply.put("Value", value);
      }
    }

    private void pair(NSDictionary request, NSDictionary reply) throws IOException {
      NSDictionary fields = Plists.optionalDictionary(request, "PairRecord", "Pair request");
      if (fields == null) {
        reply.put("Error", "InvalidPairRecord");
        return;
      }
      String what = "Pair PairRecord";
      String hostId = Plists.optionalString(fields, "HostID", what);
      byte[] hostCert = Plists.optionalData(fields, "HostCertificate", what);
      byte[] deviceCert = Plists.optionalData(fields, "DeviceCertificate", what);
      byte[] rootCert = Plists.optionalData(fields, "RootCertificate", what);
      String buid = Plists.optionalString(fields, "SystemBUID", what);
      if (hostId == null || hostCert == null || deviceCert == null || rootCert == null || buid == null) {
        reply.put("Error", "InvalidPairRecord");
        return;
      }
      try {
        TlsIdentity.certificatesFromPem(hostCert);
        TlsIdentity.certificatesFromPem(deviceCert);
      } catch (IOException e) {
        reply.put("Error", "InvalidPairRecord");
        return;
      }
      if (pairingPromptsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        reply.put("Error", "PairingDialogResponsePending");
        return;
      }
      byte[] escrowBag = PairRecordGenerator.randomBytes(32);
      // The device keeps no private key of the host: a placeholder marks the record as the device's view.
      pairings.add(new PairRecord(hostId, buid, hostCert, new byte[0], rootCert, null, deviceCert, escrowBag, null));
      reply.put("EscrowBag", new NSData(escrowBag));
    }

    private void startTls(PairRecord record) throws IOException {
      if (record.deviceCertificate() == null) {
        throw new IOException("lockdown server: the pairing of " + record.hostId() + " has no DeviceCertificate");
      }
      TlsIdentity identity = new TlsIdentity(TlsIdentity.certificatesFromPem(record.deviceCertificate()),
          deviceKeys.privateKey());
      TlsOptions tls = TlsOptions.DEFAULT.withHandshakeTimeout(timeout)
          .withExpectedPeerCertificate(PairRecordGenerator.der(record.hostCertificate()));
      use(DeviceTls.server(raw, identity, TlsMode.KEEP, tls, "lockdown server StartSession TLS handshake"));
    }

    private void dropTls() {
      try {
        use(raw);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private void write(NSDictionary reply) throws IOException {
      try (StepTimer.Step step = StepTimer.start("lockdown server: write a reply", timeout, raw)) {
        try {
          LockdownCodec.write(current.output(), reply);
        } catch (IOException e) {
          throw step.failure(e);
        }
      }
    }
  }

  /** Configures a {@link LockdownServer}. */
  public static final class Builder {
    private ValueSource values;
    private ServiceStarter services = (service, request) -> {
      throw new LockdownException.InvalidServiceException("StartService " + service);
    };
    private PairRecordGenerator.DeviceKeys deviceKeys;
    private Pairings pairings = new Pairings();
    private Duration timeout = Duration.ofMinutes(1);
    private int maxMessageBytes = LockdownCodec.DEFAULT_MAX_MESSAGE_BYTES;
    private int pairingPrompts;

    private Builder() {}

    /**
     * @param value the lockdown values (required)
     * @return this
     */
    public Builder values(ValueSource value) {
      this.values = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Values from a map of the default domain (key → value); other domains have none.
     *
     * @param defaultDomain the values
     * @return this
     */
    public Builder values(Map<String, ? extends NSObject> defaultDomain) {
      Map<String, NSObject> copy = Map.copyOf(defaultDomain);
      return values((domain, key) -> {
        if (domain != null) {
          return null;
        }
        if (key == null) {
          NSDictionary all = new NSDictionary();
          copy.forEach(all::put);
          return all;
        }
        return copy.get(key);
      });
    }

    /**
     * @param value what answers {@code StartService} (default: every service is {@code InvalidService})
     * @return this
     */
    public Builder services(ServiceStarter value) {
      this.services = Objects.requireNonNull(value);
      return this;
    }

    /**
     * @param value the device's key pair (required): {@code DevicePublicKey}, and the TLS server key
     * @return this
     */
    public Builder deviceKeys(PairRecordGenerator.DeviceKeys value) {
      this.deviceKeys = Objects.requireNonNull(value);
      return this;
    }

    /**
     * @param value the paired hosts (default: a new, empty set)
     * @return this
     */
    public Builder pairings(Pairings value) {
      this.pairings = Objects.requireNonNull(value);
      return this;
    }

    /**
     * @param value the bound on each step: waiting for a request, writing a reply, a TLS handshake (default 1 min)
     * @return this
     */
    public Builder timeout(Duration value) {
      this.timeout = Objects.requireNonNull(value);
      return this;
    }

    /**
     * @param value the largest request accepted (default 16 MiB)
     * @return this
     */
    public Builder maxMessageBytes(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxMessageBytes " + value);
      }
      this.maxMessageBytes = value;
      return this;
    }

    /**
     * How many {@code Pair} requests are answered {@code PairingDialogResponsePending} before one succeeds, as
     * while the Trust dialog waits for the user (default 0).
     *
     * @param value the count
     * @return this
     */
    public Builder pairingDialogPrompts(int value) {
      this.pairingPrompts = value;
      return this;
    }

    /** The server. */
    public LockdownServer build() {
      return new LockdownServer(this);
    }
  }

  static String string(NSObject o) {
    return o instanceof NSString s ? s.getContent() : null;
  }
}
