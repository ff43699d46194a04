/**
 * The XPC object codec and the RemoteXPC message wrapper.
 *
 * <p>{@link dtxkit.runtime.xpc.XpcObject} is a sealed hierarchy with one record per wire type, so int64 and uint64
 * stay distinct and a decoded message re-encodes to the same bytes. {@link dtxkit.runtime.xpc.XpcCodec} encodes and
 * decodes objects and whole messages; {@link dtxkit.runtime.xpc.XpcMessageDecoder} cuts a stream (one HTTP/2
 * stream's DATA) into messages. Malformed input is an {@link dtxkit.runtime.xpc.XpcProtocolException} naming the
 * field, the expected and actual values and the offset; {@link dtxkit.runtime.xpc.XpcLimits} are checked before
 * allocating. This codec is independent of NSKeyedArchiver.
 */
package dtxkit.runtime.xpc;
