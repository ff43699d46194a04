package com.example.greeter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dtxkit.services.mock.MockDeviceExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GreeterTest {
  @RegisterExtension
  static final MockDeviceExtension MOCK =
      MockDeviceExtension.configured(b -> b.service(Greeter.class, name -> "hello, " + name));

  @Test
  void theMockDeviceServesIt(Greeter greeter) {        // a generated client, connected through RSD and DTX
    assertEquals("hello, Ada", greeter.greet("Ada"));
  }
}
