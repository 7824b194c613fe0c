"""``StepRetryConfig``: how often a failing step is tried again, and how long to wait in between."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class StepRetryConfig:
    """Retry a failing step up to ``max_retries`` more times, waiting ``delay`` seconds before the first retry.

    Each later wait is the previous one times ``backoff`` (when ``backoff`` is 0 or 1 every wait is
    ``delay``). Every attempt is recorded: ``run.steps["s"].attempts``. As in ZenML:
    ``@step(retry=StepRetryConfig(max_retries=3, delay=10, backoff=2))``.
    """

    max_retries: int = 1
    delay: float = 0
    backoff: float = 0

    def __post_init__(self) -> None:
        for name in ("max_retries", "delay", "backoff"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"StepRetryConfig.{name} must be a number >= 0, not {value!r}")
        if not isinstance(self.max_retries, int):
            raise ValueError(f"StepRetryConfig.max_retries must be a whole number, not {self.max_retries!r}")

    def wait_before(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        if self.backoff in (0, 1):
            return float(self.delay)
        return float(self.delay * self.backoff ** (retry - 1))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def parse(cls, value: Any, where: str) -> StepRetryConfig | None:
        """A retry configuration from a ``StepRetryConfig``, a mapping (config files) or ``None``."""
        if value is None or isinstance(value, StepRetryConfig):
            return value
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"max_retries", "delay", "backoff"})
            if unknown:
                raise ValueError(
                    f"{where}: unknown retry option(s) {', '.join(unknown)}; known: max_retries, delay, backoff"
                )
            return cls(**value)
        raise TypeError(f"{where}: retry must be a StepRetryConfig or a mapping, not {type(value).__name__}")
