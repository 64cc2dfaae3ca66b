"""The security lint CI runs (bin/test) holds for the code as it is: bandit finds nothing in caseapp/."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_bandit_finds_no_issue_in_the_app():
    bandit = shutil.which("bandit", path=str(Path(sys.executable).parent))
    if bandit is None:
        pytest.skip("bandit is installed with the dev extras (pip install -e '.[dev]')")
    result = subprocess.run([bandit, "-q", "-r", "caseapp", "-f", "custom", "--msg-template",
                             "{relpath}:{line} {test_id} {msg}"], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout
