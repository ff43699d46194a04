/**
 * RemoteServiceDiscovery (RSD) types shared by the client and the server: the device's {@link
 * dtxkit.runtime.rsd.PeerInfo} and its {@link dtxkit.runtime.rsd.RsdService}s, the {@link
 * dtxkit.runtime.rsd.RsdCheckin} exchange for {@code *.shim.remote} services, and {@link
 * dtxkit.runtime.rsd.RemoteXpcConnection}, which carries requests matched to replies by message id over HTTP/2.
 *
 * <ul>
 * <li>{@link dtxkit.runtime.rsd.client} connects to a device (iOS 17+) as devicectl does.</li>
 * <li>{@link dtxkit.runtime.rsd.server} answers as an iPhone does (the mock device).</li>
 * <li>{@link dtxkit.runtime.rsd.discovery} asks pymobiledevice3's tunneld or go-ios's agent where devices are.</li>
 * </ul>
 */
package dtxkit.runtime.rsd;
