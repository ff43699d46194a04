package dtxkit.runtime.xpc;

/**
 * XPC shared memory (type {@code 0xC000}): u32 length and a second u32 whose meaning is unknown; the memory itself
 * does not travel over RemoteXPC.
 *
 * @param length the region's length
 * @param unknown the second word, kept as it was read
 */
public record XpcShmem(int length, int unknown) implements XpcObject {
  @Override
  public int typeCode() {
    return XpcTypes.SHMEM;
  }
}
