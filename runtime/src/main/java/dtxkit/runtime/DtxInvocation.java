package dtxkit.runtime;

import java.util.Collections;
import java.util.List;

/**
 * A selector the peer invoked on a channel, with its decoded arguments.
 *
 * <p>Argument values by aux tag: 2 → the unarchived object ({@code byte[]} when the bytes are not an archive, null
 * when empty); 1 → {@link String}; 3 → {@link Integer}; 4 and 6 → {@link Long}; 9 → {@link Double}; 10 → null.
 * Archived values map NSString → String, NSNumber → Integer/Long/Double/Boolean, NSData → byte[], NSArray → List,
 * NSDictionary → Map (insertion ordered), NSSet → Set, NSDate → Instant, NSNull → null, NSUUID → UUID, NSError →
 * {@code dtxkit.runtime.archive.NSError}.
 */
public final class DtxInvocation {

  private final String selector;
  private final List<Object> arguments;
  private final boolean expectsReply;
  private final DtxChannel channel;
  private final int identifier;

  DtxInvocation(String selector, List<Object> arguments, boolean expectsReply, DtxChannel channel, int identifier) {
    this.selector = selector;
    this.arguments = Collections.unmodifiableList(arguments);
    this.expectsReply = expectsReply;
    this.channel = channel;
    this.identifier = identifier;
  }

  /** The selector, e.g. {@code "killPid:"}. */
  public String selector() {
    return selector;
  }

  /** The decoded arguments in order (unmodifiable; elements may be null). */
  public List<Object> arguments() {
    return arguments;
  }

  /** True when the peer waits for a reply. */
  public boolean expectsReply() {
    return expectsReply;
  }

  /** The channel the invocation arrived on. */
  public DtxChannel channel() {
    return channel;
  }

  /** The peer's message identifier (a reply reuses it). */
  public int identifier() {
    return identifier;
  }

  @Override
  public String toString() {
    return selector + arguments + (expectsReply ? " (expects reply)" : "") + " on channel " + channel.code();
  }
}
