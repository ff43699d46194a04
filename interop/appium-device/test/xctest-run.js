// Runs appium-ios-device's `Xctest` once against the device USBMUXD_SOCKET_ADDRESS leads to, in a process of its
// own, and prints one JSON line per DTX callback it receives on its test session, then {"done": true} when the plan
// finishes. Used by xctest.test.js (run that, not this).
//
// A process of its own because of a client bug: writing the runner's configuration through house_arrest, it ends the
// AFC socket (vendContainer.close()) right after stream.end(), and the write stream's close then writes to the ended
// socket (ERR_STREAM_WRITE_AFTER_END from AfcService.closeFileHandle), an 'error' nobody listens to, and 10 s later
// the wait for that close's reply rejects unhandled. It happens against any device, after the configuration is
// written; this process records both and goes on, and fails on any other uncaught error.

import appium from 'appium-ios-device';

const {Xctest} = appium;
const [udid, runner, target] = process.argv.slice(2);

function print(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

process.on('uncaughtException', (err) => {
  if (err?.code === 'ERR_STREAM_WRITE_AFTER_END' && String(err.stack).includes('closeFileHandle')) {
    print({knownClientBug: 'AFC file handle closed after its socket ended'});
    return;
  }
  if (String(err?.message).includes('Could not finish the operation \'Close file handle')) {
    // The same bug, 10 s later: that close never went out, so its reply never comes.
    print({knownClientBug: 'the reply to that close never comes'});
    return;
  }
  print({error: String(err?.stack ?? err)});
  process.exit(1);
});

/** The arguments of a DTX message as the client decoded them (an array; an empty DTXMessageAux when none). */
function aux(message) {
  const auxiliaries = message.auxiliaries;
  return Array.isArray(auxiliaries) ? auxiliaries : Array.isArray(auxiliaries?.data) ? auxiliaries.data : [];
}

const xctest = new Xctest(udid, runner, target);
// The client creates its test session connection inside start(); listen on it as soon as it exists (before the
// runner is launched), next to the client's own listeners.
const startExecSession = xctest._startExecSession.bind(xctest);
xctest._startExecSession = async (sessionIdentifier) => {
  await startExecSession(sessionIdentifier);
  const session = xctest._execTestPlanSession;
  for (const selector of ['_XCT_testBundleReadyWithProtocolVersion:minimumVersion:', '_XCT_didBeginExecutingTestPlan',
    '_XCT_testSuite:didStartAt:', '_XCT_testCaseDidStartForTestClass:method:',
    '_XCT_testCaseDidFinishForTestClass:method:withStatus:duration:']) {
    session.registerSelectorCallback(selector, (message) => print({selector, aux: aux(message)}));
  }
  session.registerSelectorCallback('_XCT_didFinishExecutingTestPlan', () => {
    print({done: true});
    // A runner still logs a few lines after the end of its plan; stopping at once would make the client answer
    // them on sockets it has ended (the same kind of client bug as above).
    setTimeout(() => {
      xctest.stop();
      setTimeout(() => process.exit(0), 200);
    }, 1500);
  });
};
try {
  await xctest.start();
} catch (err) {
  print({error: String(err?.stack ?? err)});
  process.exit(1);
}
