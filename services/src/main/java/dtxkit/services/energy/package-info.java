/** Xcode's debug gauge Energy data provider. */
package dtxkit.services.energy;
