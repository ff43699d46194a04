package com.example.greeter;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;

/** A service of your own: the processor generates its client, its dispatcher and the binding that wires them. */
@DtxService("com.example.greeter")
public interface Greeter {
  @DtxMethod("greet:")
  String greet(String name);
}
