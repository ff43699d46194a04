/** The screenshot service. */
package dtxkit.services.screenshot;
