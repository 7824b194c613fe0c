"""Run-name templates (ZenML's ``zenml.utils.string_utils.format_name_template``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping


class NameTemplateError(KeyError):
    """A name template uses a placeholder that has no value (a ``KeyError``, as in ZenML)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def format_name_template(
    name_template: str, substitutions: Mapping[str, str] | None = None, *, start_time: float | None = None
) -> str:
    """Fill ``{placeholders}`` of a name: ``{date}`` and ``{time}`` (UTC, of ``start_time`` or now) unless
    ``substitutions`` gives them, and every other one from ``substitutions``.

    ``"training_{date}_{time}"`` -> ``"training_2025_01_31_14_03_59_123456"``. A placeholder
    without a value raises :class:`NameTemplateError` naming it; an empty result is a ``ValueError``.
    """
    values = dict(substitutions or {})
    if "{date}" in name_template or "{time}" in name_template:
        import time

        moment = time.time() if start_time is None else start_time
        stamp = time.gmtime(moment)
        values.setdefault("date", time.strftime("%Y_%m_%d", stamp))
        values.setdefault("time", time.strftime("%H_%M_%S", stamp) + f"_{int(moment % 1 * 1_000_000):06d}")
    try:
        name = name_template.format(**values)
    except KeyError as error:
        known = ", ".join(sorted(values)) or "none"
        raise NameTemplateError(
            f"Could not format the name template {name_template!r}: placeholder {{{error.args[0]}}} has no value "
            f"(known: {known}). Give it with substitutions={{{error.args[0]!r}: ...}} (with_options or a "
            "config file), or write {{ and }} for literal braces."
        ) from None
    except (IndexError, ValueError) as error:
        raise ValueError(f"invalid name template {name_template!r}: {error}") from None
    if not name:
        raise ValueError("Empty names are not allowed: the name template gave an empty name")
    return name
