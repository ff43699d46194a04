/**
 * A mock iPhone: {@link dtxkit.services.mock.MockDevice} serves RSD and the whole Instruments catalogue on loopback,
 * implemented against the {@code dtxkit.services} interfaces; {@link dtxkit.services.mock.MockDeviceExtension}
 * starts one per JUnit 5 test class and injects it and ready clients.
 */
package dtxkit.services.mock;
