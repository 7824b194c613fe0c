"""Integrations: each one lives in its own distribution under this package.

Core ships this ``__init__`` and extends ``__path__`` so that
``zenml.integrations.<name>`` is found in every installed distribution,
whether installed from a wheel or in editable mode.
"""

from zenml._namespace import extend_path as _extend_path

__path__ = _extend_path(__path__, __name__)
