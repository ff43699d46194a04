/**
 * The networking service and the decoding of its interface, connection and update events (sockaddr structs
 * included).
 */
package dtxkit.services.networking;
