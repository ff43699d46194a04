/**
 * The RSD client. {@link dtxkit.runtime.rsd.client.RsdClient#connect(String, int)} runs the handshake in
 * devicectl's order, sends the {@code Handshake} with this host's persisted UUID ({@link
 * dtxkit.runtime.rsd.client.HostUuidStore}) and reads the device's {@link dtxkit.runtime.rsd.PeerInfo}; {@link
 * dtxkit.runtime.rsd.client.RsdClient#openService(String)} returns a socket ready for a service (after {@link
 * dtxkit.runtime.rsd.RsdCheckin} for {@code *.shim.remote}).
 */
package dtxkit.runtime.rsd.client;
