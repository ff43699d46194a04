/**
 * Lockdown (lockdownd on port 62078 of every iPhone): the 4-byte length + plist framing, a client, pair records and
 * pairing, and the device side for a mock device.
 *
 * <ul>
 * <li>{@link dtxkit.runtime.lockdown.LockdownClient}: {@code QueryType}, {@code GetValue}, {@code StartSession} (then
 *     TLS with the pair record's host certificate), {@code StartService}, {@code StopSession}; typed errors
 *     ({@link dtxkit.runtime.lockdown.LockdownException} and its subclasses say what to do);</li>
 * <li>{@link dtxkit.runtime.lockdown.PairRecord} and {@link dtxkit.runtime.lockdown.PairRecordStore} (usbmuxd, then
 *     the usual folders); {@link dtxkit.runtime.lockdown.Pairing} pairs a new device (Trust dialog included);</li>
 * <li>{@link dtxkit.runtime.lockdown.LockdownServer} answers as lockdownd does, with
 *     {@link dtxkit.runtime.lockdown.PairRecordGenerator} making realistic records and device keys.</li>
 * </ul>
 */
package dtxkit.runtime.lockdown;
