"""The documentation says what is true: links resolve, every finding code is documented, CI runs the
README's test command."""
from __future__ import annotations

import re
from pathlib import Path

from implan_docs.i18n import catalogue, languages

ROOT = Path(__file__).resolve().parent.parent


def test_readme_links_and_images_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", text)
    missing = [t for t in targets if not t.startswith("http") and not (ROOT / t).exists()]
    assert targets and missing == []


def test_ci_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert ci[-1] == "scripts/setup && .venv/bin/python -m pytest -q"
    assert f"```sh\n{ci[-1]}\n```" in readme
    first = readme.index("```sh\n")
    assert readme[first:].startswith("```sh\nscripts/setup && .venv/bin/implan build examples/rollout-plan.xlsx")


def test_every_finding_code_is_documented():
    documented = set(re.findall(r"^\| ([EWS]\d{3}) \|", (ROOT / "docs" / "findings.md").read_text(encoding="utf-8"), re.M))
    codes = {key.split(".", 1)[1] for key in catalogue("en") if key.startswith("findings.")}
    assert codes and codes <= documented, sorted(codes - documented)


def test_catalogues_have_the_same_keys_in_every_language():
    keys = {lang: set(catalogue(lang)) for lang in languages()}
    assert set(keys) >= {"en", "zh-TW"}
    for lang, found in keys.items():
        assert found == keys["en"], (lang, sorted(found ^ keys["en"])[:10])
