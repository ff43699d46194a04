/**
 * The DTX byte layer: fragment headers, payload headers, messages, the receive-side reassembling decoder, the
 * send-side fragment encoder, LZ4 ("bv41") decompression and the one-line trace format.
 *
 * <p>Entry points: {@link dtxkit.runtime.wire.DtxMessageDecoder} turns a byte stream into
 * {@link dtxkit.runtime.wire.DtxMessage}s; {@link dtxkit.runtime.wire.DtxFragmentEncoder} turns a message into a
 * {@link dtxkit.runtime.wire.DtxOutboundMessage} that hands out wire fragments one at a time.
 */
package dtxkit.runtime.wire;
