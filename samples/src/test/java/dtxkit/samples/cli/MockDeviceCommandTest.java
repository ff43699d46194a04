package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.usbmux.UsbmuxAddress;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.services.deviceinfo.DeviceInfo;
import java.io.BufferedReader;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dtxkit mock-device} run in a thread: its first stdout line tells a client where to connect, the device
 * answers RSD and DTX there, nothing else reaches stdout, and interrupting it stops it with exit code 0.
 */
class MockDeviceCommandTest {
  @TempDir Path config;

  @BeforeEach
  void hostUuid() {
    System.setProperty("dtxkit.hostUuidFile", config.resolve("host-uuid").toString());
  }

  @AfterEach
  void clear() {
    System.clearProperty("dtxkit.hostUuidFile");
  }

  @Test
  void firstLineSaysWhereToConnectThenTheDeviceAnswers() throws Exception {
    PipedReader pipe = new PipedReader();
    PrintWriter out = new PrintWriter(new PipedWriter(pipe), true);
    StringWriter err = new StringWriter();
    CommandLine cli = DtxkitCli.newCommandLine();
    cli.setOut(out);
    cli.setErr(new PrintWriter(err, true));
    AtomicInteger exit = new AtomicInteger(-1);
    Thread device = new Thread(() -> {
      exit.set(cli.execute("mock-device", "--host", "127.0.0.1"));
      out.close();
    }, "mock-device-under-test");
    device.start();
    BufferedReader stdout = new BufferedReader(pipe);
    String first = stdout.readLine();
    assertNotNull(first, "mock-device printed nothing; stderr: " + err);

    JsonNode json = new ObjectMapper().readTree(first);
    Iterator<String> keys = json.fieldNames();
    assertEquals("rsdHost", keys.next());
    assertEquals("rsdPort", keys.next());
    assertEquals("udid", keys.next());
    assertEquals("osVersion", keys.next());
    assertEquals("usbmuxd", keys.next());
    assertEquals("usbmuxdTcp", keys.next());
    assertEquals("services", keys.next());
    assertFalse(keys.hasNext(), first);
    assertEquals("17.4", json.get("osVersion").asText());
    for (String address : new String[] {json.get("usbmuxd").asText(), json.get("usbmuxdTcp").asText()}) {
      UsbmuxClient usbmux = UsbmuxClient.create(UsbmuxAddress.parse(address), UsbmuxClient.Options.DEFAULT);
      assertEquals(json.get("udid").asText(), usbmux.devices().get(0).udid(), address);
    }
    assertTrue(json.get("usbmuxdTcp").asText().matches("127\\.0\\.0\\.1:\\d+"), first);
    assertEquals("127.0.0.1", json.get("rsdHost").asText());
    int rsdPort = json.get("rsdPort").asInt();
    int hubPort = json.get("services").get("com.apple.instruments.dtservicehub").asInt();
    assertTrue(rsdPort > 0 && hubPort > 0, first);

    try (RsdClient rsd = RsdClient.connect("127.0.0.1", rsdPort)) {
      assertEquals(json.get("udid").asText(), rsd.peerInfo().udid());
      assertEquals(hubPort, rsd.peerInfo().service("com.apple.instruments.dtservicehub").port());
      for (Map.Entry<String, JsonNode> s : (Iterable<Map.Entry<String, JsonNode>>) json.get("services")::fields) {
        assertEquals(s.getValue().asInt(), rsd.peerInfo().service(s.getKey()).port(), s.getKey());
      }
      try (DtxConnection dtx = DtxConnection.builder(
          DtxTransport.of(rsd.openService("com.apple.instruments.dtservicehub"))).connect()) {
        assertFalse(dtx.open(DeviceInfo.class).runningProcesses().isEmpty());
      }
    }

    device.interrupt();
    device.join();
    assertEquals(0, exit.get(), err.toString());
    assertNull(stdout.readLine(), "nothing but the first line on stdout");
    assertTrue(err.toString().contains("answers RSD at 127.0.0.1:" + rsdPort), err.toString());
  }

  /**
   * {@code --idle-timeout} and {@code --memory-budget} reach the device's DTX connections: a client that connects to
   * the DTX service and sends nothing is closed after the timeout.
   */
  @Test
  void idleTimeoutAndMemoryBudgetReachTheDtxConnections() throws Exception {
    PipedReader pipe = new PipedReader();
    PrintWriter out = new PrintWriter(new PipedWriter(pipe), true);
    StringWriter err = new StringWriter();
    CommandLine cli = DtxkitCli.newCommandLine();
    cli.setOut(out);
    cli.setErr(new PrintWriter(err, true));
    AtomicInteger exit = new AtomicInteger(-1);
    Thread device = new Thread(() -> {
      exit.set(cli.execute("mock-device", "--idle-timeout", "1", "--memory-budget", "8m"));
      out.close();
    }, "mock-device-under-test");
    device.start();
    try {
      String first = new BufferedReader(pipe).readLine();
      assertNotNull(first, "mock-device printed nothing; stderr: " + err);
      int hubPort = new ObjectMapper().readTree(first).get("services").get("com.apple.instruments.dtservicehub")
          .asInt();
      try (java.net.Socket silent = new java.net.Socket("127.0.0.1", hubPort)) {
        silent.setSoTimeout(20_000); // a guard against hanging: the device closes it after 1 s
        java.io.InputStream in = silent.getInputStream();
        long start = System.nanoTime();
        while (in.read(new byte[4096]) >= 0) {
          // The device's capabilities, then the end of the stream.
        }
        assertTrue(System.nanoTime() - start >= 500_000_000L, "closed only after the idle timeout");
      }
    } finally {
      device.interrupt();
      device.join();
    }
    assertEquals(0, exit.get(), err.toString());
    assertEquals(8L << 20, MockDeviceCommand.parseSize("8m"));
    assertEquals(1L << 30, MockDeviceCommand.parseSize("1G"));
    assertEquals(12345, MockDeviceCommand.parseSize("12345"));
  }

  @Test
  void badBudgetAndTimeoutAreUsageErrors() {
    CliRunner.Result r = CliRunner.run("mock-device", "--memory-budget", "lots");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--memory-budget: expected a size such as 64m"), r.err());
    r = CliRunner.run("mock-device", "--idle-timeout", "-1");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--idle-timeout must be 0 (never) or a number of seconds"), r.err());
  }

  @Test
  void aBadIosVersionIsAUsageError() {
    CliRunner.Result r = CliRunner.run("mock-device", "--ios", "fifteen");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--ios: not an iOS version: 'fifteen'"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void badPortIsAUsageError() {
    CliRunner.Result r = CliRunner.run("mock-device", "--rsd-port", "70000");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--rsd-port must be 0 to 65535, not 70000"), r.err());
    assertEquals("", r.out());
  }
}
