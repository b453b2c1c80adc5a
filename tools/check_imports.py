"""Check that every third-party import resolves to a declared distribution.

    python tools/check_imports.py

Application code (crm/, app.py, config.py, migrations/) must only import what
requirements.txt declares; tests, tools and benchmarks may also use what
requirements-dev.txt adds. Exits 1 and names each import whose distribution is
not declared in the right file (or not installed at all).
"""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PATHS = ["crm", "app.py", "config.py", "migrations"]
DEV_PATHS = ["tests", "tools", "benchmarks"]
LOCAL = {"crm", "app", "config", "tests", "tools", "benchmarks", "migrations"}


def _normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(path):
    """Distribution names a requirements file declares, following ``-r`` includes."""
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r"):
            names |= declared(path.parent / line[2:].strip())
        elif not line.startswith("-"):
            names.add(_normalise(re.split(r"[\s\[<>=!~;]", line, maxsplit=1)[0]))
    return names


def top_level_imports(paths):
    """{module: first file importing it} for absolute imports under ``paths``."""
    found = {}
    for entry in paths:
        base = ROOT / entry
        files = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for file in files:
            for node in ast.walk(ast.parse(file.read_text(), str(file))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    found.setdefault(module.split(".")[0], file.relative_to(ROOT))
    return found


def problems(paths, allowed, distributions):
    for module, where in sorted(top_level_imports(paths).items()):
        sibling = ROOT / where.parent / f"{module}.py"
        if module in sys.stdlib_module_names or module in LOCAL or sibling.exists():
            continue
        owners = {_normalise(d) for d in distributions.get(module, [])}
        if not owners:
            yield f"{where}: imports {module}, which no installed distribution provides"
        elif not owners & allowed:
            yield f"{where}: imports {module} ({', '.join(sorted(owners))}), not declared"


def main():
    distributions = packages_distributions()
    runtime = declared(ROOT / "requirements.txt")
    dev = declared(ROOT / "requirements-dev.txt")
    found = list(problems(APP_PATHS, runtime, distributions))
    found += list(problems(DEV_PATHS, runtime | dev, distributions))
    for line in found:
        print(line)
    if not found:
        print("every third-party import is declared")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
