package dtxkit.runtime.lockdown;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.stream.Plists;
import dtxkit.runtime.stream.StepTimer;
import dtxkit.runtime.tls.DeviceTls;
import dtxkit.runtime.tls.TlsMode;
import dtxkit.runtime.tls.TlsOptions;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A lockdown (lockdownd, port 62078) client: {@code QueryType}, {@code GetValue}, {@code StartSession} with TLS,
 * {@code StartService}, {@code StopSession}, and pairing ({@link Pairing}).
 *
 * <pre>{@code
 * UsbmuxClient usbmux = UsbmuxClient.create();
 * UsbmuxDevice device = usbmux.devices().get(0);
 * PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
 * try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, LockdownClient.Options.DEFAULT)) {
 *   String version = lockdown.getString(null, "ProductVersion");
 *   lockdown.startSession(record);
 *   DtxTransport syslog = lockdown.openService(usbmux, device, "com.apple.syslog_relay", record);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one request at a time. Each request with its reply, and each TLS handshake, is bounded by
 * {@link Options#timeout()}; a device error is a {@link LockdownException} (subclasses for the ones to act on), a
 * malformed reply a {@link LockdownProtocolException}.
 */
public final class LockdownClient implements AutoCloseable {

  /** The {@code Type} a lockdownd answers to {@code QueryType}. */
  public static final String LOCKDOWN_TYPE = "com.apple.mobile.lockdown";

  /**
   * Client settings.
   *
   * @param timeout the bound on each request with its reply and on each TLS handshake
   * @param maxMessageBytes the largest reply accepted
   * @param label the {@code Label} sent with each request (the device logs it)
   * @param tls TLS settings for the session and for services (its timeout is replaced by {@code timeout})
   */
  public record Options(Duration timeout, int maxMessageBytes, String label, TlsOptions tls) {
    /** 10 s, 16 MiB, label "dtxkit". */
    public static final Options DEFAULT =
        new Options(Duration.ofSeconds(10), LockdownCodec.DEFAULT_MAX_MESSAGE_BYTES, "dtxkit", TlsOptions.DEFAULT);

    /** Checks the values. */
    public Options {
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(tls, "tls");
      if (maxMessageBytes < 1) {
        throw new IllegalArgumentException("maxMessageBytes " + maxMessageBytes);
      }
      tls = tls.withHandshakeTimeout(timeout);
    }

    /**
     * @param value the step timeout
     * @return a copy with it
     */
    public Options withTimeout(Duration value) {
      return new Options(value, maxMessageBytes, label, tls);
    }

    /**
     * @param value the TLS settings
     * @return a copy with them
     */
    public Options withTls(TlsOptions value) {
      return new Options(timeout, maxMessageBytes, label, value);
    }
  }

  private final DtxTransport raw;
  private final Options options;
  private DtxTransport current;
  private LockdownCodec.Reader reader;
  private String sessionId;
  private PairRecord sessionRecord;

  private LockdownClient(DtxTransport raw, Options options) throws IOException {
    this.raw = Objects.requireNonNull(raw, "raw");
    this.options = Objects.requireNonNull(options, "options");
    use(raw);
  }

  /**
   * A client on a stream already connected to lockdownd (port 62078).
   *
   * @param stream the stream
   * @param options settings
   * @return the client
   * @throws IOException when the stream's sides cannot be obtained
   */
  public static LockdownClient open(DtxTransport stream, Options options) throws IOException {
    return new LockdownClient(stream, options);
  }

  /**
   * Connects to a device's lockdownd through usbmuxd.
   *
   * @param usbmux the usbmuxd client
   * @param device the device
   * @param options settings
   * @return the client
   * @throws IOException when usbmuxd cannot connect
   */
  public static LockdownClient connect(UsbmuxClient usbmux, UsbmuxDevice device, Options options)
      throws IOException {
    return open(usbmux.connect(device.deviceId(), UsbmuxClient.LOCKDOWN_PORT), options);
  }

  private void use(DtxTransport transport) throws IOException {
    this.current = transport;
    this.reader = new LockdownCodec.Reader(transport.input(), options.maxMessageBytes(), "lockdown");
  }

  /** The options. */
  public Options options() {
    return options;
  }

  /** The session id from {@link #startSession}, or null outside a session. */
  public String sessionId() {
    return sessionId;
  }

  /**
   * {@code QueryType}.
   *
   * @return the type, {@value #LOCKDOWN_TYPE} for lockdownd
   * @throws IOException when the request fails
   */
  public String queryType() throws IOException {
    NSDictionary reply = request("QueryType", "QueryType", new NSDictionary());
    return Plists.requiredString(reply, "Type", "QueryType reply");
  }

  /**
   * {@code GetValue}.
   *
   * @param domain the domain, or null for the default one
   * @param key the key, or null for every value of the domain (a dictionary)
   * @return the value, or null when the device has none (no {@code Value} in its reply)
   * @throws IOException when the request fails
   */
  public NSObject getValue(String domain, String key) throws IOException {
    NSDictionary request = new NSDictionary();
    if (domain != null) {
      request.put("Domain", domain);
    }
    if (key != null) {
      request.put("Key", key);
    }
    String name = "GetValue" + (domain == null ? "" : " " + domain) + (key == null ? "" : " " + key);
    try {
      return request("GetValue", name, request).objectForKey("Value");
    } catch (LockdownException e) {
      if ("MissingValue".equals(e.error())) {
        return null;
      }
      throw e;
    }
  }

  /**
   * {@code GetValue} of a string, e.g. {@code ProductVersion}, {@code ProductType}, {@code UniqueDeviceID},
   * {@code DeviceName}.
   *
   * @param domain the domain, or null
   * @param key the key
   * @return the string, or null when the device has no such value
   * @throws IOException when the request fails or the value is not a string
   */
  public String getString(String domain, String key) throws IOException {
    NSObject value = getValue(domain, key);
    if (value == null) {
      return null;
    }
    if (value instanceof NSString s) {
      return s.getContent();
    }
    throw new LockdownProtocolException("GetValue " + key, "a string", value.getClass().getSimpleName(),
        DtxProtocolException.UNKNOWN_OFFSET);
  }

  /**
   * {@code StartSession} with the record's {@code HostID} and {@code SystemBUID}, then, when the device asks for it
   * ({@code EnableSessionSSL}), a TLS handshake on the same stream with the record's host certificate and key. Later
   * requests go through TLS.
   *
   * @param record the pair record
   * @return the session id
   * @throws LockdownException.NotPairedException when the device does not know this host ({@code InvalidHostID})
   * @throws LockdownException.PasswordProtectedException when the device is locked
   * @throws dtxkit.runtime.tls.TlsHandshakeException when TLS fails (e.g. the record's certificate is refused)
   * @throws IOException when the request fails
   */
  public String startSession(PairRecord record) throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("HostID", record.hostId());
    request.put("SystemBUID", record.systemBuid());
    NSDictionary reply = request("StartSession", "StartSession", request);
    String id = Plists.requiredString(reply, "SessionID", "StartSession reply");
    boolean ssl = Plists.optionalBoolean(reply, "EnableSessionSSL", false, "StartSession reply");
    if (ssl) {
      use(DeviceTls.client(raw, record.hostIdentity(), TlsMode.KEEP, options.tls(),
          "lockdown StartSession TLS handshake"));
    }
    this.sessionId = id;
    this.sessionRecord = record;
    return id;
  }

  /**
   * {@code StartService}.
   *
   * @param service the service name, e.g. {@code com.apple.instruments.remoteserver.DVTSecureSocketProxy}
   * @param escrowBag the escrow bag to send (from the pair record), needed by some services while the device is
   *     locked; null to send none
   * @return the port and whether it speaks TLS
   * @throws LockdownException.InvalidServiceException when the device has no such service (developer disk image
   *     not mounted, or not on this iOS)
   * @throws IOException when the request fails
   */
  public ServiceInfo startService(String service, byte[] escrowBag) throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("Service", service);
    if (escrowBag != null) {
      request.put("EscrowBag", new NSData(escrowBag));
    }
    NSDictionary reply = request("StartService", "StartService " + service, request);
    long port = Plists.requiredInteger(reply, "Port", "StartService reply");
    if (port < 1 || port > 65535) {
      throw new LockdownProtocolException("StartService reply Port", "1..65535", Long.toString(port),
          DtxProtocolException.UNKNOWN_OFFSET);
    }
    boolean ssl = Plists.optionalBoolean(reply, "EnableServiceSSL", false, "StartService reply");
    return new ServiceInfo(service, (int) port, ssl);
  }

  /**
   * {@code StartService} (without an escrow bag), then {@code Connect} to its port through usbmuxd and, when the
   * service asks for it, the TLS handshake (kept, or handshake-only for the old Instruments names).
   *
   * @param usbmux the usbmuxd client
   * @param device the device
   * @param service the service name
   * @param record the pair record (the session's)
   * @return the service's stream
   * @throws IOException when any step fails, naming it
   */
  public DtxTransport openService(UsbmuxClient usbmux, UsbmuxDevice device, String service, PairRecord record)
      throws IOException {
    ServiceInfo info = startService(service, null);
    return connectService(usbmux, device, info, record, options);
  }

  /**
   * Connects to a started service: usbmuxd {@code Connect}, then TLS when {@link ServiceInfo#ssl()}.
   *
   * @param usbmux the usbmuxd client
   * @param device the device
   * @param info what {@link #startService} returned
   * @param record the pair record
   * @param options timeouts and TLS settings
   * @return the service's stream
   * @throws IOException when a step fails, naming it
   */
  public static DtxTransport connectService(UsbmuxClient usbmux, UsbmuxDevice device, ServiceInfo info,
      PairRecord record, Options options) throws IOException {
    DtxTransport stream = usbmux.connect(device.deviceId(), info.port());
    if (!info.ssl()) {
      return stream;
    }
    return DeviceTls.client(stream, record.hostIdentity(), info.tlsMode(), options.tls(),
        "service " + info.name() + " TLS handshake");
  }

  /**
   * {@code StopSession}; afterwards the connection speaks plain plists again (TLS is dropped on both sides).
   *
   * @throws IOException when the request fails
   */
  public void stopSession() throws IOException {
    if (sessionId == null) {
      return;
    }
    NSDictionary request = new NSDictionary();
    request.put("SessionID", sessionId);
    request("StopSession", "StopSession", request);
    sessionId = null;
    sessionRecord = null;
    if (current != raw) {
      use(raw);
    }
  }

  /** The pair record of the running session, or null. */
  public PairRecord sessionRecord() {
    return sessionRecord;
  }

  /**
   * Sends any request and returns the reply, checking its {@code Request} echo and turning an {@code Error} into a
   * {@link LockdownException}. For requests this class has no method for ({@code SetValue}, {@code EnterRecovery}...).
   *
   * @param requestName the {@code Request} value
   * @param fields the other fields ({@code Label} and {@code Request} are added)
   * @return the reply
   * @throws IOException when the request fails
   */
  public NSDictionary request(String requestName, NSDictionary fields) throws IOException {
    return request(requestName, requestName, fields);
  }

  NSDictionary request(String requestName, String step, NSDictionary fields) throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("Label", options.label());
    request.put("Request", requestName);
    for (String key : fields.allKeys()) {
      request.put(key, fields.objectForKey(key));
    }
    NSDictionary reply;
    String stepName = "lockdown " + step;
    try (StepTimer.Step timer = StepTimer.start(stepName, options.timeout(), raw)) {
      try {
        LockdownCodec.write(current.output(), request);
        reply = reader.read();
        if (reply == null) {
          throw new EOFException(stepName + ": the device closed the connection without answering");
        }
      } catch (DtxProtocolException e) {
        throw e;
      } catch (IOException e) {
        IOException failure = timer.failure(e);
        if (failure != e) {
          throw failure;
        }
        if (e instanceof EOFException && e.getMessage() != null && e.getMessage().startsWith(stepName)) {
          throw e;
        }
        throw new IOException(stepName + ": " + e.getMessage(), e);
      }
    }
    String error = Plists.optionalString(reply, "Error", requestName + " reply");
    if (error != null) {
      throw LockdownException.of(step, error);
    }
    String echo = Plists.optionalString(reply, "Request", requestName + " reply");
    if (echo != null && !echo.equals(requestName)) {
      throw new LockdownProtocolException(requestName + " reply Request", requestName, echo, reader.offset());
    }
    return reply;
  }

  /** Closes the connection (without {@code StopSession}: closing ends the session on the device too). */
  @Override
  public void close() throws IOException {
    raw.close();
  }
}
