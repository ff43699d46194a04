/**
 * A small HTTP/2 implementation for RemoteXPC: raw frames without HPACK (RemoteXPC sends empty header blocks),
 * flow control in both directions, and an ordered writer so a peer can be answered frame for frame.
 *
 * <p>{@link dtxkit.runtime.http2.Http2FrameReader} decodes frames; {@link dtxkit.runtime.http2.Http2Connection}
 * runs one connection over a blocking socket with a reader and a writer thread. Framing errors are
 * {@link dtxkit.runtime.http2.Http2ProtocolException}s carrying the HTTP/2 error code sent in GOAWAY.
 */
package dtxkit.runtime.http2;
