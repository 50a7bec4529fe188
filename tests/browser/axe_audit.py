"""axe-core on a page as a visitor sees it: its serious and critical violations (the
full report is kept in the artifacts folder)."""

import json

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SERIOUS = {"serious", "critical"}


def audit(page: Page, artifacts, name: str) -> list[dict]:
    results = Axe().run(page)
    violations = results.response["violations"]
    (artifacts / f"axe-{name}.json").write_text(json.dumps(violations, indent=2))
    return [v for v in violations if v["impact"] in SERIOUS]


def describe(violations):
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']]}"
                     for v in violations)  # fmt: skip
