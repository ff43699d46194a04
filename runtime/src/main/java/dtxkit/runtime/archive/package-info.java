/**
 * NSKeyedArchiver archives, the payload format of DTX OBJECT messages and tag-2 aux arguments.
 *
 * <p>Binary archives ({@code bplist00}, what devices and Foundation write) are read in place by a binary-plist reader
 * made for NSKeyedArchiver (no plist object tree; limits checked before anything is allocated) and written without a
 * plist object graph (strings, numbers and UIDs once per value, objects once per identity); XML archives go through
 * dd-plist, which also stays for the lockdown and usbmux plists elsewhere.
 *
 * <p>Entry points: {@link dtxkit.runtime.archive.NSKeyedArchiver#archive(Object)} and
 * {@link dtxkit.runtime.archive.NSKeyedUnarchiver#unarchive(byte[])} with the built-in classes (a slice or a Netty
 * buffer: {@link dtxkit.runtime.archive.NSKeyedUnarchiver#decode(byte[], int, int)} and
 * {@link dtxkit.runtime.archive.NSKeyedUnarchiver#decode(io.netty.buffer.ByteBuf)}), or instances built
 * with an {@link dtxkit.runtime.archive.ArchiveClassRegistry} and {@link dtxkit.runtime.archive.ArchiveLimits}.
 * Plain Foundation values map to plain Java values (String, Integer/Long/Double/Boolean, byte[], List, Map, Set,
 * Instant, UUID, null); every other decoded value is an {@link dtxkit.runtime.archive.ArchivedObject}, which exposes
 * its class chain and fields so that it can be printed without knowing its type. Classes no codec is registered for
 * decode to {@link dtxkit.runtime.archive.GenericArchivedObject}.
 *
 * <p>Malformed archives throw {@link dtxkit.runtime.archive.ArchiveFormatException}; archives over a limit throw
 * {@link dtxkit.runtime.DtxLimitExceededException}. Both name the key or {@code $objects[i]} at fault; errors in the
 * binary plist's structure name the part ({@code plist.trailer.objectCount}, {@code plist.offsetTable[3]}, ...) and
 * the byte offset. Decoded values may contain themselves (archives may be cyclic): compare them with
 * {@link dtxkit.runtime.archive.ArchiveValues#deepEquals} and print them with
 * {@link dtxkit.runtime.archive.ArchiveValues#toString(Object, int)}, which end on such values.
 */
package dtxkit.runtime.archive;
