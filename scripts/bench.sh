#!/usr/bin/env bash
# make bench: the provider end to end with Terraform against the local simulator, at 10,000 and
# 100,000 backups (page size 1000), BENCH_RUNS runs of each (default 3), medians printed as a table
# with the targets listed in DESIGN.md's Measurements section. Exits 0 whether or not a target is
# met; non-zero only if something broke. Everything it starts listens on 127.0.0.1 and is stopped on exit.
#
# Per size and run: `terraform plan -refresh=true` (no state) of a configuration holding one data
# source that reads every backup: vbs_backups (bin/terraform-provider-vbs, the fast path),
# vbs_backup_ids, and at the first size vbs_backups on the framework path (the same source built with
# -tags vbs_framework_read); then the floor (scripts/bench/floor): the same pages fetched and decoded
# with encoding/json into maps, timed in-process. At the last size also the two selections the
# provider makes itself: vbs_backup finding the one backup of a snapshot (every page read), and
# vbs_backups with created_after selecting the newest 1,000 (the walk stops after them); the second
# runs with the provider's debug log, whose HTTP lines count its listing requests. Then
# BenchmarkDecodeHostilePage: the live heap that decoding a page of 10,000 copies of one tiny backup
# holds, per byte of the page (target: 16). Last, many data sources: BENCH_MANY vbs_backup data
# sources, one per volume (for_each, volume_id, most_recent: API filters only), beside one vbs_backups
# of the same backups (25 per volume), both with the debug log: listing requests per data source
# (target: 1), the provider's peak RSS and the plan's wall time, printed on their own.
#
# How: Terraform's dev_overrides point at a directory whose terraform-provider-vbs is a shim running
# scripts/bench/measure.py, which runs the real binary as a child (stdio inherited) and records that
# child's rusage from wait4 (CPU user+sys, peak RSS) for every start of the provider. Terraform itself
# runs under measure.py too: wall time, rusage, its own VmHWM sampled from /proc.
#
# Environment:
#   BENCH_RUNS=3                 runs of each case
#   BENCH_SIZES="10000 100000"   backup counts; the first is also the framework path's
#   BENCH_PLAN_TIMEOUT           seconds one plan may take (0: no limit); default 60 + 1 per 1000
#                                backups (70 s at 10,000, 160 s at 100,000: about three times what a
#                                linear plan takes here). A case whose plan times out is not run again
#                                at that size and once only at larger ones; the targets on its plan
#                                fail, those on its provider use that run's figures (see measure.py)
#   BENCH_PROVIDER               the fast-path binary (default bin/terraform-provider-vbs, from make build)
#   BENCH_FRAMEWORK_PROVIDER     the framework-path binary (default: built here with the tag)
#   BENCH_CASES                  the cases to run, of: vbs_backups.fast vbs_backup_ids.fast vbs_backups.framework
#                                vbs_backup.snapshot vbs_backups.recent vbs_backup.many (default all); without
#                                any of the first five, the sizes, the floor and the table are skipped
#   BENCH_MANY=200               data sources (volumes) of vbs_backup.many; e.g. BENCH_CASES=vbs_backup.many
#                                BENCH_MANY=20 BENCH_RUNS=1 for a quick check of that case alone
#   BENCH_KEEP=1                 keep the work directory (plan logs, raw JSON)
#   TF                           terraform on PATH, else bin/tofu
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${BENCH_RUNS:-3}
read -r -a sizes <<<"${BENCH_SIZES:-10000 100000}"
page_size=1000
python=/usr/bin/python3
measure=$root/scripts/bench/measure.py
TF=${TF:-$(command -v terraform || echo "$root/bin/tofu")}
provider=${BENCH_PROVIDER:-$root/bin/terraform-provider-vbs}
framework=${BENCH_FRAMEWORK_PROVIDER:-}
started=$SECONDS

many=${BENCH_MANY:-200}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_RUNS must be a positive integer" >&2; exit 2; }
[[ $many =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_MANY must be a positive integer" >&2; exit 2; }
[[ ${BENCH_PLAN_TIMEOUT:-0} =~ ^[0-9]+$ ]] || { echo "bench: BENCH_PLAN_TIMEOUT must be a number of seconds" >&2; exit 2; }
[ ${#sizes[@]} -ge 1 ] || { echo "bench: BENCH_SIZES is empty" >&2; exit 2; }
for n in "${sizes[@]}"; do [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench: bad size $n" >&2; exit 2; }; done
[ -x "$TF" ] || { echo "bench: no terraform on PATH and no $root/bin/tofu (make tofu)" >&2; exit 1; }
[ -x "$python" ] || { echo "bench: needs $python" >&2; exit 1; }
[ -x "$provider" ] || { echo "bench: no $provider; run 'make build' (make bench does)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/vbs-bench.XXXXXX")
sim_pid='' run_pid=''
# stop_pid PID: SIGTERM, then SIGKILL if it is still there after 5 s; waits for it.
stop_pid() {
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
stop_sim() {
  [ -z "$sim_pid" ] || stop_pid "$sim_pid"
  sim_pid=
}
cleanup() {
  trap - INT TERM
  # measure.py stops Terraform's whole process group on SIGTERM.
  [ -z "$run_pid" ] || stop_pid "$run_pid"
  # Any provider that outlived its Terraform, recognised by its pid and binary.
  if [ -f "$work/provider.pids" ]; then
    while read -r pid bin; do
      [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$bin" ] && kill -KILL "$pid" 2>/dev/null
    done <"$work/provider.pids" || true
  fi
  stop_sim
  if [ "${BENCH_KEEP:-}" = 1 ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "bench [$(date +%T), $((SECONDS - started)) s]: $*" >&2; }

# wanted CASE: whether BENCH_CASES selects a case (all by default).
wanted() {
  [ -z "${BENCH_CASES:-}" ] || [[ " $BENCH_CASES " == *" $1 "* ]]
}
# The sizes, the floor and the table are for the first five cases; vbs_backup.many has its own size.
main_sizes=()
for c in vbs_backups.fast vbs_backup_ids.fast vbs_backups.framework vbs_backup.snapshot vbs_backups.recent; do
  wanted "$c" && main_sizes=("${sizes[@]}")
done
fail() { echo "bench: $*" >&2; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(loadavg)

mkdir -p "$work/bin" "$work/plugins" "$work/results" "$work/logs"
log "building the simulator, the floor and, unless given, the framework-path provider"
(
  cd "$root"
  go build -o "$work/bin/vbssim" ./internal/vbssim/cmd/vbssim
  go build -o "$work/bin/floor" ./scripts/bench/floor
  if [ -z "$framework" ] && wanted vbs_backups.framework; then
    go build -trimpath -tags vbs_framework_read -ldflags "-X main.version=bench-framework" \
      -o "$work/bin/terraform-provider-vbs-framework" .
  fi
) || fail "a build failed"
framework=${framework:-$work/bin/terraform-provider-vbs-framework}
[ -x "$framework" ] || ! wanted vbs_backups.framework || fail "no framework-path provider at $framework"

# The provider Terraform starts: a shim running the binary named by BENCH_PROVIDER_BIN under measure.py.
printf '#!/bin/sh\nexec %s -S %s provider "$@"\n' "$python" "$measure" >"$work/plugins/terraform-provider-vbs"
chmod +x "$work/plugins/terraform-provider-vbs"
# A private CLI configuration: the provider comes from the shim's directory, nothing from a registry.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/terraform-provider-vbs/vbs" = "$work/plugins"
    "registry.opentofu.org/terraform-provider-vbs/vbs" = "$work/plugins"
  }
  direct {}
}
RC
# config NAME: writes config/NAME/main.tf, the provider's header followed by standard input.
config() {
  mkdir -p "$work/config/$1"
  { cat <<'TF'
terraform {
  required_providers {
    vbs = { source = "terraform-provider-vbs/vbs" }
  }
}

provider "vbs" {}

TF
    cat
  } >"$work/config/$1/main.tf"
}

for ds in vbs_backups vbs_backup_ids; do
  attr=backups
  [ "$ds" = vbs_backup_ids ] && attr=ids
  config "$ds" <<TF
# Every backup, $page_size per request.
data "$ds" "all" {
  page_size = $page_size
}

output "count" {
  value = length(data.$ds.all.$attr)
}
TF
done

# The selections the provider makes itself; "count" is how many backups they must select.
config vbs_backup.snapshot <<TF
variable "snapshot_id" {
  type = string
}

# The one backup of a snapshot: no API filter, so every page is read.
data "vbs_backup" "x" {
  snapshot_id = var.snapshot_id
}

output "count" {
  value = data.vbs_backup.x.snapshot_id == var.snapshot_id ? 1 : 0
}
TF
config vbs_backups.recent <<TF
variable "created_after" {
  type = string
}

# The newest 1,000 backups, $page_size per request, default sort: the walk stops after them.
data "vbs_backups" "x" {
  created_after = var.created_after
  page_size     = $page_size
}

output "count" {
  value = length(data.vbs_backups.x.backups)
}
TF
config vbs_backup.many <<TF
variable "volume_ids" {
  type = list(string)
}

# The newest backup of each volume: API filters only, one request each.
data "vbs_backup" "latest" {
  for_each    = toset(var.volume_ids)
  volume_id   = each.value
  most_recent = true
}

output "count" {
  value = length(data.vbs_backup.latest)
}
TF
config vbs_backups.same <<TF
# The same backups in one listing, $page_size per request.
data "vbs_backups" "all" {
  page_size = $page_size
}

output "count" {
  value = length(data.vbs_backups.all.backups)
}
TF

# Only the simulator's endpoint and token reach the provider: no other cloud credentials, no logging.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(OS|HW|TF)_' || true)
export TF_CLI_CONFIG_FILE=$work/terraformrc TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export BENCH_PID_FILE=$work/provider.pids

# shellcheck source=scripts/lib/vbssim.sh
source "$root/scripts/lib/vbssim.sh"
start_sim() { # N
  local env=$work/logs/sim.$1.env
  start_vbssim "$work/bin/vbssim" "$env" "$work/logs/sim.$1.log" -backups "$1" -seed 1 -max-limit "$page_size" \
    || fail "the simulator for $1 backups did not start"
  VBS_ENDPOINT=$(sed -n 's/^VBSSIM_ENDPOINT=//p' "$env")
  OS_TOKEN=$(sed -n 's/^VBSSIM_TOKEN=//p' "$env")
  export VBS_ENDPOINT OS_TOKEN
}

plan_timeout() { # N
  echo "${BENCH_PLAN_TIMEOUT:-$((60 + $1 / 1000))}"
}

# plan NAME RUN CONFIG BINARY N: one measured `terraform plan` of config/CONFIG, whose output count
# must be N. Returns 1 when it timed out. Runs in the background, so that a signal reaches the trap at
# once. With COUNT_REQUESTS=1 the provider logs at debug level, and its listing requests are counted.
plan() {
  local name=$1 i=$2 cfg=$3 bin=$4 n=$5 out=$work/logs/$1.$2.plan.log rc=0 timeout
  timeout=$(plan_timeout "$size")
  local log_env=()
  [ "${COUNT_REQUESTS:-}" = 1 ] && log_env=(TF_LOG_PROVIDER=DEBUG)
  env "${log_env[@]}" BENCH_PROVIDER_BIN="$bin" BENCH_RUSAGE_FILE="$work/results/$name.$i.provider.jsonl" \
    "$python" -S "$measure" run "$work/results/$name.$i.tf.json" "$timeout" \
    "$TF" -chdir="$work/config/$cfg" plan -refresh=true -input=false -lock=false -no-color >"$out" 2>&1 &
  run_pid=$!
  wait "$run_pid" || rc=$?
  run_pid=
  if [ "$rc" = 124 ]; then
    log "$name run $i timed out after $timeout s; not running it again at this size"
    return 1
  fi
  [ "$rc" = 0 ] || { tail -n 40 "$out" >&2; fail "terraform plan of $name failed (run $i, status $rc); log above"; }
  grep -Eq "count *= *$n\$" "$out" || { tail -n 40 "$out" >&2; fail "$name (run $i) did not select $n backups"; }
  if [ "${COUNT_REQUESTS:-}" = 1 ]; then
    grep -c 'HTTP request.*/backups/detail' "$out" >"$work/results/$name.$i.requests" || true
  fi
}

# sample QUERY FIELD: FIELD of the first backup that has one of those the simulator lists for QUERY.
sample() {
  "$python" -S -c '
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/backups/detail?" + sys.argv[2], headers={"X-Auth-Token": sys.argv[3]})
print(next(b[sys.argv[4]] for b in json.load(urllib.request.urlopen(req, timeout=60))["backups"] if b.get(sys.argv[4])))' \
    "$VBS_ENDPOINT" "$1" "$OS_TOKEN" "$2"
}

cases=()
declare -A timed_out=() # "datasource path" -> the size at which it timed out
for n in "${main_sizes[@]}"; do
  log "starting the simulator with $n backups"
  start_sim "$n"
  size=$n
  size_cases=()
  wanted vbs_backups.fast && size_cases+=("vbs_backups fast $provider vbs_backups $n")
  wanted vbs_backup_ids.fast && size_cases+=("vbs_backup_ids fast $provider vbs_backup_ids $n")
  [ "$n" = "${sizes[0]}" ] && wanted vbs_backups.framework && size_cases+=("vbs_backups framework $framework vbs_backups $n")
  if [ "$n" = "${sizes[-1]}" ] && [ "$n" -gt 1000 ]; then
    # A snapshot of a backup in the middle of the listing, and the created_at of the 1,001st newest.
    TF_VAR_snapshot_id=$(sample "sort_key=created_at&sort_dir=desc&limit=20&offset=$((n / 2))" snapshot_id)
    TF_VAR_created_after=$(sample "sort_key=created_at&sort_dir=desc&limit=1&offset=1000" created_at)
    TF_VAR_created_after=${TF_VAR_created_after%Z}Z # the API writes no zone; the time is UTC
    export TF_VAR_snapshot_id TF_VAR_created_after
    wanted vbs_backup.snapshot && size_cases+=("vbs_backup snapshot $provider vbs_backup.snapshot 1")
    wanted vbs_backups.recent && size_cases+=("vbs_backups recent $provider vbs_backups.recent 1000")
  fi
  for c in "${size_cases[@]}"; do
    read -r ds path _ <<<"$c"
    cases+=("\"$ds.$path.$n\"")
  done
  # A plan that is not measured: Terraform, the provider and the simulator's pages warm up.
  BENCH_PROVIDER_BIN=$provider "$python" -S "$measure" run "$work/results/warmup.$n.json" "$(plan_timeout "$n")" \
    "$TF" -chdir="$work/config/vbs_backup_ids" plan -refresh=true -input=false -lock=false -no-color \
    >"$work/logs/warmup.$n.log" 2>&1 &
  run_pid=$!
  wait "$run_pid" || { cat "$work/logs/warmup.$n.log" >&2; fail "the warm-up plan failed"; }
  run_pid=
  for i in $(seq "$runs"); do
    # The cases of one run follow each other, so that drift over the runs touches every case alike.
    for c in "${size_cases[@]}"; do
      read -r ds path bin cfg want <<<"$c"
      # A case whose plan timed out is not run again at that size, and once only at a larger one (the
      # provider's figures of that run still count: see measure.py).
      t=${timed_out[$ds $path]:-}
      if [ -n "$t" ] && { [ "$t" = "$n" ] || [ "$i" -gt 1 ]; }; then continue; fi
      log "$n backups, run $i/$runs: $ds ($path path)"
      count=0
      [ "$path" = recent ] && count=1
      COUNT_REQUESTS=$count plan "$ds.$path.$n" "$i" "$cfg" "$bin" "$want" || timed_out[$ds $path]=$n
    done
    log "$n backups, run $i/$runs: floor"
    "$work/bin/floor" -endpoint "$VBS_ENDPOINT" -token "$OS_TOKEN" -page-size "$page_size" \
      >>"$work/results/floor.$n.jsonl" || fail "the floor failed"
    tail -n 1 "$work/results/floor.$n.jsonl" | grep -q "\"backups\":$n," || fail "the floor did not read $n backups"
  done
  stop_sim
done

if [ ${#main_sizes[@]} -gt 0 ]; then
# The decoder's memory on a hostile page: a Go benchmark, which samples the live heap as it decodes.
log "decoding a hostile page (BenchmarkDecodeHostilePage)"
(cd "$root" && go test -run '^$' -bench '^BenchmarkDecodeHostilePage$' -benchtime 3x ./internal/vbs/) \
  >"$work/logs/hostile-page.log" 2>&1 || { cat "$work/logs/hostile-page.log" >&2; fail "the hostile-page benchmark failed"; }
awk '/^BenchmarkDecodeHostilePage/ {
       for (i = 2; i < NF; i++) { if ($(i + 1) == "live-B/body-B") live = $i; if ($(i + 1) == "body-B") body = $i }
     }
     END { if (live == "" || body == "") exit 1; printf "{\"live_per_body_byte\": %s, \"body_bytes\": %s}\n", live, body }' \
  "$work/logs/hostile-page.log" >"$work/results/hostile-page.json" || fail "no figures in the hostile-page benchmark's output"

cat >"$work/results/meta.json" <<JSON
{"tf": "$("$TF" version | head -n 1)", "runs": $runs, "page_size": $page_size, "cpus": $(nproc),
 "provider": "$provider", "framework": "$framework",
 "load_start": "$load_start", "load_end": "$(loadavg)",
 "sizes": [$(IFS=,; echo "${sizes[*]}")], "cases": [$(IFS=,; echo "${cases[*]}")]}
JSON
"$python" -S "$measure" report "$work/results" || fail "the report failed"
fi

# Many data sources: one vbs_backup per volume, 25 backups each, beside one listing of them all.
if wanted vbs_backup.many; then
  n=$((many * 25))
  size=$n
  log "starting the simulator with $n backups for $many vbs_backup data sources"
  start_sim "$n"
  # The volumes that hold backups (all of them, but for a volume the generator's draw left empty).
  "$python" -S -c '
import json, sys, urllib.parse, urllib.request
endpoint, token, out = sys.argv[1:4]
volumes, query = set(), {"limit": "1000"}
while True:
    req = urllib.request.Request(endpoint + "/backups/detail?" + urllib.parse.urlencode(query), headers={"X-Auth-Token": token})
    page = json.load(urllib.request.urlopen(req, timeout=60))
    volumes.update(b["volume_id"] for b in page["backups"])
    if len(page["backups"]) < 1000:
        break
    query["marker"] = page["backups"][-1]["id"]
with open(out, "w") as f:
    json.dump({"volume_ids": sorted(volumes)}, f)
print(len(volumes))' "$VBS_ENDPOINT" "$OS_TOKEN" "$work/config/vbs_backup.many/terraform.tfvars.json" >"$work/logs/many.volumes" \
    || fail "listing the simulator's volumes failed"
  volumes=$(cat "$work/logs/many.volumes")
  for i in $(seq "$runs"); do
    log "$many volumes ($volumes with backups), run $i/$runs: $volumes vbs_backup, then one vbs_backups"
    COUNT_REQUESTS=1 plan "vbs_backup.many.$n" "$i" vbs_backup.many "$provider" "$volumes" || fail "the plan timed out"
    COUNT_REQUESTS=1 plan "vbs_backups.same.$n" "$i" vbs_backups.same "$provider" "$n" || fail "the plan timed out"
  done
  stop_sim
  "$python" -S "$measure" many "$work/results" "$volumes" "$n" || fail "the report of the many data sources failed"
fi
echo "total: $((SECONDS - started)) s ($runs runs of ${main_sizes[*]:-no} backups; $(wanted vbs_backup.many && echo "$many" || echo no) vbs_backup data sources)"
