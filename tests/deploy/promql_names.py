"""What the deploy tests read from the operator files: the PromQL expressions of the dashboard
and of the alert rules, and the metric names each expression uses."""
import re

# Grafana's variables, replaced by what they stand for at query time.
GRAFANA_VARIABLES = {
    "$__rate_interval": "5m",
    "$__interval": "1m",
    "$__range": "6h",
    "$instance": ".*",
}


def substitute_grafana_variables(expr: str) -> str:
    for name in sorted(GRAFANA_VARIABLES, key=len, reverse=True):
        expr = expr.replace(name, GRAFANA_VARIABLES[name])
    return expr


def dashboard_exprs(dashboard: dict) -> list:
    """(panel title, expr) for every target of every panel, rows' panels included."""
    found = []

    def visit(panels):
        for panel in panels:
            for target in panel.get("targets", []):
                if target.get("expr"):
                    found.append((panel.get("title", ""), target["expr"]))
            visit(panel.get("panels", []))

    visit(dashboard.get("panels", []))
    return found


def alert_exprs(rules_text: str) -> list:
    """(alert name, expr) of every rule in a rules file laid out as deploy/prometheus/alerts.yml
    is: `expr: <one line>` or `expr: >-` followed by more deeply indented lines. (No YAML
    library: the tests need only the standard library.)"""
    found = []
    name = ""
    lines = rules_text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"\s*- (?:alert|record): (\S+)", line)
        if m:
            name = m.group(1)
        m = re.match(r"(\s*)expr: (.*)$", line)
        if m:
            indent, rest = len(m.group(1)), m.group(2).strip()
            if rest in (">-", ">", "|", "|-"):
                parts = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or
                                          len(lines[i]) - len(lines[i].lstrip()) > indent):
                    parts.append(lines[i].strip())
                    i += 1
                found.append((name, " ".join(p for p in parts if p)))
                continue
            found.append((name, rest.strip("'\"")))
        i += 1
    return found


# Words of PromQL that are not metric names.
_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
    "bool", "offset", "inf", "nan",
}


def metric_names(expr: str) -> set:
    """The metric names an expression selects: identifiers outside strings, label matchers,
    ranges and grouping clauses, that are neither functions nor keywords."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        word = m.group(0)
        after = text[m.end():].lstrip()
        if after.startswith("("):
            continue  # a function or aggregation
        if word.lower() in _KEYWORDS:
            continue
        if m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] == "."):
            continue  # the exponent or unit of a number (1e3, 5m)
        names.add(word)
    return names


def family(name: str) -> str:
    """A histogram's series (`x_bucket`, `x_sum`, `x_count`) belong to the family `x`."""
    return re.sub(r"_(bucket|sum|count)$", "", name)
