/**
 * The DTX aux dictionary: the typed primitive values ({@link dtxkit.runtime.auxdict.AuxValue}) a message carries
 * besides its payload, usually the positional arguments of a call, and their codec
 * ({@link dtxkit.runtime.auxdict.AuxCodec}).
 */
package dtxkit.runtime.auxdict;
