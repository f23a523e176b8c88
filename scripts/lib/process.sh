# Sourced by scripts/control-plane.sh and scripts/node.sh: the long-running processes they
# start, each recorded in a pid file as "<pid> <start time>".
#
# The start time (field 22 of /proc/<pid>/stat, clock ticks after boot) is set at fork and
# survives execve. Checking it rather than the command line means a process counts as
# running from the moment it is forked, even while setsid and nohup exec into the real
# binary (during an execve /proc/<pid>/cmdline reads empty for a moment, and before it the
# parent shell's), and a recycled pid in a stale file never gets signalled.
# PROC_ROOT (default /proc) is the procfs read; tests point it at a folder they build.

# start_time <pid>: prints the process's start time; exit 1 when it is gone or a zombie.
start_time() {
  local stat
  stat=$(cat "${PROC_ROOT:-/proc}/$1/stat" 2>/dev/null) || return 1
  # The fields after the command name, which may itself hold spaces and ")".
  read -r -a stat <<<"${stat##*) }"
  case ${stat[0]:-} in '' | Z | X) return 1 ;; esac
  [ -n "${stat[19]:-}" ] || return 1
  echo "${stat[19]}"
}

# recorded_pid <pidfile>: prints the pid when the recorded process still runs; exit 1 when
# it does not (no file, gone, a zombie, or the pid now another process's).
recorded_pid() {
  local pid= since= now
  [ -f "$1" ] || return 1
  read -r pid since _ <"$1" || true
  [ -n "$pid" ] || return 1
  now=$(start_time "$pid") || return 1
  if [ -n "$since" ]; then
    [ "$now" = "$since" ] || return 1
  else
    # A file written before start times were recorded (a cluster started by an older
    # version): the pid is still its process if that started before the file was written.
    local boot tick written
    boot=$(awk '$1 == "btime" {print $2}' "${PROC_ROOT:-/proc}/stat" 2>/dev/null) && [ -n "$boot" ] || return 1
    tick=$(getconf CLK_TCK) && written=$(stat -c %Y "$1") || return 1
    [ $((boot + now / tick)) -le "$written" ] || return 1
  fi
  echo "$pid"
}

# launch <pidfile> <logfile> <command...>: runs the command in a session of its own (a
# signal to the caller's process group never reaches it), detached from the terminal,
# with its output appended to <logfile>, and records it in <pidfile>.
# The caller must not use job control (set -m): the child would then lead its own process
# group, setsid would fork, and the pid recorded would be the one that exits at once.
launch() {
  local pidfile=$1 log=$2 pid since
  shift 2
  setsid nohup "$@" >>"$log" 2>&1 </dev/null &
  pid=$!
  since=$(start_time "$pid") || since=exited # recorded_pid then reports it gone
  echo "$pid $since" >"$pidfile"
}

# ends_within <pidfile> <checks>: exit 0 once the recorded process has ended, checking every
# 0.2 s up to <checks> times; exit 1 when it still runs.
ends_within() {
  local _
  for _ in $(seq 1 "$2"); do
    recorded_pid "$1" >/dev/null || return 0
    sleep 0.2
  done
  ! recorded_pid "$1" >/dev/null
}

# stop_recorded <pidfile>: stops the recorded process (SIGTERM, then SIGKILL after 10 s)
# and removes <pidfile>; prints the pid it stopped, nothing when none ran. A process that
# outlives SIGKILL by 5 s (stuck in the kernel) keeps its file, with a warning on stderr.
stop_recorded() {
  local pid
  if pid=$(recorded_pid "$1"); then
    kill -TERM "$pid" 2>/dev/null || true
    if ! ends_within "$1" 50; then
      kill -KILL "$pid" 2>/dev/null || true
      if ! ends_within "$1" 25; then
        echo "WARNING: pid $pid ($1) still runs after SIGKILL; its pid file is kept" >&2
        return 0
      fi
    fi
    echo "$pid"
  fi
  rm -f "$1"
}
