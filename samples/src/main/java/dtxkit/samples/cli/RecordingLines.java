package dtxkit.samples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.samples.proxy.RecordingDecoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Prints what {@link RecordingDecoder} finds in a recording as JSON lines ({@code dtxkit decode RECORDING} and
 * {@code dtxkit proxy --decode}): each message as {@code dtxkit decode} prints it, preceded by the keys
 * {@code connection}, {@code direction} ({@code toDevice}/{@code fromDevice}) and {@code time}; connection
 * boundaries as {@code {"connection", "event": "open"|"close", "time", ...}}; bytes before a connection's first DTX
 * header as {@code "event": "skipped"}; a malformed stream as {@code {"connection", "direction", "error", "field",
 * "offset"}}; notes as {@code {"event": "note", "time", "note"}}.
 */
final class RecordingLines implements RecordingDecoder.Listener {

  private final JsonFactory factory = new JsonFactory();
  private final PrintWriter out;
  private int errors;
  private long messages;

  RecordingLines(PrintWriter out) {
    this.out = out;
  }

  /** Malformed streams met so far. */
  int errors() {
    return errors;
  }

  /** Messages printed so far. */
  long messages() {
    return messages;
  }

  @Override
  public void open(int connection, long timeNanos, String json) {
    print(g -> {
      g.writeNumberField("connection", connection);
      g.writeStringField("event", "open");
      time(g, timeNanos);
      g.writeFieldName("detail");
      g.writeRawValue(json);
    });
  }

  @Override
  public void message(int connection, RecordingDecoder.Direction direction, long timeNanos, DtxMessage message)
      throws DtxProtocolException {
    String line = DecodeCommand.render(factory, message);
    StringWriter s = new StringWriter();
    try (JsonGenerator g = factory.createGenerator(s)) {
      g.writeStartObject();
      g.writeNumberField("connection", connection);
      g.writeStringField("direction", direction.json());
      time(g, timeNanos);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String head = s.toString();
    messages++;
    emit(head.substring(0, head.length() - 1) + "," + line.substring(1));
  }

  @Override
  public void skipped(int connection, RecordingDecoder.Direction direction, long bytes) {
    print(g -> {
      g.writeNumberField("connection", connection);
      g.writeStringField("direction", direction.json());
      g.writeStringField("event", "skipped");
      g.writeNumberField("bytes", bytes);
    });
  }

  @Override
  public void error(int connection, RecordingDecoder.Direction direction, DtxProtocolException error) {
    errors++;
    print(g -> {
      g.writeNumberField("connection", connection);
      g.writeStringField("direction", direction.json());
      g.writeStringField("error", error.getMessage());
      g.writeStringField("field", error.field());
      g.writeNumberField("offset", error.offset());
    });
  }

  @Override
  public void close(int connection, long timeNanos, String reason) {
    print(g -> {
      g.writeNumberField("connection", connection);
      g.writeStringField("event", "close");
      time(g, timeNanos);
      g.writeStringField("reason", reason);
    });
  }

  @Override
  public void note(long timeNanos, String json) {
    print(g -> {
      g.writeStringField("event", "note");
      time(g, timeNanos);
      g.writeFieldName("note");
      g.writeRawValue(json);
    });
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private void print(Fields fields) {
    StringWriter s = new StringWriter();
    try (JsonGenerator g = factory.createGenerator(s)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    emit(s.toString());
  }

  private void emit(String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private static void time(JsonGenerator g, long nanos) throws IOException {
    g.writeStringField("time", Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
        Math.floorMod(nanos, 1_000_000_000L)).toString());
  }
}
