/**
 * The Instruments catalogue for iOS devices: {@link dtxkit.services.Instruments}, a facade for the common jobs over
 * one DTX connection found through RSD, and {@link dtxkit.services.DeviceStream}, the publisher its streams use. The
 * services themselves are declared as {@code @DtxService} interfaces in the sub-packages, one per domain
 * ({@code deviceinfo}, {@code processcontrol}, {@code sysmontap}, ...); {@code dtxkit.services.mock} is a mock
 * device that serves them all.
 */
package dtxkit.services;
