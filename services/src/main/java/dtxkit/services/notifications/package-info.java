/** The mobilenotifications service: app state and memory level notifications. */
package dtxkit.services.notifications;
