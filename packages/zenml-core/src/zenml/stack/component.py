"""The base class of every stack component (artifact store, metadata store, orchestrator)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from zenml.stack.errors import StackConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping


class UnknownOptionsError(StackConfigError):
    """A component's config names options its flavor does not accept (a misspelling, usually)."""


class MissingOptionsError(StackConfigError):
    """A component's config lacks options its flavor requires (``path``, usually)."""

    def __init__(self, message: str, missing: tuple[str, ...] = (), flavor: str = "") -> None:
        super().__init__(message)
        self.missing = missing
        self.flavor = flavor


class InvalidOptionError(StackConfigError):
    """An option has a value its flavor cannot use (a ``gs://`` path for a local store, an empty path)."""


# class -> (the option names its __init__ accepts, those without a default), computed once per class.
_OPTION_NAMES: dict[type, tuple[frozenset[str], frozenset[str]]] = {}


class StackComponent:
    """A configured part of a stack.

    Subclasses set ``TYPE`` (one of :data:`zenml.stack.flavors.COMPONENT_TYPES`)
    and ``FLAVOR``, and take their configuration as keyword arguments, exactly
    as it is kept in the stack config file. Construction must be cheap and
    must not touch the network or import heavy libraries: connect lazily, on
    first use. The options a flavor accepts are the keyword parameters of its
    ``__init__`` (and of its bases' while it passes ``**config`` on to them).
    """

    TYPE: ClassVar[str] = ""
    FLAVOR: ClassVar[str] = ""
    #: Whether only this machine can reach the component (a local directory, a SQLite file), as
    #: ZenML's ``StackComponentConfig.is_local``. An orchestrator that runs steps on other machines
    #: refuses a stack with a local artifact or metadata store (:func:`zenml.stack.stack.check_shareable`).
    IS_LOCAL: ClassVar[bool] = False

    def __init__(self, name: str = "default", **config: object) -> None:
        self.name = name
        self.config: dict[str, object] = dict(config)

    @property
    def is_local(self) -> bool:
        """``True`` when other machines cannot reach this component (see ``IS_LOCAL``)."""
        return self.IS_LOCAL

    @classmethod
    def option_names(cls) -> frozenset[str]:
        """The options this flavor accepts: keyword parameters of ``__init__`` down the MRO, ``name`` excluded.

        The walk goes on to the next base's ``__init__`` only while the current
        one takes ``**kwargs``; it stops at :class:`StackComponent`, whose
        ``**config`` only stores what its subclasses accepted.
        """
        return cls._options()[0]

    @classmethod
    def required_option_names(cls) -> frozenset[str]:
        """The options this flavor requires: those of :meth:`option_names` whose parameter has no default."""
        return cls._options()[1]

    @classmethod
    def _options(cls) -> tuple[frozenset[str], frozenset[str]]:
        cached = _OPTION_NAMES.get(cls)
        if cached is not None:
            return cached
        import inspect

        keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        names: set[str] = set()
        required: set[str] = set()
        for klass in cls.__mro__:
            if klass is StackComponent or klass is object:
                break
            init = klass.__dict__.get("__init__")
            if init is None:
                continue
            parameters = list(inspect.signature(init).parameters.values())[1:]  # drop self
            names.update(p.name for p in parameters if p.kind in keyword)
            required.update(p.name for p in parameters if p.kind in keyword and p.default is inspect.Parameter.empty)
            if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
                break
        names.discard("name")
        required.discard("name")
        result = _OPTION_NAMES[cls] = (frozenset(names), frozenset(required))
        return result

    @classmethod
    def check_options(cls, config: Mapping[str, object]) -> None:
        """Raise :class:`UnknownOptionsError` if ``config`` (``flavor`` excluded) has options this flavor lacks,
        :class:`MissingOptionsError` if it lacks options this flavor requires."""
        cls._check_unknown_options(config)
        missing = tuple(sorted(cls.required_option_names() - set(config)))
        if missing:
            flavor = f"{cls.FLAVOR} {cls.TYPE.replace('_', ' ')}".strip() or cls.__name__
            raise MissingOptionsError(
                f"the {flavor} flavor requires option{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                missing,
                cls.FLAVOR,
            )

    @classmethod
    def _check_unknown_options(cls, config: Mapping[str, object]) -> None:
        valid = cls.option_names()
        unknown = sorted(str(key) for key in config if key != "flavor" and key not in valid)
        if not unknown:
            return
        from zenml.utils.suggestions import closest

        hints = [
            f"{key!r} (did you mean {match!r}?)" if (match := closest(key, valid)) else repr(key) for key in unknown
        ]
        flavor = f"{cls.FLAVOR} {cls.TYPE.replace('_', ' ')}".strip() or cls.__name__
        raise UnknownOptionsError(
            f"unknown option{'s' if len(unknown) > 1 else ''} {', '.join(hints)} for the {flavor} flavor; "
            f"valid options: {', '.join(sorted(valid)) or 'none'}"
        )

    @classmethod
    def from_config(cls, name: str, config: Mapping[str, object]) -> StackComponent:
        """Build a component from its config-file table (``flavor`` excluded); unknown options are an error."""
        cls.check_options(config)
        return cls(name=name, **{k: v for k, v in config.items() if k != "flavor"})

    def describe(self) -> dict[str, object]:
        """A JSON-serialisable description, with no secrets, for CLI output."""
        return {"name": self.name, "type": self.TYPE, "flavor": self.FLAVOR, **self.config}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, flavor={self.FLAVOR!r})"
