"""The house rules of ``docs/architecture.md``, read from the source (AST), so a misplaced line fails here.

* one home per file format: only ``implan_docs/xlsx/`` imports openpyxl, only ``implan_docs/docx/``
  imports python-docx; lxml and zipfile appear only in those two wings (and zipfile in ``fileio.py``, the
  atomic-write module, which holds the one zip writer);
* one deterministic zip writer: ``zipfile.ZipFile`` opened for writing only in ``fileio.py``;
* the plan and its meaning (model, findings, validate, workdays, schedule, blocks) do no file-format
  work and know nothing of the commands (they may read the contract, ``xlsx/contract.py``: it is data);
* no module imports a private name (``_x``) of another implan_docs module.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "implan_docs"
MODULES = sorted(PKG.rglob("*.py"))
CORE = ("model", "findings", "validate", "workdays", "schedule", "blocks", "errors", "earned_value")
ORCHESTRATION = ("build", "handoff", "cli", "notebooks", "phases", "diff", "publish")


def dotted(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(absolute module, imported names, line) of every import in ``path``, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = dotted(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((a.name, [], node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append((module, [a.name for a in node.names], node.lineno))
    return out


def wing(path: Path) -> str:
    rel = path.relative_to(PKG).parts
    return rel[0] if len(rel) > 1 else ""


def test_the_tree_is_what_the_architecture_page_says():
    assert (PKG / "xlsx").is_dir() and (PKG / "docx").is_dir()
    for name in ("phases.py", "fileio.py", "model.py", "blocks.py", "build.py", "cli.py"):
        assert (PKG / name).is_file(), name
    text = (PKG.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for path in MODULES:
        rel = path.relative_to(PKG).as_posix()
        if path.parent.name in ("charts", "sections", "i18n") or path.name == "__init__.py":
            continue
        assert f"`{rel}`" in text or f"`{path.stem}`" in text, f"docs/architecture.md does not place {rel}"


@pytest.mark.parametrize("library, home", [("openpyxl", "xlsx"), ("docx", "docx"), ("lxml", "xlsx docx")])
def test_a_file_format_library_is_imported_in_its_wing_only(library, home):
    strays = [f"{p.relative_to(PKG)}:{line}" for p in MODULES for module, _, line in imports(p)
              if (module == library or module.startswith(library + ".")) and wing(p) not in home.split()]
    assert strays == [], f"{library} imported outside implan_docs/{home}/"


def test_zipfile_only_in_the_wings_and_the_atomic_write_module():
    strays = [f"{p.relative_to(PKG)}:{line}" for p in MODULES for module, _, line in imports(p)
              if module == "zipfile" and wing(p) not in ("xlsx", "docx") and p.name != "fileio.py"]
    assert strays == []


def _zip_writers(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "ZipFile":
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            if isinstance(mode, ast.Constant) and str(mode.value)[:1] in "wax":
                lines.append(node.lineno)
    return lines


def test_one_deterministic_zip_writer():
    writers = {p.relative_to(PKG).as_posix(): _zip_writers(p) for p in MODULES}
    writers = {k: v for k, v in writers.items() if v}
    assert list(writers) == ["fileio.py"] and len(writers["fileio.py"]) == 1
    builder = PKG.parent / "templates" / "make_template.py"  # the template builder uses it too
    assert not _zip_writers(builder) and "zip_bytes" in builder.read_text(encoding="utf-8")


def test_the_plan_and_its_meaning_do_no_io_and_know_no_command():
    banned = ("openpyxl", "docx", "lxml", "zipfile", "implan_docs.xlsx", "implan_docs.docx") + tuple(
        f"implan_docs.{m}" for m in ORCHESTRATION)
    for name in CORE:
        for module, _, line in imports(PKG / f"{name}.py"):
            if module == "implan_docs.xlsx.contract":
                continue  # the contract is data (sheet and column names), no file work: validation checks against it
            assert not any(module == b or module.startswith(b + ".") for b in banned), f"{name}.py:{line} imports {module}"


def test_no_private_name_crosses_modules():
    crossings = []
    for path in MODULES:
        for module, names, line in imports(path):
            if not module.startswith("implan_docs"):
                continue  # a third-party private name is that library's business (commented where used)
            crossings += [f"{path.relative_to(PKG)}:{line} {module}.{n}" for n in names
                          if n.startswith("_") and not n.startswith("__")]
    assert crossings == []


def test_read_validate_schedule_run_only_in_the_phases_module():
    callers = []
    for path in MODULES:
        if path.name == "phases.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in ("schedule_plan", "validate"):
                    callers.append(f"{path.relative_to(PKG)}:{node.lineno} {name}")
    assert callers == []
