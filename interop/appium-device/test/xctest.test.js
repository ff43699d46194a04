// appium-ios-device's XCTest client (`Xctest`: testmanagerd through lockdown, the runner launched through
// Instruments' processcontrol, its configuration written into the runner's container through house_arrest) running
// the mock device's installed UI-test runner, unchanged, on both mock devices (iOS 15.8: testmanagerd.lockdown.secure,
// TLS kept; iOS 13.7: testmanagerd.lockdown, TLS handshake then plain DTX). The client runs in a process of its own
// (xctest-run.js says why); every wait is bounded.

import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {test} from 'node:test';

const RUN_TIMEOUT_MS = 90000;
const RUNNER = 'com.example.UITests.xctrunner';
const TARGET = 'com.example.app';

function mockDevice(variable) {
  const line = process.env[variable];
  if (!line) {
    throw new Error(`${variable} is not set: run this through run.sh`);
  }
  return JSON.parse(line);
}

const DEVICES = [
  {...mockDevice('DTXKIT_MOCK_DEVICE_15'), transport: 'unix'},
  {...mockDevice('DTXKIT_MOCK_DEVICE_13'), transport: 'tcp'},
];

/** Runs xctest-run.js against a device; resolves with the JSON lines it printed. */
function run(device) {
  const env = {...process.env,
    USBMUXD_SOCKET_ADDRESS: device.transport === 'unix' ? device.usbmuxd : device.usbmuxdTcp};
  const child = spawn(process.execPath, [new URL('./xctest-run.js', import.meta.url).pathname, device.udid, RUNNER,
    TARGET], {env, stdio: ['ignore', 'pipe', 'pipe']});
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the run did not end within ${RUN_TIMEOUT_MS} ms; it printed:\n${out}\n${err.slice(-4000)}`));
    }, RUN_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      if (code !== 0) {
        reject(new Error(`the run exited with ${code}:\n${out}\n${err.slice(-4000)}`));
      } else {
        resolve(lines);
      }
    });
  });
}

for (const device of DEVICES) {
  const name = `iOS ${device.osVersion} over ${device.transport}`;

  test(`${name}: the UI-test runner's plan through testmanagerd, from launch to its end`, async () => {
    const lines = await run(device);
    const events = lines.filter((l) => l.selector);
    assert.ok(lines.some((l) => l.done), JSON.stringify(lines));
    assert.equal(events[0].selector, '_XCT_testBundleReadyWithProtocolVersion:minimumVersion:');
    assert.ok(events.some((e) => e.selector === '_XCT_didBeginExecutingTestPlan'));
    assert.deepEqual(events.filter((e) => e.selector === '_XCT_testSuite:didStartAt:').map((e) => e.aux[0]),
      ['All tests', 'UITests.xctest', 'LoginTests', 'SearchTests']);
    assert.deepEqual(
      events.filter((e) => e.selector === '_XCT_testCaseDidFinishForTestClass:method:withStatus:duration:')
        .map((e) => `${e.aux[0]}/${e.aux[1]} ${e.aux[2]}`),
      ['UITests.LoginTests/testLogin passed', 'UITests.LoginTests/testLogout passed',
        'UITests.SearchTests/testSearch passed']);
  });
}
