/**
 * The RSD server: {@link dtxkit.runtime.rsd.server.RsdServer} answers as an iPhone does, frame for frame, for the
 * client orders of devicectl, pymobiledevice3 and appium-ios-remotexpc; {@link
 * dtxkit.runtime.rsd.server.RsdCheckinResponder} fronts a mock shim service.
 */
package dtxkit.runtime.rsd.server;
