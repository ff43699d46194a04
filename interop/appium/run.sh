#!/usr/bin/env bash
# Interop test: appium-ios-remotexpc (an independent RSD/DTX client, from npm) against `dtxkit mock-device`.
#
# Usage: interop/appium/run.sh [REPO_ROOT]
# Expects REPO_ROOT/samples/target/dtxkit.jar (built by `mvn -B verify`); builds nothing itself.
# Installs the pinned client with `npm ci`, starts the mock device, runs the tests in test/ against it,
# and always stops the mock device. Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/mock-device.sh
source "$here/../lib/mock-device.sh"
# appium-ios-remotexpc 5.19.0 declares node ^20.19 || ^22.12 || >=24 (and the test runner flags below need it).
interop_init interop/appium appium-ios-remotexpc 5.19.0 "${1:-$here/../..}"
interop_require_node

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

interop_workdir
# The client keeps state under the user's data directories: never the real ones (HOME is already in $work).
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config"
export XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.local/state"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
export DTXKIT_INTEROP_HOME="$HOME"
# Build the add-on against the local Node headers (Debian's nodejs ships them in /usr/include/node)
# instead of downloading them.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node_api.h ]]; then
  export npm_config_nodedir=/usr
fi
export APPIUM_IOS_REMOTEXPC_LOG_LEVEL="${APPIUM_IOS_REMOTEXPC_LOG_LEVEL:-warn}"
interop_npm_ci "its native add-on did not build?"

say "starting the mock device"
interop_start_mock device --rsd-port 0
announcement="$(interop_announcement device)"
say "mock device: $announcement"

status=0
# Every client call in the tests has its own bound; these bound the run as a whole, and --test-force-exit
# ends it even if a connection the client failed to close would keep Node alive.
(cd "$here" && DTXKIT_MOCK_DEVICE="$announcement" timeout --kill-after=10 900 \
  node --test --test-force-exit --test-timeout=120000 --test-reporter=spec test/mock-device.test.js) \
  || status=$?
interop_mocks_alive || status=1
((status == 0)) || exit "$status"

# The same tests through `dtxkit proxy` (its first line has the announcement's shape, with its own ports); the
# recording must then decode whole, with messages both ways, and give stubs.
field() { node -e 'process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))' "$1" "$2"; }
say "starting dtxkit proxy in front of the mock device"
interop_start proxy proxy --rsd "$(field "$announcement" rsdHost)" "$(field "$announcement" rsdPort)" \
  -o "$work/session.dtxrec"
proxied="$(interop_first_line proxy)"
say "proxy: $proxied"
(cd "$here" && DTXKIT_MOCK_DEVICE="$proxied" timeout --kill-after=10 900 \
  node --test --test-force-exit --test-timeout=120000 --test-reporter=spec test/mock-device.test.js) \
  || die "the tests failed through the proxy"
interop_stop_named proxy
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
