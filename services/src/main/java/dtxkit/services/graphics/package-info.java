/** The graphics.opengl service: FPS and GPU counters. */
package dtxkit.services.graphics;
