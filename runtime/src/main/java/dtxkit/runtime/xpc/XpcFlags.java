package dtxkit.runtime.xpc;

import java.util.ArrayList;
import java.util.List;

/**
 * The XPC wrapper's flag bits, by meaning. A message's flags are an {@code int} built from these.
 *
 * <pre>{@code
 * int flags = XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT | XpcFlags.WANTS_REPLY;   // 0x00010101
 * }</pre>
 */
public final class XpcFlags {
  /** Set on every message. */
  public static final int ALWAYS_SET = 0x0000_0001;
  /** A ping. */
  public static final int PING = 0x0000_0002;
  /** The message carries a non-empty body. */
  public static final int DATA_PRESENT = 0x0000_0100;
  /**
   * Unnamed bit seen only in the handshake: the second client message on stream 1 has flags {@code 0x0201}
   * (ALWAYS_SET | this); devicectl sends it and remoted rejects connections whose "version flags" are missing.
   */
  public static final int HANDSHAKE_VERSION = 0x0000_0200;
  /** The sender waits for a reply with the same message id. */
  public static final int WANTS_REPLY = 0x0001_0000;
  /** This message is a reply. */
  public static final int REPLY = 0x0002_0000;
  /** Opens a file-transfer stream (request side). */
  public static final int FILE_TX_STREAM_REQUEST = 0x0010_0000;
  /** Answers a file-transfer stream. */
  public static final int FILE_TX_STREAM_RESPONSE = 0x0020_0000;
  /** The reply-channel handshake, sent on stream 3. */
  public static final int INIT_HANDSHAKE = 0x0040_0000;

  private XpcFlags() {}

  /** True when every bit of {@code flag} is set in {@code flags}. */
  public static boolean has(int flags, int flag) {
    return (flags & flag) == flag;
  }

  /** A readable form, e.g. {@code 0x00010101 ALWAYS_SET|DATA_PRESENT|WANTS_REPLY}; unknown bits are shown in hex. */
  public static String describe(int flags) {
    List<String> names = new ArrayList<>();
    int rest = flags;
    int[] bits = {ALWAYS_SET, PING, DATA_PRESENT, HANDSHAKE_VERSION, WANTS_REPLY, REPLY, FILE_TX_STREAM_REQUEST,
        FILE_TX_STREAM_RESPONSE, INIT_HANDSHAKE};
    String[] labels = {"ALWAYS_SET", "PING", "DATA_PRESENT", "HANDSHAKE_VERSION", "WANTS_REPLY", "REPLY",
        "FILE_TX_STREAM_REQUEST", "FILE_TX_STREAM_RESPONSE", "INIT_HANDSHAKE"};
    for (int i = 0; i < bits.length; i++) {
      if ((flags & bits[i]) != 0) {
        names.add(labels[i]);
        rest &= ~bits[i];
      }
    }
    if (rest != 0) {
      names.add(String.format("0x%X", rest));
    }
    return String.format("0x%08X %s", flags, String.join("|", names));
  }
}
