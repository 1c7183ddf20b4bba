#!/usr/bin/env python3
"""Every metric that the alert rules and the dashboard query is documented in docs/api.md or
docs/operations.md, so a metric renamed in the server without its docs and its operator files
fails here (and a query of a metric nobody exports cannot go unnoticed).

Usage: check_metric_names.py <repository root>
"""
import json
import os
import re
import sys

from promql_names import alert_exprs, dashboard_exprs, family, metric_names

# Prometheus's own series, which no exporter documents.
BUILTIN = {"up"}


def main() -> int:
    root = sys.argv[1]

    def read(path):
        with open(os.path.join(root, path), encoding="utf-8") as f:
            return f.read()

    docs = read("docs/api.md") + read("docs/operations.md")
    documented = set(re.findall(r"[a-z_:][a-z0-9_:]*", docs))

    used = {}  # metric family -> where it is used
    for alert, expr in alert_exprs(read("deploy/prometheus/alerts.yml")):
        for name in metric_names(expr):
            used.setdefault(family(name), set()).add(f"alert {alert}")
    dashboard = json.loads(read("deploy/grafana/ticketledger.json"))
    for title, expr in dashboard_exprs(dashboard):
        for name in metric_names(expr):
            used.setdefault(family(name), set()).add(f"panel {title!r}")

    if not used:
        print("FAIL: no metric found in the alerts or the dashboard", file=sys.stderr)
        return 1
    missing = {name: where for name, where in used.items()
               if name not in BUILTIN and name not in documented}
    for name, where in sorted(missing.items()):
        print(f"FAIL: {name} (used by {', '.join(sorted(where))}) is in neither docs/api.md "
              f"nor docs/operations.md", file=sys.stderr)
    if missing:
        return 1
    print(f"{len(used)} metric families used by the alerts and the dashboard, all documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
