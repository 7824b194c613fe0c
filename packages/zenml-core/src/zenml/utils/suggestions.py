"""Close-match suggestions for misspelled names ("Did you mean ...?")."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``name``, if any is reasonably close."""
    from difflib import get_close_matches

    options = list(choices)
    folded = [choice for choice in options if choice.casefold() == name.casefold()]
    if folded:  # `GCP` for `gcp`: the same name in another case is the best guess
        return folded[0]
    matches = get_close_matches(name, options, n=1, cutoff=0.6)  # 0.5 took `version` for `integration`
    return matches[0] if matches else None


def unknown_choice(kind: str, name: str, choices: Iterable[str]) -> str:
    """``unknown integration 'tensorflw'. Did you mean 'tensorflow'? Known integrations: gcp, tensorflow.``"""
    known = sorted(choices)
    message = f"unknown {kind} {name!r}."
    suggestion = closest(name, known)
    if suggestion:
        message += f" Did you mean {suggestion!r}?"
    message += f" Known {kind}s: {', '.join(known) if known else 'none'}."
    return message
