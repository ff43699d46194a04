/** The processcontrol service: launch, signal and kill processes; their output and termination as callbacks. */
package dtxkit.services.processcontrol;
