# Sourced by the scripts that run the simulator (demo, bench, release-check).

# start_vbssim BINARY ENV LOG [ARG...]: starts the simulator on a free port of 127.0.0.1 in the background with
# the given arguments, its KEY=value settings going to ENV and its log to LOG; sets sim_pid and returns once
# the simulator is ready, or fails with its log.
start_vbssim() {
  local binary=$1 env=$2 log=$3
  shift 3
  "$binary" -listen 127.0.0.1:0 "$@" >"$env" 2>"$log" &
  sim_pid=$!
  for _ in $(seq 600); do
    grep -q '^VBSSIM_READY=1' "$env" 2>/dev/null && return 0
    kill -0 "$sim_pid" 2>/dev/null || { cat "$log" >&2; echo "the simulator exited" >&2; return 1; }
    sleep 0.1
  done
  echo "the simulator did not start within 60 s" >&2
  return 1
}
