#!/usr/bin/env bash
# Build the OpenStack Terraform provider (terraform-provider-openstack/openstack) from the Go module proxy
# and lay it out as a Terraform filesystem mirror, for the tests that plan a configuration with both
# providers (the restore guide's example, scripts/openstack/run.sh).
#
# Why: only the Go module proxy (and Debian apt) are reachable from the build machines, so the
# registry's release archives are out, as for the CLIs (scripts/build-cli.sh).
#
# Usage: scripts/build-openstack-provider.sh
#   -> bin/terraform-provider-openstack_${OPENSTACK_PROVIDER_VERSION}
#   -> bin/provider-mirror/<host>/terraform-provider-openstack/openstack/<version>/<os>_<arch>/
#      for the hosts registry.terraform.io and registry.opentofu.org
# The version is pinned in scripts/cli-versions. Prints the mirror's path on stdout.
#
# A CLI configuration that takes the provider from the mirror and nothing from a registry:
#   provider_installation {
#     filesystem_mirror {
#       path    = "<repo>/bin/provider-mirror"
#       include = ["registry.terraform.io/terraform-provider-openstack/openstack"]
#     }
#   }
# (internal/provider/openstack_acc_test.go writes one of its own; the user's is never touched.)
#
# The module's go.mod has no replace directive, so `go install module@version` builds it as
# published (go.sum checked against the checksum database) and stamps the module version into the
# binary; the version variable is set as the provider's own release build sets it (.goreleaser.yml).
# The build is skipped when the binary already carries the pinned version (`go version -m`).
# A cold build (empty module and build caches) takes a few minutes on 2 cores; a cached run, a second.
set -euo pipefail

log_tag=build-openstack-provider
# shellcheck source=lib/build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build.sh"

module=github.com/terraform-provider-openstack/terraform-provider-openstack/v3
version="${OPENSTACK_PROVIDER_VERSION:?OPENSTACK_PROVIDER_VERSION is not set in scripts/cli-versions}"
command -v go >/dev/null 2>&1 || die "go not found in PATH"
out="${bin_dir}/terraform-provider-openstack_${version}"
mirror="${bin_dir}/provider-mirror"
platform="$(go env GOOS)_$(go env GOARCH)"

# `go version -m` prints "	mod	<module>	<version>	<sum>" for a binary built by go install.
built_version() {
  [[ -x "${out}" ]] || return 0
  go version -m "${out}" 2>/dev/null | awk -v m="${module}" '$1 == "mod" && $2 == m { print $3 }'
}

if [[ "$(built_version)" == "${version}" ]]; then
  log "bin/$(basename "${out}") is already ${version}; skipping build."
else
  # Outside any module, so that the provider's own go.mod, go.sum or a go.work are never consulted.
  work_dir="$(mktemp -d)"
  trap 'rm -rf "${work_dir}"' EXIT
  log "Building ${module}@${version} from $(go env GOPROXY) (a first build takes minutes) ..."
  start=${SECONDS}
  (
    cd "${work_dir}"
    env GOWORK=off GOFLAGS= CGO_ENABLED=0 GOBIN="${work_dir}/bin" \
      go install -trimpath -ldflags "-s -w -X ${module}/openstack.version=${version#v}" "${module}@${version}"
  ) || die "go install ${module}@${version} failed (see output above)"
  mkdir -p "${bin_dir}"
  mv -f "${work_dir}/bin/terraform-provider-openstack" "${out}"
  log "Built in $((SECONDS - start))s."
  [[ "$(built_version)" == "${version}" ]] || die "bin/$(basename "${out}") does not carry ${module} ${version}"
fi

# Terraform's unpacked mirror layout: HOSTNAME/NAMESPACE/TYPE/VERSION/TARGET/terraform-provider-TYPE_*.
for host in registry.terraform.io registry.opentofu.org; do
  dir="${mirror}/${host}/terraform-provider-openstack/openstack/${version#v}/${platform}"
  mkdir -p "${dir}"
  ln -f "${out}" "${dir}/terraform-provider-openstack_${version}" 2>/dev/null \
    || cp -f "${out}" "${dir}/terraform-provider-openstack_${version}"
done
log "Mirror: ${mirror} (terraform-provider-openstack/openstack ${version#v}, ${platform})"
printf '%s\n' "${mirror}"
