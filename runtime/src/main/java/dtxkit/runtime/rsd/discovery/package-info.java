/**
 * Tunnel discovery: {@link dtxkit.runtime.rsd.discovery.TunnelDiscovery} asks pymobiledevice3's tunneld or go-ios's
 * agent where devices are, as {@link dtxkit.runtime.rsd.discovery.TunnelInfo}s.
 */
package dtxkit.runtime.rsd.discovery;
