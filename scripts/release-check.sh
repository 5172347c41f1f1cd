#!/usr/bin/env bash
# make release-check: builds a snapshot release with goreleaser (no signing, no publishing), checks its
# artefacts as the registry reads them, then installs the linux/amd64 zip the way a user installs a release
# (a filesystem mirror, no dev_overrides) and plans the demo configuration against the local simulator with
# Terraform and with OpenTofu. Everything it starts listens on 127.0.0.1 and is stopped on exit.
#
# Env: TF    the terraform to use (default: the one on PATH; without one, only OpenTofu is checked)
#      TOFU  the OpenTofu to use (default: bin/tofu, which `make tofu` builds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin
dist=$root/dist
project=terraform-provider-vbs
TF=${TF:-$(command -v terraform || true)}
TOFU=${TOFU:-$bin/tofu}

say() { printf '[release-check] %s\n' "$*" >&2; }
fail() { printf '[release-check] FAIL: %s\n' "$*" >&2; exit 1; }

for tool in "$bin/goreleaser" "$TOFU"; do
  [ -x "$tool" ] || fail "$tool is missing: run 'make tools tofu' (or 'make release-check', which builds them)"
done
command -v unzip >/dev/null || fail "unzip is missing (Debian: apt-get install unzip)"

work=$(mktemp -d)
sim_pid=
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cd "$root"
say "goreleaser check"
"$bin/goreleaser" check
say "goreleaser release --snapshot (no signing, no publishing)"
start=$SECONDS
"$bin/goreleaser" release --snapshot --clean --skip=sign,publish >"$work/goreleaser.log" 2>&1 \
  || { cat "$work/goreleaser.log" >&2; fail "the snapshot release failed"; }
say "snapshot built in $((SECONDS - start))s"

# The version goreleaser gave the snapshot; every name below is checked against it.
version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$dist/metadata.json")
[ -n "$version" ] || fail "no version in $dist/metadata.json"
say "version $version"

# The release as the registry reads it: the zips and SHA256SUMS from dist/, and terraform-registry-manifest.json,
# which goreleaser publishes as <project>_<version>_manifest.json (release.extra_files) and lists in SHA256SUMS
# under that name without copying it into dist/.
release=$work/release
mkdir -p "$release"
sums=${project}_${version}_SHA256SUMS
manifest=${project}_${version}_manifest.json
[ -f "$dist/$sums" ] || fail "dist/$sums is missing"
compgen -G "$dist/*.zip" >/dev/null || fail "dist/ holds no zip"
cp "$dist"/*.zip "$dist/$sums" "$release/"
cp terraform-registry-manifest.json "$release/$manifest"
grep -Eq '"protocol_versions"[[:space:]]*:[[:space:]]*\[[[:space:]]*"6\.0"[[:space:]]*\]' "$release/$manifest" \
  || fail "terraform-registry-manifest.json does not declare protocol version 6.0, the protocol main.go serves"

# One zip per platform, named <project>_<version>_<os>_<arch>.zip for a platform Go knows, holding the binary
# <project>_v<version> (.exe on Windows); as many zips as goreleaser built binaries.
platforms=$(go tool dist list)
zips=()
for path in "$release"/*.zip; do
  zip=${path##*/}
  [[ $zip =~ ^${project}_${version//./\\.}_([a-z0-9]+)_([a-z0-9]+)\.zip$ ]] \
    || fail "dist/$zip is not named ${project}_${version}_<os>_<arch>.zip"
  os=${BASH_REMATCH[1]} arch=${BASH_REMATCH[2]}
  grep -qx "$os/$arch" <<<"$platforms" || fail "dist/$zip names $os/$arch, which is not a Go platform"
  binary=${project}_v${version}
  if [ "$os" = windows ]; then binary=$binary.exe; fi
  unzip -Z1 "$path" | grep -qxF "$binary" || fail "dist/$zip does not hold $binary"
  zips+=("$zip")
done
built=$(find "$dist" -mindepth 2 -maxdepth 2 -type f -name "${project}_v${version}*" | wc -l)
[ "${#zips[@]}" -eq "$built" ] || fail "$built binaries were built but ${#zips[@]} zips were made"
[ -f "$release/${project}_${version}_linux_amd64.zip" ] || fail "there is no linux/amd64 zip"

# SHA256SUMS lists every zip and the manifest, nothing else, and every checksum is right.
expected=$(printf '%s\n' "${zips[@]}" "$manifest" | LC_ALL=C sort)
listed=$(sed 's/^[0-9a-f]\{64\}  //' "$release/$sums" | LC_ALL=C sort)
missing=$(comm -13 <(echo "$listed") <(echo "$expected") | paste -sd' ' -)
[ -z "$missing" ] || fail "dist/$sums does not list $missing"
extra=$(comm -23 <(echo "$listed") <(echo "$expected") | paste -sd' ' -)
[ -z "$extra" ] || fail "dist/$sums lists $extra, which the release does not hold"
(cd "$release" && sha256sum --strict --quiet -c "$sums") || fail "a checksum in dist/$sums is wrong"
say "${#zips[@]} zips, $sums and $manifest are as the registry expects"

# h1: is Terraform's hash of a package's contents (golang.org/x/mod/sumdb/dirhash Hash1): the SHA-256 of
# the sorted lines "<sha256 of the file>  <name>", in base64. zh: is the SHA-256 of the zip itself.
h1_of_zip() {
  local name sum
  sum=$(unzip -Z1 "$1" | grep -v '/$' | LC_ALL=C sort | while IFS= read -r name; do
    printf '%s  %s\n' "$(unzip -p "$1" "$name" | sha256sum | cut -d' ' -f1)" "$name"
  done | sha256sum | cut -d' ' -f1)
  # shellcheck disable=SC2059 # the format is the digest as \x escapes
  printf "h1:%s\n" "$(printf "$(sed 's/../\\x&/g' <<<"$sum")" | base64)"
}
zip=${project}_${version}_linux_amd64.zip
want_h1=$(h1_of_zip "$release/$zip")
want_zh=zh:$(sed -n "s/^\([0-9a-f]\{64\}\)  ${zip//./\\.}\$/\1/p" "$release/$sums")

# A filesystem mirror as a user lays out release zips: <hostname>/<namespace>/<type>/<zip>. Terraform and
# OpenTofu each find the demo's "terraform-provider-vbs/vbs" under their own registry's hostname.
mirror=$work/mirror
include=
for host in registry.terraform.io registry.opentofu.org; do
  mkdir -p "$mirror/$host/terraform-provider-vbs/vbs"
  cp "$release/$zip" "$mirror/$host/terraform-provider-vbs/vbs/"
  include+="${include:+, }\"$host/terraform-provider-vbs/vbs\""
done

go build -o "$bin/vbssim" ./internal/vbssim/cmd/vbssim
# shellcheck source=scripts/lib/vbssim.sh
source "$root/scripts/lib/vbssim.sh"
start_vbssim "$bin/vbssim" "$work/sim.env" "$work/sim.log" -backups 40 -example || fail "the simulator did not start"
# shellcheck disable=SC1091
source "$work/sim.env"
# Only the simulator's endpoint and token reach the provider: no other cloud credentials or CLI settings.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(OS|HW|TF)_' || true)
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export VBS_ENDPOINT=$VBSSIM_ENDPOINT OS_TOKEN=$VBSSIM_TOKEN

# lock_hashes DIR ADDR: the hashes DIR's lock file records for ADDR at the snapshot's version, one a line, sorted.
lock_hashes() {
  local entry
  entry=$(sed -n "\\#^provider \"$2\" {#,/^}/p" "$1/.terraform.lock.hcl")
  grep -Eq "^ *version *= *\"${version//./\\.}\"\$" <<<"$entry" \
    || fail "$1/.terraform.lock.hcl has no entry for $2 $version: $(cat "$1/.terraform.lock.hcl")"
  grep -Eo '"(h1|zh):[^"]*"' <<<"$entry" | tr -d '"' | LC_ALL=C sort
}

# seed_lock DIR ADDR HASH: a lock file such as a registry's install leaves, with the zip's checksum from
# SHA256SUMS, which a later install from anywhere, the mirror included, must match.
seed_lock() {
  rm -rf "$1/.terraform"
  printf 'provider "%s" {\n  version     = "%s"\n  constraints = "%s"\n  hashes = [\n    "%s",\n  ]\n}\n' \
    "$2" "$version" "$version" "$3" >"$1/.terraform.lock.hcl"
}

# install_and_plan CLI HOST: init from the mirror only, check the lock file and the installed binary, plan.
install_and_plan() {
  local cli=$1 host=$2 dir name addr installed
  name=$(basename "$cli")
  dir=$work/$name
  addr=$host/terraform-provider-vbs/vbs
  mkdir -p "$dir"
  # The mirror is the only installation method, so nothing can come from anywhere else.
  cat >"$dir/cli.tfrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = [$include]
  }
}
RC
  # The demo calls ../modules/restore-volume: lay out the modules beside each CLI's copy of it.
  cp examples/demo/main.tf "$dir/"
  [ -d "$work/modules" ] || cp -r examples/modules "$work/modules"
  # A snapshot's version is a pre-release, which only an exact constraint selects.
  cat >"$dir/version_override.tf" <<TF
terraform {
  required_providers {
    vbs = {
      source  = "terraform-provider-vbs/vbs"
      version = "$version"
    }
  }
}
TF
  init() { (cd "$dir" && TF_CLI_CONFIG_FILE=$dir/cli.tfrc "$cli" init -input=false -no-color >"$dir/init.log" 2>&1); }

  # A first install: a filesystem mirror gives Terraform no checksum to trust, so it locks the h1: hash of
  # what it unpacked, which must be the hash of the zip's contents.
  say "$("$cli" version | head -n1): init from the filesystem mirror"
  init || { cat "$dir/init.log" >&2; fail "$name init failed"; }
  grep -qF "Installed terraform-provider-vbs/vbs v$version" "$dir/init.log" \
    || { cat "$dir/init.log" >&2; fail "$name did not install terraform-provider-vbs/vbs v$version"; }
  [ "$(lock_hashes "$dir" "$addr")" = "$want_h1" ] \
    || fail "$name locked $(lock_hashes "$dir" "$addr" | tr '\n' ' ')for $zip, want $want_h1"
  installed=$dir/.terraform/providers/$addr/$version/linux_amd64/${project}_v${version}
  [ -x "$installed" ] || fail "$name did not unpack $installed"
  [ "$("$installed" -version)" = "$project $version" ] \
    || fail "the installed binary reports '$("$installed" -version)', want '$project $version'"

  # An install against a lock file that holds the zip's checksum from SHA256SUMS: the zip must match it, and
  # the lock then records both hashes. Another file's checksum (the manifest's) must stop the install.
  seed_lock "$dir" "$addr" "zh:$(sha256sum "$release/$manifest" | cut -d' ' -f1)"
  if init; then fail "$name installed $zip against a lock file with another file's checksum"; fi
  grep -qi 'checksum' "$dir/init.log" || { cat "$dir/init.log" >&2; fail "$name's init failed, but not on the checksum"; }
  seed_lock "$dir" "$addr" "$want_zh"
  init || { cat "$dir/init.log" >&2; fail "$name init against the locked checksum of $zip failed"; }
  [ "$(lock_hashes "$dir" "$addr")" = "$(printf '%s\n' "$want_h1" "$want_zh" | LC_ALL=C sort)" ] \
    || fail "$name locked $(lock_hashes "$dir" "$addr" | tr '\n' ' ')for $zip, want $want_h1 and $want_zh"

  say "$name plan of examples/demo against the simulator on $VBSSIM_URL"
  (cd "$dir" && TF_CLI_CONFIG_FILE=$dir/cli.tfrc "$cli" plan -input=false -no-color >"$dir/plan.log" 2>&1) \
    || { cat "$dir/plan.log" >&2; fail "$name plan failed"; }
  grep -Eq "^ *\\+ backup_count *= *$VBSSIM_BACKUPS\$" "$dir/plan.log" \
    || { cat "$dir/plan.log" >&2; fail "$name's plan did not read the simulator's $VBSSIM_BACKUPS backups"; }
  say "$name installed $addr v$version from the mirror (locked $want_h1, $want_zh) and read $VBSSIM_BACKUPS backups"
}

if [ -n "$TF" ]; then
  install_and_plan "$TF" registry.terraform.io
else
  say "no terraform on PATH: checking with OpenTofu only"
fi
install_and_plan "$TOFU" registry.opentofu.org
say "passed"
