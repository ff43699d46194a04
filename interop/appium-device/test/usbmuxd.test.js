// appium-ios-device, an independent usbmuxd + lockdown + Instruments client, against `dtxkit mock-device`'s usbmuxd.
//
// Two mock devices run: one plays iOS 15.8 (Instruments through lockdown's DVTSecureSocketProxy, TLS kept), reached
// through its usbmuxd's Unix socket; one plays iOS 13.7 (com.apple.instruments.remoteserver: a TLS handshake, then
// plain DTX), reached through its usbmuxd's TCP port. The client reads USBMUXD_SOCKET_ADDRESS on every call, so each
// test points it at the device it drives. The client waits forever in places: every call is bounded here.

import assert from 'node:assert/strict';
import {test} from 'node:test';

import appium from 'appium-ios-device';

const {utilities, services, INSTRUMENT_CHANNEL} = appium;
const CALL_TIMEOUT_MS = 30000;

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

/** Points the client at a device's usbmuxd: the bare path, or host:port (the two forms the client reads). */
function use(device) {
  process.env.USBMUXD_SOCKET_ADDRESS = device.transport === 'unix' ? device.usbmuxd : device.usbmuxdTcp;
}

async function within(what, promise, ms = CALL_TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

for (const device of DEVICES) {
  const name = `iOS ${device.osVersion} over ${device.transport}`;

  test(`${name}: the device is listed`, async () => {
    use(device);
    const udids = await within('getConnectedDevices', utilities.getConnectedDevices());
    assert.deepEqual(udids, [device.udid]);
  });

  test(`${name}: lockdown values, without and within a TLS session`, async () => {
    use(device);
    assert.equal(await within('getOSVersion', utilities.getOSVersion(device.udid)), device.osVersion);
    assert.equal(await within('getDeviceName', utilities.getDeviceName(device.udid)), 'dtxkit mock iPhone');
    const info = await within('getDeviceInfo', utilities.getDeviceInfo(device.udid));
    assert.equal(info.UniqueDeviceID, device.udid);
    assert.equal(info.ProductVersion, device.osVersion);
    assert.match(info.ProductType, /^iPhone\d+,\d+$/);
    // Within a session, one request only: after enableSessionSSL the client pipes its frame splitter into its
    // decoder a second time, so it reads every later reply twice (a client bug; see CLIENT-FACTS.md).
    const lockdown = await within('startLockdownSession', utilities.startLockdownSession(device.udid));
    try {
      assert.equal(await within('GetValue in session', lockdown.getValue({Key: 'UniqueDeviceID'})), device.udid);
    } finally {
      lockdown.close();
    }
  });

  test(`${name}: the process list and a launch through Instruments`, async () => {
    use(device);
    const instruments = await within('startInstrumentService', services.startInstrumentService(device.udid));
    try {
      const listing = await within('runningProcesses',
        instruments.callChannel(INSTRUMENT_CHANNEL.DEVICE_INFO, 'runningProcesses'));
      const processes = listing.selector;
      assert.ok(Array.isArray(processes), `runningProcesses answered ${JSON.stringify(processes)}`);
      assert.ok(processes.some((p) => p.name === 'SpringBoard'), 'SpringBoard runs');
      const launched = await within('launch',
        instruments.callChannel(INSTRUMENT_CHANNEL.PROCESS_CONTROL,
          'launchSuspendedProcessWithDevicePath:bundleIdentifier:environment:arguments:options:',
          '', 'com.apple.mobilesafari', {}, [], {StartSuspendedKey: 0, KillExisting: 1}));
      const pid = launched.selector;
      assert.equal(typeof pid, 'number', `the launch answered ${JSON.stringify(pid)}`);
      assert.ok(pid > 0);
      const after = await within('runningProcesses after launch',
        instruments.callChannel(INSTRUMENT_CHANNEL.DEVICE_INFO, 'runningProcesses'));
      assert.ok(after.selector.some((p) => p.pid === pid && p.name === 'MobileSafari'),
        `pid ${pid} is MobileSafari`);
    } finally {
      instruments.close();
    }
  });

  test(`${name}: installation_proxy lists apps with their paths`, async () => {
    use(device);
    const proxy = await within('startInstallationProxyService',
      services.startInstallationProxyService(device.udid));
    try {
      const apps = await within('Browse', proxy.listApplications({applicationType: 'System'}));
      assert.equal(apps['com.apple.mobilesafari'].Path, '/Applications/MobileSafari.app');
      const found = await within('Lookup', proxy.lookupApplications({bundleIds: 'com.apple.Maps'}));
      assert.deepEqual(Object.keys(found), ['com.apple.Maps']);
    } finally {
      proxy.close();
    }
  });

  test(`${name}: syslog_relay streams lines`, async () => {
    use(device);
    const syslog = await within('startSyslogService', services.startSyslogService(device.udid));
    try {
      const line = await within('a syslog line', new Promise((resolve) => syslog.start(resolve)));
      assert.match(line, /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ \S+\[\d+\] <\w+>: /);
    } finally {
      syslog.close();
    }
  });
}
