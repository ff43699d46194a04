package dtxkit.runtime.testing;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the tests' scripted and recorded DTX peers share (runtime's {@code ScriptedPeer}, services' {@code
 * RecordedPeer}, {@code RecordedHost}, {@code ScriptedDevice}): the go-ios recordings split into messages, the reader
 * thread that decodes what the connection under test sends, the loop that plays a recording (each recorded reply
 * given the identifier of the call it answers), an in-memory connection pair, and the executor their background work
 * runs on.
 */
public final class DtxTestPeers {

  private DtxTestPeers() {}

  /**
   * Runs each task on a thread of its own: the common pool has one worker on a 2-core machine, and a blocking task of
   * an earlier test there starved a peer's (seen on JDK 25: the device side never connected).
   */
  public static final Executor OWN_THREAD = task -> {
    Thread thread = new Thread(task, "test-peer");
    thread.setDaemon(true);
    thread.start();
  };

  /**
   * One recorded single-fragment message: its bytes, the header fields a script needs, and for a dispatch (type 2)
   * its selector (null when the payload is no string).
   */
  public record Recorded(byte[] bytes, int identifier, int conversation, int channelCode, boolean expectsReply,
      int type, String selector) {
    /** The same bytes with another identifier (header offset 16). */
    public byte[] withIdentifier(int id) {
      byte[] copy = bytes.clone();
      ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(16, id);
      return copy;
    }
  }

  /** A go-ios DTX recording from the test resources ({@code fixtures/go-ios/dtx}, MIT, licence beside them). */
  public static byte[] goIosDtx(String name) throws IOException {
    try (InputStream in = DtxTestPeers.class.getResourceAsStream("/fixtures/go-ios/dtx/" + name)) {
      if (in == null) {
        throw new IOException("missing fixture " + name);
      }
      return in.readAllBytes();
    }
  }

  /** Splits a recorded stream of single-fragment messages into its messages. */
  public static List<Recorded> split(byte[] dump) {
    List<Recorded> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(dump).order(ByteOrder.LITTLE_ENDIAN);
    int at = 0;
    while (at < dump.length) {
      int headerSize = b.getInt(at + 4);
      int count = b.getShort(at + 10) & 0xFFFF;
      long length = b.getInt(at + 12) & 0xFFFFFFFFL;
      if (count != 1) {
        throw new IllegalArgumentException("the recordings hold single-fragment messages only");
      }
      int end = at + headerSize + (int) length;
      int type = dump[at + headerSize] & 0xFF;
      String selector = null;
      if (type == 2) {
        int auxLength = b.getInt(at + headerSize + 4);
        int payloadStart = at + headerSize + 16 + auxLength;
        try {
          if (NSKeyedUnarchiver.unarchive(Arrays.copyOfRange(dump, payloadStart, end)) instanceof String s) {
            selector = s;
          }
        } catch (DtxProtocolException e) {
          // A hand-made dispatch without a selector.
        }
      }
      out.add(new Recorded(Arrays.copyOfRange(dump, at, end), b.getInt(at + 16), b.getInt(at + 20),
          b.getInt(at + 24), (b.getInt(at + 28) & 1) != 0, type, selector));
      at = end;
    }
    return out;
  }

  /**
   * Decodes what the connection under test sends, on a daemon thread, until end of stream: each message goes to
   * {@code take}, then is released.
   *
   * @return the started thread (join it after closing the transport)
   */
  public static Thread startReader(InputStream in, String name, Consumer<DtxMessage> take) {
    Thread reader = new Thread(() -> {
      try (DtxMessageDecoder decoder = new DtxMessageDecoder()) {
        byte[] chunk = new byte[65536];
        int n;
        while ((n = in.read(chunk)) > 0) {
          decoder.decode(Unpooled.copiedBuffer(chunk, 0, n), m -> {
            try {
              take.accept(m);
            } finally {
              m.release();
            }
          });
        }
      } catch (IOException e) {
        // The connection under test closed; the tests look at what was taken.
      }
    }, name);
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  /** Gives the identifier of the next call the connection under test made that a recorded reply answers. */
  @FunctionalInterface
  public interface NextCall {
    int identifier() throws InterruptedException;
  }

  /**
   * Plays a recording on {@link #OWN_THREAD}: the peer's own messages (conversation 0) as recorded, each recorded
   * reply with the identifier {@code nextCall} gives.
   *
   * @return completes when the last message is written
   */
  public static CompletableFuture<Void> play(List<Recorded> script, OutputStream out, NextCall nextCall) {
    return CompletableFuture.runAsync(() -> {
      try {
        for (Recorded r : script) {
          out.write(r.conversation() == 0 ? r.bytes() : r.withIdentifier(nextCall.identifier()));
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, OWN_THREAD);
  }

  /** A host-side connection and the device side it talks to. */
  public record Connected(DtxConnection host, DtxConnection device) {}

  /**
   * Connects a host and a device over an in-memory pipe: the device side on {@link #OWN_THREAD} (both sides send
   * their capabilities first, so neither can connect alone), both with {@code callTimeout}.
   *
   * @throws IOException when the device side did not connect within 20 s (the host side is closed then)
   */
  public static Connected inMemory(DtxServiceRegistry deviceRegistry, DtxServiceRegistry hostRegistry, String name,
      Duration callTimeout) throws IOException {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    CompletableFuture<DtxConnection> device = CompletableFuture.supplyAsync(() -> {
      try {
        return DtxConnection.builder(pair.b()).registry(deviceRegistry).callTimeout(callTimeout)
            .name("device-" + name).connect();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }, OWN_THREAD);
    DtxConnection host = DtxConnection.builder(pair.a()).registry(hostRegistry).callTimeout(callTimeout).name(name)
        .connect();
    try {
      return new Connected(host, device.get(20, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      host.close();
      throw new java.io.InterruptedIOException("interrupted while connecting the device side of " + name);
    } catch (Exception e) {
      host.close();
      throw new IOException("the device side of " + name + " did not connect: " + e, e);
    }
  }
}
