#!/usr/bin/env bash
# Interop test: appium-ios-device (an independent usbmuxd/lockdown/Instruments client, from npm) against the usbmuxd of
# `dtxkit mock-device`, for both ways Instruments is reached through lockdown (iOS 15.8 and iOS 13.7).
#
# Usage: interop/appium-device/run.sh [REPO_ROOT]
# Expects REPO_ROOT/samples/target/dtxkit.jar (built by `mvn -B verify`); builds nothing itself.
# Installs the pinned client with `npm ci`, starts two mock devices, runs test/usbmuxd.test.js against them, and
# always stops them. Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "${1:-$here/../..}" && pwd)"
jar="$root/samples/target/dtxkit.jar"
startup_seconds=60

say() { printf 'interop/appium-device: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[[ -f "$jar" ]] || die "$jar not found: build it first with 'mvn -B verify' (or package the samples module)"
command -v java >/dev/null || die "java not found"
command -v node >/dev/null || die "node not found"
command -v npm >/dev/null || die "npm not found"
# appium-ios-device 3.1.23 declares node ^20.19 || ^22.12 || >= 24.
node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24 ? 0 : 1);' \
  || die "node $(node --version) is too old: appium-ios-device 3.1.23 needs ^20.19, ^22.12 or >= 24"

work="$(mktemp -d "${TMPDIR:-/tmp}/dtxkit-interop-appium-device.XXXXXX")"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if ((status != 0)); then
    for log in "$work"/mock-*.err; do
      [[ -s "$log" ]] || continue
      say "$(basename "$log") (last 50 lines):"
      tail -n 50 "$log" >&2
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# npm's package cache may stay shared (it is only a download cache); everything else lives in $work.
export npm_config_cache="${npm_config_cache:-${HOME:-$work}/.npm}"
export HOME="$work/home"
mkdir -p "$HOME"

say "npm ci (node $(node --version), npm $(npm --version))"
(cd "$here" && npm ci --no-audit --no-fund)
(cd "$here" && node --input-type=module -e "await import('appium-ios-device')") \
  || die "appium-ios-device does not load (see CLIENT-FACTS.md about the bplist-parser override)"

# The first stdout line (the JSON announcement) of the mock device started with pid $1 writing to $2.
announcement() {
  local pid="$1" out="$2"
  for _ in $(seq 1 $((startup_seconds * 10))); do
    if [[ "$(wc -l <"$out")" -ge 1 ]]; then
      head -n 1 "$out"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { say "a mock device exited before announcing itself"; return 1; }
    sleep 0.1
  done
  say "a mock device printed no first line within ${startup_seconds} s"
  return 1
}

say "starting the mock devices"
java -jar "$jar" mock-device --rsd-port 0 --ios 15.8 >"$work/mock-15.out" 2>"$work/mock-15.err" &
pids+=("$!")
java -jar "$jar" mock-device --rsd-port 0 --ios 13.7 >"$work/mock-13.out" 2>"$work/mock-13.err" &
pids+=("$!")
mock15="$(announcement "${pids[0]}" "$work/mock-15.out")"
say "mock device: $mock15"
mock13="$(announcement "${pids[1]}" "$work/mock-13.out")"
say "mock device: $mock13"

status=0
(cd "$here" && DTXKIT_MOCK_DEVICE_15="$mock15" DTXKIT_MOCK_DEVICE_13="$mock13" timeout --kill-after=10 600 \
  node --test --test-force-exit --test-timeout=120000 --test-reporter=spec test/usbmuxd.test.js) \
  || status=$?
for pid in "${pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || { say "a mock device died during the tests"; status=1; }
done
exit "$status"
