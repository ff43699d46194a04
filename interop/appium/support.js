// Helpers for driving appium-ios-remotexpc against `dtxkit mock-device`.
//
// The client waits without a timeout in several places (the DTX handshake, every reply, the output
// event stream), so every call the tests make goes through `within`, which fails the test with the
// name of the call instead of letting it hang.

import net from 'node:net';
import os from 'node:os';

/** Bound on any single client call. A loopback mock device answers in milliseconds. */
export const CALL_TIMEOUT_MS = 15_000;

/** Bound on a whole test, above the sum of the calls it makes. */
export const TEST_TIMEOUT_MS = 90_000;

export const DTSERVICEHUB = 'com.apple.instruments.dtservicehub';

/**
 * Reads the mock device's announcement: the first stdout line of `dtxkit mock-device`, handed over by
 * run.sh in DTXKIT_MOCK_DEVICE. Throws when it is missing or not the documented shape.
 */
export function mockDeviceFromEnv() {
  const line = process.env.DTXKIT_MOCK_DEVICE;
  if (!line) {
    throw new Error('DTXKIT_MOCK_DEVICE is not set: run these tests through interop/appium/run.sh');
  }
  const device = JSON.parse(line);
  if (typeof device.rsdHost !== 'string' || !Number.isInteger(device.rsdPort) || typeof device.udid !== 'string'
      || typeof device.services !== 'object' || !Number.isInteger(device.services?.[DTSERVICEHUB])) {
    throw new Error(`mock-device announcement is not {rsdHost, rsdPort, udid, services{${DTSERVICEHUB}}}: ${line}`);
  }
  // The client keeps state (the tunnel registry port) under the user's data directory; never let a
  // test write into a real home.
  if (!process.env.DTXKIT_INTEROP_HOME || os.homedir() !== process.env.DTXKIT_INTEROP_HOME) {
    throw new Error('HOME must be the temporary directory run.sh made (DTXKIT_INTEROP_HOME)');
  }
  return device;
}

/**
 * Settles like `promise`, or rejects after `ms` with an error naming `what`.
 * The timer never keeps the process alive on its own.
 */
export async function within(what, promise, ms = CALL_TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A TCP port free on 127.0.0.1 at the time of the call. */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const {port} = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether `value` is an NSKeyedArchiver plist the client left undecoded. */
export function isKeyedArchive(value) {
  return value !== null && typeof value === 'object' && value.$archiver === 'NSKeyedArchiver'
      && Array.isArray(value.$objects);
}

/**
 * The root of an NSKeyedArchiver plist when that root is a plain value (string or number), which is
 * all the output-event arguments are. appium-ios-remotexpc hands those arguments over still archived
 * (a client-side limitation), so the tests read the root themselves; anything else is returned as is.
 */
export function archivedRoot(value) {
  if (!isKeyedArchive(value)) {
    return typeof value === 'bigint' ? Number(value) : value;
  }
  const root = value.$top?.root;
  const index = typeof root === 'number' ? root : root?.CF$UID;
  if (!Number.isInteger(index) || index < 0 || index >= value.$objects.length) {
    throw new Error(`archive has no usable $top.root: ${JSON.stringify(value.$top)}`);
  }
  const object = value.$objects[index];
  return typeof object === 'bigint' ? Number(object) : object;
}

/** Whether a decoded reply looks like an NSError as the client decodes one. */
export function looksLikeNSError(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
      && ['NSCode', 'NSUserInfo', 'NSDomain'].some((key) => key in value);
}

/** JSON with bigint and Buffer made printable, for assertion messages. */
export function show(value) {
  return JSON.stringify(value, (_, v) => {
    if (typeof v === 'bigint') {
      return `${v}n`;
    }
    if (v && v.type === 'Buffer' && Array.isArray(v.data)) {
      return `<${v.data.length} bytes>`;
    }
    return v;
  });
}
