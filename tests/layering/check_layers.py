#!/usr/bin/env python3
"""The layering rules of docs/architecture.md, checked over the sources.

Each module may include only its own headers and those of the modules below it, and only a
few named files may include RocksDB's or Cap'n Proto's headers (the store's adapters and the
benchmark's raw baseline). The build enforces the first rule too (each target's include root
exposes only public headers); this check names the offending line, and it catches includes
that happen to resolve through a path the build allows. Exit 0 when clean, 1 listing every
violation.

Usage: check_layers.py <repository root>
"""
import pathlib
import re
import sys

# Module -> the modules its files may include (itself included). Order = the layers.
ALLOWED = {
    "ledger/domain": {"ledger/domain"},
    "ledger/tlog": {"ledger/domain", "ledger/tlog"},
    "ledger/privacy": {"ledger/domain", "ledger/privacy"},
    "ledger/store": {"ledger/domain", "ledger/tlog", "ledger/privacy", "ledger/store"},
    "mail": {"ledger/domain", "mail"},
    "projections": {"ledger/domain", "ledger/tlog", "ledger/store", "projections"},
    "app": {"ledger/domain", "ledger/tlog", "ledger/privacy", "ledger/store", "projections",
            "mail", "app"},
    "server": {"ledger/domain", "ledger/tlog", "ledger/privacy", "ledger/store", "projections",
               "mail", "app", "server"},
    "tools": {"ledger/domain", "ledger/tlog", "ledger/privacy", "ledger/store", "projections",
              "mail", "app", "server", "tools"},
    "bench": {"ledger/domain", "ledger/tlog", "ledger/privacy", "ledger/store", "projections",
              "mail", "app", "server", "tools", "bench", "tests/support"},
}

# Third-party headers that only these files may include (the one place each library's types
# and errors are converted to ours).
CONFINED = {
    r"rocksdb/": {"ledger/store/rocks_store.cc", "ledger/store/rocks_backup.cc",
                  "ledger/store/wal_file_system.h",
                  "ledger/store/wal_file_system.cc", "ledger/store/fault_injection.cc",
                  "ledger/store/fault_file_system.h", "ledger/store/fault_file_system.cc",
                  "ledger/store/rocks_logger.h", "ledger/store/rocks_logger.cc",
                  "ledger/store/wal_errors_at_sync.h", "ledger/store/wal_errors_at_sync.cc",
                  "ledger/privacy/key_store.cc", "bench/raw_rocksdb_baseline.cc"},
    r"(capnp|kj)/|\.capnp\.h$": {"ledger/store/codec.cc", "bench/raw_rocksdb_baseline.cc"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def module_of(path: str):
    """The module a repository path belongs to: the longest matching prefix."""
    best = None
    for module in list(ALLOWED) + ["tests/support"]:
        if path == module or path.startswith(module + "/"):
            if best is None or len(module) > len(best):
                best = module
    return best


def main() -> int:
    root = pathlib.Path(sys.argv[1]).resolve()
    problems = []
    for source in sorted(root.glob("**/*")):
        if source.suffix not in (".h", ".cc") or not source.is_file():
            continue
        rel = source.relative_to(root).as_posix()
        if rel.startswith(("build", "tests/", ".")) or "/node_modules/" in rel:
            continue
        module = module_of(rel)
        if module is None:
            continue
        for number, line in enumerate(source.read_text(errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            quote, target = match.groups()
            for pattern, files in CONFINED.items():
                if re.search(pattern, target) and rel not in files:
                    problems.append(f"{rel}:{number}: includes {target}, which only "
                                    f"{', '.join(sorted(files))} may")
            if quote != '"':
                continue
            target_module = module_of(target)
            if target_module is None:
                problems.append(f"{rel}:{number}: includes {target}, which is in no module")
            elif target_module not in ALLOWED[module]:
                problems.append(f"{rel}:{number}: {module} may not include {target} "
                                f"({target_module} is not below it)")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} layering violation(s); the layers are in docs/architecture.md")
        return 1
    print("layering ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
