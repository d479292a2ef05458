#!/usr/bin/env bash
# Builds the Go vulnerability database for an offline govulncheck and prints its folder, for
# `govulncheck -db file://FOLDER`. Usage: bash .ci/vulndb.sh VULNDB_VERSION (`make vulncheck` pins it).
#
# The database is the data/osv folder of the golang.org/x/vulndb module at that version (fetched
# through the module proxy and checked against the checksum database like any module, but not
# listed in go.mod: it is data, not code), indexed with that module's own cmd/indexdb. The index is
# kept per version in ${VULNDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/advisor/vulndb}, so only
# the first run on a machine builds it (about 40 MB on disk). Everything but the folder goes to stderr.
set -euo pipefail

version="${1:?usage: vulndb.sh VULNDB_VERSION (e.g. the one pinned in the Makefile)}"
base="${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}}"
cache="${VULNDB_CACHE:-${base:-${TMPDIR:-/tmp}}/advisor/vulndb}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)" # absolute, for the file:// URL
out="$cache/$version"

if [ -f "$out/index/db.json" ]; then
  echo "$out"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Outside this module (and any workspace), so neither go.mod nor go.sum gains the vulndb module.
cd "$work"
export GOWORK=off

if ! json="$(go mod download -json "golang.org/x/vulndb@$version")"; then
  printf '%s\n' "$json" >&2
  echo "vulndb.sh: could not download golang.org/x/vulndb@$version" >&2
  exit 1
fi
dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [ ! -d "$dir/data/osv" ]; then
  printf '%s\n' "$json" >&2
  echo "vulndb.sh: no data/osv folder in golang.org/x/vulndb@$version (${dir:-no Dir})" >&2
  exit 1
fi

echo "vulndb.sh: indexing $(find "$dir/data/osv" -name '*.json' | wc -l) advisories of golang.org/x/vulndb@$version" >&2
go run "golang.org/x/vulndb/cmd/indexdb@$version" -vulns "$dir/data/osv" -out "$work/db" >&2

# Publish only a complete index: copy next to the target, then rename.
rm -rf "$out" "$out.tmp.$$"
cp -R "$work/db" "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$out"
