/**
 * Lockdown services next to Instruments, spoken over the stream lockdown's {@code StartService} opens:
 * {@link dtxkit.services.lockdown.InstallationProxy} (apps with paths and containers, install, uninstall),
 * {@link dtxkit.services.lockdown.ImageMounter} (the developer disk image) and
 * {@link dtxkit.services.lockdown.SyslogRelay} (the system log). {@link dtxkit.services.lockdown.ServiceConnection}
 * carries their plist messages.
 */
package dtxkit.services.lockdown;
