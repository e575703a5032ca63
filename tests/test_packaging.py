"""The package as pip builds it: every subpackage listed, the models inside, every import declared,
one version."""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import posture
from posture.cli import main
from posture.landmarks import model_path
from posture.pose import MODEL_VARIANTS
from tests.conftest import ROOT, SAMPLES

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
FIRST_PARTY = {"posture", "posture_app", "bench", "tests"}
RUNTIME_CODE = ("posture", "posture_app", "app.py")


def requirement_names(requirements: list[str]) -> set[str]:
    """Normalised distribution names (PEP 503) of requirement strings like ``"numpy>=1.26,<3"``."""
    names = set()
    for requirement in requirements:
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        assert match, requirement
        names.add(normalised(match[0]))
    return names


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def third_party_imports(paths: tuple[str, ...]) -> dict[str, set[str]]:
    """Top-level modules imported by the Python files under ``paths`` (outside the standard library
    and this project), each with the files importing it."""
    files = [
        path
        for entry in paths
        for path in ((ROOT / entry).rglob("*.py") if (ROOT / entry).is_dir() else [ROOT / entry])
    ]
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in FIRST_PARTY and top != "__future__":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def undeclared(imports: dict[str, set[str]], declared: set[str]) -> dict[str, set[str]]:
    """The imports no declared distribution provides."""
    providers = importlib.metadata.packages_distributions()
    return {
        module: files
        for module, files in imports.items()
        if not {normalised(dist) for dist in providers.get(module, [])} & declared
    }


def test_every_subpackage_is_listed():
    # The list is explicit (models/ is mapped in as posture.models), so a new subpackage must be added
    # by hand or pip would leave it out of the wheel.
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("posture", "posture_app")
        for init in (ROOT / top).rglob("__init__.py")
    }
    mapped = {package: folder for package, folder in SETUPTOOLS["package-dir"].items()}
    assert set(SETUPTOOLS["packages"]) == on_disk | set(mapped)
    for folder in mapped.values():
        assert (ROOT / folder / "__init__.py").is_file()


def test_every_data_file_of_the_library_is_package_data():
    # A settings or typical-errors file left out of the wheel breaks the installed engine (the jump
    # engine's thresholds.toml was missing from the wheel until this test).
    shipped = SETUPTOOLS["package-data"]
    data_files = [
        path
        for top in ("posture", "posture_app")
        for path in (ROOT / top).rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    assert data_files
    for path in data_files:
        package = ".".join(path.parent.relative_to(ROOT).parts)
        patterns = shipped.get(package, [])
        assert any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns), path.relative_to(ROOT)


def test_the_models_are_package_resources_with_their_checksums():
    sums = dict(reversed(line.split()) for line in (ROOT / "models" / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {f"pose_landmarker_{variant}.task" for variant in MODEL_VARIANTS}
    for variant in MODEL_VARIANTS:
        resource = model_path(variant)
        assert hashlib.sha256(resource.read_bytes()).hexdigest() == sums[resource.name]
    shipped = SETUPTOOLS["package-data"]["posture.models"]
    assert {"*.task", "NOTICE", "SHA256SUMS"} <= set(shipped)


def test_every_runtime_import_is_a_declared_dependency():
    declared = requirement_names(PYPROJECT["project"]["dependencies"])
    imports = third_party_imports(RUNTIME_CODE)
    assert {"mediapipe", "cv2", "PIL", "matplotlib"} <= set(imports)  # the scan sees real imports
    assert undeclared(imports, declared) == {}


def test_every_test_and_benchmark_import_is_declared_for_development():
    # The benchmarks are not shipped: they run from a development checkout, and the app benchmark
    # drives the browser as the browser tests do.
    declared = requirement_names(
        PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["dev"]
    )
    imports = third_party_imports(("tests", "bench"))
    assert {"pytest", "pypdf", "playwright"} <= set(imports)
    assert undeclared(imports, declared) == {}


def test_the_version_has_one_home(capsys: pytest.CaptureFixture[str]):
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert SETUPTOOLS["dynamic"]["version"] == {"attr": "posture.__version__"}
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"posture {posture.__version__}\n"


@pytest.mark.slow
def test_a_built_wheel_installs_and_analyses_a_photo(tmp_path: Path):
    """pip's own build of a copy of the project, installed into a bare folder and run from elsewhere:
    nothing may come from the source tree. Offline: the build uses the installed setuptools."""
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("posture", "posture_app", "models"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [
            *pip,
            "wheel",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next((tmp_path / "dist").glob("posture-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"posture-{posture.__version__}.dist-info"
        metadata = archive.read(f"{info}/METADATA").decode()
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert {f"posture/models/pose_landmarker_{variant}.task" for variant in MODEL_VARIANTS} <= names
    assert {"posture/models/NOTICE", "posture/models/SHA256SUMS", "posture/catalog/catalog.toml"} <= names
    assert f"\nVersion: {posture.__version__}\n" in metadata
    assert "posture = posture.cli:run" in entry_points

    site = tmp_path / "site"
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import posture.landmarks as l; print(l.__file__); print(l.model_path('full'))"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert where == [
        str(site / "posture" / "landmarks.py"),
        str(site / "posture" / "models" / "pose_landmarker_full.task"),
    ]
    result = subprocess.run(
        [sys.executable, "-m", "posture.cli", "analyze", str(SAMPLES / "left_s006.jpg"), "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)[0]["view"] == "left"
