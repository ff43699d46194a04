/** The sysmontap service and the decoding of its samples into rows named by attribute. */
package dtxkit.services.sysmontap;
