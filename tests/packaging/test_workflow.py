"""The release workflow is valid for GitHub Actions and refers to scripts that exist.

check-jsonschema validates against the GitHub workflow schema vendored inside it, so this needs no
network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _check_jsonschema() -> str:
    found = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(found).exists():
        pytest.fail("check-jsonschema is not installed (pip install .[test])", pytrace=False)
    return found


def test_workflow_matches_the_github_schema() -> None:
    result = subprocess.run([_check_jsonschema(), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _load() -> dict:
    # ruamel.yaml comes with check-jsonschema (a test dependency); YAML 1.2 keeps the key "on" a string.
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_triggers_matrix_and_release() -> None:
    data = _load()
    assert data["on"]["push"]["tags"] == ["v*"]
    assert "workflow_dispatch" in data["on"]
    build = data["jobs"]["build"]
    systems = {item["os"].split("-")[0] for item in build["strategy"]["matrix"]["include"]}
    assert systems == {"ubuntu", "windows", "macos"}
    steps = build["steps"]
    python = next(s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python"))
    assert str(python["with"]["python-version"]) == "3.12"
    assert any(str(s.get("uses", "")).startswith("actions/upload-artifact") for s in steps)
    assert sum("--smoke-test" in s.get("run", "") for s in steps) == 3, "each OS smoke-tests its build"
    release = data["jobs"]["release"]
    assert release["needs"] == "build" and release["permissions"]["contents"] == "write"


def test_workflow_scripts_exist() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    scripts = set(re.findall(r"packaging/[\w./-]+\.(?:sh|nsi|desktop)", text))
    assert scripts, "the workflow should call the packaging scripts"
    missing = [s for s in sorted(scripts) if not (ROOT / s).is_file()]
    assert not missing, missing
