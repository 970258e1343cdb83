"""Every environment variable the shop reads is in README's settings table, so an operator
sees everything production can be given in one place."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READS = re.compile(r'(?:os\.environ(?:\.get)?\(\s*|os\.environ\[|env_(?:bool|list)\(\s*)"([A-Z][A-Z0-9_]+)"')
SKIP = {".venv", "tests", "bench", "node_modules", ".services", "var"}


def variables_read():
    found = {}
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        for name in READS.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def test_every_environment_variable_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Settings (environment variables)", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    found = variables_read()
    assert len(found) > 40
    missing = {name: where for name, where in found.items() if name not in documented}
    assert not missing, f"read but not in README's settings table: {missing}"
