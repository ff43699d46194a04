package dtxkit.services;

import dtxkit.runtime.DtxChannelListener;
import dtxkit.runtime.DtxClientHandle;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.DtxUnrecognizedSelectorException;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.services.applications.AppInfo;
import dtxkit.services.applications.ApplicationListing;
import dtxkit.services.conditioninducer.ConditionGroup;
import dtxkit.services.conditioninducer.ConditionInducer;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.deviceinfo.ProcessInfo;
import dtxkit.services.energy.Energy;
import dtxkit.services.energy.EnergySample;
import dtxkit.services.graphics.Graphics;
import dtxkit.services.graphics.GraphicsSample;
import dtxkit.services.location.LocationSimulation;
import dtxkit.services.networking.NetworkEvent;
import dtxkit.services.networking.NetworkMonitor;
import dtxkit.services.notifications.AppStateNotification;
import dtxkit.services.notifications.MemoryLevelNotification;
import dtxkit.services.notifications.MobileNotifications;
import dtxkit.services.processcontrol.ProcessControl;
import dtxkit.services.screenshot.Screenshot;
import dtxkit.services.sysmontap.SysmonConfig;
import dtxkit.services.sysmontap.SysmonDecoder;
import dtxkit.services.sysmontap.SysmonSample;
import dtxkit.services.sysmontap.Sysmontap;
import dtxkit.services.taps.ActivityTraceTap;
import dtxkit.services.taps.CoreProfileSessionTap;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The common Instruments jobs over one DTX connection: processes, launch and kill, screenshots, sysmon, graphics,
 * network and notification streams, location, conditions, apps and energy. Typed service clients for everything
 * else come from {@link #service(Class)}.
 *
 * <pre>{@code
 * try (Instruments instruments = Instruments.connect("fd35:d2a5:6d47::1", 58783)) {   // a tunnel's RSD address
 *     instruments.processes().forEach(p -> System.out.println(p.pid() + " " + p.name()));
 *     int pid = instruments.launch(LaunchRequest.of("com.apple.mobilesafari").withKillExisting(true));
 *     Files.write(Path.of("screen.png"), instruments.screenshot());
 *     instruments.kill(pid);
 * }
 * }</pre>
 *
 * <p>Blocking methods wait at most the connection's call timeout and throw {@link dtxkit.runtime.DtxException}s: a
 * {@link dtxkit.runtime.DtxRemoteException} carries the device's NSError. Streams ({@link DeviceStream}) open their
 * own channel per subscription and close it when the consumer stops. Thread-safe.
 */
public final class Instruments implements AutoCloseable {

  /** The RSD service name of the Instruments DTX endpoint on iOS 17 and later. */
  public static final String DTSERVICEHUB = "com.apple.instruments.dtservicehub";
  /** The lockdown service of Instruments on iOS 14 to 16: TLS for the whole connection. */
  public static final String DVT_SECURE_SOCKET_PROXY = "com.apple.instruments.remoteserver.DVTSecureSocketProxy";
  /** The lockdown service of Instruments on iOS 13 and earlier: a TLS handshake, then plain DTX. */
  public static final String REMOTESERVER = "com.apple.instruments.remoteserver";

  private final DtxConnection connection;
  private final boolean ownsConnection;
  private final RsdClient rsd;
  private final List<DeviceStream.Sink<ProcessEvent>> processSinks = new CopyOnWriteArrayList<>();
  private final Set<Integer> energyPids = ConcurrentHashMap.newKeySet();
  private DtxClientHandle<ProcessControl, ProcessControl.Events> processControl;

  private Instruments(DtxConnection connection, boolean ownsConnection, RsdClient rsd) {
    this.connection = connection;
    this.ownsConnection = ownsConnection;
    this.rsd = rsd;
  }

  /**
   * Connects through RSD discovery: reads the device's service list at {@code rsdHost}:{@code rsdPort}, then opens
   * DTX to {@value #DTSERVICEHUB}'s port. The host UUID sent to RSD is the persisted one (see
   * {@link dtxkit.runtime.rsd.client.HostUuidStore}).
   *
   * @param rsdHost the device's tunnel address (an IP literal) or host name
   * @param rsdPort the RSD port (58783 on a device behind a tunnel)
   * @return the connected client; closing it closes the DTX and RSD connections
   * @throws IOException RSD or DTX cannot be reached, or the device does not advertise the service
   */
  public static Instruments connect(String rsdHost, int rsdPort) throws IOException {
    return connect(rsdHost, rsdPort, RsdClient.Options.DEFAULT);
  }

  /**
   * {@link #connect(String, int)} with RSD options, e.g. another host UUID.
   *
   * @param rsdHost the device's tunnel address (an IP literal) or host name
   * @param rsdPort the RSD port
   * @param options the RSD client options
   * @return the connected client; closing it closes the DTX and RSD connections
   * @throws IOException RSD or DTX cannot be reached, or the device does not advertise the service
   */
  public static Instruments connect(String rsdHost, int rsdPort, RsdClient.Options options) throws IOException {
    RsdClient client = RsdClient.connect(rsdHost, rsdPort, options);
    try {
      return new Instruments(open(client), true, client);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Opens DTX to {@value #DTSERVICEHUB} on a device already discovered; the RSD client stays the caller's.
   *
   * @param rsd the RSD client
   * @return the connected client; closing it closes the DTX connection only
   * @throws IOException the device does not advertise the service, or it cannot be reached
   */
  public static Instruments connect(RsdClient rsd) throws IOException {
    return new Instruments(open(rsd), true, null);
  }

  /**
   * Uses a DTX connection that is already open (e.g. over usbmux, or a test's loopback); closing the
   * returned object leaves the connection open.
   *
   * @param connection the connection
   * @return the facade
   */
  public static Instruments over(DtxConnection connection) {
    return new Instruments(Objects.requireNonNull(connection, "connection"), false, null);
  }

  /**
   * Connects through usbmuxd and lockdown, as to a phone on a cable running iOS 16 or earlier: lockdown
   * {@code StartSession} with the pair record, {@code StartService} of {@link #lockdownServiceFor(String) the
   * Instruments service of its iOS version}, then DTX on that stream (TLS kept, or dropped after the handshake).
   *
   * @param usbmux the usbmuxd client
   * @param device the device, as usbmuxd lists it
   * @param record the pair record ({@code PairRecordStore.require} finds it)
   * @param options lockdown timeouts and TLS settings
   * @return the connected client; closing it closes the DTX connection
   * @throws InstrumentsUnavailableException the developer disk image is not mounted, or the device runs iOS 17+
   * @throws IOException a step fails (the message names it)
   */
  public static Instruments connect(UsbmuxClient usbmux, UsbmuxDevice device, PairRecord record,
      LockdownClient.Options options) throws IOException {
    return new Instruments(openLockdownConnection(usbmux, device, record, options), true, null);
  }

  /**
   * The DTX connection {@link #connect(UsbmuxClient, UsbmuxDevice, PairRecord, LockdownClient.Options)} uses,
   * for callers that manage it themselves.
   *
   * @param usbmux the usbmuxd client
   * @param device the device
   * @param record the pair record
   * @param options lockdown settings
   * @return the connection, owned by the caller
   * @throws InstrumentsUnavailableException the developer disk image is not mounted, or the device runs iOS 17+
   * @throws IOException a step fails
   */
  public static DtxConnection openLockdownConnection(UsbmuxClient usbmux, UsbmuxDevice device, PairRecord record,
      LockdownClient.Options options) throws IOException {
    return LockdownInstruments.open(usbmux, device, record, options);
  }

  /**
   * The lockdown service that offers Instruments on an iOS version.
   *
   * @param iosVersion e.g. {@code 15.8}
   * @return {@link #DVT_SECURE_SOCKET_PROXY} for 14 to 16, {@link #REMOTESERVER} for 13 and earlier, null for 17 and
   *     later (only through a tunnel, {@link #DTSERVICEHUB})
   * @throws IllegalArgumentException not a version number
   */
  public static String lockdownServiceFor(String iosVersion) {
    int major;
    try {
      major = Integer.parseInt(iosVersion.strip().split("\\.", 2)[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an iOS version: '" + iosVersion + "'", e);
    }
    return major >= 17 ? null : major >= 14 ? DVT_SECURE_SOCKET_PROXY : REMOTESERVER;
  }

  private static DtxConnection open(RsdClient rsd) throws IOException {
    PeerInfo info = rsd.peerInfo();
    if (info.service(DTSERVICEHUB) == null) {
      throw new IOException("device " + info.udid() + " does not advertise " + DTSERVICEHUB
          + ": is the Developer Disk Image mounted (and Developer Mode on)?");
    }
    Socket socket = rsd.openService(DTSERVICEHUB);
    try {
      return DtxConnection.builder(DtxTransport.of(socket)).name("instruments-" + info.udid()).connect();
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * The DTX connection.
   *
   * @return the connection
   */
  public DtxConnection connection() {
    return connection;
  }

  /**
   * What the device said about itself through RSD.
   *
   * @return the peer info, or null when built {@link #over(DtxConnection)} a connection
   */
  public PeerInfo peerInfo() {
    return rsd == null ? null : rsd.peerInfo();
  }

  /**
   * A typed client of any declared service (one channel per service, reused).
   *
   * @param type the {@code @DtxService} interface
   * @param <T> the interface type
   * @return the client
   */
  public <T> T service(Class<T> type) {
    return connection.open(type);
  }

  // ---- processes --------------------------------------------------------------------------------------------

  /**
   * The running processes.
   *
   * @return one entry per process
   */
  public List<ProcessInfo> processes() {
    return service(DeviceInfo.class).runningProcesses();
  }

  /**
   * The executable path of a process.
   *
   * @param pid the process id
   * @return the path, or null when it does not run
   */
  public String execname(int pid) {
    return service(DeviceInfo.class).execnameForPid(pid);
  }

  /**
   * Launches an app; its output and end arrive through {@link #processEvents()}.
   *
   * @param bundleIdentifier the app
   * @return its pid
   * @throws dtxkit.runtime.DtxRemoteException the device refused (not installed, ...)
   */
  public int launch(String bundleIdentifier) {
    return launch(LaunchRequest.of(bundleIdentifier));
  }

  /**
   * Launches an app with environment, arguments and options.
   *
   * @param request what to launch
   * @return its pid
   * @throws dtxkit.runtime.DtxRemoteException the device refused (not installed, ...)
   */
  public int launch(LaunchRequest request) {
    return processControl().launchSuspendedProcess("", request.bundleIdentifier(), request.environment(),
        request.arguments(), request.options());
  }

  /**
   * Kills a process with SIGKILL and waits for the device to confirm ({@code sendSignal:toPid:}, which, unlike
   * {@code killPid:}, gets a reply and so cannot be lost).
   *
   * @param pid the process id
   * @throws dtxkit.runtime.DtxRemoteException no such process, or not permitted
   */
  public void kill(int pid) {
    signal(9, pid);
  }

  /**
   * Sends a signal to a process.
   *
   * @param signal the signal number
   * @param pid the process id
   * @throws dtxkit.runtime.DtxRemoteException no such process, or not permitted
   */
  public void signal(int signal, int pid) {
    processControl().sendSignal(signal, pid);
  }

  /**
   * Output and termination of the processes launched through this object (all subscribers share one
   * processcontrol channel, which stays open until {@link #close()}; cancelling only unsubscribes; the streams end
   * when that channel does).
   *
   * @return the events
   */
  public DeviceStream<ProcessEvent> processEvents() {
    return new DeviceStream<>("process events", sink -> {
      processControl();
      processSinks.add(sink);
      return () -> processSinks.remove(sink);
    });
  }

  /**
   * The shared processcontrol client, over a channel whose callbacks go to the {@link #processEvents()}
   * subscribers; when the channel ends, so do their streams, and the next call opens a new channel.
   */
  private synchronized ProcessControl processControl() {
    if (processControl == null || !processControl.isOpen()) {
      processControl = connection.openService(ProcessControl.class, ProcessControl.Events.class,
          new ProcessControl.Events() {
            @Override
            public void outputReceived(String output, int pid, long machTime) {
              publish(new ProcessEvent.Output(pid, output, machTime));
            }

            @Override
            public void processTerminated(int pid, Integer exitCode, Integer crashingSignal) {
              publish(new ProcessEvent.Terminated(pid, exitCode, crashingSignal));
            }
          });
      processControl.onClose(cause -> {
        for (DeviceStream.Sink<ProcessEvent> sink : processSinks) {
          sink.end(cause);
        }
      });
    }
    return processControl.client();
  }

  private void publish(ProcessEvent event) {
    for (DeviceStream.Sink<ProcessEvent> sink : processSinks) {
      sink.next(event);
    }
  }

  // ---- screenshot, location, conditions, apps, energy -------------------------------------------------------

  /**
   * Takes a screenshot.
   *
   * @return PNG (or TIFF on some devices) bytes
   */
  public byte[] screenshot() {
    return service(Screenshot.class).takeScreenshot();
  }

  /**
   * Simulates a GPS position.
   *
   * @param latitude degrees
   * @param longitude degrees
   */
  public void setLocation(double latitude, double longitude) {
    service(LocationSimulation.class).simulateLocation(latitude, longitude);
  }

  /** Ends the simulated position. */
  public void clearLocation() {
    service(LocationSimulation.class).stopLocationSimulation();
  }

  /**
   * The conditions the device can simulate.
   *
   * @return the groups with their profiles
   */
  public List<ConditionGroup> conditions() {
    return service(ConditionInducer.class).availableConditionInducers();
  }

  /**
   * Turns a condition on.
   *
   * @param identifier the group, e.g. {@code SlowNetworkCondition}
   * @param profileIdentifier the profile, e.g. {@code SlowNetwork3GGood}
   * @return whether the device enabled it
   */
  public boolean enableCondition(String identifier, String profileIdentifier) {
    return service(ConditionInducer.class).enableCondition(identifier, profileIdentifier);
  }

  /**
   * Turns the active condition off.
   *
   * @return true when a condition was active and is now off; false when none was active (the device answers that
   *     with an NSError, which this method does not throw)
   * @throws dtxkit.runtime.DtxUnrecognizedSelectorException when the device has no condition inducer
   */
  public boolean disableCondition() {
    try {
      return service(ConditionInducer.class).disableActiveCondition();
    } catch (DtxUnrecognizedSelectorException e) {
      throw e;
    } catch (DtxRemoteException e) {
      return false;
    }
  }

  /**
   * The installed apps.
   *
   * @return one entry per app or extension
   */
  public List<AppInfo> apps() {
    return service(ApplicationListing.class).installedApplicationsMatching(Map.of(), "");
  }

  /**
   * The energy use of processes; sampling starts for pids not asked about before and goes on until
   * {@link #close()}.
   *
   * @param pids the process ids
   * @return a sample per pid the device reported (pids that do not run are missing)
   */
  public Map<Integer, EnergySample> energy(List<Integer> pids) {
    Energy energy = service(Energy.class);
    List<Integer> fresh = pids.stream().filter(energyPids::add).toList();
    if (!fresh.isEmpty()) {
      energy.startSamplingForPids(fresh);
    }
    Map<Integer, EnergySample> samples = new LinkedHashMap<>();
    for (Map.Entry<Object, Map<String, Object>> e : energy.sampleAttributes(Map.of(), pids).entrySet()) {
      int pid = e.getKey() instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(e.getKey()));
      samples.put(pid, EnergySample.of(pid, e.getValue()));
    }
    return samples;
  }

  // ---- streams ----------------------------------------------------------------------------------------------

  /**
   * Sysmontap samples of every process and of the system, with all the attributes the device offers.
   *
   * @param interval the sample interval
   * @return the stream; the first sample of each subscription is marked invalid
   */
  public DeviceStream<SysmonSample> sysmon(Duration interval) {
    return sysmon(interval, null, null);
  }

  /**
   * Sysmontap samples with chosen attributes.
   *
   * @param interval the sample interval
   * @param processAttributes per-process attribute names, or null for all the device offers
   * @param systemAttributes system attribute names, or null for all the device offers
   * @return the stream; the first sample of each subscription is marked invalid
   */
  public DeviceStream<SysmonSample> sysmon(Duration interval, List<String> processAttributes,
      List<String> systemAttributes) {
    Objects.requireNonNull(interval, "interval");
    return new DeviceStream<>("sysmontap samples", sink -> {
      DeviceInfo info = service(DeviceInfo.class);
      List<String> proc = processAttributes != null ? processAttributes : info.sysmonProcessAttributes();
      List<String> sys = systemAttributes != null ? systemAttributes : info.sysmonSystemAttributes();
      Map<String, Object> config = SysmonConfig.of(proc, sys, interval);
      SysmonDecoder decoder = new SysmonDecoder(proc, sys);
      DtxClientHandle<Sysmontap, Void> handle = connection.openService(Sysmontap.class, new Forwarder<>(sink, false) {
        @Override
        void accept(Object value) throws DtxProtocolException {
          decoder.decode(value).forEach(sink::next);
        }
      });
      Sysmontap tap = handle.client();
      tap.setConfig(config);
      tap.start();
      return () -> stopThenCancel(tap::stop, handle);
    });
  }

  /**
   * Graphics counters (FPS, GPU utilization).
   *
   * @param interval the sample interval; zero lets the device choose
   * @return the stream
   */
  public DeviceStream<GraphicsSample> graphics(Duration interval) {
    return new DeviceStream<>("graphics samples", sink -> {
      DtxClientHandle<Graphics, Void> handle = connection.openService(Graphics.class, new Forwarder<>(sink, false) {
        @Override
        void accept(Object value) throws DtxProtocolException {
          if (!(value instanceof Map<?, ?> map)) {
            throw new DtxProtocolException("graphics sample", "bad graphics sample "
                + (value == null ? "null" : value.getClass().getSimpleName())
                + " (expected a dictionary)", DtxProtocolException.UNKNOWN_OFFSET, false, null);
          }
          Map<String, Object> counters = new LinkedHashMap<>();
          map.forEach((k, v) -> counters.put(String.valueOf(k), v));
          sink.next(GraphicsSample.of(counters));
        }
      });
      Graphics graphics = handle.client();
      graphics.startSamplingAtTimeInterval(interval.toNanos() / 1e9);
      return () -> stopThenCancel(graphics::stopSampling, handle);
    });
  }

  /**
   * Network interfaces, connections and their counters.
   *
   * @return the stream
   */
  public DeviceStream<NetworkEvent> network() {
    return new DeviceStream<>("network events", sink -> {
      DtxClientHandle<NetworkMonitor, Void> handle = connection.openService(NetworkMonitor.class,
          new Forwarder<>(sink, false) {
            @Override
            void accept(Object value) throws DtxProtocolException {
              sink.next(NetworkEvent.of(value));
            }
          });
      NetworkMonitor monitor = handle.client();
      monitor.startMonitoring();
      return () -> stopThenCancel(monitor::stopMonitoring, handle);
    });
  }

  /**
   * App state and memory level notifications: items are {@link AppStateNotification}s and
   * {@link MemoryLevelNotification}s.
   *
   * @return the stream
   */
  public DeviceStream<Object> notifications() {
    return new DeviceStream<>("notifications", sink -> {
      DtxClientHandle<MobileNotifications, MobileNotifications.Events> handle = connection.openService(
          MobileNotifications.class, MobileNotifications.Events.class, new MobileNotifications.Events() {
            @Override
            public void applicationStateNotification(AppStateNotification notification) {
              sink.next(notification);
            }

            @Override
            public void memoryLevelNotification(MemoryLevelNotification notification) {
              sink.next(notification);
            }
          });
      handle.onEventFailure(sink::end).onClose(sink::end);
      MobileNotifications notifications = handle.client();
      notifications.setApplicationStateNotificationsEnabled(true);
      notifications.setMemoryNotificationsEnabled(true);
      return () -> stopThenCancel(() -> {
        notifications.setApplicationStateNotificationsEnabled(false);
        notifications.setMemoryNotificationsEnabled(false);
      }, handle);
    });
  }

  /**
   * The activitytracetap's raw DATA stream (the first chunk is the tap's acknowledgement).
   *
   * @param config the {@code setConfig:} dictionary
   * @return the chunks
   */
  public DeviceStream<byte[]> activityTrace(Map<String, Object> config) {
    return new DeviceStream<>("activitytracetap data", sink -> {
      DtxClientHandle<ActivityTraceTap, Void> handle = connection.openService(ActivityTraceTap.class, new Forwarder<>(sink, true));
      ActivityTraceTap tap = handle.client();
      tap.setConfig(config);
      tap.start();
      return () -> stopThenCancel(tap::stop, handle);
    });
  }

  /**
   * The coreprofilesessiontap's raw DATA stream (notice, stackshot, then kdebug buffers).
   *
   * @param config the {@code setConfig:} dictionary
   * @return the chunks
   */
  public DeviceStream<byte[]> coreProfile(Map<String, Object> config) {
    return new DeviceStream<>("coreprofilesessiontap data", sink -> {
      DtxClientHandle<CoreProfileSessionTap, Void> handle = connection.openService(CoreProfileSessionTap.class, new Forwarder<>(sink, true));
      CoreProfileSessionTap tap = handle.client();
      tap.setConfig(config);
      tap.start();
      return () -> stopThenCancel(tap::stop, handle);
    });
  }

  /** Stops the service, then cancels the channel even when stopping failed. */
  private static void stopThenCancel(Runnable stop, DtxClientHandle<?, ?> handle) {
    try {
      if (handle.isOpen()) {
        stop.run();
      }
    } finally {
      handle.close();
    }
  }

  /**
   * Forwards a channel's OBJECT notifications ({@link #accept}) and DATA (as byte chunks, or through
   * {@link #accept} like a notification) to a sink, and ends the sink with the channel.
   */
  private static class Forwarder<T> implements DtxChannelListener {
    final DeviceStream.Sink<T> sink;
    private final boolean dataAsChunks;

    Forwarder(DeviceStream.Sink<T> sink, boolean dataAsChunks) {
      this.sink = sink;
      this.dataAsChunks = dataAsChunks;
    }

    /** An OBJECT notification; the default treats it as an error (the stream expects DATA). */
    void accept(Object value) throws DtxProtocolException {
      throw new DtxProtocolException("notification", "unexpected OBJECT notification on a DATA stream: "
          + (value == null ? "null" : value.getClass().getSimpleName()),
          DtxProtocolException.UNKNOWN_OFFSET, false, null);
    }

    @Override
    public void onNotification(Object value) {
      try {
        accept(value);
      } catch (DtxProtocolException | RuntimeException e) {
        sink.end(e);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onData(byte[] data) {
      if (dataAsChunks) {
        ((DeviceStream.Sink<byte[]>) sink).next(data);
      } else {
        onNotification(data);
      }
    }

    @Override
    public void onClosed(Throwable causeOrNull) {
      sink.end(causeOrNull);
    }
  }

  /**
   * Closes the DTX connection and RSD when this object opened them (streams still subscribed then end); leaves a
   * connection given to {@link #over(DtxConnection)} open.
   */
  @Override
  public void close() {
    try {
      if (ownsConnection) {
        connection.close();
      }
    } finally {
      if (rsd != null) {
        rsd.close();
      }
    }
  }
}
