package dtxkit.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The service the loopback tests serve: echoes, fails on request, pushes notifications and data back. */
final class TestService implements DtxServiceHandler {

  static final String ID = "dtxkit.test.echo";

  final DtxChannel channel;
  final LinkedBlockingQueue<DtxInvocation> received = new LinkedBlockingQueue<>();
  /** Released by tests to let a "block" call return. */
  final CountDownLatch unblock = new CountDownLatch(1);
  final CountDownLatch blocked = new CountDownLatch(1);

  TestService(DtxChannel channel) {
    this.channel = channel;
  }

  @Override
  public Object handle(DtxInvocation invocation) throws Exception {
    received.add(invocation);
    List<Object> args = invocation.arguments();
    return switch (invocation.selector()) {
      case "echo:" -> args.get(0);
      case "arguments:::::::" -> new ArrayList<>(args);
      case "nothing", "killPid:" -> null;
      case "fail" -> throw new DtxRemoteException("TestDomain", 42, "it failed on purpose");
      case "boom" -> throw new IllegalStateException("handler bug");
      case "pushNotification:" -> {
        channel.sendNotification(args.get(0));
        yield null;
      }
      case "pushData:" -> {
        channel.sendData((byte[]) args.get(0));
        yield null;
      }
      case "pushBytes:" -> {
        channel.sendData(new byte[((Number) args.get(0)).intValue()]);
        yield "queued";
      }
      case "block" -> {
        blocked.countDown();
        unblock.await(30, TimeUnit.SECONDS);
        yield "unblocked";
      }
      case "channelCode" -> channel.code();
      case "whoami:" -> List.of(channel.code(), args.get(0));
      default -> throw DtxUnrecognizedSelectorException.forSelector(invocation.selector(), "TestService");
    };
  }
}
