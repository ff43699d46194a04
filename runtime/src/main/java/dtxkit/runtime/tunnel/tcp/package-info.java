/**
 * A userspace TCP over IPv6 packets ({@link dtxkit.runtime.tunnel.tcp.TcpStack}), for CoreDeviceProxy's tunnel:
 * segments ({@link dtxkit.runtime.tunnel.tcp.TcpSegment}), connections as ordinary sockets
 * ({@link dtxkit.runtime.tunnel.tcp.TcpSocket}), tuning ({@link dtxkit.runtime.tunnel.tcp.TcpOptions}).
 */
package dtxkit.runtime.tunnel.tcp;
