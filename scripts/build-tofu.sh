#!/usr/bin/env bash
# Build OpenTofu from the Go module proxy into <repo>/bin/tofu.
#
# Why: only the Go module proxy (and Debian apt) are reachable from the build
# machines, so the usual release downloads from HashiCorp/OpenTofu are out.
#
# `go install github.com/opentofu/opentofu/cmd/tofu@VERSION` is refused because
# OpenTofu's go.mod has a `replace` directive (hashicorp/hcl -> opentofu/hcl),
# so we fetch the module source with `go mod download` and run `go build`
# inside the (read-only) module cache directory, writing the binary elsewhere
# with -o.
#
# Usage: scripts/build-tofu.sh          (no arguments)
# Env:   TOFU_VERSION  override the pinned version (default below)
#
# The build is skipped when bin/tofu already reports the pinned version.
# A cold build takes ~4-5 minutes on 2 cores; a cached run takes under a second.
set -euo pipefail

# Newest 1.10.x on the proxy: go list -m -versions github.com/opentofu/opentofu
TOFU_MODULE="github.com/opentofu/opentofu"
TOFU_VERSION="${TOFU_VERSION:-v1.10.10}"

log() { printf '[build-tofu] %s\n' "$*" >&2; }
die() { printf '[build-tofu] ERROR: %s\n' "$*" >&2; exit 1; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
bin_dir="${repo_root}/bin"
tofu_bin="${bin_dir}/tofu"

# `tofu version` output starts with "OpenTofu vX.Y.Z". A build without the
# release ldflags reports "vX.Y.Z-dev", which does not match and is rebuilt.
installed_version() {
  [[ -x "${tofu_bin}" ]] || return 0
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "${tofu_bin}" version 2>/dev/null \
    | sed -n '1s/^OpenTofu //p' || true
}

if [[ "$(installed_version)" == "${TOFU_VERSION}" ]]; then
  log "bin/tofu is already OpenTofu ${TOFU_VERSION}; skipping build."
else
  command -v go >/dev/null 2>&1 || die "go not found in PATH"

  # Run module-cache commands outside any module, so the provider's own
  # go.mod/go.sum (or a go.work) are never consulted or modified.
  work_dir="$(mktemp -d)"
  trap 'rm -rf "${work_dir}"' EXIT

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
           go mod download -json "${TOFU_MODULE}@${TOFU_VERSION}") || true
  }

  log "Downloading ${TOFU_MODULE}@${TOFU_VERSION} from $(go env GOPROXY) ..."
  download_json="$(mod_download)"

  # Toolchain check: OpenTofu's go.mod states a minimum Go version (v1.10.10:
  # go 1.24.13). A go older than that with GOTOOLCHAIN=local (or pinned) can't
  # extract the module nor build it, so ask go to fetch the required toolchain
  # (module golang.org/toolchain, served by the Go module proxy). The .mod file
  # is downloaded even when extracting the module fails for this reason.
  gomod_file="$(json_field "${download_json}" GoMod)"
  [[ -n "${gomod_file}" && -f "${gomod_file}" ]] \
    || die "go mod download ${TOFU_MODULE}@${TOFU_VERSION} failed:
${download_json}"
  required_go="$(sed -n 's/^go[[:space:]]\{1,\}\([0-9][0-9.]*\)[[:space:]]*$/\1/p' "${gomod_file}" | head -n1)"
  [[ "${required_go}" == *.*.* || -z "${required_go}" ]] || required_go="${required_go}.0"
  local_go="$(go env GOVERSION)"; local_go="${local_go#go}"
  if [[ -n "${required_go}" ]] \
     && [[ "$(printf '%s\n%s\n' "${required_go}" "${local_go}" | sort -V | head -n1)" != "${required_go}" ]]; then
    log "OpenTofu ${TOFU_VERSION} requires go >= ${required_go}, local go is ${local_go}; using GOTOOLCHAIN=go${required_go} (fetched from the Go module proxy)."
    toolchain_env=(GOTOOLCHAIN="go${required_go}")
    download_json="$(mod_download)"
  fi

  src_dir="$(json_field "${download_json}" Dir)"
  [[ -n "${src_dir}" && -f "${src_dir}/go.mod" ]] \
    || die "go mod download ${TOFU_MODULE}@${TOFU_VERSION} did not produce a module directory:
${download_json}"
  log "Module source: ${src_dir}"

  # ldflags mirror OpenTofu's .goreleaser.yaml: version.dev=no drops the "-dev"
  # suffix so `tofu version` shows the real release version (the version
  # number itself is embedded from the module's version/VERSION file).
  ldflags="-s -w -X 'github.com/opentofu/opentofu/version.dev=no'"

  mkdir -p "${bin_dir}"
  tmp_out="${bin_dir}/.tofu.tmp.$$"
  trap 'rm -rf "${work_dir}" "${tmp_out}"' EXIT

  log "Building ${TOFU_MODULE}/cmd/tofu ${TOFU_VERSION} -> ${tofu_bin} (first build takes several minutes) ..."
  start=${SECONDS}
  # -mod=readonly: the module cache is read-only and the module ships a
  #   complete go.sum, so nothing needs to be (or can be) written there.
  # GOFLAGS is cleared so a caller's -mod=vendor etc. cannot interfere.
  (
    cd "${src_dir}"
    env GOWORK=off GOFLAGS= CGO_ENABLED=0 ${toolchain_env[@]+"${toolchain_env[@]}"} \
      go build -mod=readonly -trimpath -buildvcs=false \
        -ldflags "${ldflags}" -o "${tmp_out}" ./cmd/tofu
  ) || die "go build of OpenTofu ${TOFU_VERSION} failed (see output above)"
  mv -f "${tmp_out}" "${tofu_bin}"
  log "Built in $((SECONDS - start))s."

  got="$(installed_version)"
  [[ "${got}" == "${TOFU_VERSION}" ]] \
    || die "built binary reports version '${got}', expected '${TOFU_VERSION}'"
fi

CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "${tofu_bin}" version
