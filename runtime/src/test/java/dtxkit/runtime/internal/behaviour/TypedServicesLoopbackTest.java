package dtxkit.runtime.internal.behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxClientHandle;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxMethodDescriptor;
import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceHandle;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.DtxUnrecognizedSelectorException;
import dtxkit.runtime.archive.NSError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the generated {@code Typed_DtxClient} against the generated {@code Typed_DtxDispatcher} over a loopback TCP
 * connection, through the typed API ({@code connection.open}, {@code connection.openService},
 * {@code registry.register}), with the client's outgoing
 * bytes recorded so encodings can be checked on the wire.
 */
class TypedServicesLoopbackTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private FakeTyped fake;
  private DtxServiceHandle<Typed> handle;
  private DtxServer server;
  private RecordingTransport transport;
  private DtxConnection client;

  @BeforeEach
  void start() throws IOException {
    DtxServiceRegistry registry = new DtxServiceRegistry();
    fake = new FakeTyped();
    handle = registry.register(Typed.class, fake);
    fake.handle = handle;
    server = DtxServer.builder(registry).port(0).start();
    transport = new RecordingTransport(DtxTransport.tcp("127.0.0.1", server.port()));
    client = DtxConnection.builder(transport).callTimeout(WAIT).name("typed-client").connect();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void everyEncodingAndValueKindRoundTrips() {
    Typed typed = client.open(Typed.class);
    assertEquals(-7, typed.echoArchivedInt(-7));
    assertEquals(Integer.MAX_VALUE, typed.echoInt32(Integer.MAX_VALUE));
    assertEquals(Long.MIN_VALUE, typed.echoInt64(Long.MIN_VALUE));
    assertEquals(2.75, typed.echoDouble(2.75));
    assertEquals("raw string", typed.echoStr("raw string"));
    assertArrayEquals(new byte[] {9, 8, 7}, typed.echoRaw(new byte[] {9, 8, 7}));
    assertEquals("archived string", typed.echoString("archived string"));
    assertTrue(typed.echoBoolean(true));
    assertFalse(typed.echoBoolean(false));
    assertEquals(1L << 40, typed.echoBoxed(1L << 40));
    assertNull(typed.echoBoxed(null));
    assertArrayEquals(new byte[] {1, 2}, typed.echoBytes(new byte[] {1, 2}));
    assertEquals(List.of("a", "b", "a"), typed.echoList(List.of("a", "b", "a")));
    assertEquals(new LinkedHashSet<>(List.of(3, 1, 2)), typed.echoSet(new LinkedHashSet<>(List.of(3, 1, 2))));
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("z", 1);
    map.put("nested", List.of("x"));
    assertEquals(map, typed.echoMap(map));
    Instant instant = Instant.parse("2026-11-22T05:00:00.5Z");
    assertEquals(instant, typed.echoInstant(instant));
    UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    assertEquals(uuid, typed.echoUuid(uuid));
    assertEquals(URI.create("file:///private/var/containers/App.app/"),
        typed.echoUri(URI.create("file:///private/var/containers/App.app/")));
    NSError error = new NSError("NSCocoaErrorDomain", 4, Map.of("NSLocalizedDescription", "gone"));
    assertEquals(error, typed.echoError(error));
    assertNull(typed.nullString());
    typed.nothing();
    assertEquals("hello you", typed.greet("you"));
  }

  @Test
  void rawPrimitivesAndArchivedObjectsDifferOnTheWire() {
    Typed typed = client.open(Typed.class);
    byte[] int32Entry = concat(le32(10), le32(3), le32(0x01020304));

    transport.clear();
    typed.echoInt32(0x01020304);
    byte[] sent = transport.sent();
    assertTrue(indexOf(sent, int32Entry) >= 0, "an @Int32 argument is aux tag 3 holding the value");

    transport.clear();
    typed.echoArchivedInt(0x01020304);
    sent = transport.sent();
    assertEquals(-1, indexOf(sent, int32Entry), "an int without @Int32 is not a raw int32");
    int archived = indexOf(sent, concat(le32(10), le32(2)));
    assertTrue(archived >= 0, "an int without @Int32 is aux tag 2");
    assertEquals("bplist00", new String(sent, archived + 12, 8, StandardCharsets.US_ASCII),
        "tag 2, a 32-bit length, then the NSKeyedArchiver plist");

    transport.clear();
    typed.echoInt64(0x0102030405060708L);
    assertTrue(indexOf(transport.sent(), concat(le32(10), le32(6), le64(0x0102030405060708L))) >= 0);

    transport.clear();
    typed.echoDouble(2.75);
    assertTrue(indexOf(transport.sent(), concat(le32(10), le32(9), le64(Double.doubleToLongBits(2.75)))) >= 0);

    transport.clear();
    typed.echoStr("tagged");
    assertTrue(indexOf(transport.sent(), concat(le32(10), le32(1), le32(6), "tagged".getBytes(StandardCharsets.UTF_8)))
        >= 0, "an @Str argument is aux tag 1, a length, then UTF-8");

    transport.clear();
    typed.echoRaw(new byte[] {(byte) 0xCA, (byte) 0xFE});
    assertTrue(indexOf(transport.sent(), concat(le32(10), le32(2), le32(2), new byte[] {(byte) 0xCA, (byte) 0xFE}))
        >= 0, "a @Raw argument is aux tag 2 holding the bytes as they are");
  }

  @Test
  void recordsMapToAndFromDictionaries() {
    Typed typed = client.open(Typed.class);
    assertEquals(List.of(FakeTyped.INIT, FakeTyped.SPRINGBOARD), typed.runningProcesses());
    assertEquals(FakeTyped.SPRINGBOARD, typed.echoProc(FakeTyped.SPRINGBOARD));
    Proc other = new Proc(58, "SpringBoard", null, null, null);
    Map<String, List<Proc>> byName = typed.byName(new LinkedHashSet<>(
        List.of(FakeTyped.INIT, FakeTyped.SPRINGBOARD, other)));
    assertEquals(List.of("launchd", "SpringBoard"), List.copyOf(byName.keySet()));
    assertEquals(List.of(FakeTyped.SPRINGBOARD, other), byName.get("SpringBoard"));

    // What actually travels: an NSDictionary keyed by @Key or component name.
    DtxChannel untyped = client.openChannel("dtxkit.test.typed");
    Map<String, Object> dictionary = new LinkedHashMap<>();
    dictionary.put("pid", 99);
    dictionary.put("name", "dtxd");
    dictionary.put("bundleIdentifier", "com.example.dtxd");
    dictionary.put("unknownKey", "ignored");
    Object reply = untyped.invoke("echoProc:", DtxArgument.object(dictionary));
    Map<?, ?> echoed = assertInstanceOf(Map.class, reply);
    assertEquals(List.of("pid", "name", "bundleIdentifier", "startDate", "arguments"), List.copyOf(echoed.keySet()));
    assertEquals("com.example.dtxd", echoed.get("bundleIdentifier"));

    DtxRemoteException missing = assertThrows(DtxRemoteException.class,
        () -> untyped.invoke("echoProc:", DtxArgument.object(Map.of("name", "no pid"))));
    assertTrue(missing.getMessage().contains("Proc: key \"pid\" is missing, but its component is primitive"),
        missing.getMessage());
  }

  @Test
  void futuresCompleteWithConvertedValuesAndErrors() throws Exception {
    Typed typed = client.open(Typed.class);
    assertEquals("ABC", typed.asyncUpper("abc").get(20, TimeUnit.SECONDS));
    assertEquals(FakeTyped.SPRINGBOARD, typed.asyncProc(57).get(20, TimeUnit.SECONDS));
    assertNull(typed.asyncNothing().get(20, TimeUnit.SECONDS));
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> typed.asyncProc(9).get(20, TimeUnit.SECONDS));
    DtxRemoteException remote = assertInstanceOf(DtxRemoteException.class, failed.getCause());
    assertEquals("NSPOSIXErrorDomain", remote.domain());
    assertEquals(3, remote.code());
  }

  @Test
  void cancellingAFutureAbandonsItsReply() {
    Typed typed = client.open(Typed.class);
    CompletableFuture<String> pending = typed.pending();
    assertTrue(pending.cancel(true));
    fake.pendingResult.complete("too late");
    // Replies come back in order on the one connection: once this one is in, the late one was handled.
    assertEquals("after", typed.echoString("after"));
    assertEquals(1, client.abandonedReplyCount());
  }

  @Test
  void remoteErrorsKeepTheirDomainAndCode() {
    Typed typed = client.open(Typed.class);
    DtxRemoteException refused = assertThrows(DtxRemoteException.class, () -> typed.refuse("MyDomain", 7));
    assertEquals("MyDomain", refused.domain());
    assertEquals(7, refused.code());
    DtxRemoteException crashed = assertThrows(DtxRemoteException.class, typed::crash);
    assertEquals("DTXMessage", crashed.domain());
    assertEquals(1, crashed.code());
    assertTrue(crashed.getMessage().contains("the fake crashed"), crashed.getMessage());
  }

  @Test
  void onewayCallsAreSentWithoutWaitingAndArriveInOrder() {
    Typed typed = client.open(Typed.class);
    typed.kill(42);
    typed.kill(43);
    assertEquals(List.of(42, 43), typed.killed());
  }

  @Test
  void unknownSelectorsAreAnsweredAsADeviceWould() {
    TypedNext next = client.open(TypedNext.class);
    DtxUnrecognizedSelectorException e = assertThrows(DtxUnrecognizedSelectorException.class,
        () -> next.fromTheFuture("x"));
    assertTrue(e.getMessage().contains("selectorFromTheFuture:"), e.getMessage());
    assertTrue(e.getMessage().contains(DtxUnrecognizedSelectorException.MARKER), e.getMessage());
    assertEquals("still fine", next.echoString("still fine"));
  }

  @Test
  void tooFewArgumentsAreAnErrorReply() {
    DtxChannel untyped = client.openChannel("dtxkit.test.typed");
    DtxRemoteException e = assertThrows(DtxRemoteException.class, () -> untyped.invoke("echoInt32:"));
    assertTrue(e.getMessage().contains("selector echoInt32: takes 1 argument but the message carries 0"),
        e.getMessage());
    assertEquals("untyped", untyped.invoke("echoString:", DtxArgument.object("untyped")));
  }

  @Test
  void serverCallbacksReachTheClientListenerInOrder() throws Exception {
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    DtxClientHandle<Typed, Typed.Events> opened = client.openService(Typed.class, Typed.Events.class,
        new Typed.Events() {
      @Override
      public void outputReceived(String output, int pid, long machTime) {
        events.add(output + "/" + pid + "/" + machTime);
      }

      @Override
      public void exited(Proc process) {
        events.add("exited " + process.name());
      }

      @Override
      public void data(byte[] chunk) {
        events.add("data " + Arrays.toString(chunk));
      }
    });
    Typed typed = opened.client();
    typed.pushOutput("line", 2);
    assertEquals("line0/57/1000", events.poll(20, TimeUnit.SECONDS));
    assertEquals("line1/57/1001", events.poll(20, TimeUnit.SECONDS));
    assertEquals("exited SpringBoard", events.poll(20, TimeUnit.SECONDS));
    assertEquals("data [1, 2, 3]", events.poll(20, TimeUnit.SECONDS));
  }

  @Test
  void aCallbackTheListenerDoesNotDeclareIsRefused() {
    client.openService(Typed.class, Typed.Events.class, new Typed.Events() {});
    List<DtxChannel> channels = handle.channels();
    assertEquals(1, channels.size());
    DtxUnrecognizedSelectorException e = assertThrows(DtxUnrecognizedSelectorException.class,
        () -> channels.get(0).invoke("mysteryCallback:", DtxArgument.object("x")));
    assertTrue(e.getMessage().contains("mysteryCallback:"), e.getMessage());
  }

  @Test
  @SuppressWarnings("unchecked")
  void openIsIdempotentAndChecksListeners() {
    Typed first = client.open(Typed.class);
    assertSame(first, client.open(Typed.class));
    // Only raw types get a wrong listener past the compiler; the runtime still refuses it.
    Class<Object> erased = (Class<Object>) (Class<?>) Typed.Events.class;
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> client.openService(Typed.class, erased, "not a listener"));
    assertTrue(wrong.getMessage().contains("does not implement"), wrong.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> client.openService(TypedNext.class, Typed.Events.class, new Typed.Events() {}));
    assertTrue(none.getMessage().contains("has events interface none"), none.getMessage());
    assertThrows(IllegalArgumentException.class, () -> client.open(Runnable.class));
    assertThrows(IllegalArgumentException.class, () -> client.openService(Runnable.class));
  }

  @Test
  void aHandleOwnsItsChannelAndReportsItsEnd() throws Exception {
    DtxClientHandle<Typed, Void> opened = client.openService(Typed.class);
    assertEquals("mine", opened.client().echoString("mine"));
    assertEquals("dtxkit.test.typed", opened.identifier());
    assertSame(Typed.class, opened.serviceType());
    assertNull(opened.eventsType());
    assertEquals("untyped too", opened.channel().invoke("echoString:", DtxArgument.object("untyped too")));
    assertFalse(opened.client() == client.open(Typed.class), "a handle has its own channel, not the shared one");

    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    opened.onClose(ended::complete);
    opened.close();
    assertNull(ended.get(20, TimeUnit.SECONDS), "an orderly end has no cause");
    assertFalse(opened.isOpen());
    opened.close();   // idempotent
    CompletableFuture<Throwable> late = new CompletableFuture<>();
    opened.onClose(late::complete);
    assertTrue(late.isDone(), "a callback registered after the end runs at once");
    assertEquals("shared still works", client.open(Typed.class).echoString("shared still works"));
  }

  @Test
  void aHandleSeesTheConnectionDrop() throws Exception {
    DtxClientHandle<Typed, Typed.Events> opened = client.openService(Typed.class, Typed.Events.class,
        new Typed.Events() {});
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    opened.onClose(ended::complete);
    server.close();
    ended.get(20, TimeUnit.SECONDS);
    assertFalse(opened.isOpen());
    opened.close();   // nothing to cancel any more, and no exception
  }

  @Test
  void descriptorsNameEveryMethodAndCallback() {
    DtxClientHandle<Typed, Void> opened = client.openService(Typed.class);
    Map<String, DtxMethodDescriptor> bySelector = new LinkedHashMap<>();
    opened.methods().forEach(m -> bySelector.put(m.selector(), m));
    assertEquals(new DtxMethodDescriptor("echoInt32", "echoInt32:", false, List.of(DtxArgument.Kind.INT32)),
        bySelector.get("echoInt32:"));
    assertEquals(List.of(DtxArgument.Kind.OBJECT), bySelector.get("echoString:").argumentKinds());
    assertEquals(handle.methods(), opened.methods());
    assertTrue(opened.callbacks().stream().anyMatch(c -> c.selector().equals("outputReceived:fromProcess:atTime:")),
        opened.callbacks()::toString);
    opened.close();
  }

  @Test
  void aCallbackThatFailsToConvertIsReportedToTheHandle() throws Exception {
    CompletableFuture<RuntimeException> failure = new CompletableFuture<>();
    DtxClientHandle<Typed, Typed.Events> opened = client.openService(Typed.class, Typed.Events.class,
        new Typed.Events() {});
    opened.onEventFailure(failure::complete);
    DtxChannel serverSide = handle.channels().get(0);
    assertThrows(DtxRemoteException.class, () -> serverSide.invoke("outputReceived:fromProcess:atTime:",
        DtxArgument.object("text"), DtxArgument.object("not a pid"), DtxArgument.object(1L)));
    assertTrue(failure.get(20, TimeUnit.SECONDS) instanceof RuntimeException);
    opened.close();
  }

  @Test
  void openReopensAfterItsChannelIsCancelled() {
    Typed first = client.open(Typed.class);
    DtxChannel channel = client.channels().stream()
        .filter(c -> c.identifier().equals("dtxkit.test.typed"))
        .findFirst()
        .orElseThrow();
    channel.cancel();
    Typed second = client.open(Typed.class);
    assertFalse(first == second, "a cancelled channel is not reused");
    assertEquals("again", second.echoString("again"));
  }

  @Test
  void largeArgumentsFragmentAndReassemble() {
    Typed typed = client.open(Typed.class);
    byte[] large = new byte[600_000];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31);
    }
    assertArrayEquals(large, typed.echoBytes(large));
  }

  // ---- wire helpers ------------------------------------------------------------------------------------------------

  private static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  private static byte[] le64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A TCP transport that keeps a copy of everything the client writes. */
  private static final class RecordingTransport implements DtxTransport {
    private final DtxTransport inner;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    RecordingTransport(DtxTransport inner) {
      this.inner = inner;
    }

    synchronized void clear() {
      sent.reset();
    }

    synchronized byte[] sent() {
      return sent.toByteArray();
    }

    @Override
    public InputStream input() throws IOException {
      return inner.input();
    }

    @Override
    public OutputStream output() throws IOException {
      OutputStream out = inner.output();
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          synchronized (RecordingTransport.this) {
            sent.write(b, off, len);
          }
          out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }

    @Override
    public String description() {
      return "recording " + inner.description();
    }
  }
}
