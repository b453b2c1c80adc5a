"""The dependency rule between crm's packages, read from every module's imports.

views and api use services; services use the datamodel and models; security and
i18n sit below. The task queue's tasks (jobs) call services, never screens. The API
is built on the data layer, never on the screens.
"""
import ast
from pathlib import Path

import crm

ROOT = Path(crm.__file__).parent

# Package under crm -> packages it may not import.
FORBIDDEN = {
    "api": ("crm.views",),
    "services": ("crm.views", "crm.api", "crm.jobs"),
    "jobs": ("crm.views", "crm.api"),
    "datamodel": ("crm.views", "crm.api"),
    "models": ("crm.views", "crm.api", "crm.services"),
    "security": ("crm.views", "crm.api"),
    "i18n": ("crm.views", "crm.api"),
}


def _module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(source, module_name, is_package=False):
    """``(line, module)`` for every import in ``source`` (``from crm import views`` and
    ``from ..views import x`` count as ``crm.views``)."""
    package = module_name.split(".") if is_package else module_name.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1])
                module = f"{base}.{module}" if module else base
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def _breaks(module, forbidden):
    return any(module == f or module.startswith(f + ".") for f in forbidden)


def layering_violations():
    found = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            imports = _imported(path.read_text(encoding="utf-8"), _module_name(path),
                                path.name == "__init__.py")
            lines = sorted({line for line, name in imports if _breaks(name, forbidden)})
            if lines:
                found.append(f"{path.relative_to(ROOT.parent)} (line {', '.join(map(str, lines))})")
    return found


def test_every_layer_is_a_package():
    for package in FORBIDDEN:
        assert (ROOT / package / "__init__.py").is_file(), package


def test_imports_follow_the_dependency_rule():
    violations = layering_violations()
    assert not violations, "imports that break the layering rule:\n" + "\n".join(violations)


def test_relative_and_package_imports_are_read():
    source = "from ..views import companies\nfrom crm import views\nimport crm.views.base\n"
    names = {name for _, name in _imported(source, "crm.api.companies")}
    assert {"crm.views.companies", "crm.views", "crm.views.base"} <= names
    assert not _breaks("crm.viewsets", ("crm.views",))
