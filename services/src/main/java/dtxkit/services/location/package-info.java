/** The LocationSimulation service. */
package dtxkit.services.location;
