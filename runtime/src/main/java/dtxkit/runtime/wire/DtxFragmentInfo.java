package dtxkit.runtime.wire;

/**
 * One fragment a received message was assembled from, as its header said.
 *
 * @param index the fragment index (0-based)
 * @param count the fragment count of the message
 * @param length the header's length field: the body length, or on fragment 0 of a multi-fragment message the total
 *     assembled size (that fragment carries no body)
 */
public record DtxFragmentInfo(int index, int count, long length) {}
