/**
 * The deviceinfo service: processes, names, device information, the sysmon attribute names and the trace code
 * table.
 */
package dtxkit.services.deviceinfo;
