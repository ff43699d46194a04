package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dtxkit decode} on recorded device bytes (go-ios fixtures, MIT; licence beside them in runtime's tests). */
class DecodeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path fixture(String name) throws IOException {
    try (InputStream in = DecodeCommandTest.class.getResourceAsStream("/fixtures/go-ios/dtx/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      Path file = dir.resolve(name);
      Files.write(file, in.readAllBytes());
      return file;
    }
  }

  private static List<JsonNode> parse(CliRunner.Result result) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : result.lines()) {
      nodes.add(JSON.readTree(line));
    }
    return nodes;
  }

  @Test
  void everyLineCarriesTheStableKeys() throws IOException {
    CliRunner.Result result = CliRunner.run("decode", fixture("conn-in2.dump").toString());
    assertEquals(0, result.exitCode(), result.err());
    List<JsonNode> messages = parse(result);
    assertEquals(8, messages.size());
    for (JsonNode m : messages) {
      for (String key : List.of("offset", "fragments", "identifier", "conversation", "channel", "expectsReply",
          "type", "compressed", "aux")) {
        assertTrue(m.has(key), key + " missing in " + m);
      }
      assertEquals(m.get("type").asText().equals("DISPATCH"), m.has("selector"), m.toString());
      assertEquals(!m.get("type").asText().equals("DISPATCH"), m.has("payload"), m.toString());
    }
    JsonNode caps = messages.get(0);
    assertEquals("_notifyOfPublishedCapabilities:", caps.get("selector").asText());
    assertEquals(0, caps.get("offset").asLong());
    assertEquals("object", caps.get("aux").get(0).get("kind").asText());
    assertEquals(1, caps.get("aux").get(0).get("value").get("com.apple.private.DTXConnection").asInt());
    JsonNode ok = messages.get(1);
    assertEquals("OK", ok.get("type").asText());
    assertEquals(668, ok.get("offset").asLong());
    assertEquals(1, ok.get("conversation").asInt());
    assertTrue(ok.get("payload").isNull());
  }

  @Test
  void aWholeTestmanagerdSessionDecodes() throws IOException {
    CliRunner.Result result = CliRunner.run("decode", fixture("conn-in4.dump").toString());
    assertEquals(0, result.exitCode(), result.err());
    List<JsonNode> messages = parse(result);
    assertEquals(61, messages.size());
    long logs = messages.stream()
        .filter(m -> "_XCT_logDebugMessage:".equals(m.path("selector").asText()))
        .count();
    assertEquals(41, logs);
    JsonNode finished = messages.stream()
        .filter(m -> "_XCT_didFinishExecutingTestPlan".equals(m.path("selector").asText()))
        .findFirst()
        .orElseThrow();
    assertEquals(0, finished.get("aux").size());
  }

  @Test
  void aFragmentedMessageListsItsFragments() throws IOException {
    CliRunner.Result result = CliRunner.run("decode", fixture("fragmentedmessage.bin").toString());
    assertEquals(0, result.exitCode(), result.err());
    JsonNode m = parse(result).get(0);
    JsonNode fragments = m.get("fragments");
    assertEquals(3, fragments.size());
    assertEquals(79643, fragments.get(0).get("length").asLong());
    assertEquals(65504, fragments.get(1).get("length").asLong());
    assertEquals(14139, fragments.get(2).get("length").asLong());
    assertEquals(2, fragments.get(2).get("index").asInt());
    assertTrue(m.get("payload").isArray(), "the process list");
    JsonNode first = m.get("payload").get(0);
    assertEquals("NSDate", first.get("startDate").get("$class").asText());
  }

  @Test
  void channelRequestShowsInt32CodeAndArchivedIdentifier() throws IOException {
    byte[] bytes = Files.readAllBytes(fixture("requestChannelWithCodeIdentifier.bin"));
    CliRunner.Result result = CliRunner.run("decode", "--hex", HexFormat.of().formatHex(bytes));
    assertEquals(0, result.exitCode(), result.err());
    JsonNode m = parse(result).get(0);
    assertEquals("_requestChannelWithCode:identifier:", m.get("selector").asText());
    assertEquals("int32", m.get("aux").get(0).get("kind").asText());
    assertEquals(1, m.get("aux").get(0).get("value").asInt());
    assertEquals("object", m.get("aux").get(1).get("kind").asText());
    assertTrue(m.get("aux").get(1).get("value").asText().startsWith("dtxproxy:"));
  }

  @Test
  void rawDataAndCompressedMessages() throws IOException {
    JsonNode data = parse(CliRunner.run("decode", fixture("unknown-d-h-h-message.bin").toString())).get(0);
    assertEquals("DATA", data.get("type").asText());
    JsonNode compressed =
        parse(CliRunner.run("decode", fixture("instruments-metrics-dtx.bin").toString())).get(0);
    assertTrue(compressed.get("compressed").asBoolean());
    assertEquals(158592, compressed.get("payload").get("length").asInt());
  }

  @Test
  void readsStandardInput() throws IOException {
    byte[] bytes = Files.readAllBytes(fixture("nsnull.bin"));
    CliRunner.Result result = CliRunner.run(bytes, "decode", "-");
    assertEquals(0, result.exitCode(), result.err());
    assertEquals(1, result.lines().size());
  }

  @Test
  void truncatedInputPrintsWhatCameBeforeThenTheErrorAndExits1() throws IOException {
    byte[] whole = Files.readAllBytes(fixture("conn-in2.dump"));
    byte[] cut = java.util.Arrays.copyOf(whole, 700); // the capabilities and the OK, then 32 bytes of the third
    Path file = dir.resolve("cut.bin");
    Files.write(file, cut);
    CliRunner.Result result = CliRunner.run("decode", file.toString());
    assertEquals(1, result.exitCode());
    List<JsonNode> lines = parse(result);
    assertEquals(3, lines.size());
    assertEquals("DISPATCH", lines.get(0).get("type").asText());
    assertEquals("OK", lines.get(1).get("type").asText());
    JsonNode error = lines.get(2);
    assertTrue(error.get("error").asText().contains("truncated"), error.toString());
    assertTrue(result.err().contains("2 message(s) decoded before it"), result.err());
  }

  @Test
  void badMagicNamesTheFieldAndOffset() throws IOException {
    byte[] whole = Files.readAllBytes(fixture("conn-in2.dump"));
    byte[] broken = whole.clone();
    broken[668] = 0; // the magic of the second message
    Path file = dir.resolve("broken.bin");
    Files.write(file, broken);
    CliRunner.Result result = CliRunner.run("decode", file.toString());
    assertEquals(1, result.exitCode());
    List<JsonNode> lines = parse(result);
    assertEquals(2, lines.size());
    JsonNode error = lines.get(1);
    assertEquals("magic", error.get("field").asText());
    assertEquals(668, error.get("offset").asLong());
    assertTrue(error.get("error").asText().contains("0x1F3D5B79"), error.toString());
  }

  @Test
  void needsExactlyOneInput() {
    assertEquals(2, CliRunner.run("decode").exitCode());
    assertEquals(2, CliRunner.run("decode", "x", "--hex", "00").exitCode());
  }
}
