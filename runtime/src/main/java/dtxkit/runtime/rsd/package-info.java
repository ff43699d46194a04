/**
 * RemoteXPC connections, RemoteServiceDiscovery (RSD) client and server, and tunnel discovery for iOS 17+.
 *
 * <ul>
 * <li>{@link dtxkit.runtime.rsd.RsdClient#connect(String, int)} runs the handshake in devicectl's order, sends the
 *     {@code Handshake} with this host's persisted UUID ({@link dtxkit.runtime.rsd.HostUuidStore}) and reads the
 *     device's {@link dtxkit.runtime.rsd.PeerInfo}; {@link dtxkit.runtime.rsd.RsdClient#openService(String)} returns
 *     a socket ready for a service (after {@link dtxkit.runtime.rsd.RsdCheckin} for {@code *.shim.remote}).</li>
 * <li>{@link dtxkit.runtime.rsd.RsdServer} answers as an iPhone does, frame for frame, for the client orders of
 *     devicectl, pymobiledevice3 and appium-ios-remotexpc; {@link dtxkit.runtime.rsd.RsdCheckinResponder} fronts a
 *     mock shim service.</li>
 * <li>{@link dtxkit.runtime.rsd.RemoteXpcConnection} carries requests matched to replies by message id, any number
 *     in flight.</li>
 * <li>{@link dtxkit.runtime.rsd.TunnelDiscovery} asks pymobiledevice3's tunneld or go-ios's agent where devices
 *     are.</li>
 * </ul>
 */
package dtxkit.runtime.rsd;
