package dtxkit.runtime.wire;

/**
 * Formats the one-line trace of a message or fragment that the connection layer logs at DEBUG.
 *
 * <p>The format is fixed (pinned by a test; scripts may grep it):
 * <pre>
 *  DIR ch=CHANNEL id=IDENTIFIER.CONVERSATION frag=I/N TYPE[ sel=SELECTOR] len=LENGTH
 *
 *  &gt;&gt; ch=1 id=5.0 frag=1/1 DISPATCH sel=_requestChannelWithCode:identifier: len=446
 *  &lt;&lt; ch=-3 id=12.1 frag=2/3 OBJECT len=65504
 * </pre>
 * {@code DIR} is {@code >>} for sent and {@code <<} for received; the channel is as on the wire; the identifier is
 * unsigned; fragment numbers are 1-based ({@code 1/1} for a whole single-fragment message); {@code TYPE} is the
 * {@link DtxMessageType} name, followed by {@code +lz4} when the message was compressed on the wire; the selector
 * appears only when the caller knows it; {@code len} is the length the caller passes (a fragment's length field, or
 * a message's body length).
 */
public final class DtxTraceFormatter {

  /** Direction of a traced message. */
  public enum Direction {
    /** Written to the peer: {@code >>}. */
    SENT(">>"),
    /** Read from the peer: {@code <<}. */
    RECEIVED("<<");

    private final String symbol;

    Direction(String symbol) {
      this.symbol = symbol;
    }

    /** {@code >>} or {@code <<}. */
    public String symbol() {
      return symbol;
    }
  }

  private DtxTraceFormatter() {}

  /**
   * Formats one trace line.
   *
   * @param direction sent or received
   * @param channelCode the channel code as on the wire
   * @param identifier the message identifier (printed unsigned)
   * @param conversationIndex the conversation index
   * @param fragmentIndex 0-based fragment index (printed 1-based)
   * @param fragmentCount fragment count
   * @param type the message type
   * @param compressed whether the message was compressed on the wire
   * @param selector the selector, or null when not known
   * @param length the length to print
   * @return the line, without a line terminator
   */
  public static String format(Direction direction, int channelCode, int identifier, int conversationIndex,
      int fragmentIndex, int fragmentCount, DtxMessageType type, boolean compressed, String selector, long length) {
    StringBuilder sb = new StringBuilder(96)
        .append(direction.symbol())
        .append(" ch=").append(channelCode)
        .append(" id=").append(Integer.toUnsignedString(identifier)).append('.')
        .append(Integer.toUnsignedString(conversationIndex))
        .append(" frag=").append(fragmentIndex + 1).append('/').append(fragmentCount)
        .append(' ').append(type.name());
    if (compressed) {
      sb.append("+lz4");
    }
    if (selector != null) {
      sb.append(" sel=").append(selector);
    }
    return sb.append(" len=").append(length).toString();
  }

  /**
   * Formats the line for a whole message: fragment {@code 1/N} where N is the number of fragments it arrived in (1
   * for a built message), and its body length.
   *
   * @param direction sent or received
   * @param message the message; not released
   * @param selector the selector, or null when not known
   * @return the line
   */
  public static String format(Direction direction, DtxMessage message, String selector) {
    int count = message.fragments().isEmpty() ? 1 : message.fragments().get(0).count();
    return format(direction, message.channelCode(), message.identifier(), message.conversationIndex(), 0, count,
        message.type(), message.compressed(), selector, message.bodyLength());
  }
}
