package lib;

import dtxkit.annotations.Key;

/** Compiled on its own before the test: two components mapped to one dictionary key. */
public record JarKeys(@Key("CPU") double total, @Key("CPU") double user) {
}
