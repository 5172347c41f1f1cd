#!/usr/bin/env bash
# make test-matrix: the tests of internal/provider, whose Terraform tests (resource.UnitTest) run
# real plans, once with each CLI of the matrix, then a table of the results. Exits non-zero when
# any CLI fails a test (or cannot be built).
#
# The CLIs (versions pinned in scripts/cli-versions):
#   terraform         Terraform ${TERRAFORM_VERSION}: `terraform` on PATH where it is that version, else bin/terraform
#   terraform-latest  Terraform ${TERRAFORM_LATEST_VERSION}, bin/terraform-latest
#   tofu              OpenTofu ${TOFU_VERSION}, bin/tofu
#   tofu-latest       OpenTofu ${TOFU_LATEST_VERSION}, bin/tofu-latest
# Each one missing is built from the Go module proxy first (scripts/build-cli.sh; minutes, once).
#
# Usage: scripts/test-matrix.sh [go test flags]      e.g. -run 'Function'
# Env:   MATRIX   the CLIs to run, by the names above (default: all four)
# The go test -json output of each CLI is kept in bin/test-matrix/<name>.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=cli-versions
source "${root}/scripts/cli-versions"
bin="${root}/bin"
out="${bin}/test-matrix"
mkdir -p "${out}"
read -r -a names <<<"${MATRIX:-terraform terraform-latest tofu tofu-latest}"
go_args=("$@")
((${#go_args[@]})) || go_args=(-count=1)

log() { printf '[test-matrix] %s\n' "$*" >&2; }

# cli_version prints a CLI's version ("v1.15.9"): both CLIs print "<name> vX.Y.Z" first.
cli_version() {
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | sed -n '1s/^[A-Za-z]* //p' || true
}

# cli_path prints the binary of a CLI of the matrix, building it where it is missing.
cli_path() {
  local name=$1 path
  if [[ $name == terraform ]] && path="$(command -v terraform)" && [[ "$(cli_version "${path}")" == "${TERRAFORM_VERSION}" ]]; then
    printf '%s\n' "${path}"
    return
  fi
  bash "${root}/scripts/build-cli.sh" "${name}" >&2 || return 1
  printf '%s\n' "${bin}/${name}"
}

# count prints how many top-level tests of a go test -json stream ended with action $2.
count() {
  grep -c "\"Action\":\"$2\",\"Package\":\"[^\"]*\",\"Test\":\"[^\"/]*\"" "$1" || true
}

rows=()
failed=0
for name in "${names[@]}"; do
  case "${name}" in
    terraform | terraform-latest) env=() ;;
    # OpenTofu resolves the provider's source address on its own registry host.
    tofu | tofu-latest) env=(TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=terraform-provider-vbs) ;;
    *) log "unknown CLI '${name}' (terraform, terraform-latest, tofu, tofu-latest)"; exit 2 ;;
  esac
  if ! path="$(cli_path "${name}")"; then
    rows+=("$(printf '%-17s %-9s %7s %7s %8s %9s' "${name}" '-' '-' '-' '-' 'not built')")
    failed=1
    continue
  fi
  version="$(cli_version "${path}")"
  log "${name} (${version}, ${path}): go test ${go_args[*]} ./internal/provider/"
  start=${SECONDS}
  rc=0
  (cd "${root}" && env TF_ACC_TERRAFORM_PATH="${path}" ${env[@]+"${env[@]}"} \
    go test -json "${go_args[@]}" ./internal/provider/) >"${out}/${name}.json" || rc=$?
  elapsed=$((SECONDS - start))
  pass="$(count "${out}/${name}.json" pass)"
  fail="$(count "${out}/${name}.json" fail)"
  skip="$(count "${out}/${name}.json" skip)"
  if ((rc != 0)); then
    failed=1
    # The failures' output, so that CI logs say what broke.
    grep '"Action":"output"' "${out}/${name}.json" | sed -n 's/.*"Output":"\(.*\)"}$/\1/p' \
      | sed 's/\\n$//; s/\\t/\t/g; s/\\"/"/g' | grep -E -- '--- FAIL|_test.go:[0-9]+:|^FAIL|panic|Error' | head -50 >&2 || true
    ((fail > 0)) || fail="rc=${rc}"
  fi
  rows+=("$(printf '%-17s %-9s %7s %7s %8s %6dm%02ds' "${name}" "${version}" "${pass}" "${fail}" "${skip}" $((elapsed / 60)) $((elapsed % 60)))")
done

printf '\n%-17s %-9s %7s %7s %8s %9s\n' CLI version passed failed skipped 'wall time'
printf '%s\n' "${rows[@]}"
exit "${failed}"
