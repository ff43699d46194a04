package dtxkit.samples.stubs;

import com.palantir.javapoet.JavaFile;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import dtxkit.samples.proxy.Recording;
import dtxkit.samples.proxy.RecordingDecoder;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Generates {@code @DtxService} interfaces from recorded DTX traffic: the library behind {@code dtxkit stubs}.
 *
 * <pre>{@code
 * Stubs.Result result = Stubs.generate("com.example.found", List.of(
 *     Stubs.Input.recording(Path.of("session.dtxrec")),                        // from dtxkit proxy
 *     Stubs.Input.pair(Path.of("conn-out.bin"), Path.of("conn-in.bin"))));     // both directions of a capture
 * result.writeTo(Path.of("src/main/java"));
 * }</pre>
 *
 * <p>Inputs are recordings written by {@code dtxkit proxy}, raw DTX byte streams (one direction of a connection,
 * what {@code dtxkit decode} reads) or pairs of raw streams (both directions of one connection: only then are the
 * replies, and the channels the other side opened, known). A malformed input contributes the messages decoded before
 * the fault, and the fault is reported in {@link Result#warnings()}.
 */
public final class Stubs {

  private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
  private static final int CHUNK = 64 * 1024;

  private Stubs() {
  }

  /**
   * One input.
   *
   * @param path a recording or a raw stream
   * @param peer the other direction of {@code path}'s connection, or null
   */
  public record Input(Path path, Path peer) {
    /** A recording from {@code dtxkit proxy}, or a single raw stream. */
    public static Input of(Path path) {
      return new Input(path, null);
    }

    /** Both directions of one connection as two raw streams (which one is which does not matter). */
    public static Input pair(Path one, Path other) {
      return new Input(one, other);
    }
  }

  /**
   * One generated source.
   *
   * @param qualifiedName the interface's qualified name
   * @param path where it goes under a source root, e.g. {@code com/example/Deviceinfo.java}
   * @param content the Java source
   */
  public record Source(String qualifiedName, String path, String content) {
  }

  /**
   * What {@link #generate} made.
   *
   * @param sources one per service, sorted by name
   * @param connections how many connections the inputs held
   * @param unattributed calls on channels whose opening was not recorded (ignored)
   * @param warnings inputs that were malformed or cut short, one line each
   */
  public record Result(List<Source> sources, int connections, int unattributed, List<String> warnings) {
    /** Writes every source under {@code sourceRoot} (packages become folders), replacing files of the same name. */
    public List<Path> writeTo(Path sourceRoot) throws IOException {
      List<Path> written = new ArrayList<>();
      for (Source s : sources) {
        Path file = sourceRoot.resolve(s.path());
        Files.createDirectories(file.getParent());
        Files.writeString(file, s.content(), StandardCharsets.UTF_8);
        written.add(file);
      }
      return written;
    }
  }

  /**
   * Reads {@code inputs} and generates the interfaces in {@code packageName}.
   *
   * @throws IllegalArgumentException when the package name is not a Java package name
   * @throws IOException when an input cannot be read
   */
  public static Result generate(String packageName, List<Input> inputs) throws IOException {
    if (!PACKAGE.matcher(packageName).matches()) {
      throw new IllegalArgumentException("not a Java package name: \"" + packageName + "\"");
    }
    Traffic traffic = new Traffic();
    List<String> warnings = new ArrayList<>();
    for (Input input : inputs) {
      if (input.peer() == null && isRecording(input.path())) {
        for (List<Observed> connection : readRecording(input.path(), warnings)) {
          traffic.add(connection);
        }
      } else {
        List<Observed> messages = new ArrayList<>(readStream(input.path(), 0, warnings));
        if (input.peer() != null) {
          messages.addAll(readStream(input.peer(), 1, warnings));
        }
        traffic.add(messages);
      }
    }
    return generate(packageName, traffic, warnings);
  }

  static Result generate(String packageName, Traffic traffic, List<String> warnings) {
    List<Source> sources = new ArrayList<>();
    for (JavaFile file : new StubGenerator(packageName).generate(traffic)) {
      String name = file.typeSpec().name();
      sources.add(new Source(packageName + "." + name, packageName.replace('.', '/') + "/" + name + ".java",
          file.toString()));
    }
    return new Result(List.copyOf(sources), traffic.connections(), traffic.unattributed(), List.copyOf(warnings));
  }

  private static boolean isRecording(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return Recording.isRecording(in.readNBytes(8));
    }
  }

  /** The messages of one raw stream, as side {@code side}. */
  static List<Observed> readStream(Path path, int side, List<String> warnings) throws IOException {
    List<Observed> messages = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path));
        DtxMessageDecoder decoder = new DtxMessageDecoder()) {
      byte[] chunk = new byte[CHUNK];
      DtxProtocolException[] payloadError = {null};
      int n;
      while ((n = in.read(chunk)) > 0) {
        decoder.decode(Unpooled.copiedBuffer(chunk, 0, n), m -> {
          try {
            if (payloadError[0] == null) {
              messages.add(Observed.of(side, m));
            }
          } catch (DtxProtocolException e) {
            payloadError[0] = e;
          } finally {
            m.release();
          }
        });
        if (payloadError[0] != null) {
          throw payloadError[0];
        }
      }
      if (decoder.messagesInFlight() > 0 || decoder.state() != DtxMessageDecoder.State.HEADER) {
        warnings.add(path + ": truncated: the stream ends inside a message at offset " + decoder.offset());
      }
    } catch (DtxProtocolException e) {
      warnings.add(path + ": " + e.getMessage() + " (" + messages.size() + " message(s) read before it)");
    }
    return messages;
  }

  /** The connections of a recording, each as its messages (side 0: to the device, 1: from it). */
  static List<List<Observed>> readRecording(Path path, List<String> warnings) throws IOException {
    Map<Integer, List<Observed>> connections = new TreeMap<>();
    RecordingDecoder decoder = new RecordingDecoder(new RecordingDecoder.Listener() {
      @Override
      public void message(int connection, RecordingDecoder.Direction direction, long time, DtxMessage m)
          throws DtxProtocolException {
        connections.computeIfAbsent(connection, c -> new ArrayList<>())
            .add(Observed.of(direction == RecordingDecoder.Direction.TO_DEVICE ? 0 : 1, m));
      }

      @Override
      public void error(int connection, RecordingDecoder.Direction direction, DtxProtocolException error) {
        warnings.add(path + ": connection " + connection + " " + direction.json() + ": " + error.getMessage());
      }
    });
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
      Recording.Reader reader = new Recording.Reader(in);
      Recording.Entry entry;
      while ((entry = reader.next()) != null) {
        decoder.accept(entry);
      }
    } catch (DtxProtocolException e) {
      warnings.add(path + ": " + e.getMessage());
    } finally {
      decoder.close();
    }
    return Collections.unmodifiableList(new ArrayList<>(connections.values()));
  }
}
