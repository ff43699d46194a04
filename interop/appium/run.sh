#!/usr/bin/env bash
# Interop test: appium-ios-remotexpc (an independent RSD/DTX client, from npm) against `dtxkit mock-device`.
#
# Usage: interop/appium/run.sh [REPO_ROOT]
# Expects REPO_ROOT/samples/target/dtxkit.jar (built by `mvn -B verify`); builds nothing itself.
# Installs the pinned client with `npm ci`, starts the mock device, runs the tests in test/ against it,
# and always stops the mock device. Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "${1:-$here/../..}" && pwd)"
jar="$root/samples/target/dtxkit.jar"
startup_seconds=60

say() { printf 'interop/appium: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[[ -f "$jar" ]] || die "$jar not found: build it first with 'mvn -B verify' (or package the samples module)"
command -v java >/dev/null || die "java not found"
command -v node >/dev/null || die "node not found"
command -v npm >/dev/null || die "npm not found"
# appium-ios-remotexpc 5.19.0 declares node ^20.19 || ^22.12 || >=24 (and the test runner flags below need it).
node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24 ? 0 : 1);' \
  || die "node $(node --version) is too old: appium-ios-remotexpc 5.19.0 needs ^20.19, ^22.12 or >= 24"

# The client loads a native add-on (appium-ios-tuntap) whose prebuilt Linux binary needs glibc 2.38;
# on older systems npm compiles it from source, which needs a compiler, make and python3.
missing=()
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]} to build the client's native add-on"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  else
    die "missing ${missing[*]} (needed to build the client's native add-on); install them or run as root"
  fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/dtxkit-interop-appium.XXXXXX")"
mock_pid=""
proxy_pid=""
cleanup() {
  local status=$?
  if [[ -n "$proxy_pid" ]] && kill -0 "$proxy_pid" 2>/dev/null; then
    kill -TERM "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
  fi
  if [[ -n "$mock_pid" ]] && kill -0 "$mock_pid" 2>/dev/null; then
    kill -TERM "$mock_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$mock_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$mock_pid" 2>/dev/null && kill -KILL "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  if ((status != 0)) && [[ -s "$work/mock-device.err" ]]; then
    say "mock device stderr (last 50 lines):"
    tail -n 50 "$work/mock-device.err" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# npm's package cache may stay shared (it is only a download cache); everything else lives in $work.
export npm_config_cache="${npm_config_cache:-${HOME:-$work}/.npm}"
# The client keeps state under the user's data directory: never the real one.
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config"
export XDG_CACHE_HOME="$work/home/.cache" XDG_STATE_HOME="$work/home/.local/state"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
export DTXKIT_INTEROP_HOME="$HOME"
# Build the add-on against the local Node headers (Debian's nodejs ships them in /usr/include/node)
# instead of downloading them.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node_api.h ]]; then
  export npm_config_nodedir=/usr
fi
export APPIUM_IOS_REMOTEXPC_LOG_LEVEL="${APPIUM_IOS_REMOTEXPC_LOG_LEVEL:-warn}"

say "npm ci (node $(node --version), npm $(npm --version))"
(cd "$here" && npm ci --no-audit --no-fund)
(cd "$here" && node --input-type=module -e "await import('appium-ios-remotexpc')") \
  || die "appium-ios-remotexpc does not load (its native add-on did not build?)"

say "starting the mock device"
java -jar "$jar" mock-device --rsd-port 0 >"$work/mock-device.out" 2>"$work/mock-device.err" &
mock_pid=$!
announcement=""
for _ in $(seq 1 $((startup_seconds * 10))); do
  # A whole first line: the announcement ends with a newline.
  if [[ "$(wc -l <"$work/mock-device.out")" -ge 1 ]]; then
    announcement="$(head -n 1 "$work/mock-device.out")"
    break
  fi
  kill -0 "$mock_pid" 2>/dev/null || die "the mock device exited before announcing itself"
  sleep 0.1
done
[[ -n "$announcement" ]] || die "the mock device printed no first line within ${startup_seconds} s"
say "mock device: $announcement"

status=0
# Every client call in the tests has its own bound; these bound the run as a whole, and --test-force-exit
# ends it even if a connection the client failed to close would keep Node alive.
(cd "$here" && DTXKIT_MOCK_DEVICE="$announcement" timeout --kill-after=10 900 \
  node --test --test-force-exit --test-timeout=120000 --test-reporter=spec test/mock-device.test.js) \
  || status=$?
kill -0 "$mock_pid" 2>/dev/null || { say "the mock device died during the tests"; status=1; }
((status == 0)) || exit "$status"

# The same tests through `dtxkit proxy` (its first line has the announcement's shape, with its own ports); the
# recording must then decode whole, with messages both ways, and give stubs.
field() { node -e 'process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))' "$1" "$2"; }
say "starting dtxkit proxy in front of the mock device"
java -jar "$jar" proxy --rsd "$(field "$announcement" rsdHost)" "$(field "$announcement" rsdPort)" \
  -o "$work/session.dtxrec" >"$work/proxy.out" 2>"$work/proxy.err" &
proxy_pid=$!
proxied=""
for _ in $(seq 1 $((startup_seconds * 10))); do
  if [[ "$(wc -l <"$work/proxy.out")" -ge 1 ]]; then
    proxied="$(head -n 1 "$work/proxy.out")"
    break
  fi
  kill -0 "$proxy_pid" 2>/dev/null || { cat "$work/proxy.err" >&2; die "the proxy exited before announcing itself"; }
  sleep 0.1
done
[[ -n "$proxied" ]] || die "the proxy printed no first line within ${startup_seconds} s"
say "proxy: $proxied"
# All but the killPid: test, which reads "the next message" on processcontrol and so races the launched process's
# output event (sent 20 ms after the launch reply) with the client's next request: with the proxy's extra hop the
# event can come first. It runs directly above.
(cd "$here" && DTXKIT_MOCK_DEVICE="$proxied" timeout --kill-after=10 900 \
  node --test --test-force-exit --test-timeout=120000 --test-reporter=spec \
    --test-name-pattern='^(?!processcontrol killPid:)' test/mock-device.test.js) \
  || die "the tests failed through the proxy"
kill -TERM "$proxy_pid" && wait "$proxy_pid" || true
proxy_pid=""
java -jar "$jar" decode "$work/session.dtxrec" >"$work/session.jsonl" \
  || die "the proxy's recording does not decode: $(tail -n 3 "$work/session.jsonl")"
for direction in toDevice fromDevice; do
  grep -q "\"direction\":\"$direction\",\"time\"" "$work/session.jsonl" \
    || die "the proxy's recording has no $direction message"
done
java -jar "$jar" stubs --package interop.found -o "$work/stubs" "$work/session.dtxrec" >/dev/null \
  || die "dtxkit stubs failed on the proxy's recording"
say "through the proxy: $(grep -c '"direction"' "$work/session.jsonl") messages recorded, $(find "$work/stubs" -name '*.java' | wc -l) interfaces generated"
exit 0
