#!/usr/bin/env bash
# The alert rules are valid, and their unit tests pass (each alert fires in one case and stays
# quiet in another). Usage: check_alerts.sh <deploy/prometheus folder>
# Exit 77 (skipped) without promtool: scripts/setup --with-test-tools installs prometheus.
set -euo pipefail
if ! command -v promtool >/dev/null; then
  echo "SKIP: promtool is not installed (scripts/setup --with-test-tools installs prometheus)"
  exit 77
fi
cd "$1"
promtool check rules alerts.yml
promtool test rules alerts_test.yml
