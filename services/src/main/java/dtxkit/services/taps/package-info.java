/** The activitytracetap and coreprofilesessiontap services, whose raw DATA streams are handed out as byte chunks. */
package dtxkit.services.taps;
