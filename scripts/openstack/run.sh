#!/usr/bin/env bash
# Acceptance tests of the vbs provider against a real OpenStack on 127.0.0.1:
# Debian 12's Keystone and Cinder API (2023.1), sqlite databases, no message queue, no backup service.
#
#   make testacc-openstack            (= bash scripts/openstack/run.sh; the working directory does not matter)
#
# Phases, each timed (the durations are printed at the end, pass or fail):
#   install   apt-get python3-cinder python3-keystone sqlite3 when one is missing (root; a policy-rc.d
#             that exits 101 keeps services from starting and is removed / restored afterwards)
#   servers   configuration in a fresh `mktemp -d` directory; Keystone (sqlite + WAL, fernet, bcrypt
#             rounds 4, bootstrap: admin, RegionOne, identity endpoint) and Cinder's schema side by side;
#             then Keystone (scripts/openstack/keystone_wsgi.py) and two Cinder APIs of RegionOne on one
#             database: auth_strategy = keystone and auth_strategy = noauth; and a third Cinder API
#             (keystone) on a database of its own for RegionTwo (a copy of the fresh schema)
#   provision projects vbs-demo and vbs-other, their users (role member; the demo user in both), an
#             admin of vbs-demo (vbs-admin), the cinder service user, region RegionTwo, the catalog
#             (block-storage, volumev3, volumev2 in RegionOne; block-storage, volumev3 in RegionTwo),
#             an application credential, a token
#   seed      backups straight into both Cinder databases (scripts/openstack/seed.py), one transaction
#             each
#   ready     the three Cinder APIs answer
#   provider  waits for the OpenStack Terraform provider, built from the Go module proxy into a
#             filesystem mirror since the start (scripts/build-openstack-provider.sh; cached after the
#             first build), for the test that plans the restore guide's example with both providers
#   smoke     every auth method, both regions and the admin's view checked with plain HTTP
#             (scripts/openstack/smoke.py)
#   compile   waits for the test binary, compiled in the background since the start
#   test      go test ./internal/provider/ -run "${RUN:-TestAccOpenStack}" -count=1 -v -timeout 20m $GO_TEST_FLAGS
# Every server listens on 127.0.0.1 on a free port and every request goes to 127.x. Every process
# the script starts runs in its own process group and is stopped on exit, Ctrl-C or TERM. The logs
# stay in <tmp dir>/logs; on failure the whole directory stays and the tail of every log is printed.
#
# Knobs (environment):
#   RUN=<regexp>            go test -run pattern (default TestAccOpenStack)
#   GO_TEST_FLAGS="..."     extra go test flags, appended
#   VBS_ACC_HOLD=1          set everything up, then keep the servers running instead of testing; print
#                           `source <dir>/env.sh` for another shell; Ctrl-C / TERM stops them. There,
#                           `/usr/bin/python3 scripts/openstack/smoke.py --facts` prints what the real
#                           servers do with paging, microversions and bad input
#   VBS_ACC_KEEP_WORKDIR=1  keep the whole temp directory on success too
#   VBS_ACC_SKIP_INSTALL=1  never call apt-get (fail if a package is missing)
#   TF_ACC_TERRAFORM_PATH   the Terraform CLI (default: terraform, else tofu, on PATH, else bin/tofu built
#                           by scripts/build-cli.sh tofu from the Go module proxy; never downloaded otherwise)
#
# Environment contract of the tests (exported before go test; also written to <dir>/env.sh):
#   TF_ACC=1, TF_ACC_TERRAFORM_PATH (with tofu also TF_ACC_PROVIDER_HOST=registry.opentofu.org and
#   TF_ACC_PROVIDER_NAMESPACE), CHECKPOINT_DISABLE=1 (Terraform never phones home),
#   TF_CLI_CONFIG_FILE (an empty file), NO_PROXY/no_proxy=127.0.0.1,localhost; every OS_* and HW_*
#   variable and VBS_ENDPOINT are unset so the provider's environment fallbacks cannot leak in.
#   VBS_ACC_OPENSTACK=1             this environment is up (the tests skip without it)
#   Keystone (the Cinder behind it has auth_strategy = keystone and is in the catalog):
#     VBS_ACC_OS_AUTH_URL             http://127.0.0.1:PORT/v3
#     VBS_ACC_OS_REGION_NAME          RegionOne
#     VBS_ACC_OS_USERNAME, VBS_ACC_OS_USER_ID, VBS_ACC_OS_PASSWORD         demo user (role member of
#                                     the demo project and of the other project)
#     VBS_ACC_OS_ADMIN_USERNAME, VBS_ACC_OS_ADMIN_USER_ID, VBS_ACC_OS_ADMIN_PASSWORD   vbs-admin, role
#                                     admin in the demo project: Cinder's all_tenants=1 lists every
#                                     project's backups for it (for a member Cinder ignores it)
#     VBS_ACC_OS_PROJECT_NAME, VBS_ACC_OS_PROJECT_ID                       demo project
#     VBS_ACC_OS_USER_DOMAIN_NAME, VBS_ACC_OS_PROJECT_DOMAIN_NAME          Default
#     VBS_ACC_OS_DOMAIN_ID            default
#     VBS_ACC_OS_APP_CRED_ID, VBS_ACC_OS_APP_CRED_NAME, VBS_ACC_OS_APP_CRED_SECRET   the demo user's
#     VBS_ACC_OS_TOKEN                a token of the demo user scoped to the demo project (valid 4 h)
#     VBS_ACC_OS_TOKEN_EXPIRES_AT     its expiry
#     VBS_ACC_CINDER_URL              http://127.0.0.1:PORT, that Cinder's root (version document)
#     VBS_ACC_CINDER_ENDPOINT         http://127.0.0.1:PORT/v3/<demo project id>, the catalog's URL
#     VBS_ACC_CINDER_PUBLIC_ENDPOINT  http://127.0.0.2:9: that Cinder's public_endpoint, so its next,
#                                     self and bookmark links name this dead address (as a Cinder
#                                     behind a proxy does) and a client must page on its own endpoint
#   RegionTwo (a second Keystone-protected Cinder with a database of its own, in the catalog only
#   under this region; its backups exist nowhere else):
#     VBS_ACC_REGION_TWO              RegionTwo
#     VBS_ACC_REGION_TWO_CINDER_URL   http://127.0.0.1:PORT, its root
#     VBS_ACC_REGION_TWO_TOTAL, VBS_ACC_REGION_TWO_OTHER_TOTAL   its backups of each project
#     VBS_ACC_REGION_TWO_NAME_PREFIX  the prefix of all their names (no RegionOne backup has it)
#   The second project (its backups must never show up in the demo project):
#     VBS_ACC_OTHER_PROJECT_NAME, VBS_ACC_OTHER_PROJECT_ID, VBS_ACC_OTHER_USERNAME,
#     VBS_ACC_OTHER_USER_ID, VBS_ACC_OTHER_PASSWORD, VBS_ACC_OTHER_SEEDED_TOTAL,
#     VBS_ACC_OTHER_UNIQUE_NAME, VBS_ACC_OTHER_UNIQUE_ID   the one backup of either project with that name
#   Cinder with auth_strategy = noauth (same database; accepts any token "user:project" as an admin):
#     VBS_ACC_NOAUTH_URL              http://127.0.0.1:PORT
#     VBS_ACC_NOAUTH_ENDPOINT         http://127.0.0.1:PORT/v3/<demo project id>
#     VBS_ACC_NOAUTH_TOKEN            <demo user id>:<demo project id>
#     VBS_ACC_NOAUTH_OTHER_ENDPOINT, VBS_ACC_NOAUTH_OTHER_TOKEN   the same for the other project
#   Seeded data (scripts/openstack/seed.py; deterministic apart from Keystone's ids):
#     VBS_ACC_SEEDED_TOTAL            visible backups of the demo project (2537)
#     VBS_ACC_KNOWN_BACKUP_ID         the backup whose every field is fixed (KNOWN in seed.py)
#     VBS_ACC_KNOWN_PARENT_ID, VBS_ACC_KNOWN_CHILD_ID, VBS_ACC_KNOWN_VOLUME_ID   its chain
#     VBS_ACC_FILTER_NAME, VBS_ACC_FILTER_NAME_COUNT       a name 7 demo backups share (other project too)
#     VBS_ACC_FILTER_VOLUME_ID, VBS_ACC_FILTER_VOLUME_COUNT   a volume with many demo backups
#     VBS_ACC_FILTER_COMBINED_COUNT   backups with FILTER_NAME, status available and FILTER_VOLUME_ID
#     VBS_ACC_SORT_VOLUME_ID, VBS_ACC_SORT_VOLUME_COUNT   a volume with about 130 backups, for sorting
#     VBS_ACC_STATUS_COUNTS           "available=N,error=N,...,error_restoring=0": all seven statuses
#     VBS_ACC_NULL_NAME_COUNT         demo backups whose name is null
#     VBS_ACC_METADATA_ROWS           rows seeded into backup_metadata
#   VBS_ACC_OPENSTACK_PROVIDER_MIRROR   a Terraform filesystem mirror holding the OpenStack provider
#                                       (version in scripts/cli-versions)
#   VBS_ACC_ADMIN_USER_ID (bootstrap's admin), VBS_ACC_CINDER_SERVICE_USER_ID, VBS_ACC_WORKDIR
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
PY=/usr/bin/python3            # Debian's interpreter, whatever python3 comes first on PATH
PACKAGES=(python3-cinder python3-keystone sqlite3)
POLICY_RC=/usr/sbin/policy-rc.d

T_START=$(date +%s.%N)
PHASES=()
PHASE=""
PHASE_T0=""
PIDS=()                        # every process group started, for stop_all
declare -A PID=()              # the same by name
POLICY_RC_STATE=""             # while our policy-rc.d is in place: "created" or "replaced"
WORK=""
STATUS=1                       # 0 once the run succeeded (or is holding)

log() { printf '[openstack %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

phase() {  # phase NAME: ends the running phase (if any), starts NAME (if not empty)
  local t; t=$(now)
  if [[ -n $PHASE ]]; then PHASES+=("$(printf '%-10s %6s' "$PHASE" "$(secs "$PHASE_T0" "$t")")"); fi
  PHASE=$1; PHASE_T0=$t
  if [[ -n $PHASE ]]; then log "phase: $PHASE"; fi
}

print_phases() {
  local t p; t=$(now)
  if [[ -n $PHASE ]]; then
    PHASES+=("$(printf '%-10s %6s (unfinished)' "$PHASE" "$(secs "$PHASE_T0" "$t")")"); PHASE=""
  fi
  log "durations (s):"
  for p in "${PHASES[@]}"; do printf '    %s\n' "$p" >&2; done
  printf '    %-10s %6s\n' total "$(secs "$T_START" "$t")" >&2
}

restore_policy_rc() {
  case $POLICY_RC_STATE in
    created) rm -f "$POLICY_RC" ;;
    replaced) mv -f "$WORK/policy-rc.d.orig" "$POLICY_RC" ;;
  esac
  POLICY_RC_STATE=""
}

stop_all() {  # TERM to every process group we started, KILL after 10 s
  local pid alive
  ((${#PIDS[@]})) || return 0
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    for pid in "${PIDS[@]}"; do if kill -0 -- "-$pid" 2>/dev/null; then alive=1; fi; done
    ((alive)) || break
    sleep 0.2
  done
  for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  PIDS=()
}

cleanup() {
  local rc=$? f
  set +e
  trap - EXIT INT TERM
  if [[ $STATUS == 0 ]]; then rc=0; elif [[ $STATUS != 1 ]]; then rc=$STATUS; elif [[ $rc == 0 ]]; then rc=1; fi
  restore_policy_rc
  stop_all
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ $rc != 0 ]]; then
      for f in "$WORK"/logs/*; do
        [[ -s $f ]] || continue
        printf '\n===== tail -n 30 %s =====\n' "$f" >&2
        tail -n 30 "$f" >&2
      done
      printf '\n' >&2
      log "FAILED (exit $rc); everything kept in $WORK"
    elif [[ ${VBS_ACC_KEEP_WORKDIR:-0} == 1 ]]; then
      log "kept $WORK"
    else
      find "$WORK" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
      log "logs kept in $WORK/logs"
    fi
  fi
  print_phases
  exit "$rc"
}
trap cleanup EXIT
# In VBS_ACC_HOLD mode (STATUS=0 by then) Ctrl-C / TERM is the normal way out.
trap 'log "interrupted"; [[ $STATUS == 0 ]] || STATUS=130; exit 130' INT
trap 'log "terminated"; [[ $STATUS == 0 ]] || STATUS=143; exit 143' TERM

start_bg() {  # start_bg NAME CMD...: CMD in its own process group (pid = pgid), output in logs/NAME.out
  local name=$1; shift
  setsid "$@" >"$WORK/logs/$name.out" 2>&1 </dev/null &
  PIDS+=("$!")
  PID[$name]=$!
}

wait_http() {  # wait_http NAME PID URL SECONDS: until URL answers with any HTTP status
  $PY - "$@" <<'PYEOF' || die "$1 did not answer on $3 (see $WORK/logs/$1.*)"
import os, sys, time, urllib.error, urllib.request
name, pid, url, limit = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
deadline = time.monotonic() + limit
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("%s exited" % name)
    try:
        urllib.request.urlopen(url, timeout=2).read()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("%s: no answer from %s within %ss" % (name, url, limit))
PYEOF
}

# ---------------------------------------------------------------------------------------------
# Preconditions

export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export CHECKPOINT_DISABLE=1
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(OS_|HW_)' || true)
unset VBS_ENDPOINT

command -v go >/dev/null || die "go is not on PATH"
# The Terraform CLI: TF_ACC_TERRAFORM_PATH, else terraform or tofu on PATH, else <repo>/bin/tofu,
# built from the Go module proxy by scripts/build-cli.sh in the background (minutes, once).
BUILD_TOFU=0
if [[ -z ${TF_ACC_TERRAFORM_PATH:-} ]]; then
  TF_ACC_TERRAFORM_PATH=$(command -v terraform || command -v tofu || true)
  if [[ -z $TF_ACC_TERRAFORM_PATH ]]; then
    [[ -f $REPO_ROOT/scripts/build-cli.sh ]] \
      || die "no Terraform CLI: put terraform (or tofu) on PATH or set TF_ACC_TERRAFORM_PATH; it is never downloaded"
    TF_ACC_TERRAFORM_PATH=$REPO_ROOT/bin/tofu
    BUILD_TOFU=1
  fi
fi
export TF_ACC_TERRAFORM_PATH
if [[ $(basename "$TF_ACC_TERRAFORM_PATH") == tofu* ]]; then
  # OpenTofu resolves the provider's source address on its own registry host (as `make test-tofu`).
  export TF_ACC_PROVIDER_HOST=${TF_ACC_PROVIDER_HOST:-registry.opentofu.org}
  export TF_ACC_PROVIDER_NAMESPACE=${TF_ACC_PROVIDER_NAMESPACE:-terraform-provider-vbs}
fi

WORK=$(mktemp -d -t vbs-openstack.XXXXXX)
mkdir -p "$WORK/logs" "$WORK/keystone" "$WORK/cinder/state" "$WORK/cinder/lock"
log "work directory: $WORK"
cd "$REPO_ROOT"

# Compile the tests (and OpenTofu, if needed) while apt and the servers get ready; modules come
# from the Go module proxy.
start_bg build-openstack-provider bash "$REPO_ROOT/scripts/build-openstack-provider.sh"
if [[ ${VBS_ACC_HOLD:-0} != 1 ]]; then
  start_bg go-build go test -count=1 -run '^$' ./internal/provider/
  if ((BUILD_TOFU)); then
    log "no terraform or tofu on PATH: building OpenTofu into bin/tofu (scripts/build-cli.sh tofu)"
    start_bg build-tofu bash "$REPO_ROOT/scripts/build-cli.sh" tofu
  fi
fi

# ---------------------------------------------------------------------------------------------
phase install
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  [[ ${VBS_ACC_SKIP_INSTALL:-0} != 1 ]] || die "missing packages: ${missing[*]} (VBS_ACC_SKIP_INSTALL=1)"
  [[ $(id -u) == 0 ]] || die "missing packages ${missing[*]}: run as root, or apt-get install them first"
  log "installing ${PACKAGES[*]} (missing: ${missing[*]})"
  if [[ -e $POLICY_RC ]]; then
    cp -p "$POLICY_RC" "$WORK/policy-rc.d.orig"; POLICY_RC_STATE=replaced
  else
    POLICY_RC_STATE=created
  fi
  printf '#!/bin/sh\n# vbs acceptance tests: no service may start while packages install\nexit 101\n' >"$POLICY_RC"
  chmod 755 "$POLICY_RC"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >"$WORK/logs/apt.log" 2>&1 || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >>"$WORK/logs/apt.log" 2>&1 \
    || die "apt-get install failed"
  restore_policy_rc
else
  log "packages already installed"
fi
[[ -x $PY ]] || die "$PY missing"
$PY -c 'import cinder, keystone, keystonemiddleware' || die "$PY cannot import cinder / keystone"

# ---------------------------------------------------------------------------------------------
phase servers
read -r KS_PORT CINDER_PORT NOAUTH_PORT REGION_TWO_PORT < <($PY -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
KS_URL="http://127.0.0.1:$KS_PORT/v3"
CINDER_URL="http://127.0.0.1:$CINDER_PORT"
NOAUTH_URL="http://127.0.0.1:$NOAUTH_PORT"
REGION_TWO_URL="http://127.0.0.1:$REGION_TWO_PORT"
# The Keystone-protected Cinder writes this into its links (next, self, bookmark) instead of its own
# address, like a Cinder behind a proxy (the API document's example shows a private address). It is
# on loopback (network rule) and nothing listens there: a client must follow next links on the
# endpoint it was configured with, not on the host the link names.
CINDER_PUBLIC_ENDPOINT="http://127.0.0.2:9"
secret() { $PY -c 'import secrets; print(secrets.token_hex(16))'; }
ADMIN_PASSWORD=$(secret); CINDER_PASSWORD=$(secret); DEMO_PASSWORD=$(secret); OTHER_PASSWORD=$(secret)
PROJECT_ADMIN_PASSWORD=$(secret)
APP_CRED_SECRET=$(secret)

KS_CONF=$WORK/keystone/keystone.conf
cat >"$KS_CONF" <<EOF
[DEFAULT]
log_file = $WORK/logs/keystone.log
[database]
connection = sqlite:///$WORK/keystone/keystone.sqlite
[token]
provider = fernet
expiration = 14400
[fernet_tokens]
key_repository = $WORK/keystone/fernet-keys
[fernet_receipts]
key_repository = $WORK/keystone/fernet-keys
[credential]
key_repository = $WORK/keystone/credential-keys
[identity]
password_hash_rounds = 4
max_password_length = 72
[cache]
enabled = true
backend = dogpile.cache.memory
EOF

echo '{"backup": ["name", "status", "volume_id"]}' >"$WORK/cinder/resource_filters.json"
cat >"$WORK/cinder/api-paste.ini" <<'EOF'
# The Cinder API's paste pipelines; auth_strategy picks "keystone" or "noauth".
[composite:osapi_volume]
use = call:cinder.api:root_app_factory
/: apiversions
/healthcheck: healthcheck
/v3: openstack_volume_api_v3

[composite:openstack_volume_api_v3]
use = call:cinder.api.middleware.auth:pipeline_factory
noauth = cors http_proxy_to_wsgi request_id faultwrap sizelimit noauth apiv3
keystone = cors http_proxy_to_wsgi request_id faultwrap sizelimit authtoken keystonecontext apiv3
keystone_nolimit = cors http_proxy_to_wsgi request_id faultwrap sizelimit authtoken keystonecontext apiv3

[filter:request_id]
paste.filter_factory = oslo_middleware.request_id:RequestId.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory

[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = cinder

[filter:faultwrap]
paste.filter_factory = cinder.api.middleware.fault:FaultWrapper.factory

[filter:noauth]
paste.filter_factory = cinder.api.middleware.auth:NoAuthMiddleware.factory

[filter:sizelimit]
paste.filter_factory = oslo_middleware.sizelimit:RequestBodySizeLimiter.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[filter:keystonecontext]
paste.filter_factory = cinder.api.middleware.auth:CinderKeystoneContext.factory

[app:apiv3]
paste.app_factory = cinder.api.v3.router:APIRouter.factory

[pipeline:apiversions]
pipeline = cors http_proxy_to_wsgi faultwrap osvolumeversionapp

[app:osvolumeversionapp]
paste.app_factory = cinder.api.versions:Versions.factory

[app:healthcheck]
paste.app_factory = oslo_middleware:Healthcheck.app_factory
backends = disable_by_file
disable_by_file_path = /nonexistent/cinder-healthcheck-disable
EOF
cinder_conf() {  # cinder_conf NAME AUTH_STRATEGY PORT DATABASE [EXTRA [DEFAULT] LINE]
  cat >"$WORK/cinder/$1.conf" <<EOF
[DEFAULT]
auth_strategy = $2
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $3
osapi_volume_workers = 1
transport_url = fake://
api_paste_config = $WORK/cinder/api-paste.ini
resource_query_filters_file = $WORK/cinder/resource_filters.json
state_path = $WORK/cinder/state
log_file = $WORK/logs/$1.log
${5:-}
[database]
connection = sqlite:///$4
[oslo_concurrency]
lock_path = $WORK/cinder/lock
[coordination]
backend_url = file://$WORK/cinder/lock
[keystone_authtoken]
www_authenticate_uri = $KS_URL
auth_url = $KS_URL
auth_type = password
username = cinder
password = $CINDER_PASSWORD
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = RegionOne
EOF
}
cinder_conf cinder-keystone keystone "$CINDER_PORT" "$WORK/cinder/cinder.sqlite" "public_endpoint = $CINDER_PUBLIC_ENDPOINT"
cinder_conf cinder-noauth noauth "$NOAUTH_PORT" "$WORK/cinder/cinder.sqlite"
cinder_conf cinder-region-two keystone "$REGION_TWO_PORT" "$WORK/cinder/cinder-region-two.sqlite"

# Independent steps side by side: Cinder's schema, and Keystone's two key repositories.
start_bg cinder-db-sync "$PY" -c 'import sys; from cinder.cmd.manage import main; sys.argv = ["cinder-manage", "--config-file", sys.argv[1], "db", "sync"]; sys.exit(main())' \
  "$WORK/cinder/cinder-keystone.conf"
ks_owner=(--keystone-user "$(id -un)" --keystone-group "$(id -gn)")
start_bg keystone-fernet-setup "$PY" /usr/bin/keystone-manage --config-file "$KS_CONF" fernet_setup "${ks_owner[@]}"
start_bg keystone-credential-setup "$PY" /usr/bin/keystone-manage --config-file "$KS_CONF" credential_setup "${ks_owner[@]}"
$PY /usr/bin/keystone-manage --config-file "$KS_CONF" db_sync >"$WORK/logs/keystone-db-sync.out" 2>&1 \
  || die "keystone-manage db_sync failed"
# Without WAL a read transaction left open after a token issue blocks the next write (HTTP 500).
sqlite3 "$WORK/keystone/keystone.sqlite" 'PRAGMA journal_mode=WAL;' >/dev/null
wait "${PID[keystone-fernet-setup]}" || die "keystone-manage fernet_setup failed"
wait "${PID[keystone-credential-setup]}" || die "keystone-manage credential_setup failed"
$PY /usr/bin/keystone-manage --config-file "$KS_CONF" bootstrap --bootstrap-password "$ADMIN_PASSWORD" \
  --bootstrap-admin-url "$KS_URL" --bootstrap-public-url "$KS_URL" --bootstrap-internal-url "$KS_URL" \
  --bootstrap-region-id RegionOne >"$WORK/logs/keystone-bootstrap.out" 2>&1 || die "keystone-manage bootstrap failed"
OS_KEYSTONE_CONFIG_FILES=$KS_CONF start_bg keystone "$PY" "$SCRIPT_DIR/keystone_wsgi.py" "$KS_PORT"

wait "${PID[cinder-db-sync]}" || die "cinder-manage db sync failed"
# RegionTwo's Cinder starts from the same fresh schema, copied instead of migrated a second time.
sqlite3 "$WORK/cinder/cinder.sqlite" ".backup '$WORK/cinder/cinder-region-two.sqlite'"
for db in cinder.sqlite cinder-region-two.sqlite; do
  sqlite3 "$WORK/cinder/$db" 'PRAGMA journal_mode=WAL;' >/dev/null
done
for name in cinder-keystone cinder-noauth cinder-region-two; do
  start_bg "$name" "$PY" -c 'import sys; from cinder.cmd.api import main; sys.argv = ["cinder-api", "--config-file", sys.argv[1]]; sys.exit(main())' \
    "$WORK/cinder/$name.conf"
done

# ---------------------------------------------------------------------------------------------
phase provision
wait_http keystone "${PID[keystone]}" "$KS_URL" 60
KEYSTONE_URL=$KS_URL CINDER_URL=$CINDER_URL CINDER_REGION_TWO_URL=$REGION_TWO_URL \
  ADMIN_PASSWORD=$ADMIN_PASSWORD CINDER_PASSWORD=$CINDER_PASSWORD DEMO_PASSWORD=$DEMO_PASSWORD \
  OTHER_PASSWORD=$OTHER_PASSWORD PROJECT_ADMIN_PASSWORD=$PROJECT_ADMIN_PASSWORD APP_CRED_SECRET=$APP_CRED_SECRET \
  $PY "$SCRIPT_DIR/provision.py" "$WORK/provision.env" >"$WORK/logs/provision.out" 2>&1 \
  || die "provisioning Keystone failed"
# shellcheck disable=SC1091
source "$WORK/provision.env"

# ---------------------------------------------------------------------------------------------
phase seed
$PY "$SCRIPT_DIR/seed.py" "$WORK/cinder/cinder.sqlite" "$WORK/seed.env" \
  "$VBS_ACC_OS_PROJECT_ID" "$VBS_ACC_OS_USER_ID" "$VBS_ACC_OTHER_PROJECT_ID" "$VBS_ACC_OTHER_USER_ID" \
  "$VBS_ACC_ADMIN_USER_ID" "$WORK/cinder/cinder-region-two.sqlite" >"$WORK/logs/seed.out" 2>&1 || die "seeding failed"
# shellcheck disable=SC1091
source "$WORK/seed.env"

# ---------------------------------------------------------------------------------------------
phase ready
wait_http cinder-keystone "${PID[cinder-keystone]}" "$CINDER_URL/" 90
wait_http cinder-noauth "${PID[cinder-noauth]}" "$NOAUTH_URL/" 90
wait_http cinder-region-two "${PID[cinder-region-two]}" "$REGION_TWO_URL/" 90

export TF_ACC=1 VBS_ACC_OPENSTACK=1 VBS_ACC_WORKDIR=$WORK
export VBS_ACC_CINDER_URL=$CINDER_URL VBS_ACC_CINDER_ENDPOINT=$CINDER_URL/v3/$VBS_ACC_OS_PROJECT_ID
export VBS_ACC_CINDER_PUBLIC_ENDPOINT=$CINDER_PUBLIC_ENDPOINT
export VBS_ACC_NOAUTH_URL=$NOAUTH_URL
export VBS_ACC_NOAUTH_ENDPOINT=$NOAUTH_URL/v3/$VBS_ACC_OS_PROJECT_ID
export VBS_ACC_NOAUTH_TOKEN=$VBS_ACC_OS_USER_ID:$VBS_ACC_OS_PROJECT_ID
export VBS_ACC_NOAUTH_OTHER_ENDPOINT=$NOAUTH_URL/v3/$VBS_ACC_OTHER_PROJECT_ID
export VBS_ACC_NOAUTH_OTHER_TOKEN=$VBS_ACC_OTHER_USER_ID:$VBS_ACC_OTHER_PROJECT_ID
export VBS_ACC_REGION_TWO_CINDER_URL=$REGION_TWO_URL

phase provider
wait "${PID[build-openstack-provider]}" \
  || die "building the OpenStack provider failed (logs/build-openstack-provider.out)"
export VBS_ACC_OPENSTACK_PROVIDER_MIRROR=$REPO_ROOT/bin/provider-mirror

phase smoke
: >"$WORK/terraformrc"
export TF_CLI_CONFIG_FILE=$WORK/terraformrc
{
  echo "# vbs OpenStack acceptance test environment ($(date -u +%FT%TZ)); the servers live while run.sh runs"
  echo "export TF_ACC=1 CHECKPOINT_DISABLE=1 NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost"
  printf 'export TF_CLI_CONFIG_FILE=%q TF_ACC_TERRAFORM_PATH=%q\n' "$TF_CLI_CONFIG_FILE" "$TF_ACC_TERRAFORM_PATH"
  compgen -e | grep -E '^(VBS_ACC_|TF_ACC_PROVIDER_)' | sort | while IFS= read -r v; do printf 'export %s=%q\n' "$v" "${!v}"; done
} >"$WORK/env.sh"

$PY "$SCRIPT_DIR/smoke.py" >"$WORK/logs/smoke.out" 2>&1 || die "smoke check failed (see smoke.out below)"
log "ready: keystone $KS_URL, cinder $CINDER_URL (keystone), $NOAUTH_URL (noauth), $REGION_TWO_URL (RegionTwo), $VBS_ACC_SEEDED_TOTAL backups"

if [[ ${VBS_ACC_HOLD:-0} == 1 ]]; then
  phase ""
  STATUS=0
  log "holding; in another shell: source $WORK/env.sh   (Ctrl-C here stops the servers)"
  while true; do sleep 3600 & PIDS+=("$!"); wait $! || true; done
fi

# ---------------------------------------------------------------------------------------------
phase compile
wait "${PID[go-build]}" || log "warning: compiling the tests failed (logs/go-build.out); go test will say why"
if ((BUILD_TOFU)); then wait "${PID[build-tofu]}" || die "building OpenTofu failed (logs/build-tofu.out)"; fi
[[ -x $TF_ACC_TERRAFORM_PATH ]] || die "no Terraform CLI at $TF_ACC_TERRAFORM_PATH"

phase test
# In its own process group, waited for in the background, so that Ctrl-C / TERM reach the trap at
# once and stop_all takes go test, the test binary and its Terraform processes down together.
# shellcheck disable=SC2086
setsid go test ./internal/provider/ -run "${RUN:-TestAccOpenStack}" -count=1 -v -timeout 20m ${GO_TEST_FLAGS:-} \
  > >(tee "$WORK/logs/go-test.out") 2>&1 </dev/null &
PIDS+=("$!")
rc=0
wait "$!" || rc=$?
phase ""
[[ $rc == 0 ]] || die "go test failed (exit $rc)"
STATUS=0
log "PASS"
