package dtxkit.runtime.usbmux;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.stream.ChannelTransport;
import dtxkit.runtime.stream.Plists;
import dtxkit.runtime.stream.StepTimer;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A usbmuxd client: lists devices, follows attach/detach events, reads pair records and the system BUID, and opens
 * a raw stream to a port on a device.
 *
 * <p>Every request runs on its own connection to usbmuxd, as libimobiledevice, pymobiledevice3 and go-ios do; each
 * step (connecting, one request and its reply) is bounded by {@link Options#timeout()}.
 *
 * <pre>{@code
 * UsbmuxClient usbmux = UsbmuxClient.create();          // USBMUXD_SOCKET_ADDRESS or the platform default
 * for (UsbmuxDevice d : usbmux.devices()) {
 *   System.out.println(d.udid() + " " + d.connectionType());
 * }
 * DtxTransport lockdown = usbmux.connect(device.deviceId(), 62078);   // the device's lockdownd
 * }</pre>
 */
public final class UsbmuxClient {

  /** lockdownd's port on every device. */
  public static final int LOCKDOWN_PORT = 62078;

  /**
   * How the client talks to usbmuxd.
   *
   * @param timeout the bound on each step: connecting, and one request with its reply
   * @param maxMessageBytes the largest usbmuxd message accepted
   * @param clientVersionString the {@code ClientVersionString} sent with each request
   * @param progName the {@code ProgName} sent with each request
   */
  public record Options(Duration timeout, int maxMessageBytes, String clientVersionString, String progName) {
    /** 10 s per step, 1 MiB messages, "dtxkit". */
    public static final Options DEFAULT =
        new Options(Duration.ofSeconds(10), UsbmuxCodec.DEFAULT_MAX_MESSAGE_BYTES, "dtxkit-usbmux", "dtxkit");

    /** Checks the values. */
    public Options {
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(clientVersionString, "clientVersionString");
      Objects.requireNonNull(progName, "progName");
      if (maxMessageBytes < UsbmuxCodec.HEADER_LENGTH) {
        throw new IllegalArgumentException("maxMessageBytes " + maxMessageBytes);
      }
    }

    /**
     * @param value the new step timeout
     * @return a copy with it
     */
    public Options withTimeout(Duration value) {
      return new Options(value, maxMessageBytes, clientVersionString, progName);
    }
  }

  private final UsbmuxAddress address;
  private final Options options;

  private UsbmuxClient(UsbmuxAddress address, Options options) {
    this.address = Objects.requireNonNull(address, "address");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A client of the usbmuxd named by {@code USBMUXD_SOCKET_ADDRESS}, or of the platform's default. */
  public static UsbmuxClient create() {
    return new UsbmuxClient(UsbmuxAddress.fromEnvironment(), Options.DEFAULT);
  }

  /**
   * A client of the usbmuxd at {@code address}.
   *
   * @param address where usbmuxd listens
   * @param options timeouts and limits
   * @return the client (nothing is connected yet)
   */
  public static UsbmuxClient create(UsbmuxAddress address, Options options) {
    return new UsbmuxClient(address, options);
  }

  /** Where this client connects. */
  public UsbmuxAddress address() {
    return address;
  }

  /** The options. */
  public Options options() {
    return options;
  }

  /**
   * {@code ListDevices}: the devices usbmuxd sees now, USB and network.
   *
   * @return the devices, in usbmuxd's order
   * @throws IOException when usbmuxd cannot be reached or answers badly
   */
  public List<UsbmuxDevice> devices() throws IOException {
    NSDictionary reply = exchange("ListDevices", request("ListDevices"));
    NSObject list = reply.objectForKey("DeviceList");
    if (!(list instanceof NSArray array)) {
      throw UsbmuxCodec.unexpected("ListDevices reply DeviceList", "an array",
          list == null ? "missing (keys " + reply.keySet() + ")" : list.getClass().getSimpleName());
    }
    List<UsbmuxDevice> devices = new ArrayList<>();
    for (NSObject entry : array.getArray()) {
      if (!(entry instanceof NSDictionary d)) {
        throw UsbmuxCodec.unexpected("ListDevices reply DeviceList entry", "a dictionary",
            entry == null ? "null" : entry.getClass().getSimpleName());
      }
      NSDictionary properties = Plists.optionalDictionary(d, "Properties", "ListDevices entry");
      if (properties == null) {
        throw UsbmuxCodec.unexpected("ListDevices entry Properties", "a dictionary", "missing");
      }
      devices.add(UsbmuxDevice.fromProperties(properties));
    }
    return Collections.unmodifiableList(devices);
  }

  /**
   * The device with a UDID; when it is attached both by USB and over the network, the USB one.
   *
   * @param udid the UDID
   * @return the device, or empty when usbmuxd does not list it
   * @throws IOException when usbmuxd cannot be reached or answers badly
   */
  public Optional<UsbmuxDevice> device(String udid) throws IOException {
    UsbmuxDevice found = null;
    for (UsbmuxDevice d : devices()) {
      if (d.udid().equals(udid) && (found == null || d.isUsb() && !found.isUsb())) {
        found = d;
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * {@code ReadBUID}: the system BUID, the host identity usbmuxd pairs devices under.
   *
   * @return the BUID
   * @throws IOException when usbmuxd cannot be reached or answers badly
   */
  public String readBuid() throws IOException {
    NSDictionary reply = exchange("ReadBUID", request("ReadBUID"));
    return Plists.requiredString(reply, "BUID", "ReadBUID reply");
  }

  /**
   * {@code ReadPairRecord}: the pair record usbmuxd keeps for a device (a plist; parse it with
   * {@code dtxkit.runtime.lockdown.PairRecord.parse}).
   *
   * @param udid the device's UDID
   * @return the record's bytes, or empty when usbmuxd has none (the device was never paired with this computer)
   * @throws IOException when usbmuxd cannot be reached or answers badly
   */
  public Optional<byte[]> readPairRecord(String udid) throws IOException {
    NSDictionary request = request("ReadPairRecord");
    request.put("PairRecordID", udid);
    NSDictionary reply = exchange("ReadPairRecord", request);
    byte[] data = Plists.optionalData(reply, "PairRecordData", "ReadPairRecord reply");
    if (data != null) {
      return Optional.of(data);
    }
    Long number = Plists.optionalInteger(reply, "Number", "ReadPairRecord reply");
    if (number != null && number != 0) {
      return Optional.empty();
    }
    throw UsbmuxCodec.unexpected("ReadPairRecord reply", "PairRecordData or a Result", "keys " + reply.keySet());
  }

  /**
   * {@code SavePairRecord}: stores a pair record with usbmuxd (after pairing), so that other tools find it.
   *
   * @param udid the device's UDID
   * @param deviceId usbmuxd's number for the device
   * @param record the record's plist bytes
   * @throws IOException when usbmuxd refuses or cannot be reached
   */
  public void savePairRecord(String udid, int deviceId, byte[] record) throws IOException {
    NSDictionary request = request("SavePairRecord");
    request.put("PairRecordID", udid);
    request.put("PairRecordData", new NSData(record));
    request.put("DeviceID", deviceId);
    checkResult("SavePairRecord", "device " + udid, exchange("SavePairRecord", request));
  }

  /**
   * {@code Connect}: opens a stream to a TCP port on the device. The returned transport carries the device's bytes
   * from then on (lockdown, or a service); close it to end the connection.
   *
   * @param deviceId usbmuxd's number for the device ({@link UsbmuxDevice#deviceId()})
   * @param port the device's port, e.g. {@link #LOCKDOWN_PORT}
   * @return the raw stream
   * @throws UsbmuxResultException when usbmuxd refuses: bad device (2) or connection refused (3)
   * @throws IOException when usbmuxd cannot be reached or answers badly
   */
  public DtxTransport connect(int deviceId, int port) throws IOException {
    NSDictionary request = request("Connect");
    request.put("DeviceID", deviceId);
    request.put("PortNumber", UsbmuxCodec.swapPort(port));
    ChannelTransport transport = open("Connect");
    boolean ok = false;
    try {
      NSDictionary reply = exchange(transport, "Connect", request);
      checkResult("Connect", "device " + deviceId + " port " + port, reply);
      ok = true;
      return new DeviceStream(transport, "usbmux device " + deviceId + " port " + port + " via " + address);
    } finally {
      if (!ok) {
        transport.close();
      }
    }
  }

  /**
   * {@code Listen}: a stream of attach and detach events. usbmuxd first reports every attached device as an
   * {@code Attached} event, then changes as they happen.
   *
   * @return the open event stream; close it to stop listening
   * @throws IOException when usbmuxd cannot be reached or refuses
   */
  public EventStream listen() throws IOException {
    ChannelTransport transport = open("Listen");
    boolean ok = false;
    try {
      UsbmuxCodec.Reader reader = new UsbmuxCodec.Reader(transport.input(), options.maxMessageBytes());
      NSDictionary reply = exchange(transport, reader, "Listen", request("Listen"), 1);
      checkResult("Listen", "events", reply);
      ok = true;
      return new EventStream(transport, reader);
    } finally {
      if (!ok) {
        transport.close();
      }
    }
  }

  /** Attach and detach events from {@link #listen()}; one reader thread, {@link #close()} from any thread. */
  public final class EventStream implements AutoCloseable {
    private final ChannelTransport transport;
    private final UsbmuxCodec.Reader reader;

    private EventStream(ChannelTransport transport, UsbmuxCodec.Reader reader) {
      this.transport = transport;
      this.reader = reader;
    }

    /**
     * Blocks until the next event. {@code Paired} events and unknown message types are returned or skipped as
     * follows: {@code Paired} is returned; an unknown {@code MessageType} is skipped.
     *
     * @return the event, or null when usbmuxd closed the stream (or {@link #close()} was called)
     * @throws IOException when the stream breaks or usbmuxd sends something malformed
     */
    public UsbmuxEvent next() throws IOException {
      while (true) {
        UsbmuxMessage message;
        try {
          message = reader.read();
        } catch (IOException e) {
          if (!transport.channel().isOpen()) {
            return null;
          }
          throw e;
        }
        if (message == null) {
          return null;
        }
        String type = message.messageType();
        NSDictionary plist = message.plist();
        if ("Attached".equals(type)) {
          NSDictionary properties = Plists.optionalDictionary(plist, "Properties", "Attached event");
          if (properties == null) {
            throw UsbmuxCodec.unexpected("Attached event Properties", "a dictionary", "missing");
          }
          return UsbmuxEvent.attached(UsbmuxDevice.fromProperties(properties));
        }
        if ("Detached".equals(type) || "Paired".equals(type)) {
          int id = (int) Plists.requiredInteger(plist, "DeviceID", type + " event");
          return new UsbmuxEvent("Paired".equals(type) ? UsbmuxEvent.Type.PAIRED : UsbmuxEvent.Type.DETACHED, id,
              null);
        }
        // Anything else (a future event kind): skip, as libimobiledevice does.
      }
    }

    /** Stops listening; unblocks {@link #next()}. */
    @Override
    public void close() throws IOException {
      transport.close();
    }
  }

  private NSDictionary request(String messageType) {
    NSDictionary request = new NSDictionary();
    request.put("MessageType", messageType);
    request.put("ClientVersionString", options.clientVersionString());
    request.put("ProgName", options.progName());
    request.put("kLibUSBMuxVersion", 3);
    return request;
  }

  private ChannelTransport open(String request) throws IOException {
    return ChannelTransport.connect(address.socketAddress(), options.timeout(),
        "usbmuxd " + request + ": connect to " + address);
  }

  private NSDictionary exchange(String name, NSDictionary request) throws IOException {
    try (ChannelTransport transport = open(name)) {
      return exchange(transport, name, request);
    }
  }

  private NSDictionary exchange(ChannelTransport transport, String name, NSDictionary request) throws IOException {
    return exchange(transport, new UsbmuxCodec.Reader(transport.input(), options.maxMessageBytes()), name, request,
        1);
  }

  private NSDictionary exchange(ChannelTransport transport, UsbmuxCodec.Reader reader, String name,
      NSDictionary request, int tag) throws IOException {
    String step = "usbmuxd " + name + " at " + address;
    try (StepTimer.Step timer = StepTimer.start(step, options.timeout(), transport)) {
      try {
        UsbmuxCodec.write(transport.output(), UsbmuxMessage.plist(tag, request));
        UsbmuxMessage reply = reader.read();
        if (reply == null) {
          throw new EOFException(step + ": usbmuxd closed the connection without answering");
        }
        if (reply.tag() != tag) {
          throw new UsbmuxProtocolException(name + " reply tag", Integer.toString(tag),
              Integer.toUnsignedString(reply.tag()), reader.offset());
        }
        return reply.plist();
      } catch (DtxProtocolException e) {
        throw e;
      } catch (IOException e) {
        IOException failure = timer.failure(e);
        if (failure != e) {
          throw failure;
        }
        if (e instanceof EOFException) {
          throw e;
        }
        throw new IOException(step + ": " + e, e);
      }
    }
  }

  private static void checkResult(String name, String detail, NSDictionary reply) throws IOException {
    String type = Plists.optionalString(reply, "MessageType", name + " reply");
    if (!"Result".equals(type)) {
      throw UsbmuxCodec.unexpected(name + " reply MessageType", "Result", String.valueOf(type));
    }
    long number = Plists.requiredInteger(reply, "Number", name + " reply");
    if (number != 0) {
      throw new UsbmuxResultException(name, (int) number, detail);
    }
  }

  /** The raw device stream after {@code Connect}: the usbmuxd channel, renamed for logs. */
  private static final class DeviceStream implements DtxTransport {
    private final ChannelTransport channel;
    private final String description;

    DeviceStream(ChannelTransport channel, String description) {
      this.channel = channel;
      this.description = description;
    }

    @Override
    public java.io.InputStream input() {
      return channel.input();
    }

    @Override
    public java.io.OutputStream output() {
      return channel.output();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }

    @Override
    public String description() {
      return description;
    }
  }
}
