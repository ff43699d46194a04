// appium-ios-remotexpc, an independent RemoteXPC/DTX client, against `dtxkit mock-device`.
//
// The client finds DTX the way it does for a real iPhone: it reads the RSD catalogue itself
// (discoverServices), the catalogue goes into its own tunnel registry, and Services.startDVTService
// opens the advertised port. Each test opens its own DVT connection so that one failure (a reply
// that never comes leaves a waiter pending in the client) cannot spill into the next test.
//
// The assertions are limited to what this client can report: it decodes NSError replies loosely
// and leaves output-event arguments archived (client-side limitations no server can fix).

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {Services, discoverServices, servicesToCatalog, startTunnelRegistryServer} from 'appium-ios-remotexpc';

import {
  DTSERVICEHUB,
  TEST_TIMEOUT_MS,
  archivedRoot,
  freePort,
  looksLikeNSError,
  mockDeviceFromEnv,
  show,
  within,
} from '../support.js';

const DEVICE_INFO = 'com.apple.instruments.server.services.deviceinfo';
const PROCESS_CONTROL = 'com.apple.instruments.server.services.processcontrol';
const SCREENSHOT = 'com.apple.instruments.server.services.screenshot';
const CONDITION_INDUCER = 'com.apple.instruments.server.services.ConditionInducer';
const SAFARI = 'com.apple.mobilesafari';
const SIGKILL = 9;

const device = mockDeviceFromEnv();
let registry;

before(async () => {
  // The registry entry's catalogue is the one the client reads over RSD, not the announcement's.
  const services = await within('discoverServices', discoverServices(device.udid, device.rsdHost, device.rsdPort));
  const now = Date.now();
  const entry = {
    udid: device.udid,
    deviceId: 1,
    address: device.rsdHost,
    rsdPort: device.rsdPort,
    services: servicesToCatalog(services),
    connectionType: 'USB',
    productId: 4776,
    createdAt: now,
    lastUpdated: now,
  };
  const tunnels = {[device.udid]: entry};
  registry = await within('startTunnelRegistryServer', startTunnelRegistryServer(
    {tunnels, metadata: {lastUpdated: new Date(now).toISOString(), totalTunnels: 1, activeTunnels: 1}},
    await freePort()));
});

after(async () => {
  await registry?.stop();
});

/** Runs `body` with a fresh DVT connection and closes it afterwards, whatever happens. */
async function withDvt(body) {
  const dvt = await within('Services.startDVTService', Services.startDVTService(device.udid));
  try {
    return await body(dvt);
  } finally {
    await within('dvtService.close', dvt.dvtService.close());
  }
}

/** Sends `selector` (no arguments) on `channel` and returns the decoded reply. */
async function rawCall(channel, selector) {
  const id = await within(`send ${selector}`, channel.call(selector)());
  return within(`reply to ${selector}`, channel.receiveReply(id));
}

/** The process list, as the client reports it. */
async function processList(dvt) {
  return within('deviceInfo.proclist', dvt.deviceInfo.proclist());
}

/** Polls the process list until `pid` is gone; the bound is a number of polls, not a time. */
async function awaitGone(dvt, pid) {
  for (let poll = 0; poll < 50; poll++) {
    const running = await within(`deviceInfo.isRunningPid(${pid})`, dvt.deviceInfo.isRunningPid(pid));
    if (running === false && !(await processList(dvt)).some((p) => p.pid === pid)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`pid ${pid} still runs (isRunningPid and runningProcesses) after 50 polls`);
}

test('RSD discovery: the catalogue lists the announced services on their ports', {timeout: TEST_TIMEOUT_MS},
  async () => {
    const services = await within('discoverServices', discoverServices(device.udid, device.rsdHost, device.rsdPort));
    const byName = new Map(services.map((s) => [s.serviceName, s.port]));
    assert.equal(byName.get(DTSERVICEHUB), String(device.services[DTSERVICEHUB]), show(services));
    for (const [name, port] of Object.entries(device.services)) {
      assert.equal(byName.get(name), String(port), `${name} in the RSD catalogue ${show(services)}`);
    }
  });

test('DTX handshake: the service hub publishes the services it hosts as capabilities', {timeout: TEST_TIMEOUT_MS},
  async () => {
    // The connection reaches the port the client read over RSD, through its own registry.
    await withDvt(async (dvt) => {
      const identifiers = dvt.dvtService.getSupportedIdentifiers();
      for (const service of [DEVICE_INFO, PROCESS_CONTROL, SCREENSHOT, CONDITION_INDUCER]) {
        assert.ok(service in identifiers, `${service} in the published capabilities ${show(identifiers)}`);
      }
    });
  });

test('deviceinfo runningProcesses: a plausible process list', {timeout: TEST_TIMEOUT_MS}, async () => {
  await withDvt(async (dvt) => {
    const processes = await processList(dvt);
    assert.ok(processes.length >= 5, `only ${processes.length} processes`);
    for (const p of processes) {
      // The client reads 1-, 2- and 4-byte bplist integers as signed, although Apple's format (and so a
      // device) writes them unsigned: pids 128-255 come out negative. A client-side bug, so only integers here.
      assert.ok(Number.isInteger(p.pid), `pid of ${show(p)}`);
      assert.equal(typeof p.name, 'string', `name of ${show(p)}`);
      assert.ok(p.name.length > 0, `name of ${show(p)}`);
    }
    const pids = processes.map((p) => p.pid);
    assert.equal(new Set(pids).size, pids.length, `duplicate pids in ${pids}`);
    assert.ok(processes.some((p) => p.pid === 1 && p.name === 'launchd'), 'launchd is pid 1');
  });
});

test('deviceinfo machTimeInfo: [machAbsoluteTime, numer, denom, continuous, systemTime, timeZone]', {timeout: TEST_TIMEOUT_MS}, async () => {
  await withDvt(async (dvt) => {
    const first = await within('deviceInfo.machTimeInfo', dvt.deviceInfo.machTimeInfo());
    const second = await within('deviceInfo.machTimeInfo', dvt.deviceInfo.machTimeInfo());
    for (const info of [first, second]) {
      assert.ok(Array.isArray(info) && info.length >= 3, show(info));
      for (const n of info.slice(0, 3)) {
        assert.ok(typeof n === 'number' || typeof n === 'bigint', show(info));
      }
      assert.ok(Number(info[1]) > 0 && Number(info[2]) > 0, `timebase ${show(info)}`);
      // then, as on a device: continuous time, system time (fractional seconds since 1970), time zone name
      assert.equal(info.length, 6, show(info));
      assert.ok(Number(info[3]) >= Number(info[0]), `continuous time ${show(info)}`);
      assert.ok(Math.abs(Number(info[4]) - Date.now() / 1000) < 3600, `system time ${show(info)}`);
      assert.equal(typeof info[5], 'string', `time zone ${show(info)}`);
    }
    assert.ok(BigInt(second[0]) >= BigInt(first[0]), `mach time went back: ${show(first)} then ${show(second)}`);
  });
});

test('deviceinfo execnameForPid: names the processes of the process list', {timeout: TEST_TIMEOUT_MS}, async () => {
  await withDvt(async (dvt) => {
    // Only pids the client read right (see the process list test).
    const processes = (await processList(dvt)).filter((p) => p.pid >= 0 && p.pid < 128);
    assert.ok(processes.length >= 3, `processes with small pids: ${show(processes)}`);
    for (const p of processes) {
      const execname = await within(`deviceInfo.execnameForPid(${p.pid})`, dvt.deviceInfo.execnameForPid(p.pid));
      assert.equal(typeof execname, 'string', `execname of ${show(p)}: ${show(execname)}`);
      assert.ok(execname.length > 0, `execname of ${show(p)}`);
      // The executable's path, as runningProcesses reports it in realAppName, or else its name.
      const expected = typeof p.realAppName === 'string' ? p.realAppName : p.name;
      assert.ok(execname === expected || execname.endsWith(`/${p.name}`), `execname ${execname} for ${show(p)}`);
    }
  });
});

test('deviceinfo traceCodesFile: a large table, fragmented on the wire', {timeout: TEST_TIMEOUT_MS}, async () => {
  await withDvt(async (dvt) => {
    const codes = await within('deviceInfo.traceCodes', dvt.deviceInfo.traceCodes());
    const entries = Object.entries(codes);
    assert.ok(entries.length >= 1000, `only ${entries.length} trace codes`);
    for (const [code, name] of entries) {
      assert.match(code, /^0x[0-9a-fA-F]+$/, `code ${code}`);
      assert.ok(name.trim().length > 0, `name of ${code}`);
    }
    // The size in text, as the client received it: hundreds of KiB means several DTX fragments.
    const text = entries.map(([code, name]) => `${code}\t${name}`).join('\n');
    assert.ok(text.length > 128 * 1024, `trace codes text only ${text.length} bytes`);
    // The connection is still in step after reassembling a fragmented reply.
    assert.ok((await processList(dvt)).length > 0);
  });
});

test('an unknown selector answers with an NSError and the channel stays usable', {timeout: TEST_TIMEOUT_MS},
  async () => {
    await withDvt(async (dvt) => {
      const channel = await within('makeChannel(deviceinfo)', dvt.dvtService.makeChannel(DEVICE_INFO));
      const reply = await rawCall(channel, 'dtxkitNoSuchSelector');
      assert.ok(looksLikeNSError(reply), `reply ${show(reply)}`);
      assert.match(show(reply), /dtxkitNoSuchSelector/, 'the error names the selector');
      assert.ok((await processList(dvt)).length > 0, 'the same channel answers afterwards');
    });
  });

test('requests sent back to back on one channel are answered in request order', {timeout: TEST_TIMEOUT_MS},
  async () => {
    // Releases before 5.19 took the next message on the channel as the reply: a large, slow reply
    // first, then two small ones, must still come back in that order.
    await withDvt(async (dvt) => {
      const channel = await within('makeChannel(deviceinfo)', dvt.dvtService.makeChannel(DEVICE_INFO));
      for (const selector of ['traceCodesFile', 'machKernelName', 'machTimeInfo']) {
        await within(`send ${selector}`, channel.call(selector)());
      }
      const codes = await within('first reply', channel.receivePlist());
      const kernel = await within('second reply', channel.receivePlist());
      const time = await within('third reply', channel.receivePlist());
      assert.equal(typeof codes, 'string', 'traceCodesFile answered first');
      assert.ok(codes.length > 128 * 1024, `traceCodesFile is ${codes.length} characters`);
      assert.equal(typeof kernel, 'string', `machKernelName answered second: ${show(kernel)}`);
      assert.ok(kernel.length > 0 && kernel.length < 1024, `machKernelName: ${show(kernel)}`);
      assert.match(kernel, /^\/.*\.release\.t\d+$/, 'a device names its kernel file');
      assert.ok(Array.isArray(time), `machTimeInfo answered third: ${show(time)}`);
    });
  });

test('processcontrol launch: a pid, the process runs, and its output arrives as events', {timeout: TEST_TIMEOUT_MS},
  async () => {
    await withDvt(async (dvt) => {
      const pid = await within(`launch ${SAFARI}`, dvt.processControl.launch({bundleId: SAFARI}));
      assert.ok(Number.isInteger(pid) && pid > 0, `pid ${pid}`);
      const launched = (await processList(dvt)).find((p) => p.pid === pid);
      assert.ok(launched, `pid ${pid} is in runningProcesses`);
      assert.equal(await within(`isRunningPid(${pid})`, dvt.deviceInfo.isRunningPid(pid)), true);

      const events = dvt.processControl.outputEvents();
      const outputs = [];
      // The first event for this pid is enough; every event must have the documented shape. The client
      // leaves archived arguments archived (and so reports no time for an archived one): read the roots.
      while (outputs.length === 0) {
        const next = await within('processControl.outputEvents', events.next());
        assert.equal(next.done, false, 'the output event stream ended');
        const event = next.value;
        const message = archivedRoot(event.message);
        const from = archivedRoot(event.pid);
        assert.equal(typeof message, 'string', `output ${show(event)}`);
        assert.ok(Number.isInteger(from), `pid in ${show(event)}`);
        if (from === pid) {
          outputs.push(message);
        }
      }
      assert.ok(outputs[0].length > 0, 'an output event carries text');
    });
  });

test('processcontrol sendSignal:toPid: SIGKILL ends a launched process', {timeout: TEST_TIMEOUT_MS}, async () => {
  await withDvt(async (dvt) => {
    const pid = await within(`launch ${SAFARI}`, dvt.processControl.launch({bundleId: SAFARI}));
    assert.equal(await within(`isRunningPid(${pid})`, dvt.deviceInfo.isRunningPid(pid)), true);
    const reply = await within(`signal(${pid}, ${SIGKILL})`, dvt.processControl.signal(pid, SIGKILL));
    assert.ok(!looksLikeNSError(reply), `sendSignal:toPid: answered ${show(reply)}`);
    await awaitGone(dvt, pid);
  });
});

test('processcontrol killPid: ends a process and is not answered', {timeout: TEST_TIMEOUT_MS},
  async () => {
    await withDvt(async (dvt) => {
      const pid = await within(`launch ${SAFARI}`, dvt.processControl.launch({bundleId: SAFARI}));
      assert.equal(await within(`isRunningPid(${pid})`, dvt.deviceInfo.isRunningPid(pid)), true);
      await within(`kill(${pid})`, dvt.processControl.kill(pid));
      // killPid: asks for no reply. Read the next request's reply the way older clients do, as the next
      // message on the channel: a stray reply to killPid: would be taken instead of it.
      const channel = await within('makeChannel(processcontrol)', dvt.dvtService.makeChannel(PROCESS_CONTROL));
      await within('send dtxkitNoSuchSelector', channel.call('dtxkitNoSuchSelector')());
      let next = await within('next message on processcontrol', channel.receivePlist());
      // The launched process's output event (the mock sends one 20 ms after the launch reply) may come first, on
      // the same channel, before the request's reply: it is a notification, not a reply, so it is passed over. A
      // stray reply to killPid: is not.
      for (let passed = 0; typeof next === 'string' && next.startsWith('outputReceived:') && passed < 8; passed++) {
        next = await within('next message on processcontrol', channel.receivePlist());
      }
      assert.ok(looksLikeNSError(next) && /dtxkitNoSuchSelector/.test(show(next)),
        `the next message on the channel after killPid: is ${show(next)}`);
      await awaitGone(dvt, pid);
    });
  });

test('processcontrol launch of a bundle that is not installed fails with the device error', {timeout: TEST_TIMEOUT_MS},
  async () => {
    await withDvt(async (dvt) => {
      const bundleId = 'dtxkit.interop.not.installed';
      await assert.rejects(
        within(`launch ${bundleId}`, dvt.processControl.launch({bundleId})),
        (error) => {
          assert.match(error.message, /^Failed to launch process: /);
          assert.match(error.message, /dtxkit\.interop\.not\.installed/, 'the error names the bundle');
          return true;
        });
      assert.ok((await processList(dvt)).length > 0, 'the connection answers afterwards');
    });
  });

test('screenshot: a PNG image', {timeout: TEST_TIMEOUT_MS}, async () => {
  await withDvt(async (dvt) => {
    const png = await within('screenshot.getScreenshot', dvt.screenshot.getScreenshot());
    assert.ok(Buffer.isBuffer(png));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.ok(width > 0 && height > 0, `${width}x${height}`);
    assert.equal(png.toString('latin1', png.length - 8, png.length - 4), 'IEND', 'the image is complete');
  });
});

test('condition inducer: list the profiles, enable one, disable it', {timeout: TEST_TIMEOUT_MS}, async () => {
  await withDvt(async (dvt) => {
    const groups = await within('conditionInducer.list', dvt.conditionInducer.list());
    assert.ok(groups.length > 0, 'condition groups');
    for (const group of groups) {
      assert.equal(typeof group.identifier, 'string', show(group));
      assert.ok(Array.isArray(group.profiles) && group.profiles.length > 0, show(group));
      for (const profile of group.profiles) {
        assert.equal(typeof profile.identifier, 'string', show(profile));
        assert.equal(typeof profile.description, 'string', show(profile));
      }
    }
    const group = groups[0];
    const profile = group.profiles[0];
    await within(`conditionInducer.set(${profile.identifier})`, dvt.conditionInducer.set(profile.identifier));

    const channel = await within('makeChannel(ConditionInducer)',
      dvt.dvtService.makeChannel(CONDITION_INDUCER));
    // With a condition active, disabling it succeeds (true); with none, it is an NSError.
    assert.equal(await rawCall(channel, 'disableActiveCondition'), true, 'disable the active condition');
    const again = await rawCall(channel, 'disableActiveCondition');
    assert.ok(looksLikeNSError(again), `disable with none active: ${show(again)}`);
    // The client's own disable() accepts that NSError as "nothing to disable".
    await within('conditionInducer.disable', dvt.conditionInducer.disable());
  });
});

test('close: one _channelCanceled: for every open channel, and the device serves the next client',
  {timeout: TEST_TIMEOUT_MS}, async () => {
    const dvt = await within('Services.startDVTService', Services.startDVTService(device.udid));
    try {
      // Open several channels so that close() cancels more than one code in a single message.
      await processList(dvt);
      await within('screenshot.getScreenshot', dvt.screenshot.getScreenshot());
      await within('conditionInducer.list', dvt.conditionInducer.list());
    } finally {
      await within('dvtService.close', dvt.dvtService.close());
    }
    await withDvt(async (next) => {
      assert.ok((await processList(next)).length > 0, 'a new connection after close() is served');
    });
  });
