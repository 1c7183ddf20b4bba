#!/usr/bin/env python3
"""Every query of the Grafana dashboard parses as PromQL: each panel target's `expr`, with
Grafana's variables replaced by values, becomes a recording rule in a temporary file that
`promtool check rules` reads.

Usage: check_dashboard.py <dashboard.json>
Exit 77 (skipped) without promtool: scripts/setup --with-test-tools installs prometheus.
"""
import json
import shutil
import subprocess
import sys
import tempfile

from promql_names import dashboard_exprs, substitute_grafana_variables


def main() -> int:
    if shutil.which("promtool") is None:
        print("SKIP: promtool is not installed "
              "(scripts/setup --with-test-tools installs prometheus)")
        return 77
    with open(sys.argv[1], encoding="utf-8") as f:
        dashboard = json.load(f)
    exprs = dashboard_exprs(dashboard)
    if not exprs:
        print("FAIL: the dashboard has no queries", file=sys.stderr)
        return 1
    lines = ["groups:", "  - name: dashboard", "    rules:"]
    for i, (title, expr) in enumerate(exprs):
        lines.append(f"      - record: dashboard:panel_{i}")
        lines.append(f"        expr: {json.dumps(substitute_grafana_variables(expr))}")
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as rules:
        rules.write("\n".join(lines) + "\n")
        rules.flush()
        result = subprocess.run(["promtool", "check", "rules", rules.name],
                                capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
        for i, (title, expr) in enumerate(exprs):
            print(f"dashboard:panel_{i} = {title!r}: {expr}", file=sys.stderr)
        return 1
    print(f"{len(exprs)} dashboard queries parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
