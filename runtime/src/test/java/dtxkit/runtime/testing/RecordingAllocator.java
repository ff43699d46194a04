package dtxkit.runtime.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An unpooled allocator that remembers the largest capacity it was asked for, so a test can assert that a huge size
 * declared by a peer was refused before anything of that size was allocated. Its buffers are leak-tracked like any
 * allocator's (the leak extension reports those never released).
 */
public final class RecordingAllocator extends AbstractByteBufAllocator {

  private final AtomicLong largest = new AtomicLong();

  public RecordingAllocator() {
    super(false);
  }

  /** The largest initial capacity requested since creation or the last {@link #reset()}. */
  public long largest() {
    return largest.get();
  }

  /** Forgets the largest request. */
  public void reset() {
    largest.set(0);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    largest.accumulateAndGet(initialCapacity, Math::max);
    return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    largest.accumulateAndGet(initialCapacity, Math::max);
    return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }
}
