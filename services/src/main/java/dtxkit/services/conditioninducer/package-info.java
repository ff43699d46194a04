/** The ConditionInducer service: simulated network and thermal conditions. */
package dtxkit.services.conditioninducer;
