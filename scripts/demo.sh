#!/usr/bin/env bash
# make demo: the provider, built from this checkout, reads backups from the local simulator through
# Terraform (or OpenTofu) and prints them as a table. Everything it starts listens on 127.0.0.1 and is
# stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin
TF=${TF:-$(command -v terraform || echo "$bin/tofu")}
if [ ! -x "$TF" ]; then
  echo "demo: no terraform on PATH; building OpenTofu from the Go module proxy" >&2
  bash "$root/scripts/build-cli.sh" tofu
  TF=$bin/tofu
fi

work=$(mktemp -d)
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$bin/vbssim" "$root/internal/vbssim/cmd/vbssim"
# shellcheck source=scripts/lib/vbssim.sh
source "$root/scripts/lib/vbssim.sh"
start_vbssim "$bin/vbssim" "$work/sim.env" "$work/sim.log" -backups 40 -example
# shellcheck disable=SC1091
source "$work/sim.env"

# A private CLI configuration: the provider comes from bin/ (dev_overrides), nothing from a registry.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/terraform-provider-vbs/vbs" = "$bin"
    "registry.opentofu.org/terraform-provider-vbs/vbs" = "$bin"
  }
  direct {}
}
RC
cp "$root/examples/demo/main.tf" "$work/"
export TF_CLI_CONFIG_FILE=$work/terraformrc TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export VBS_ENDPOINT="$VBSSIM_URL/v3/$VBSSIM_PROJECT_ID" OS_TOKEN="$VBSSIM_TOKEN"

echo "Simulator on $VBSSIM_URL; running $("$TF" version | head -n1) with the provider from $bin"
(cd "$work" && "$TF" apply -auto-approve -input=false -no-color >"$work/apply.log" 2>&1) || { cat "$work/apply.log" >&2; exit 1; }
cd "$work"
echo
"$TF" output -raw backups_table
echo
echo
echo "backups: $("$TF" output -raw backup_count)"
echo "newest available backup of the newest backup's volume: $("$TF" output -raw newest_available_backup_id)"
