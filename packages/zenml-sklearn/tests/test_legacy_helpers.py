"""ZenML 0.5's zenml.integrations.sklearn.helpers still gets its migration message next to the real package."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_the_package_imports_and_helpers_explains_the_migration() -> None:
    code = textwrap.dedent(
        """
        import importlib.util
        import zenml
        import zenml.integrations.sklearn as integration
        assert integration.SklearnIntegration.NAME == "sklearn"
        assert importlib.util.find_spec("zenml.integrations.sklearn.materializers") is not None
        assert importlib.util.find_spec("zenml.integrations.sklearn.materializers.sklearn_materializer") is not None
        try:
            import zenml.integrations.sklearn.helpers
        except ImportError as error:
            print(type(error).__name__, error)
        try:
            from zenml.integrations.sklearn.helpers.digits import get_digits
        except ImportError as error:
            print(type(error).__name__, error)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    for line in lines:
        assert line.startswith("LegacyImportError")
        assert "zenml.integrations.sklearn.helpers` was ZenML 0.5's" in line
