#!/usr/bin/env bash
# Interop test: appium-ios-device (an independent usbmuxd/lockdown/Instruments/testmanagerd client, from npm) against
# the usbmuxd of `dtxkit mock-device`, for both ways Instruments is reached through lockdown (iOS 15.8 and iOS 13.7),
# and its XCTest client (testmanagerd through lockdown) running the mock's UI-test runner.
#
# Usage: interop/appium-device/run.sh [REPO_ROOT]
# Expects REPO_ROOT/samples/target/dtxkit.jar (built by `mvn -B verify`); builds nothing itself.
# Installs the pinned client with `npm ci`, starts two mock devices, runs test/*.test.js against them, and
# always stops them. Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/mock-device.sh
source "$here/../lib/mock-device.sh"
interop_init interop/appium-device appium-ios-device 3.1.23 "${1:-$here/../..}"
interop_require_node
interop_workdir
interop_npm_ci "see CLIENT-FACTS.md about the bplist-parser override"

say "starting the mock devices"
interop_start_mock 15 --rsd-port 0 --ios 15.8
interop_start_mock 13 --rsd-port 0 --ios 13.7
mock15="$(interop_announcement 15)"
say "mock device: $mock15"
mock13="$(interop_announcement 13)"
say "mock device: $mock13"

status=0
(cd "$here" && DTXKIT_MOCK_DEVICE_15="$mock15" DTXKIT_MOCK_DEVICE_13="$mock13" timeout --kill-after=10 600 \
  node --test --test-force-exit --test-timeout=120000 --test-reporter=spec test/usbmuxd.test.js test/xctest.test.js) \
  || status=$?
interop_mocks_alive || status=1
exit "$status"
