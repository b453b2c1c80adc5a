"""The dependency rule between crm's packages, read from every module's imports.

Screens (views), the API, dashboard charts and the CLI use services; services use the
models and the field catalogue (crm/fields); security's mechanisms and i18n sit below the
services. crm/datamodel is the data layer of the screens and the API (it calls services,
services never call it); crm/web is their HTTP boundary. The task queue's tasks (crm/jobs)
call services, never screens. docs/architecture.md explains the layers.
"""

import ast
import sys
from pathlib import Path

import crm

ROOT = Path(crm.__file__).parent

USERS_OF_SERVICES = ("crm.views", "crm.api", "crm.charts", "crm.cli")
HTTP_SIDE = USERS_OF_SERVICES + ("crm.datamodel", "crm.web")

# Package or module under crm -> what it may not import.
FORBIDDEN = {
    "views": ("crm.api", "crm.cli"),
    "api": ("crm.views", "crm.charts", "crm.cli"),
    "charts": ("crm.views", "crm.api", "crm.cli", "crm.datamodel", "crm.web"),
    "cli": ("crm.views", "crm.api", "crm.charts"),
    "web": ("crm.views", "crm.api", "crm.charts", "crm.cli", "crm.datamodel"),
    "datamodel": ("crm.views", "crm.api", "crm.charts", "crm.cli", "crm.web"),
    "services": HTTP_SIDE + ("crm.jobs",),
    "jobs": HTTP_SIDE,
    # The field catalogue sits below the services: models, i18n and security only.
    "fields": HTTP_SIDE + ("crm.services", "crm.datamodel"),
    "models": HTTP_SIDE + ("crm.services",),
    "security": HTTP_SIDE,
    "i18n": HTTP_SIDE,
    # Below the services: the mechanisms of security (not its sign-in and user screens,
    # manager.py, token_api.py and user_views.py, which call crm.services.accounts).
    **{
        f"security.{name}": ("crm.services",)
        for name in ("tenancy", "roles", "passwords", "masking", "scoping", "headers", "api_csrf")
    },
    # i18n.selection reads the organisation's default language from the settings service.
    **{
        f"i18n.{name}": ("crm.services", "crm.security")
        for name in ("catalogs", "names", "parsing", "inputs")
    },
}


def _files(layer):
    """The source files of ``layer`` ("views", "security.tenancy", "cli")."""
    path = ROOT.joinpath(*layer.split("."))
    if path.is_dir():
        return sorted(path.rglob("*.py"))
    return [path.with_suffix(".py")]


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
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{module}" if module else base
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def _breaks(module, forbidden):
    return any(module == f or module.startswith(f + ".") for f in forbidden)


def layering_violations():
    found = []
    for layer, forbidden in FORBIDDEN.items():
        for path in _files(layer):
            imports = _imported(
                path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py"
            )
            lines = sorted({line for line, name in imports if _breaks(name, forbidden)})
            if lines:
                found.append(f"{path.relative_to(ROOT.parent)} (line {', '.join(map(str, lines))})")
    return found


def test_every_layer_exists():
    for layer in FORBIDDEN:
        files = _files(layer)
        assert files and all(path.is_file() for path in files), layer


def test_imports_follow_the_dependency_rule():
    violations = layering_violations()
    assert not violations, "imports that break the layering rule:\n" + "\n".join(violations)


def test_relative_and_package_imports_are_read():
    source = "from ..views import companies\nfrom crm import views\nimport crm.views.base\n"
    names = {name for _, name in _imported(source, "crm.api.companies")}
    assert {"crm.views.companies", "crm.views", "crm.views.base"} <= names
    assert not _breaks("crm.viewsets", ("crm.views",))


def test_a_service_importing_a_screen_is_reported(tmp_path, monkeypatch):
    package = tmp_path / "crm"
    (package / "services").mkdir(parents=True)
    (package / "services" / "rules.py").write_text("from crm.views.base import flash_error\n")
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "ROOT", package)
    monkeypatch.setattr(this, "FORBIDDEN", {"services": FORBIDDEN["services"]})
    assert layering_violations() == ["crm/services/rules.py (line 1)"]
