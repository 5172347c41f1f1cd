# Sourced by the scripts that build a program from the Go module proxy (build-cli.sh,
# build-openstack-provider.sh), after they set log_tag: their log lines, the repository's bin/, and
# the versions pinned in scripts/cli-versions.

log() { printf '[%s] %s\n' "${log_tag}" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "${log_tag}" "$*" >&2; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${repo_root}/bin"
# shellcheck source=../cli-versions
source "${repo_root}/scripts/cli-versions"
