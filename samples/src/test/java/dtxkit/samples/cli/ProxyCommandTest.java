package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dtxkit.services.Instruments;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dtxkit proxy --mock --decode}, then {@code dtxkit decode} and {@code dtxkit stubs} on its recording. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void recordsDecodesLiveAndTheRecordingFeedsDecodeAndStubs(@TempDir Path dir) throws Exception {
    Path recording = dir.resolve("session.dtxrec");
    CommandLine cli = DtxkitCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter outWriter = new PrintWriter(out, true);
    cli.setOut(outWriter);
    cli.setErr(new PrintWriter(err, true));
    int[] code = {-1};
    Thread proxy = new Thread(() -> code[0] = cli.execute("proxy", "--mock", "--decode", "-o", recording.toString(),
        "--duration", "60"));
    proxy.start();
    JsonNode first = null;
    for (int i = 0; i < 1000 && first == null; i++) {
      String text;
      synchronized (outWriter) {
        text = out.toString();
      }
      if (text.contains("\n")) {
        first = JSON.readTree(text.substring(0, text.indexOf('\n')));
      } else {
        Thread.sleep(20);
      }
    }
    assertTrue(first != null, "no first line; stderr: " + err);
    assertEquals(recording.toString(), first.get("recording").asText());
    assertTrue(first.get("usbmuxd").asText().startsWith("127.0.0.1:"), first.toString());
    assertTrue(first.get("services").get("com.apple.instruments.dtservicehub").asInt() > 0, first.toString());
    assertTrue(!first.get("udid").asText().isEmpty() && !"null".equals(first.get("udid").asText()), first.toString());
    try (Instruments instruments = Instruments.connect(first.get("rsdHost").asText(), first.get("rsdPort").asInt())) {
      assertTrue(instruments.processes().size() > 1);
    }
    waitFor(out, outWriter, "\"event\":\"close\"");
    proxy.interrupt();
    proxy.join(30_000);
    assertEquals(0, code[0], err.toString());

    List<JsonNode> live = lines(out.toString());
    assertTrue(live.stream().anyMatch(l -> "toDevice".equals(text(l, "direction"))
        && "runningProcesses".equals(text(l, "selector"))), out.toString());
    assertTrue(live.stream().anyMatch(l -> "note".equals(text(l, "event"))), out.toString());

    CliRunner.Result decoded = CliRunner.run("decode", recording.toString());
    assertEquals(0, decoded.exitCode(), decoded.err());
    List<JsonNode> lines = lines(decoded.out());
    // Live and afterwards: the same messages.
    assertEquals(live.stream().filter(l -> l.has("selector") || l.has("payload")).map(JsonNode::toString).toList(),
        lines.stream().filter(l -> l.has("selector") || l.has("payload")).map(JsonNode::toString).toList());
    JsonNode call = lines.stream().filter(l -> "runningProcesses".equals(text(l, "selector"))).findFirst().orElseThrow();
    assertTrue(call.get("connection").asInt() > 0 && call.has("time") && call.has("offset"), call.toString());

    CliRunner.Result stubs = CliRunner.run("stubs", "--package", "com.example.found", recording.toString());
    assertEquals(0, stubs.exitCode(), stubs.err());
    assertTrue(stubs.out().contains("@DtxMethod(\"runningProcesses\")"), stubs.out());
  }

  @Test
  void usageErrors(@TempDir Path dir) {
    assertEquals(2, CliRunner.run("proxy", "-o", dir.resolve("r").toString()).exitCode());
    assertEquals(2, CliRunner.run("proxy", "--mock", "--rsd", "::1", "1", "-o", dir.resolve("r").toString())
        .exitCode());
    assertEquals(2, CliRunner.run("proxy", "--mock").exitCode());
  }

  @Test
  void aMalformedRecordingIsAnErrorNamingTheOffset(@TempDir Path dir) throws Exception {
    Path bad = Files.write(dir.resolve("bad.dtxrec"), new byte[] {'D', 'T', 'X', 'K', 'R', 'E', 'C', '\n', 0, 1, 9});
    CliRunner.Result r = CliRunner.run("decode", bad.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.out().contains("\"field\":\"record head\""), r.out());
  }

  private static void waitFor(StringWriter out, PrintWriter writer, String text) throws InterruptedException {
    for (int i = 0; i < 1500; i++) {
      synchronized (writer) {
        if (out.toString().contains(text)) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no " + text + " in " + out);
  }

  private static List<JsonNode> lines(String text) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.split("\\R")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  private static String text(JsonNode node, String field) {
    return node.has(field) ? node.get(field).asText() : null;
  }
}
