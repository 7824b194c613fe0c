"""The dashboard's ASGI application: routes, templates and the access rules around them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zenml.integrations.dashboard.previews import DEFAULT_LIMIT

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from zenml.stack.stack import Stack

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 50


@dataclass(frozen=True)
class Settings:
    """How the app behaves: its access token (``None``: none needed), whether only loopback
    ``Host`` names are answered, the preview limit in bytes, the rows per page (runs, artifacts,
    artifact and model versions, models) and how often pages showing something in progress ask
    for news (milliseconds)."""

    token: str | None = None
    loopback_only: bool = True
    preview_limit: int = DEFAULT_LIMIT
    page_size: int = PAGE_SIZE
    poll_ms: int = 1000


def create_app(stack: Stack, settings: Settings | None = None) -> Starlette:
    """The dashboard over ``stack``'s metadata and artifact stores."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from zenml.integrations.dashboard import pages
    from zenml.integrations.dashboard.security import AccessControl

    settings = settings or Settings()
    routes = [
        Route("/", pages.home),
        Route("/runs", pages.runs, name="runs"),
        Route("/runs/{run_id}", pages.run, name="run"),
        Route("/runs/{run_id}/status", pages.run_status, name="run_status"),
        Route("/runs/{run_id}/steps", pages.run_steps, name="run_steps"),
        Route("/runs/{run_id}/step", pages.step, name="step"),
        Route("/artifacts", pages.artifacts, name="artifacts"),
        Route("/artifact", pages.artifact_versions, name="artifact_versions"),
        Route("/artifacts/{artifact_id}", pages.artifact, name="artifact"),
        Route("/artifacts/{artifact_id}/image.png", pages.artifact_image, name="artifact_image"),
        Route("/models", pages.models, name="models"),
        Route("/model", pages.model, name="model"),
        Route("/model-versions/{version_id}", pages.model_version, name="model_version"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(AccessControl, token=settings.token, loopback_only=settings.loopback_only)]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=pages.EXCEPTION_HANDLERS)
    app.state.context = pages.Context.create(stack, settings)
    return app
