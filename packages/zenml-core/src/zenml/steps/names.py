"""The rule for names that become parts of artifact URIs, checked when steps and pipelines are defined.

Each artifact is stored under ``runs/<run id>/<step id>/<output name>``; for
that mapping to be injective on every store (local directories, also on
case-insensitive file systems, and GCS object names) each name must be one
path segment that no store rewrites: at most :data:`MAX_NAME_LENGTH`
characters, no ``/`` or ``\\``, no ``..``, no control characters, not ``.``,
not ending in ``.`` or a space (Windows drops those); and the names side by
side (the outputs of one step, the steps of one pipeline) must differ in more
than case or Unicode normalisation.
"""

from __future__ import annotations

# ``typing`` itself is not imported at run time: ``@step`` imports this module.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

MAX_NAME_LENGTH = 200
RULE = (
    f"names become directories of artifact URIs: use 1 to {MAX_NAME_LENGTH} characters without '/', '\\', '..' "
    "or control characters, not ending in '.' or ' '"
)


class InvalidNameError(ValueError):
    """A step, output, invocation or pipeline name breaks the rule of this module."""


def name_problem(name: object) -> str | None:
    """What is wrong with ``name`` (``"contains '/'"``), or ``None`` if it follows the rule."""
    if not isinstance(name, str):
        return f"is a {type(name).__name__}, not a string"
    if not name:
        return "is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"has more than {MAX_NAME_LENGTH} characters ({len(name)})"
    for char in name:
        if char in "/\\":
            return f"contains {char!r}, which would nest directories"
        if ord(char) < 32 or 127 <= ord(char) < 160:
            return f"contains the control character {char!r}"
    if name == ".":
        return "is '.', the directory itself"
    if ".." in name:
        return "contains '..'"
    if name[-1] in ". ":
        return "must not end with '.' or ' ' (Windows drops them)"
    return None


def check_name(kind: str, name: object) -> str:
    """Return ``name`` if it follows the rule; else :class:`InvalidNameError` naming ``kind``, the name and the rule."""
    problem = name_problem(name)
    if problem is not None:
        raise InvalidNameError(f"{kind} {name!r} is not allowed: it {problem}; {RULE}")
    return name  # type: ignore[return-value]


def _folded(name: str) -> str:
    if name.isascii():
        return name.casefold()
    import unicodedata

    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def check_distinct(kind: str, names: Iterable[str], where: str) -> None:
    """Refuse two ``names`` that a case-insensitive or normalising file system would take for one."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(_folded(name), name)
        if other != name:
            raise InvalidNameError(
                f"{kind}s {other!r} and {name!r} of {where} differ only in case or Unicode normalisation; on "
                "case-insensitive file systems (macOS, Windows) they would share one directory: rename one"
            )


def path_segment(name: str) -> str:
    """One path segment that stands for ``name`` where a free-form name (an artifact name given to
    ``save_artifact``) becomes part of a URI: ``name`` itself when it follows the rule, else ``name``
    percent-encoded, else a hash of it. Never nests directories nor leaves its parent."""
    if name_problem(name) is None:
        return name
    from urllib.parse import quote

    quoted = quote(name, safe=" ")
    if name_problem(quoted) is None:
        return quoted
    from hashlib import sha256

    return f"name-{sha256(name.encode('utf-8', 'surrogateescape')).hexdigest()[:32]}"
