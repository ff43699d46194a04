# Shared by the interop tests (interop/*/run.sh): sourced, never run. It checks the tools, makes a private work
# folder, installs the pinned npm client, starts `dtxkit mock-device` (and other dtxkit) processes, reads their
# first line (a mock device's JSON announcement, the proxy's), and always stops them (with their stderr shown when
# the run failed).
#
#   here=...; interop_init NAME CLIENT_PACKAGE CLIENT_VERSION REPO_ROOT
#   interop_require_node          # node ^20.19 || ^22.12 || >= 24, as the pinned clients declare
#   interop_workdir               # $work, removed on exit; HOME points into it
#   interop_npm_ci [HINT]         # npm ci in $here, then check the client loads
#   interop_start_mock ID ARGS... # java -jar dtxkit.jar mock-device ARGS... (stdout/stderr in $work/mock-ID.*)
#   line="$(interop_announcement ID)"
#   interop_mocks_alive || status=1
#   interop_start NAME ARGS...    # java -jar dtxkit.jar ARGS... (stdout/stderr in $work/NAME.*), e.g. the proxy
#   line="$(interop_first_line NAME)"
#   interop_stop_named NAME       # stops it now (it is stopped on exit anyway)
# shellcheck shell=bash

interop_startup_seconds=60
interop_pids=()
interop_names=()

say() { printf '%s: %s\n' "$interop_name" "$*" >&2; }
die() { say "$*"; exit 1; }

# NAME (for messages), the npm package of the client and its pinned version, the repository root.
interop_init() {
  interop_name="$1"
  interop_client="$2"
  interop_client_version="$3"
  root="$(cd "$4" && pwd)"
  jar="$root/samples/target/dtxkit.jar"
  [[ -f "$jar" ]] || die "$jar not found: build it first with 'mvn -B verify' (or package the samples module)"
  command -v java >/dev/null || die "java not found"
  command -v node >/dev/null || die "node not found"
  command -v npm >/dev/null || die "npm not found"
}

interop_require_node() {
  node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24 ? 0 : 1);' \
    || die "node $(node --version) is too old: $interop_client $interop_client_version needs ^20.19, ^22.12 or >= 24"
}

interop_stop() {
  local pid="$1"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}

interop_cleanup() {
  local status=$?
  for pid in "${interop_pids[@]}"; do
    interop_stop "$pid"
  done
  if ((status != 0)); then
    for log in "$work"/*.err; do
      [[ -s "$log" ]] || continue
      say "$(basename "$log") (last 50 lines):"
      tail -n 50 "$log" >&2
    done
  fi
  rm -rf "$work"
  exit "$status"
}

# A private work folder ($work) removed on exit, the mock devices stopped on exit, and HOME inside it: the clients
# keep state under the user's home, never the real one. npm's download cache may stay shared.
interop_workdir() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/dtxkit-${interop_name//\//-}.XXXXXX")"
  trap interop_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  export npm_config_cache="${npm_config_cache:-${HOME:-$work}/.npm}"
  export HOME="$work/home"
  mkdir -p "$HOME"
}

# Installs the pinned client (package-lock.json in $here) and checks it loads; $1 says what to look at if not.
interop_npm_ci() {
  say "npm ci (node $(node --version), npm $(npm --version))"
  (cd "$here" && npm ci --no-audit --no-fund)
  (cd "$here" && node --input-type=module -e "await import('$interop_client')") \
    || die "$interop_client does not load${1:+ ($1)}"
}

# Starts `java -jar dtxkit.jar ARGS...` as the process NAME (stdout and stderr in $work/NAME.out and .err).
interop_start() {
  local name="$1"
  shift
  java -jar "$jar" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  interop_pids+=("$!")
  interop_names+=("$name")
}

# Starts a mock device named ID with the given mock-device options.
interop_start_mock() {
  local id="$1"
  shift
  interop_start "mock-$id" mock-device "$@"
}

# The pid of the process NAME, or nothing.
interop_pid_of() {
  local i
  for i in "${!interop_names[@]}"; do
    [[ "${interop_names[$i]}" == "$1" ]] && echo "${interop_pids[$i]}"
  done
  return 0
}

# Prints the first stdout line of the process NAME, waiting for it.
interop_first_line() {
  local name="$1" pid
  pid="$(interop_pid_of "$name")"
  [[ -n "$pid" ]] || { say "no $name was started"; return 1; }
  local out="$work/$name.out"
  for _ in $(seq 1 $((interop_startup_seconds * 10))); do
    # A whole first line: the announcement ends with a newline. The shell that started the process may not have
    # opened the file yet.
    if [[ -f "$out" && "$(wc -l <"$out")" -ge 1 ]]; then
      head -n 1 "$out"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { say "$name exited before announcing itself"; return 1; }
    sleep 0.1
  done
  say "$name printed no first line within ${interop_startup_seconds} s"
  return 1
}

# Prints the first stdout line (the JSON announcement) of mock device ID, waiting for it.
interop_announcement() {
  interop_first_line "mock-$1"
}

# Stops the process NAME now (SIGTERM, then SIGKILL after 5 s).
interop_stop_named() {
  local pid
  pid="$(interop_pid_of "$1")"
  [[ -z "$pid" ]] || interop_stop "$pid"
}

# Fails (returns 1, saying which) when a mock device died during the tests.
interop_mocks_alive() {
  local alive=0 i
  for i in "${!interop_pids[@]}"; do
    [[ "${interop_names[$i]}" == mock-* ]] || continue
    kill -0 "${interop_pids[$i]}" 2>/dev/null || { say "${interop_names[$i]} died during the tests"; alive=1; }
  done
  return "$alive"
}
