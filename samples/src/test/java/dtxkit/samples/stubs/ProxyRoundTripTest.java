package dtxkit.samples.stubs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.testing.WireRecording;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import dtxkit.samples.proxy.Recording;
import dtxkit.samples.proxy.RecordingDecoder;
import dtxkit.samples.proxy.RecordingProxy;
import dtxkit.samples.proxy.RecordingWriter;
import dtxkit.services.Instruments;
import dtxkit.services.mock.MockDevice;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dtxkit proxy} between dtxkit's own client and the mock device: the recording holds exactly the messages
 * both ends sent; and the round trip: stubs generated from that recording compile with the processor, and the
 * generated client works against the mock.
 */
class ProxyRoundTripTest {

  /** A message as on the wire, for comparing: header fields and the aux and payload bytes. */
  record Wire(String type, int identifier, int conversation, int channel, boolean expectsReply, String aux,
      String payload) {
    static Wire of(DtxMessage m) {
      return new Wire(m.type().name(), m.identifier(), m.conversationIndex(), m.channelCode(), m.expectsReply(),
          ByteBufUtil.hexDump(m.aux()), ByteBufUtil.hexDump(m.payload()));
    }
  }

  static List<Wire> decode(byte[] stream) throws DtxProtocolException {
    List<Wire> messages = new ArrayList<>();
    try (DtxMessageDecoder decoder = new DtxMessageDecoder()) {
      decoder.decode(Unpooled.wrappedBuffer(stream), m -> {
        try {
          messages.add(Wire.of(m));
        } finally {
          m.release();
        }
      });
      assertEquals(DtxMessageDecoder.State.HEADER, decoder.state());
    }
    return messages;
  }

  /** The DTX messages of every connection of a recording, per connection and direction; fails on any error. */
  static Map<Integer, Map<RecordingDecoder.Direction, List<Wire>>> decodeRecording(Path file) throws Exception {
    Map<Integer, Map<RecordingDecoder.Direction, List<Wire>>> connections = new HashMap<>();
    List<String> errors = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
        RecordingDecoder decoder = new RecordingDecoder(new RecordingDecoder.Listener() {
          @Override
          public void message(int connection, RecordingDecoder.Direction direction, long time, DtxMessage m) {
            connections.computeIfAbsent(connection, c -> new HashMap<>())
                .computeIfAbsent(direction, d -> new ArrayList<>()).add(Wire.of(m));
          }

          @Override
          public void error(int connection, RecordingDecoder.Direction direction, DtxProtocolException error) {
            errors.add(connection + " " + direction + ": " + error.getMessage());
          }
        })) {
      Recording.Reader reader = new Recording.Reader(in);
      Recording.Entry entry;
      while ((entry = reader.next()) != null) {
        decoder.accept(entry);
      }
    }
    assertEquals(List.of(), errors);
    return connections;
  }

  @Test
  void theRecordingHoldsWhatBothEndsSentAndItsStubsCallTheMock(@TempDir Path dir) throws Exception {
    Path recording = dir.resolve("session.dtxrec");
    try (MockDevice mock = MockDevice.start()) {
      int pid = mock.processes().get(0).pid();
      String name = mock.processes().get(0).name();
      String path = mock.processes().get(0).executablePath();
      WireRecording transport;
      RecordingWriter writer = new RecordingWriter(Files.newOutputStream(recording));
      try (RecordingProxy proxy = RecordingProxy.builder(writer).rsd(mock.rsdHost(), mock.rsdPort()).start()) {
        // The proxy serves the device's peer info with its own ports.
        assertEquals(mock.peerInfo().udid(), proxy.served().udid());
        assertEquals(mock.peerInfo().services().keySet(), proxy.served().services().keySet());
        assertNotEquals(mock.peerInfo().service(MockDevice.DTSERVICEHUB).port(),
            proxy.served().service(MockDevice.DTSERVICEHUB).port());
        try (RsdClient rsd = RsdClient.connect(proxy.rsdAddress().getHostAddress(), proxy.rsdPort())) {
          Socket socket = rsd.openService(MockDevice.DTSERVICEHUB);
          transport = new WireRecording(DtxTransport.of(socket));
          try (DtxConnection connection = DtxConnection.builder(transport).connect();
              Instruments instruments = Instruments.over(connection)) {
            assertFalse(instruments.processes().isEmpty());
            assertEquals(path, instruments.execname(pid));
            instruments.screenshot();
            instruments.setLocation(48.8566, 2.3522);
            instruments.conditions();
          }
        }
        awaitClose(recording);
      }
      writer.close();

      // Exactly what the client sent, and what the device sent (the client's reads are a prefix of it: the device
      // may answer the client's channel cancellations after the client stopped reading).
      Map<Integer, Map<RecordingDecoder.Direction, List<Wire>>> recorded = decodeRecording(recording);
      List<Map<RecordingDecoder.Direction, List<Wire>>> dtx = recorded.values().stream()
          .filter(m -> !m.isEmpty()).toList();
      assertEquals(1, dtx.size(), "one DTX connection: " + recorded.keySet());
      assertEquals(decode(transport.sentBytes()), dtx.get(0).get(RecordingDecoder.Direction.TO_DEVICE));
      List<Wire> received = decode(transport.receivedBytes());
      List<Wire> fromDevice = dtx.get(0).get(RecordingDecoder.Direction.FROM_DEVICE);
      assertTrue(received.size() > 5 && fromDevice.size() >= received.size(), received.size() + " " + fromDevice.size());
      assertEquals(received, fromDevice.subList(0, received.size()));

      // Record, generate, compile, call.
      Stubs.Result stubs = Stubs.generate("com.example.found", List.of(Stubs.Input.of(recording)));
      assertEquals(List.of(), stubs.warnings());
      StubCompiler.assertCompiles(stubs, StubCompiler.compile(stubs));
      try (java.net.URLClassLoader loader = StubCompiler.compileToDisk(stubs, dir.resolve("out"));
          DtxConnection connection = DtxConnection.builder(mock.rsdHost(), mock.dtxPort()).connect()) {
        Class<?> deviceInfo = loader.loadClass("com.example.found.Deviceinfo");
        Object client = connection.open(deviceInfo);
        Method execname = deviceInfo.getMethod("execname", int.class);
        assertEquals(path, execname.invoke(client, pid));
        List<?> processes = (List<?>) deviceInfo.getMethod("runningProcesses").invoke(client);
        assertEquals(mock.processes().size(), processes.size());
        Object first = processes.get(0);
        assertTrue(first.getClass().isRecord(), first.getClass().toString());
        Map<String, Object> components = new HashMap<>();
        for (RecordComponent c : first.getClass().getRecordComponents()) {
          components.put(c.getName(), c.getAccessor().invoke(first));
        }
        assertEquals(pid, ((Number) components.get("pid")).intValue(), components.toString());
        assertEquals(name, components.get("name"), components.toString());

        Class<?> screenshot = loader.loadClass("com.example.found.Screenshot");
        byte[] png = (byte[]) screenshot.getMethod("takeScreenshot").invoke(connection.open(screenshot));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
      }
    }
  }

  /** Waits (at most 10 s) until every connection the recording opened is closed in it. */
  static void awaitClose(Path recording) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      int open = 0;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(recording))) {
        Recording.Reader reader = new Recording.Reader(in);
        Recording.Entry e;
        while ((e = reader.next()) != null) {
          open += e.type() == Recording.Type.OPEN ? 1 : e.type() == Recording.Type.CLOSE ? -1 : 0;
        }
      } catch (DtxProtocolException e) {
        open = -1;     // a record being written: read again
      }
      if (open == 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the proxy did not record the end of every connection within 10 s");
  }
}
