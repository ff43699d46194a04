package dtxkit.samples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.auxdict.AuxCodec;
import dtxkit.runtime.auxdict.AuxEntry;
import dtxkit.runtime.auxdict.AuxValue;
import dtxkit.runtime.wire.DtxFragmentInfo;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import dtxkit.runtime.wire.DtxMessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dtxkit decode}: decodes a raw DTX byte stream (one message or a whole recorded conversation) into one JSON
 * object per message per line.
 *
 * <p>The keys are a stable format users script against: {@code offset} (of the message's first fragment),
 * {@code fragments} ({@code [{index, count, length}]}), {@code identifier}, {@code conversation}, {@code channel} (as
 * on the wire), {@code expectsReply}, {@code type}, {@code compressed}, {@code selector} (DISPATCH only), {@code aux}
 * ({@code [{kind, value}]}, plus {@code key} for a non-positional entry) and {@code payload} (archives as JSON; see
 * {@link JsonValues}). On malformed input the messages decoded so far are printed, then one line
 * {@code {"error": ..., "field": ..., "offset": N}}, and the exit code is 1.
 */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    description = {
      "Decode a raw DTX byte stream (a message or a recorded conversation) to JSON lines, one per message.",
      "A recording from dtxkit proxy gives every connection's messages, each with connection, direction (toDevice,"
          + " fromDevice) and time, and the connections' open and close events.",
      "Aux kinds: string, object (an archived value), buffer (bytes that are not an archive), int32, int64,"
          + " double, null, dictionary."
    })
final class DecodeCommand implements Callable<Integer> {

  private static final int CHUNK = 64 * 1024;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "the file to decode, or - for standard input")
  String file;

  @Option(names = "--hex", paramLabel = "HEX", description = "decode this hex string instead of a file (spaces allowed)")
  String hex;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if ((file == null) == (hex == null)) {
      err.println("dtxkit decode: give a FILE (or - for standard input), or --hex HEX");
      return 2;
    }
    JsonFactory factory = new JsonFactory();
    try (InputStream raw = open()) {
      java.io.BufferedInputStream peek = new java.io.BufferedInputStream(raw, CHUNK);
      peek.mark(16);
      byte[] head = peek.readNBytes(8);
      peek.reset();
      if (dtxkit.samples.proxy.Recording.isRecording(head)) {
        return decodeRecording(peek, out, err);
      }
      return decodeStream(peek, out, err, factory);
    }
  }

  /** A recording from {@code dtxkit proxy}: every connection's messages, with connection and direction. */
  private int decodeRecording(InputStream in, PrintWriter out, PrintWriter err) throws IOException {
    RecordingLines lines = new RecordingLines(out);
    try (dtxkit.samples.proxy.RecordingDecoder decoder = new dtxkit.samples.proxy.RecordingDecoder(lines)) {
      dtxkit.samples.proxy.Recording.Reader reader = new dtxkit.samples.proxy.Recording.Reader(in);
      dtxkit.samples.proxy.Recording.Entry entry;
      while ((entry = reader.next()) != null) {
        decoder.accept(entry);
      }
    } catch (DtxProtocolException e) {
      printError(new JsonFactory(), out, e);
      out.flush();
      err.println("dtxkit decode: the recording is malformed: " + e.getMessage() + " (" + lines.messages()
          + " message(s) decoded before it)");
      return 1;
    }
    out.flush();
    if (lines.errors() > 0) {
      err.println("dtxkit decode: " + lines.errors() + " DTX stream(s) in the recording are malformed (see the"
          + " \"error\" lines); " + lines.messages() + " message(s) decoded");
      return 1;
    }
    return 0;
  }

  private int decodeStream(InputStream in0, PrintWriter out, PrintWriter err, JsonFactory factory)
      throws IOException {
    long decoded = 0;
    long fed = 0;
    try (InputStream in = in0; DtxMessageDecoder decoder = new DtxMessageDecoder()) {
      byte[] chunk = new byte[CHUNK];
      DtxProtocolException[] payloadError = {null};
      // Lines of the messages completed by the current chunk; printed even when the chunk then fails.
      java.util.List<String> lines = new java.util.ArrayList<>();
      try {
        int n;
        while ((n = in.read(chunk)) > 0) {
          fed += n;
          decoder.decode(Unpooled.copiedBuffer(chunk, 0, n), message -> {
            try {
              if (payloadError[0] == null) {
                lines.add(render(factory, message));
              }
            } catch (DtxProtocolException e) {
              payloadError[0] = e;
            } finally {
              message.release();
            }
          });
          decoded += printAll(out, lines);
          if (payloadError[0] != null) {
            throw payloadError[0];
          }
        }
        if (fed == 0) {
          err.println("dtxkit decode: " + (hex != null ? "--hex is empty" : "-".equals(file)
              ? "standard input is empty" : file + " is empty (0 bytes)") + ": there is nothing to decode");
          return 2;
        }
        if (decoder.offset() != fed || decoder.state() != DtxMessageDecoder.State.HEADER
            || decoder.messagesInFlight() > 0) {
          throw new DtxProtocolException(
              "stream",
              "truncated: the input ends inside "
                  + (decoder.state() == DtxMessageDecoder.State.HEADER ? "a fragment header" : "a fragment body")
                  + (decoder.messagesInFlight() > 0
                      ? " with " + decoder.messagesInFlight() + " multi-fragment message(s) incomplete"
                      : ""),
              fed, true, null);
        }
      } catch (DtxProtocolException e) {
        decoded += printAll(out, lines);
        printError(factory, out, e);
        out.flush();
        err.println("dtxkit decode: " + e.getMessage() + " (" + decoded + " message(s) decoded before it)");
        return 1;
      }
    }
    out.flush();
    return 0;
  }

  private static int printAll(PrintWriter out, java.util.List<String> lines) {
    int n = lines.size();
    lines.forEach(out::println);
    lines.clear();
    return n;
  }

  private InputStream open() throws IOException {
    if (hex != null) {
      String digits = hex.replaceAll("\\s+", "");
      if (digits.startsWith("0x") || digits.startsWith("0X")) {
        digits = digits.substring(2);
      }
      try {
        return new ByteArrayInputStream(HexFormat.of().parseHex(digits));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--hex: " + e.getMessage());
      }
    }
    if ("-".equals(file)) {
      return System.in;
    }
    Path path = Path.of(file);
    if (Files.isDirectory(path)) {
      throw new CliException("cannot decode " + file + ": it is a directory, not a file", null, 2);
    }
    try {
      return Files.newInputStream(path);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + ScreenshotCommand.reason(e), e);
    }
  }

  /** One message as one line of JSON. */
  static String render(JsonFactory factory, DtxMessage m) throws DtxProtocolException {
    java.io.StringWriter line = new java.io.StringWriter();
    try (JsonGenerator json = factory.createGenerator(line)) {
      json.writeStartObject();
      json.writeNumberField("offset", m.streamOffset());
      json.writeArrayFieldStart("fragments");
      for (DtxFragmentInfo f : m.fragments()) {
        json.writeStartObject();
        json.writeNumberField("index", f.index());
        json.writeNumberField("count", f.count());
        json.writeNumberField("length", f.length());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeNumberField("identifier", Integer.toUnsignedLong(m.identifier()));
      json.writeNumberField("conversation", Integer.toUnsignedLong(m.conversationIndex()));
      json.writeNumberField("channel", m.channelCode());
      json.writeBooleanField("expectsReply", m.expectsReply());
      json.writeStringField("type", m.type().name());
      json.writeBooleanField("compressed", m.compressed());
      long auxOffset = m.streamOffset() + 32 + 16;
      if (m.type() == DtxMessageType.DISPATCH) {
        json.writeFieldName("selector");
        JsonValues.write(json, decodePayload(m));
      }
      json.writeArrayFieldStart("aux");
      if (m.aux().isReadable()) {
        AuxValue.Dictionary aux = AuxCodec.decode(m.aux().duplicate(), auxOffset);
        writeEntries(json, aux);
      }
      json.writeEndArray();
      if (m.type() != DtxMessageType.DISPATCH) {
        json.writeFieldName("payload");
        JsonValues.write(json, decodePayload(m));
      }
      json.writeEndObject();
    } catch (DtxProtocolException e) {
      throw e;
    } catch (IOException e) {
      // Only a StringWriter is written to, which does not fail.
      throw new UncheckedIOException(e);
    }
    return line.toString();
  }

  private static void writeEntries(JsonGenerator json, AuxValue.Dictionary dict) throws IOException {
    for (AuxEntry entry : dict.entries()) {
      json.writeStartObject();
      if (!(entry.key() instanceof AuxValue.Null)) {
        json.writeFieldName("key");
        writeAuxValue(json, entry.key());
      }
      writeAuxValue(json, entry.value());
      json.writeEndObject();
    }
  }

  /** Writes {@code "kind": ..., "value": ...} of one aux value. */
  private static void writeAuxValue(JsonGenerator json, AuxValue value) throws IOException {
    if (value instanceof AuxValue.Str s) {
      kind(json, "string", s.value());
    } else if (value instanceof AuxValue.Int32 i) {
      kind(json, "int32", i.value());
    } else if (value instanceof AuxValue.Int64 l) {
      kind(json, "int64", l.value());
    } else if (value instanceof AuxValue.Float64 d) {
      kind(json, "double", d.value());
    } else if (value instanceof AuxValue.Null) {
      kind(json, "null", null);
    } else if (value instanceof AuxValue.Buffer b) {
      byte[] bytes = b.value();
      Object archived = tryUnarchive(bytes);
      if (archived != NOT_AN_ARCHIVE) {
        kind(json, "object", archived);
      } else {
        kind(json, "buffer", bytes);
      }
    } else if (value instanceof AuxValue.Dictionary d) {
      json.writeStringField("kind", "dictionary");
      json.writeArrayFieldStart("value");
      writeEntries(json, d);
      json.writeEndArray();
    } else {
      throw new IllegalStateException("unknown aux value " + value);
    }
  }

  private static void kind(JsonGenerator json, String kind, Object value) throws IOException {
    json.writeStringField("kind", kind);
    json.writeFieldName("value");
    JsonValues.write(json, value);
  }

  private static final Object NOT_AN_ARCHIVE = new Object();

  /** The unarchived value, or {@link #NOT_AN_ARCHIVE} when the bytes are not a keyed archive. */
  private static Object tryUnarchive(byte[] bytes) {
    if (bytes.length == 0) {
      return null;
    }
    if (!startsWithBplist(bytes)) {
      return NOT_AN_ARCHIVE;
    }
    try {
      return NSKeyedUnarchiver.unarchive(bytes);
    } catch (DtxProtocolException e) {
      return NOT_AN_ARCHIVE;
    }
  }

  private static boolean startsWithBplist(byte[] bytes) {
    byte[] magic = "bplist".getBytes(StandardCharsets.US_ASCII);
    if (bytes.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (bytes[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The payload as JSON-ready value: an archive decoded, raw bytes otherwise ({@code DATA} streams carry raw tap
   * bytes), null when empty. A payload that claims to be an archive but does not decode is a protocol error.
   */
  private static Object decodePayload(DtxMessage m) throws DtxProtocolException {
    ByteBuf payload = m.payload();
    if (!payload.isReadable()) {
      return null;
    }
    byte[] bytes = ByteBufUtil.getBytes(payload);
    if (m.type() != DtxMessageType.DATA && startsWithBplist(bytes)) {
      return NSKeyedUnarchiver.unarchive(bytes);
    }
    Object archived = tryUnarchive(bytes);
    return archived == NOT_AN_ARCHIVE ? bytes : archived;
  }

  private static void printError(JsonFactory factory, PrintWriter out, DtxProtocolException e) throws IOException {
    java.io.StringWriter s = new java.io.StringWriter();
    try (JsonGenerator json = factory.createGenerator(s)) {
      json.writeStartObject();
      json.writeStringField("error", e.getMessage());
      json.writeStringField("field", e.field());
      json.writeNumberField("offset", e.offset());
      json.writeEndObject();
    }
    out.println(s);
  }
}
