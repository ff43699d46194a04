package dtxkit.runtime.wire;

/**
 * Receive-side limits of a {@link DtxMessageDecoder}, all checked before anything is allocated for what a peer
 * announced. Exceeding one is a {@link dtxkit.runtime.DtxLimitExceededException}, fatal to the stream.
 *
 * <p>Defaults ({@link #defaults()}), and why:
 * <ul>
 *   <li>messages in flight: <b>100</b> multi-fragment messages being reassembled at once (DTX peers interleave few;
 *       pymobiledevice3 uses the same bound);
 *   <li>bytes per message: <b>128 MiB</b> assembled (and, for compressed messages, decompressed) size, frida's cap
 *       and well above the largest real payloads (screenshots, trace chunks of a few MiB);
 *   <li>total buffered bytes: <b>256 MiB</b> of fragment bodies held for unfinished messages across the stream;
 *       room for two maximum-size messages at once. It must be at least the bytes per message, or a message allowed
 *       by that limit could never be assembled;
 *   <li>bytes per fragment: <b>128 KiB + 32</b>, header (with any extension) plus body, the largest body Apple's
 *       and dtxkit's fragmenters write (128 KiB) plus the 32-byte header. This bounds what is buffered before a
 *       fragment is complete.
 * </ul>
 */
public final class DtxLimits {

  /** Default messages in flight: 100. */
  public static final int DEFAULT_MAX_MESSAGES_IN_FLIGHT = 100;
  /** Default bytes per message: 128 MiB. */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 128L << 20;
  /** Default total buffered bytes: 256 MiB. */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 256L << 20;
  /** Default bytes per fragment: 128 KiB body + the 32-byte header. */
  public static final int DEFAULT_MAX_FRAGMENT_BYTES = (128 << 10) + DtxFragmentHeader.SIZE;

  private static final DtxLimits DEFAULTS = builder().build();

  private final int maxMessagesInFlight;
  private final long maxMessageBytes;
  private final long maxBufferedBytes;
  private final int maxFragmentBytes;

  private DtxLimits(Builder b) {
    this.maxMessagesInFlight = b.maxMessagesInFlight;
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxBufferedBytes = b.maxBufferedBytes;
    this.maxFragmentBytes = b.maxFragmentBytes;
  }

  /** The default limits described above. */
  public static DtxLimits defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these limits. */
  public Builder toBuilder() {
    return new Builder()
        .maxMessagesInFlight(maxMessagesInFlight)
        .maxMessageBytes(maxMessageBytes)
        .maxBufferedBytes(maxBufferedBytes)
        .maxFragmentBytes(maxFragmentBytes);
  }

  /** Multi-fragment messages that may be partially received at once. */
  public int maxMessagesInFlight() {
    return maxMessagesInFlight;
  }

  /** Largest assembled (and decompressed) message body, payload header included. */
  public long maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Largest sum of fragment bodies held for unfinished multi-fragment messages. */
  public long maxBufferedBytes() {
    return maxBufferedBytes;
  }

  /** Largest fragment: header length plus body length. */
  public int maxFragmentBytes() {
    return maxFragmentBytes;
  }

  @Override
  public String toString() {
    return "DtxLimits{messagesInFlight=" + maxMessagesInFlight + ", messageBytes=" + maxMessageBytes
        + ", bufferedBytes=" + maxBufferedBytes + ", fragmentBytes=" + maxFragmentBytes + "}";
  }

  /** Builds {@link DtxLimits}; every value must be positive. */
  public static final class Builder {
    private int maxMessagesInFlight = DEFAULT_MAX_MESSAGES_IN_FLIGHT;
    private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private int maxFragmentBytes = DEFAULT_MAX_FRAGMENT_BYTES;

    private Builder() {}

    /** See {@link DtxLimits#maxMessagesInFlight()}. */
    public Builder maxMessagesInFlight(int value) {
      this.maxMessagesInFlight = positive("maxMessagesInFlight", value);
      return this;
    }

    /** See {@link DtxLimits#maxMessageBytes()}; at most {@code Integer.MAX_VALUE} (one Netty buffer). */
    public Builder maxMessageBytes(long value) {
      positive("maxMessageBytes", value);
      if (value > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("maxMessageBytes must fit one buffer: " + value);
      }
      this.maxMessageBytes = value;
      return this;
    }

    /** See {@link DtxLimits#maxBufferedBytes()}. */
    public Builder maxBufferedBytes(long value) {
      this.maxBufferedBytes = positive("maxBufferedBytes", value);
      return this;
    }

    /** See {@link DtxLimits#maxFragmentBytes()}; at least 32 + 16 (a header and a payload header). */
    public Builder maxFragmentBytes(int value) {
      if (value < DtxFragmentHeader.SIZE + DtxPayloadHeader.SIZE) {
        throw new IllegalArgumentException("maxFragmentBytes must be >= 48: " + value);
      }
      this.maxFragmentBytes = value;
      return this;
    }

    /**
     * Builds the limits.
     *
     * @throws IllegalArgumentException when the buffered bytes are below the bytes per message
     */
    public DtxLimits build() {
      if (maxBufferedBytes < maxMessageBytes) {
        throw new IllegalArgumentException("maxBufferedBytes (" + maxBufferedBytes
            + ") must be >= maxMessageBytes (" + maxMessageBytes + ")");
      }
      return new DtxLimits(this);
    }

    private static long positive(String name, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
