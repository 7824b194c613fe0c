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
        try:
            import zenml.integrations.sklearn.helpers
        except ImportError as error:
            print(type(error).__name__, error)
        from zenml.integrations.sklearn.materializers.sklearn_materializer import SklearnMaterializer
        print(SklearnMaterializer.__name__)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.strip().splitlines()
    assert first.startswith("LegacyImportError")
    assert "was ZenML 0.5's" in first
    assert second == "SklearnMaterializer"
