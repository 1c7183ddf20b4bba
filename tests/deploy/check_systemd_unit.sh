#!/usr/bin/env bash
# systemd-analyze verify on deploy/systemd/ticketledger.service, with ExecStart pointing at the
# built binary (verify checks that the executable exists) in a temporary copy of the unit; and
# every TICKETLEDGER_ variable the unit sets is one that `serve` reads.
# Usage: check_systemd_unit.sh <unit file> <ticketledger binary>
# Exit 77 (skipped) without systemd-analyze: scripts/setup --with-test-tools installs it.
set -euo pipefail
unit=$1
binary=$2
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (scripts/setup --with-test-tools installs systemd)"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
copy="$dir/$(basename "$unit")"
grep -q '^ExecStart=/usr/local/bin/ticketledger ' "$unit" || {
  echo "FAIL: $unit has no ExecStart=/usr/local/bin/ticketledger ..." >&2
  exit 1
}
sed "s#^ExecStart=/usr/local/bin/ticketledger #ExecStart=$binary #" "$unit" >"$copy"
# verify prints its findings on stderr and may still exit 0 for some of them: any output fails.
output=$(systemd-analyze verify "$copy" 2>&1) || {
  echo "$output" >&2
  exit 1
}
if [[ -n "$output" ]]; then
  echo "$output" >&2
  exit 1
fi
echo "systemd-analyze verify: $unit is clean"
# Every variable the unit sets is one `serve` reads: a renamed flag must not leave the unit
# setting a variable nobody reads (docs/operations.md, "Flags from the environment").
help=$("$binary" serve --help)
for variable in $(grep -o '^Environment=TICKETLEDGER_[A-Z_]*' "$unit" | cut -d= -f2); do
  if ! grep -qF "(Env:$variable)" <<<"$help"; then
    echo "FAIL: $unit sets $variable, which no flag of \`ticketledger serve\` reads" >&2
    exit 1
  fi
  echo "$variable: a flag of serve"
done
# The exposure score, for docs/operations.md (informational; it does not fail the test).
systemd-analyze security --offline=true "$copy" 2>/dev/null | tail -1 || true
