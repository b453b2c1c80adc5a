"""Write the served OpenAPI document to docs/openapi.json (or --output FILE).

    python tools/openapi_document.py [--output docs/openapi.json] [--version v1]

tests/integration/test_openapi_document.py fails when the served document and the
committed copy differ; run this after changing an API.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from crm.api.openapi import document_text, served_document  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "docs" / "openapi.json"))
    parser.add_argument("--version", default="v1")
    args = parser.parse_args(argv)
    app = create_app({"FAB_UPDATE_PERMS": False})
    document = served_document(app, args.version)
    if document is None:
        parser.error(f"no API has version {args.version}")
    Path(args.output).write_text(document_text(document), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
