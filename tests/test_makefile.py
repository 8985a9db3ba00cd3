"""`make site` installs only what the site needs; `make test` adds the test tools.

`make -n` prints the commands a fresh clone would run (a fresh VENV path: no stamp yet),
and the ones `make test` runs after `make site` (runtime stamp present, test stamp not).
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make không có / make is not installed")


def dry_run(target: str, venv: Path) -> str:
    done = subprocess.run(["make", "-n", target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def pip_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "pip install" in line]


def test_make_site_installs_the_runtime_only_and_shows_progress(tmp_path):
    out = dry_run("site", tmp_path / "venv")
    installs = pip_lines(out)
    assert any(line.rstrip().endswith("install --disable-pip-version-check -e .") for line in installs), out
    assert "[test]" not in out and "playwright" not in out.lower()
    assert "-m pytest" not in out and "apt-get" not in out
    assert all("--quiet" not in line and " -q" not in line for line in installs)
    assert "==> " in out  # a line says what each step does
    assert "build.py build" in out


def test_make_serve_installs_the_runtime_only(tmp_path):
    out = dry_run("serve", tmp_path / "venv")
    assert pip_lines(out) and "[test]" not in out


def test_make_test_installs_everything_on_a_fresh_clone(tmp_path):
    out = dry_run("test", tmp_path / "venv")
    assert any(line.rstrip().endswith("-e .") for line in pip_lines(out))
    assert any("'.[test]'" in line for line in pip_lines(out))
    assert "chromium" in out and "-m pytest" in out


def test_make_test_after_make_site_installs_only_the_test_extra(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    runtime = venv / ".installed"
    runtime.touch()
    later = (ROOT / "pyproject.toml").stat().st_mtime + 10
    os.utime(runtime, (later, later))
    installs = pip_lines(dry_run("test", venv))
    assert installs and all("'.[test]'" in line for line in installs), installs
    (venv / ".installed-test").touch()
    os.utime(venv / ".installed-test", (later + 1, later + 1))
    assert pip_lines(dry_run("test", venv)) == []


def test_make_site_installs_lunr_only_and_make_test_the_test_tools_too(tmp_path):
    def npm(target: str) -> list[str]:   # -B: as on a fresh clone, whatever node_modules/ holds here
        done = subprocess.run(["make", "-n", "-B", target, f"VENV={tmp_path / 'venv'}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        return [line for line in done.stdout.splitlines() if "npm ci" in line]
    assert npm("site") and all("--omit=dev" in line for line in npm("site"))
    assert npm("test") and all("--omit=dev" not in line for line in npm("test"))
