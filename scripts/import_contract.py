"""The import contract between the apps, checked over the real imports of every module.

Layers, highest first; a module may import its own layer and the layers below it, never above:

    config     the project package's wiring: settings, URL conf, Celery app, WSGI/ASGI, middleware
    yearend    the year's close: hand-over, reports, reminders, province overview
    awards     award rules, polls, ballots, results, dossiers
    emulation  the yearly cycle: scoring, pledges
    clusters   provinces, clusters, units, years, memberships, people, audit
    documents  the PDF job framework

Domain code (every layer but config) never imports the URL conf or the Celery app module.
Imports inside functions count the same as top-level ones: a lazy import does not dodge a cycle.

Run: `python scripts/import_contract.py` (exit status 1 and one line per breach).
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["documents", "clusters", "emulation", "awards", "yearend", "config"]
CONFIG_MODULES = (
    "emulation.settings",
    "emulation.urls",
    "emulation.celery",
    "emulation.wsgi",
    "emulation.asgi",
    "emulation.health",
    "emulation.middleware",
    "emulation.bench_middleware",
    "emulation.formats",
)
FORBIDDEN_FOR_DOMAIN = ("emulation.urls", "emulation.celery")
PACKAGES = ("documents", "clusters", "emulation", "awards", "yearend")


def layer_of(module: str, importer: bool = False) -> str | None:
    if importer and module == "emulation":  # the project package's __init__ loads the Celery app
        return "config"
    if any(module == m or module.startswith(m + ".") for m in CONFIG_MODULES):
        return "config"
    top = module.split(".")[0]
    return top if top in PACKAGES else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool):
    """(line, imported module) for every import statement, relative ones resolved."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # `from clusters import services` imports clusters.services
                yield node.lineno, f"{target}.{alias.name}"


def breaches_in(source: str, module: str, is_package: bool = False) -> list[str]:
    own = layer_of(module, importer=True)
    if own is None:
        return []
    found = []
    for line, target in imported_modules(source, module, is_package):
        other = layer_of(target)
        if other is None:
            continue
        if own != "config" and any(target == m or target.startswith(m + ".") for m in FORBIDDEN_FOR_DOMAIN):
            found.append(f"{module}:{line} imports {target} (domain code must not import the project wiring)")
        elif LAYERS.index(other) > LAYERS.index(own):
            found.append(f"{module}:{line} imports {target} ({own} may not import {other})")
    return sorted(set(found))


def all_breaches() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = module_name(path)
            found += breaches_in(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
    return found


def main() -> int:
    found = all_breaches()
    for line in found:
        print(line)
    print(f"import contract: {len(found)} breach(es)" if found else "import contract: kept")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
