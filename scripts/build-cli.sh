#!/usr/bin/env bash
# Build a Terraform CLI of the test matrix from the Go module proxy into <repo>/bin/.
#
# Why: only the Go module proxy (and Debian apt) are reachable from the build
# machines, so the usual release downloads from HashiCorp/OpenTofu are out.
#
# Usage: scripts/build-cli.sh NAME
#   terraform         Terraform ${TERRAFORM_VERSION}        -> bin/terraform (where PATH has none)
#   terraform-latest  Terraform ${TERRAFORM_LATEST_VERSION} -> bin/terraform-latest
#   tofu              OpenTofu ${TOFU_VERSION}             -> bin/tofu
#   tofu-latest       OpenTofu ${TOFU_LATEST_VERSION}      -> bin/tofu-latest
# The versions are pinned in scripts/cli-versions (and nowhere else).
#
# `go install <module>/cmd/...@VERSION` is refused because both CLIs' go.mod
# files have `replace` directives, so we fetch the module source with
# `go mod download` and run `go build` in it, writing the binary with -o.
# OpenTofu builds inside the (read-only) module cache directory.
#
# Terraform (v1.11.4 and v1.15.9) cannot: its go.mod replaces the remote-state
# backend modules (azure, consul, cos, gcs, kubernetes, oci, oss, pg, s3; v1.11.4
# has no oci) and internal/legacy with directories that its module zip does not
# contain. Only internal/backend/init/init.go imports them, so the build copies
# the module source to a temporary directory and drops those requires and
# replaces from go.mod and those imports and backend map entries from init.go
# (and fails if anything else imports them). The result is
# a Terraform for testing providers: it has the local, remote, cloud, http and
# inmem backends and none of the remote-state backends above. Terraform
# v1.11.4's go.mod also sets `godebug tlskyber=0`, a setting that go1.24
# renamed tlsmlkem and newer go refuses by its old name: the copy says tlsmlkem.
#
# The build is skipped when the binary already reports the pinned version.
# A cold build (empty module and build caches) takes minutes on 2 cores: see
# DESIGN.md ("Terraform and OpenTofu"); a cached run takes under a second.
set -euo pipefail

log_tag=build-cli
# shellcheck source=lib/build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build.sh"

name="${1:-}"
case "${name}" in
  tofu)             cli=OpenTofu;  version="${TOFU_VERSION}" ;;
  tofu-latest)      cli=OpenTofu;  version="${TOFU_LATEST_VERSION}" ;;
  terraform)        cli=Terraform; version="${TERRAFORM_VERSION}" ;;
  terraform-latest) cli=Terraform; version="${TERRAFORM_LATEST_VERSION}" ;;
  *) die "usage: $0 terraform|terraform-latest|tofu|tofu-latest" ;;
esac
case "${cli}" in
  OpenTofu)  module="github.com/opentofu/opentofu";  cmd=./cmd/tofu ;;
  Terraform) module="github.com/hashicorp/terraform"; cmd=. ;;
esac
out="${bin_dir}/${name}"

# `tofu version` and `terraform version` print "OpenTofu vX.Y.Z" or
# "Terraform vX.Y.Z" first. A build without the release ldflags reports
# "vX.Y.Z-dev", which does not match and is rebuilt.
installed_version() {
  [[ -x "${out}" ]] || return 0
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "${out}" version 2>/dev/null \
    | sed -n "1s/^${cli} //p" || true
}

# Terraform only: drop the modules whose `replace` points at a directory the
# module zip does not contain, and their imports and backend entries, then
# check that nothing else imports them (see the header).
patch_terraform() {
  local src=$1 missing=() m target alias
  while read -r m target; do
    [[ -d "${src}/${target}" ]] || missing+=("${m}")
  done < <(sed -n 's/^replace \([^ ]*\) => \(\.\/[^ ]*\)$/\1 \2/p' "${src}/go.mod")
  sed -i 's/^godebug tlskyber=/godebug tlsmlkem=/' "${src}/go.mod"
  ((${#missing[@]})) || return 0
  log "Dropping modules missing from the module zip: ${missing[*]#"${module}/"}"
  local init_go="${src}/internal/backend/init/init.go"
  for m in "${missing[@]}"; do
    sed -i -e "\\#^replace ${m} =>#d" -e "\\#^[[:space:]]*${m} v#d" "${src}/go.mod"
    alias="$(sed -n "s#^[[:space:]]*\([A-Za-z0-9_]*\) \"${m}\"\$#\1#p" "${init_go}")"
    if [[ -n "${alias}" ]]; then
      sed -i -e "\\#\"${m}\"\$#d" -e "/[^A-Za-z0-9_]${alias}\.New()/d" "${init_go}"
    fi
    if grep -rlF --include='*.go' --exclude='*_test.go' "\"${m}\"" "${src}" | grep .; then
      die "the files above import ${m}, which the module zip lacks: this build recipe needs updating"
    fi
  done
}

if [[ "$(installed_version)" == "${version}" ]]; then
  log "bin/${name} is already ${cli} ${version}; skipping build."
else
  command -v go >/dev/null 2>&1 || die "go not found in PATH"

  # Run module-cache commands outside any module, so the provider's own
  # go.mod/go.sum (or a go.work) are never consulted or modified.
  work_dir="$(mktemp -d)"
  tmp_out="${bin_dir}/.${name}.tmp.$$"
  trap 'chmod -R u+w "${work_dir}" 2>/dev/null; rm -rf "${work_dir}" "${tmp_out}"' EXIT

  toolchain_env=()   # extra env for go, e.g. GOTOOLCHAIN=go1.24.13 (see below)

  # Print one string field ("Dir", "GoMod", ...) of `go mod download -json`.
  json_field() {
    printf '%s\n' "$1" | sed -n "s/^[[:space:]]*\"$2\": \"\(.*\)\",\{0,1\}\$/\1/p"
  }
  # `go mod download -json` prints JSON (with an "Error" field on failure) on
  # stdout; callers check the fields they need instead of the exit status.
  mod_download() {
    (cd "${work_dir}" \
      && env GOWORK=off GOFLAGS= ${toolchain_env[@]+"${toolchain_env[@]}"} \
           go mod download -json "${module}@${version}") || true
  }

  log "Downloading ${module}@${version} from $(go env GOPROXY) ..."
  download_json="$(mod_download)"

  # Toolchain check: the CLI's go.mod states a minimum Go version (OpenTofu
  # v1.10.10: go 1.24.13). A go older than that with GOTOOLCHAIN=local (or
  # pinned) can't extract the module nor build it, so ask go to fetch the
  # required toolchain (module golang.org/toolchain, served by the Go module
  # proxy). The .mod file is downloaded even when extracting the module fails
  # for this reason.
  gomod_file="$(json_field "${download_json}" GoMod)"
  [[ -n "${gomod_file}" && -f "${gomod_file}" ]] \
    || die "go mod download ${module}@${version} failed:
${download_json}"
  required_go="$(sed -n 's/^go[[:space:]]\{1,\}\([0-9][0-9.]*\)[[:space:]]*$/\1/p' "${gomod_file}" | head -n1)"
  [[ "${required_go}" == *.*.* || -z "${required_go}" ]] || required_go="${required_go}.0"
  local_go="$(go env GOVERSION)"; local_go="${local_go#go}"
  if [[ -n "${required_go}" ]] \
     && [[ "$(printf '%s\n%s\n' "${required_go}" "${local_go}" | sort -V | head -n1)" != "${required_go}" ]]; then
    log "${cli} ${version} requires go >= ${required_go}, local go is ${local_go}; using GOTOOLCHAIN=go${required_go} (fetched from the Go module proxy)."
    toolchain_env=(GOTOOLCHAIN="go${required_go}")
    download_json="$(mod_download)"
  fi

  src_dir="$(json_field "${download_json}" Dir)"
  [[ -n "${src_dir}" && -f "${src_dir}/go.mod" ]] \
    || die "go mod download ${module}@${version} did not produce a module directory:
${download_json}"
  log "Module source: ${src_dir}"
  if [[ "${cli}" == Terraform ]]; then
    cp -R "${src_dir}" "${work_dir}/src"
    chmod -R u+w "${work_dir}/src"
    src_dir="${work_dir}/src"
    patch_terraform "${src_dir}"
  fi

  # Both CLIs' version packages embed the number from version/VERSION and add
  # "-dev" unless version.dev is "no", which their release builds set (as in
  # OpenTofu's .goreleaser.yaml and Terraform's build workflow).
  ldflags="-s -w -X '${module}/version.dev=no'"

  mkdir -p "${bin_dir}"
  log "Building ${module} ${version} -> ${out} (a first build takes several minutes) ..."
  start=${SECONDS}
  # -mod=readonly: the module ships a complete go.sum, so nothing needs to be
  #   (or, in the module cache, can be) written there.
  # GOFLAGS is cleared so a caller's -mod=vendor etc. cannot interfere.
  (
    cd "${src_dir}"
    env GOWORK=off GOFLAGS= CGO_ENABLED=0 ${toolchain_env[@]+"${toolchain_env[@]}"} \
      go build -mod=readonly -trimpath -buildvcs=false \
        -ldflags "${ldflags}" -o "${tmp_out}" "${cmd}"
  ) || die "go build of ${cli} ${version} failed (see output above)"
  mv -f "${tmp_out}" "${out}"
  log "Built in $((SECONDS - start))s."

  got="$(installed_version)"
  [[ "${got}" == "${version}" ]] \
    || die "built binary reports version '${got}', expected '${version}'"
fi

CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "${out}" version
