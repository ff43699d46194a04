/** The device.applictionListing service (Apple's spelling): the installed apps. */
package dtxkit.services.applications;
