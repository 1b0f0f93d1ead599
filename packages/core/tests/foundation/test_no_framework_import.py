"""Core imports no framework: checked in a fresh interpreter."""

import subprocess
import sys
import textwrap

FRAMEWORKS = ("jax", "torch", "tensorflow", "autograd")


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={"THOLOS_BACKEND": "numpy", "PATH": "", "HOME": "/nonexistent"},
        check=False,
    )


def test_import_tholos_imports_no_framework():
    result = run(
        """
        import sys
        import tholos
        from tholos import ops, random
        loaded = [m for m in ("jax", "torch", "tensorflow", "autograd") if m in sys.modules]
        print(",".join(loaded))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_using_numpy_backend_imports_only_its_own_framework():
    result = run(
        """
        import sys
        import tholos
        from tholos import ops
        print(tholos.backend.backend())
        float(ops.sum(ops.ones((2, 2))))
        print(",".join(m for m in ("jax", "torch", "tensorflow") if m in sys.modules))
        """
    )
    assert result.returncode == 0, result.stderr
    name, loaded = result.stdout.splitlines()
    assert name == "numpy"
    assert loaded == ""


def test_issue_done_when_command():
    result = run("import tholos; print(tholos.backend.backend())")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "numpy"


def test_entry_point_modules_do_not_import_frameworks():
    result = run(
        """
        import importlib.metadata, sys
        for ep in importlib.metadata.entry_points(group="tholos.backends"):
            if ep.value.startswith("tholos_backend_tiny"):
                continue
            ep.load()
        print(",".join(m for m in ("numpy.linalg", "autograd", "jax", "torch", "tensorflow")
                       if m in sys.modules and m != "numpy.linalg"))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
