"""Typed results: one value per model that remembers the models' ids and how it was computed.

A :class:`PerModel` is a tuple in model order (so ``limits(rec) == (1/4, 3/4)``
still holds) that also carries the model ``ids``, the ``arithmetic`` it was
computed in and the ``method``; values are addressed by id with :meth:`PerModel.of`
or :attr:`PerModel.by_id`.

Examples
--------
>>> values = Limits([1, None], ids=("A", "B"), arithmetic="exact rational", method="Lyapunov")
>>> values, values.of("A"), values.by_id
((1, None), 1, {'A': 1, 'B': None})
>>> values.arithmetic, values.bounded_ids
('exact rational', ('A',))
"""

from __future__ import annotations

from typing import Any, Iterable

from graphcollapse.errors import InputError

__all__ = ["PerModel", "Limits", "GrowthRates"]


class PerModel(tuple):
    """Values in model order that remember the model ids, the arithmetic and the method."""

    ids: tuple[str, ...]
    arithmetic: str
    method: str

    def __new__(cls, values: Iterable[Any], *, ids, arithmetic: str, method: str, **info):
        self = super().__new__(cls, values)
        if len(self) != len(ids):
            raise InputError(f"{cls.__name__}: {len(self)} values for {len(ids)} models")
        self.ids = tuple(ids)
        self.arithmetic = arithmetic
        self.method = method
        for key, value in info.items():
            setattr(self, key, value)
        return self

    @property
    def by_id(self) -> dict[str, Any]:
        """``{model id: value}``."""
        return dict(zip(self.ids, self))

    def of(self, model_id: str) -> Any:
        """The value of one model, by id."""
        try:
            return self[self.ids.index(model_id)]
        except ValueError:
            raise InputError(f"unknown model {model_id!r}") from None

    def __reduce__(self):
        info = {k: v for k, v in self.__dict__.items() if k not in ("ids", "arithmetic", "method")}
        return (_rebuild, (type(self), tuple(self), self.ids, self.arithmetic, self.method, info))


def _rebuild(cls, values, ids, arithmetic, method, info):
    return cls(values, ids=ids, arithmetic=arithmetic, method=method, **info)


class Limits(PerModel):
    """``L_k = lim E_k(t)`` per model; ``None`` where the error is unbounded.

    Float results also carry ``residual``, the relative residual
    ``‖S − 𝓛(S) − D‖ / ‖S‖`` of the limit equation they solve.
    """

    residual: float | None = None

    @property
    def bounded_ids(self) -> tuple[str, ...]:
        """The models whose error has a limit."""
        return tuple(i for i, v in zip(self.ids, self) if v is not None)


class GrowthRates(PerModel):
    """The linear growth rate ``c_k`` per model (``E_k(t) = c_k t + O(1)``; 0 when bounded)."""
