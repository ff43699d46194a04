package dtxkit.samples.stubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxMethodDescriptor;
import dtxkit.runtime.internal.DtxBindings;
import dtxkit.runtime.internal.DtxServiceBinding;
import dtxkit.services.Instruments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares generated services with the catalogue's hand-written declarations (read from the processor's bindings,
 * as annotations are not kept at run time): every selector generated is declared there, with the same number of
 * arguments and the same encoding of each (archived object or a raw aux primitive), and the same oneway flag.
 */
final class CatalogueComparison {

  private CatalogueComparison() {
  }

  /** Compares every service compiled into {@code generated} that the catalogue declares; returns their identifiers. */
  static List<String> compare(ClassLoader generated) {
    Map<String, DtxServiceBinding<?, ?>> catalogue = new HashMap<>();
    for (DtxServiceBinding<?, ?> b : DtxBindings.all(Instruments.class.getClassLoader())) {
      if (b.serviceType().getName().startsWith("dtxkit.services.")) {
        catalogue.put(b.identifier(), b);
      }
    }
    List<String> compared = new ArrayList<>();
    for (DtxServiceBinding<?, ?> mine : DtxBindings.all(generated)) {
      if (mine.serviceType().getClassLoader() != generated) {
        continue;
      }
      DtxServiceBinding<?, ?> theirs = catalogue.get(mine.identifier());
      if (theirs == null) {
        continue;
      }
      compare(mine.identifier() + " methods", mine.methods(), theirs.methods());
      compare(mine.identifier() + " callbacks", mine.callbacks(), theirs.callbacks());
      compared.add(mine.identifier());
    }
    compared.sort(null);
    return compared;
  }

  private static void compare(String what, List<DtxMethodDescriptor> generated, List<DtxMethodDescriptor> declared) {
    Map<String, DtxMethodDescriptor> bySelector = new HashMap<>();
    declared.forEach(d -> bySelector.put(d.selector(), d));
    for (DtxMethodDescriptor g : generated) {
      DtxMethodDescriptor d = bySelector.get(g.selector());
      assertTrue(d != null, what + ": " + g.selector() + " is generated but not declared in the catalogue ("
          + bySelector.keySet() + ")");
      assertEquals(d.argumentKinds(), g.argumentKinds(), what + ": encodings of " + g.selector());
      assertEquals(d.oneway(), g.oneway(), what + ": oneway of " + g.selector());
    }
  }
}
