#!/usr/bin/env bash
# Every tracked C++ file is as clang-format (the repository's .clang-format) writes it.
# Usage: check_format.sh <repository root>
set -euo pipefail
cd "$1"
if ! command -v clang-format >/dev/null; then
  echo "clang-format is not installed (scripts/setup --with-test-tools installs it)" >&2
  exit 1
fi
files=$(git ls-files '*.cc' '*.h')
if ! clang-format --dry-run -Werror $files; then
  echo "run: clang-format -i \$(git ls-files '*.cc' '*.h')" >&2
  exit 1
fi
echo "clang-format: $(echo "$files" | wc -l) files clean"
