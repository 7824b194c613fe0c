"""``zenml dashboard``: serve the read-only web UI of the active stack's runs."""

from __future__ import annotations

import click

from zenml.integrations.dashboard.previews import DEFAULT_LIMIT

DEFAULT_PORT = 8237  # ZenML's dashboard port
TOKEN_ENV = "ZENML_DASHBOARD_TOKEN"


@click.command("dashboard")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any address but loopback requires an access token.")  # fmt: skip
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.option("--token", envvar=TOKEN_ENV, default=None,
              help=f"Access token every request must carry (also ${TOKEN_ENV}). With a non-loopback --host and no "
                   "token, one is generated and printed once.")  # fmt: skip
@click.option("--no-open", is_flag=True, help="Do not open a browser.")
@click.option("--preview-limit", type=click.IntRange(min=0), default=DEFAULT_LIMIT, metavar="BYTES", show_default=True,
              help="Largest artifact (in bytes) a preview loads.")  # fmt: skip
def dashboard(host: str, port: int, token: str | None, no_open: bool, preview_limit: int) -> None:
    """Serve a read-only web UI of the active stack's runs: DAGs, steps, logs and artifact previews."""
    from zenml.client import Client
    from zenml.integrations.dashboard.app import Settings, create_app
    from zenml.integrations.dashboard.security import choose_access
    from zenml.integrations.dashboard.server import DashboardServer, PortInUseError

    try:
        access = choose_access(host, token)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--token") from None
    stack = Client().active_stack
    settings = Settings(token=access.token, loopback_only=access.loopback_only, preview_limit=preview_limit)
    try:
        server = DashboardServer(create_app(stack, settings), host, port)
    except PortInUseError as error:
        raise click.ClickException(str(error.strerror)) from None
    except OSError as error:  # an address this machine does not have, a name that does not resolve
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    url = server.url + (f"/runs?token={access.token}" if access.token else "/runs")
    click.echo(f"zenml dashboard: stack {stack.name!r}, read-only, at {url}")
    if access.generated:
        click.echo("The access token was generated for this server and is shown only now: keep the URL above.")
    if not access.loopback_only:
        click.echo(f"Listening on {host}: anyone who can reach it and has the token can read every run and artifact.")
    click.echo("Press Ctrl+C to stop.", err=True)
    if not no_open:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve()
    except KeyboardInterrupt:  # uvicorn shuts down gracefully, then re-raises the Ctrl+C it caught
        click.echo("zenml dashboard: stopped.", err=True)
