"""What an ``sqlite3`` error means, told by SQLite's result code (``sqlite_errorcode``, Python 3.11+).

Python 3.10 has no result code on its exceptions: there the exact texts SQLite
gives these codes (``sqlite3_errstr`` and its constraint messages) are
matched, nothing looser, so an unrelated error that merely mentions "locked"
or "UNIQUE" is never taken for one of them.
"""

from __future__ import annotations

# SQLITE_BUSY and SQLITE_LOCKED: primary result codes (the low byte of an extended code such as SQLITE_BUSY_SNAPSHOT).
_BUSY_CODES = (5, 6)
_BUSY_MESSAGES = ("database is locked", "database table is locked", "database schema is locked")
# SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE (extended codes).
_UNIQUE_CODES = (1555, 2067)
_UNIQUE_MESSAGES = ("UNIQUE constraint failed: ",)


def _code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def is_busy(error: BaseException) -> bool:
    """Whether SQLite answered "busy" or "locked" (retry later)."""
    code = _code(error)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    message = str(error)
    return any(message == text or message.startswith(f"{text}: ") for text in _BUSY_MESSAGES)


def is_unique_violation(error: BaseException) -> bool:
    """Whether an insert failed because its key (primary or ``UNIQUE``) is taken."""
    code = _code(error)
    if code is not None:
        return code in _UNIQUE_CODES
    return str(error).startswith(_UNIQUE_MESSAGES)
