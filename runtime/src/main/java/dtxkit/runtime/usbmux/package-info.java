/**
 * usbmuxd, the daemon that multiplexes TCP connections to iPhones on a cable (and on the network): its plist
 * protocol, a client and a server.
 *
 * <ul>
 * <li>{@link dtxkit.runtime.usbmux.UsbmuxAddress} reads {@code USBMUXD_SOCKET_ADDRESS} in every form the peers
 *     use;</li>
 * <li>{@link dtxkit.runtime.usbmux.UsbmuxClient} lists devices, follows attach/detach events, reads pair records and
 *     the BUID, and {@code Connect}s to a device port, returning the raw stream as a
 *     {@link dtxkit.runtime.DtxTransport};</li>
 * <li>{@link dtxkit.runtime.usbmux.UsbmuxServer} answers the same protocol for a
 *     {@link dtxkit.runtime.usbmux.UsbmuxDeviceTable} (a mock device), on a Unix socket and/or loopback TCP;</li>
 * <li>{@link dtxkit.runtime.usbmux.UsbmuxCodec} is the framing (16-byte little-endian header + XML plist).</li>
 * </ul>
 */
package dtxkit.runtime.usbmux;
