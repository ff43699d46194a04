package dtxkit.runtime.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An unpooled allocator that counts the buffers it handed out and not yet freed, and remembers the largest capacity
 * asked for. A fuzz target checks {@link #live()} is 0 after each input: a leak is found on the input that caused it,
 * deterministically, instead of whenever the collector and Netty's detector get round to it.
 */
public final class CountingAllocator extends AbstractByteBufAllocator {

  private final AtomicLong live = new AtomicLong();
  private final AtomicLong largest = new AtomicLong();

  public CountingAllocator() {
    super(false);
  }

  /** Buffers allocated here whose reference count has not yet reached 0. */
  public long live() {
    return live.get();
  }

  /** The largest initial capacity requested since creation or the last {@link #reset()}. */
  public long largest() {
    return largest.get();
  }

  /** Forgets the largest request (not the live count). */
  public void reset() {
    largest.set(0);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    largest.accumulateAndGet(initialCapacity, Math::max);
    live.incrementAndGet();
    return new Heap(this, initialCapacity, maxCapacity);
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    largest.accumulateAndGet(initialCapacity, Math::max);
    live.incrementAndGet();
    return new Direct(this, initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  private static final class Heap extends UnpooledHeapByteBuf {
    private final CountingAllocator owner;

    Heap(CountingAllocator owner, int initialCapacity, int maxCapacity) {
      super(owner, initialCapacity, maxCapacity);
      this.owner = owner;
    }

    @Override
    protected void deallocate() {
      super.deallocate();
      owner.live.decrementAndGet();
    }
  }

  private static final class Direct extends UnpooledDirectByteBuf {
    private final CountingAllocator owner;

    Direct(ByteBufAllocator owner, int initialCapacity, int maxCapacity) {
      super(owner, initialCapacity, maxCapacity);
      this.owner = (CountingAllocator) owner;
    }

    @Override
    protected void deallocate() {
      super.deallocate();
      owner.live.decrementAndGet();
    }
  }
}
