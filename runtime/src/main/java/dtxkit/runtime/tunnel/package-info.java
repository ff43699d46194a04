/**
 * CoreDeviceProxy's tunnel (iOS 17.4+): the {@link dtxkit.runtime.tunnel.CdTunnel} handshake, the IPv6 packet
 * framing ({@link dtxkit.runtime.tunnel.Ipv6PacketStream}) and the whole path from a lockdown service to RSD
 * ({@link dtxkit.runtime.tunnel.CoreDeviceTunnel}), over the userspace TCP of {@link dtxkit.runtime.tunnel.tcp}.
 */
package dtxkit.runtime.tunnel;
