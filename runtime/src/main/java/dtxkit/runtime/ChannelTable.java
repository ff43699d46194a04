package dtxkit.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The channels of one connection by local code, and the codes of channels this side opens. Local codes: 0 for the
 * control channel, 1, 2, 3... for channels this side opens, the negated wire code for channels the peer opens. On the
 * wire a message with an even conversation index carries the local code, a reply (odd index) the negated local code;
 * received codes are mapped back the same way ({@link #wireCode}, {@link #localCode}).
 */
final class ChannelTable {

  private final ConcurrentHashMap<Integer, DtxChannel> channels = new ConcurrentHashMap<>();
  private final AtomicInteger nextCode = new AtomicInteger(1);
  /**
   * Codes of the channels this side cancelled most recently (at most {@link #RECENTLY_CANCELLED}): the peer may have
   * queued traffic on them before it saw the cancel, so their late messages are expected. Channel codes are not
   * reused, so a bounded memory is enough.
   */
  private final java.util.Set<Integer> recentlyCancelled = java.util.Collections.newSetFromMap(
      java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<Integer, Boolean>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Integer, Boolean> eldest) {
          return size() > RECENTLY_CANCELLED;
        }
      }));
  private static final int RECENTLY_CANCELLED = 64;

  /** Remembers that this side cancelled the channel {@code localCode}. */
  void markCancelled(int localCode) {
    recentlyCancelled.add(localCode);
  }

  /** True when this side cancelled the channel {@code localCode} recently. */
  boolean wasCancelled(int localCode) {
    return recentlyCancelled.contains(localCode);
  }

  /** The code for the next channel this side opens. */
  int nextCode() {
    return nextCode.getAndIncrement();
  }

  DtxChannel get(int localCode) {
    return channels.get(localCode);
  }

  boolean contains(int localCode) {
    return channels.containsKey(localCode);
  }

  void put(DtxChannel channel) {
    channels.put(channel.code(), channel);
  }

  /** Removes the channel under {@code localCode}, whichever it is; null if none. */
  DtxChannel remove(int localCode) {
    return channels.remove(localCode);
  }

  /** Removes {@code channel} if it is still the one under its code. */
  void remove(DtxChannel channel) {
    channels.remove(channel.code(), channel);
  }

  /** The live view, for iterating while channels come and go. */
  Collection<DtxChannel> values() {
    return channels.values();
  }

  /** A snapshot ordered by code. */
  List<DtxChannel> sorted() {
    List<DtxChannel> list = new ArrayList<>(channels.values());
    list.sort((a, c) -> Integer.compare(a.code(), c.code()));
    return list;
  }

  /** The channel code a message carries on the wire, from its local code and conversation index. */
  static int wireCode(int localCode, int conversation) {
    return conversation % 2 == 0 ? localCode : -localCode;
  }

  /** The local code of a received message, from its wire code and conversation index. */
  static int localCode(int wireCode, int conversation) {
    return conversation % 2 == 0 ? -wireCode : wireCode;
  }
}
