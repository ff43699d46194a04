package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.ScriptedPeer.Seen;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 10's reproductions against the DTX connection, each from a peer that misbehaves on purpose. */
class HostilePeerTest {

  private ScriptedPeer peer;
  private DtxConnection connection;

  private DtxConnection connect(java.util.function.Consumer<DtxConnection.Builder> config) throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    peer = new ScriptedPeer(pair.b());
    DtxConnection.Builder b = DtxConnection.builder(pair.a()).skipHandshake().callTimeout(Duration.ofSeconds(20));
    config.accept(b);
    connection = b.connect();
    return connection;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (peer != null) {
      peer.close();
    }
  }

  /** Item 5: a reply with conversation index 5 used to complete the call. */
  @Test
  void aReplyMustContinueItsCallsConversation() throws Exception {
    connect(b -> {});
    CompletableFuture<Object> call = connection.controlChannel().invokeAsync("ping");
    Seen request = peer.next();
    peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(request.identifier()).conversationIndex(5)
        .payload(Codec.archive("from nowhere")).build());
    peer.write(DtxMessage.builder(DtxMessageType.OK).identifier(request.identifier()).conversationIndex(2).build());
    // A later, proper reply still completes the call: the bad ones completed nothing.
    peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(request.identifier()).conversationIndex(1)
        .payload(Codec.archive("pong")).build());
    assertEquals("pong", call.get(10, TimeUnit.SECONDS));
    assertEquals(2, connection.mismatchedReplyCount());
    assertEquals(0, connection.unmatchedReplyCount());
    assertTrue(connection.isOpen());
  }

  private static byte[] fragmentHeader(int index, int count, long length, int identifier) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x1F3D5B79).putInt(32).putShort((short) index).putShort((short) count).putInt((int) length)
        .putInt(identifier).putInt(0).putInt(0).putInt(0);
    return b.array();
  }

  private void awaitDrop(String reason) throws Exception {
    try {
      connection.closeFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      StringBuilder threads = new StringBuilder("not dropped within 30 s; threads:");
      Thread.getAllStackTraces().forEach((t, stack) -> {
        if (t.getName().startsWith("dtx") || t.getName().equals("flooder")) {
          threads.append("\n").append(t.getName()).append(' ').append(t.getState());
          for (int i = 0; i < Math.min(8, stack.length); i++) {
            threads.append("\n  at ").append(stack[i]);
          }
        }
      });
      throw new AssertionError(threads.toString(), e);
    }
    String why = connection.closeCause().getMessage();
    assertTrue(why.contains(reason), why);
  }

  /** Item 4: a peer that declares a 128 MiB message and then sends nothing used to be held forever. */
  @Test
  void aMessageThatNeverCompletesIsDroppedAfterTheReassemblyTimeout() throws Exception {
    connect(b -> b.reassemblyTimeout(Duration.ofMillis(300)));
    peer.write(fragmentHeader(0, 3, 128L << 20, 7));
    awaitDrop("reassembly timeout");
  }

  /** Item 4: a slowloris at one byte at a time never finishes a message in time either. */
  @Test
  void aSlowlorisIsDroppedAfterTheReassemblyTimeout() throws Exception {
    connect(b -> b.reassemblyTimeout(Duration.ofMillis(300)));
    byte[] header = fragmentHeader(0, 1, 1000, 7);
    for (int i = 0; i < header.length && connection.isOpen(); i++) {
      try {
        peer.write(new byte[] {header[i]});
      } catch (java.io.IOException closed) {
        break;
      }
      Thread.sleep(40);
    }
    awaitDrop("reassembly timeout");
  }

  /** Item 4: a half-open or silent peer is dropped after the idle timeout, when one is set. */
  @Test
  void aSilentPeerIsDroppedAfterTheIdleTimeout() throws Exception {
    connect(b -> b.idleTimeout(Duration.ofMillis(300)));
    awaitDrop("idle timeout");
  }

  /**
   * Item 3: a peer that sends calls nobody answers and never reads the ERROR replies used to grow the heap without
   * bound (498,000 calls: +324 MB). The connection stops reading once its own queued replies reach the bound, and
   * drops the peer when they are not written within the write timeout.
   */
  @Test
  void aPeerThatNeverReadsIsStoppedAndDropped() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    connection = DtxConnection.builder(pair.a()).skipHandshake().maxQueuedReplyBytes(64 * 1024)
        .writeTimeout(Duration.ofMillis(500)).connect();
    java.io.OutputStream toUs = pair.b().output();
    int calls = 100_000;
    java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
    Thread flooder = new Thread(() -> {
      try {
        for (int i = 1; i <= calls; i++) {
          DtxMessage m = DtxMessage.builder(DtxMessageType.DISPATCH).identifier(i).channelCode(99)
              .expectsReply(true).payload(Codec.archive("nobodyAnswers")).build();
          var out = new dtxkit.runtime.wire.DtxFragmentEncoder().encode(m);
          io.netty.buffer.ByteBuf f = out.nextFragment();
          try {
            f.getBytes(f.readerIndex(), toUs, f.readableBytes());
          } finally {
            f.release();
          }
          sent.incrementAndGet();
        }
      } catch (java.io.IOException dropped) {
        // The connection dropped us: what the test waits for.
      }
    }, "flooder");
    flooder.setDaemon(true);
    flooder.start();
    awaitDrop("write timeout");
    flooder.join(10_000);
    assertFalse(flooder.isAlive());
    assertTrue(sent.get() < calls, "the connection stopped reading: " + sent.get() + " calls got through");
    assertTrue(connection.unhandledCount() < calls / 2, connection.unhandledCount() + " calls refused");
    pair.b().close();
  }

  /** Runs {@code body} with System.err captured (the test logger, slf4j-simple, writes there); returns the lines. */
  private static java.util.List<String> capturingStderr(ThrowingRunnable body) throws Exception {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /**
   * Item 6: 100,000 notifications to an unknown channel used to log 100,000 WARN lines (13 MB). They are counted,
   * and the log gets a handful of lines. (10,000 here: the leak detector at PARANOID makes each buffer costly.)
   */
  @Test
  void aFloodOfUnknownTrafficCostsAHandfulOfLogLines() throws Exception {
    int flood = 10_000;
    java.util.List<String> lines = capturingStderr(() -> {
      connect(b -> b.name("flooded"));
      CompletableFuture<Object> sync = connection.controlChannel().invokeAsync(Duration.ofSeconds(120), "sync");
      Seen request = peer.next();
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      var encoder = new dtxkit.runtime.wire.DtxFragmentEncoder();
      for (int i = 0; i < flood; i++) {
        var out = encoder.encode(DtxMessage.builder(DtxMessageType.OBJECT).identifier(i + 100).channelCode(42)
            .payload(new byte[] {1, 2, 3}).build());
        io.netty.buffer.ByteBuf f = out.nextFragment();
        try {
          f.getBytes(f.readerIndex(), bytes, f.readableBytes());
        } finally {
          f.release();
        }
      }
      peer.write(bytes.toByteArray());
      peer.write(DtxMessage.builder(DtxMessageType.OK).identifier(request.identifier()).conversationIndex(1).build());
      sync.get(120, TimeUnit.SECONDS);
      assertEquals(flood, connection.unhandledCount(), "every one counted");
      connection.close();
    });
    long ours = lines.stream().filter(l -> l.contains("flooded")).count();
    assertTrue(ours >= 1, "the first ones are logged: " + lines);
    assertTrue(ours <= LogLimiter.BURST + 2, ours + " lines: " + lines.subList(0, Math.min(20, lines.size())));
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ")), "no stack traces");
  }

  /** Item 6: a connection that fails on malformed bytes logs one line, without a stack trace. */
  @Test
  void aMalformedConnectionLogsOneLine() throws Exception {
    java.util.List<String> lines = capturingStderr(() -> {
      connect(b -> b.name("malformed"));
      byte[] garbage = new byte[64];
      java.util.Arrays.fill(garbage, (byte) 0x41);
      peer.write(garbage);
      connection.closeFuture().get(10, TimeUnit.SECONDS);
    });
    java.util.List<String> ours = lines.stream().filter(l -> l.contains("malformed")).toList();
    assertEquals(1, ours.size(), ours.toString());
    assertTrue(ours.get(0).contains("peer broke the protocol"), ours.get(0));
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ")), "no stack traces: " + lines);
  }

  /** The fragments of a DATA message of {@code size} bytes on channel {@code channel}, as the peer would send them. */
  private static java.util.List<byte[]> fragments(int identifier, int channel, int size) {
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    var message = new dtxkit.runtime.wire.DtxFragmentEncoder().encode(DtxMessage.builder(DtxMessageType.DATA)
        .identifier(identifier).channelCode(channel).payload(new byte[size]).build());
    while (message.hasNextFragment()) {
      io.netty.buffer.ByteBuf f = message.nextFragment();
      byte[] bytes = new byte[f.readableBytes()];
      f.readBytes(bytes);
      f.release();
      out.add(bytes);
    }
    return out;
  }

  /**
   * Item 3: 48 connections each reassembling large messages used to drive the mock device out of memory. With a
   * budget shared by the connections, the connection that would pass it fails; the others and the process go on.
   */
  @Test
  void aSharedMemoryBudgetFailsTheConnectionThatWouldPassIt() throws Exception {
    dtxkit.runtime.wire.DtxMemoryBudget budget = dtxkit.runtime.wire.DtxMemoryBudget.of(1 << 20);
    java.util.concurrent.LinkedBlockingQueue<byte[]> received = new java.util.concurrent.LinkedBlockingQueue<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register("sink", channel -> {
      channel.setListener(new DtxChannelListener() {
        @Override
        public void onData(byte[] data) {
          received.add(data);
        }
      });
      return invocation -> null;
    });
    DtxConnection[] servers = new DtxConnection[2];
    ScriptedPeer[] peers = new ScriptedPeer[2];
    try {
      for (int i = 0; i < 2; i++) {
        DtxTransport.Pair pair = DtxTransport.memoryPair();
        peers[i] = new ScriptedPeer(pair.b());
        servers[i] = DtxConnection.builder(pair.a()).skipHandshake().registry(registry).memoryBudget(budget)
            .name("budget-" + i).connect();
        peers[i].write(PartsHarness.invocation(1, 0, true, DtxConnection.REQUEST_CHANNEL, DtxArgument.int32(1),
            DtxArgument.object("sink")));
        assertEquals(DtxMessageType.OK, peers[i].next().type());
      }
      // 640 KiB of a 768 KiB message received by the first connection (header-only fragment 0, then five 128 KiB
      // ones). It is reassembled into its payload's own array (DtxMessageDecoder.ARRAY_REASSEMBLY_BYTES), reserved
      // whole with the first body fragment: the 768 KiB of the array and the 16-byte payload header, each fragment's
      // own reservation given back once copied in.
      java.util.List<byte[]> first = fragments(2, 1, 768 << 10);
      for (int f = 0; f < 6; f++) {
        peers[0].write(first.get(f));
      }
      // Each later fragment reserves its bytes while its body is read, then gives them back: wait until the count
      // has stayed at the array's for several polls in a row (the reader took all six).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      for (int steady = 0; steady < 10 && System.nanoTime() < deadline; ) {
        steady = budget.used() == (768 << 10) + 16 ? steady + 1 : 0;
        Thread.sleep(5);
      }
      assertEquals((768 << 10) + 16, budget.used());
      // The second connection starts a message of its own: the 256 KiB left cannot hold its array, so it reassembles
      // fragment by fragment, and its second 128 KiB body fragment would pass 1 MiB.
      // Fragment 0 (header only) and the first two bodies: the second body is the one that fails the connection, so
      // nothing is written after it (a later write could meet the pipe already closed).
      java.util.List<byte[]> second = fragments(2, 1, 768 << 10);
      for (int f = 0; f < 3; f++) {
        peers[1].write(second.get(f));
      }
      servers[1].closeFuture().get(10, TimeUnit.SECONDS);
      String why = servers[1].closeCause().getMessage();
      assertTrue(why.contains("memory budget"), why);
      // The first goes on: it finishes its message, which is delivered, and the budget is free again.
      assertTrue(servers[0].isOpen());
      for (int f = 6; f < first.size(); f++) {
        peers[0].write(first.get(f));
      }
      byte[] data = received.poll(10, TimeUnit.SECONDS);
      assertEquals(768 << 10, data == null ? -1 : data.length);
      assertEquals(0, budget.used());
    } finally {
      for (int i = 0; i < 2; i++) {
        if (servers[i] != null) {
          servers[i].close();
        }
        if (peers[i] != null) {
          peers[i].close();
        }
      }
    }
  }
}
