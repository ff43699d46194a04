package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.ScriptedPeer.Seen;
import dtxkit.runtime.testing.DtxTestPeers;
import dtxkit.runtime.testing.DtxTestPeers.Recorded;
import dtxkit.runtime.wire.DtxMessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Replays what a device (testmanagerd) sent to go-ios, recorded in {@code conn-in2.dump} and
 * {@code conn-in4.dump}, against a dtxkit client, and checks the client routes every message as a client should.
 *
 * <p>The recorded bytes are written as they are, with one change: a recorded reply gets the identifier of the
 * request dtxkit sent in its place (go-ios numbered its own requests differently). The script waits for that request
 * before writing the reply and checks it went out on the channel code the reply carries.
 */
class ReplayTest {

  private static final String DAEMON = "dtxproxy:XCTestManager_IDEInterface:XCTestManager_DaemonConnectionInterface";
  private static final String DRIVER = "dtxproxy:XCTestDriverInterface:XCTestManager_IDEInterface";

  /** Plays the recorded peer messages; returns the identifiers (ours) each recorded reply was given. */
  private static List<Integer> play(ScriptedPeer peer, List<Recorded> script, List<Seen> others) throws Exception {
    List<Integer> answered = new ArrayList<>();
    for (Recorded r : script) {
      if (r.conversation() == 0) {
        peer.write(r.bytes());
        continue;
      }
      Seen request = peer.nextMatching(s -> s.conversation() == 0 && s.expectsReply(), others);
      assertEquals(r.channelCode(), request.channelCode(),
          "a reply keeps the request's wire code; request " + request);
      peer.write(r.withIdentifier(request.identifier()));
      answered.add(request.identifier());
    }
    return answered;
  }

  @Test
  void connIn2RepliesReachTheirCalls() throws Exception {
    List<Recorded> script = DtxTestPeers.split(DtxTestPeers.goIosDtx("conn-in2.dump"));
    assertEquals(8, script.size());
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    try (ScriptedPeer peer = new ScriptedPeer(pair.b())) {
      List<Seen> others = new CopyOnWriteArrayList<>();
      CompletableFuture<List<Integer>> played = CompletableFuture.supplyAsync(() -> {
        try {
          return play(peer, script, others);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      try (DtxConnection client = DtxConnection.builder(pair.a()).connect()) {
        // The device's capabilities: the first recorded message.
        assertEquals(1, client.peerCapabilities().get("com.apple.private.DTXConnection"));
        DtxChannel channel = client.openChannel(DAEMON);
        assertEquals(1, channel.code());
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        calls.add(channel.invokeAsync("_IDE_initiateControlSessionWithProtocolVersion:", DtxArgument.object(36)));
        // The calls go-ios made next (conn-out2.dump), in its order.
        for (String selector : List.of("_IDE_collectNewCrashReportsInDirectories:matchingProcessNames:",
            "_IDE_collectNewCrashReportsInDirectories:matchingProcessNames:", "_IDE_authorizeTestSessionWithProcessID:",
            "_IDE_collectNewCrashReportsInDirectories:matchingProcessNames:", "_IDE_authorizeTestSessionWithProcessID:")) {
          calls.add(selector.startsWith("_IDE_collect")
              ? channel.invokeAsync(selector, DtxArgument.object(List.of("/tmp")), DtxArgument.object(List.of("bla")))
              : channel.invokeAsync(selector, DtxArgument.object(2175)));
        }
        List<Object> values = new ArrayList<>();
        for (CompletableFuture<Object> call : calls) {
          values.add(call.get(10, TimeUnit.SECONDS));
        }
        List<Integer> answered = played.get(10, TimeUnit.SECONDS);
        assertEquals(7, answered.size());
        // Recorded replies 3..9 are OBJECT values, each delivered to the call whose identifier it was given: the
        // protocol version (35), empty crash-report lists, and true for each authorization.
        assertEquals(List.of(35, List.of(), List.of(), true, List.of(), true), values);
        assertEquals(0, client.unmatchedReplyCount());
        assertEquals(0, client.unhandledCount());
        // The first thing the client sent was its capabilities, no reply expected, on channel 0.
        Seen caps = others.isEmpty() ? null : others.get(0);
        assertNotNull(caps);
        assertEquals("_notifyOfPublishedCapabilities:", caps.payload());
        assertFalse(caps.expectsReply());
        assertEquals(DtxConnection.defaultCapabilities(), caps.arguments().get(0));
      }
    }
  }

  @Test
  void connIn4RoutesRepliesPeerOpenedChannelAndItsCalls() throws Exception {
    List<Recorded> script = DtxTestPeers.split(DtxTestPeers.goIosDtx("conn-in4.dump"));
    List<TestRunnerHandler> handlers = new CopyOnWriteArrayList<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register(DRIVER, channel -> {
      TestRunnerHandler h = new TestRunnerHandler(channel);
      handlers.add(h);
      return h;
    });
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    try (ScriptedPeer peer = new ScriptedPeer(pair.b())) {
      List<Seen> others = new CopyOnWriteArrayList<>();
      CompletableFuture<List<Integer>> played = CompletableFuture.supplyAsync(() -> {
        try {
          return play(peer, script, others);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      try (DtxConnection client = DtxConnection.builder(pair.a()).registry(registry).connect()) {
        DtxChannel daemon = client.openChannel(DAEMON);
        Object session = daemon.invoke("_IDE_initiateSessionWithIdentifier:forClient:atPath:protocolVersion:",
            DtxArgument.object(UUID.randomUUID()), DtxArgument.object("dtxkit"),
            DtxArgument.object("/usr/bin/xcodebuild"), DtxArgument.object(36));
        assertNotNull(session);
        played.get(10, TimeUnit.SECONDS);

        // Every dispatch the device sent on its channel reached the handler, in order, with its selector.
        List<String> expected = new ArrayList<>();
        for (Recorded r : script) {
          if (r.conversation() == 0 && r.channelCode() == 1 && r.type() == 2) {
            expected.add(null);
          }
        }
        TestRunnerHandler runner = handlers.get(0);
        DtxChannelListenerTestSupport.waitFor(() -> runner.selectors.size() >= expected.size());
        assertEquals(expected.size(), runner.selectors.size());
        assertEquals("_XCT_testBundleReadyWithProtocolVersion:minimumVersion:", runner.selectors.get(0));
        assertTrue(runner.selectors.contains("_XCT_didBeginExecutingTestPlan"));
        assertEquals("_XCT_didFinishExecutingTestPlan", runner.selectors.get(runner.selectors.size() - 5));
        assertEquals(-1, runner.channel.code());
        assertEquals(DRIVER, runner.channel.identifier());
        // Our call on the peer-opened channel got its (recorded) reply.
        assertNull(runner.startReply.get(10, TimeUnit.SECONDS));

        // Every message the device sent that expected a reply got one: same identifier, conversation 1, and the
        // wire code it came with (+1 for the device's channel, 0 for control).
        List<Seen> replies = new ArrayList<>();
        DtxChannelListenerTestSupport.waitFor(() -> {
          others.stream().filter(s -> s.conversation() == 1).forEach(s -> {
            if (!replies.contains(s)) {
              replies.add(s);
            }
          });
          peer.seen.drainTo(others);
          return replies.size() >= countExpectingReply(script);
        });
        for (Recorded r : script) {
          if (r.conversation() == 0 && r.expectsReply()) {
            Seen reply = replies.stream().filter(s -> s.identifier() == r.identifier()
                && s.channelCode() == r.channelCode()).findFirst().orElseThrow(() ->
                new AssertionError("no reply to recorded message " + r.identifier()));
            assertEquals(DtxMessageType.OK, reply.type());
          }
        }
        assertEquals(0, client.unmatchedReplyCount());
        assertEquals(0, client.unhandledCount());
        assertEquals(1, client.peerCapabilities().get("com.apple.private.DTXConnection"));
      }
    }
  }

  private static long countExpectingReply(List<Recorded> script) {
    return script.stream().filter(r -> r.conversation() == 0 && r.expectsReply()).count();
  }

  /** The client's half of the runner's channel: records selectors, starts the plan when the bundle is ready. */
  static final class TestRunnerHandler implements DtxServiceHandler {
    final DtxChannel channel;
    final List<String> selectors = new CopyOnWriteArrayList<>();
    final CompletableFuture<Object> startReply = new CompletableFuture<>();

    TestRunnerHandler(DtxChannel channel) {
      this.channel = channel;
    }

    @Override
    public Object handle(DtxInvocation invocation) {
      selectors.add(invocation.selector());
      if (invocation.selector().equals("_XCT_testBundleReadyWithProtocolVersion:minimumVersion:")) {
        channel.invokeAsync("_IDE_startExecutingTestPlanWithProtocolVersion:", DtxArgument.object(36))
            .whenComplete((v, e) -> {
              if (e != null) {
                startReply.completeExceptionally(e);
              } else {
                startReply.complete(v);
              }
            });
      }
      return null;
    }
  }
}
