/**
 * NSKeyedArchiver archives, the payload format of DTX OBJECT messages and tag-2 aux arguments, over dd-plist.
 *
 * <p>Entry points: {@link dtxkit.runtime.archive.NSKeyedArchiver#archive(Object)} and
 * {@link dtxkit.runtime.archive.NSKeyedUnarchiver#unarchive(byte[])} with the built-in classes, or instances built
 * with an {@link dtxkit.runtime.archive.ArchiveClassRegistry} and {@link dtxkit.runtime.archive.ArchiveLimits}.
 * Plain Foundation values map to plain Java values (String, Integer/Long/Double/Boolean, byte[], List, Map, Set,
 * Instant, UUID, null); every other decoded value is an {@link dtxkit.runtime.archive.ArchivedObject}, which exposes
 * its class chain and fields so that it can be printed without knowing its type. Classes no codec is registered for
 * decode to {@link dtxkit.runtime.archive.GenericArchivedObject}.
 *
 * <p>Malformed archives throw {@link dtxkit.runtime.archive.ArchiveFormatException}; archives over a limit throw
 * {@link dtxkit.runtime.DtxLimitExceededException}. Both name the key or {@code $objects[i]} at fault.
 */
package dtxkit.runtime.archive;
