"""Ray is imported only when a Ray stack runs: not by `import zenml`, `zenml integration list` or a local pipeline."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

PROBE = (
    "import json, sys\n{code}\nprint(json.dumps(sorted(name for name in sys.modules if name.split('.')[0] == 'ray')))"
)


def _ray_modules(code: str, cwd: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True,
                          cwd=cwd, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def test_import_zenml_imports_no_ray(zen_home: Path) -> None:
    assert _ray_modules("import zenml", zen_home.parent) == []


def test_integration_list_imports_no_ray(zen_home: Path) -> None:
    code = "from zenml.cli.main import main\nsys.argv = ['zenml', 'integration', 'list']\n"
    code += "try:\n    main()\nexcept SystemExit:\n    pass"
    assert _ray_modules(code, zen_home.parent) == []


def test_a_local_pipeline_imports_no_ray(zen_home: Path) -> None:
    code = "import zr_steps\nzr_steps.diamond()"
    assert _ray_modules(code, zen_home.parent) == []


def test_registering_a_ray_orchestrator_imports_no_ray(zen_home: Path) -> None:
    code = (
        "from zenml.cli.main import main\n"
        "sys.argv = ['zenml', 'orchestrator', 'register', 'r', '--flavor', 'ray', '--option', 'address=127.0.0.1:1']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code in (0, None), exit.code"
    )
    assert _ray_modules(code, zen_home.parent) == []
