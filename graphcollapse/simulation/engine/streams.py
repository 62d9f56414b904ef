"""Reproducible random streams: one generator per fixed block of replications.

The replications ``0 .. R-1`` are cut into blocks of :data:`BLOCK_SIZE`; block
``b`` draws from its own :class:`numpy.random.Generator`, seeded by the child
``b`` of the run's :class:`numpy.random.SeedSequence` (spawn key ``(b,)``).
A chunk of the simulation is a run of whole blocks, and every draw is made
block by block with shapes that do not depend on the chunk, so the same seed
gives bit-identical numbers whatever the chunk size.

Examples
--------
>>> root = np.random.SeedSequence(7)
>>> one = BlockStreams.for_blocks(root, range(2), replications=100)
>>> two = [BlockStreams.for_blocks(root, [b], replications=100) for b in range(2)]
>>> joint = one.normal((3,))
>>> np.array_equal(joint, np.concatenate([s.normal((3,)) for s in two]))
True
>>> joint.shape
(100, 3)
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

__all__ = ["BLOCK_SIZE", "BlockStreams", "block_seed", "root_seed"]

#: Replications per random stream (the unit of reproducibility; chunks are whole blocks).
BLOCK_SIZE = 64
def root_seed(seed) -> np.random.SeedSequence:
    """The run's root :class:`~numpy.random.SeedSequence` (fresh entropy for ``None``)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(seed)


def block_seed(root: np.random.SeedSequence, block: int) -> np.random.SeedSequence:
    """Child ``block`` of ``root``: what ``root.spawn`` would give, without its state."""
    return np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (int(block),),
                                  pool_size=root.pool_size)


class BlockStreams:
    """Draw arrays whose leading axis runs over the replications of some blocks.

    Parameters
    ----------
    generators : sequence of numpy.random.Generator
        One per block, in block order.
    sizes : sequence of int
        Replications in each block.

    Notes
    -----
    Array parameters whose number of axes is ``1 + len(shape)`` are
    per-replication (their leading axis is split between the blocks); all
    other parameters broadcast against ``shape``.
    """

    def __init__(self, generators: Sequence[np.random.Generator], sizes: Sequence[int]):
        self.generators = list(generators)
        self.sizes = [int(s) for s in sizes]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)

    @classmethod
    def for_blocks(cls, root: np.random.SeedSequence, blocks: Iterable[int], replications: int) -> "BlockStreams":
        """Streams for the given blocks of a run of ``replications``."""
        blocks = list(blocks)
        sizes = [min(BLOCK_SIZE, replications - b * BLOCK_SIZE) for b in blocks]
        return cls([np.random.default_rng(block_seed(root, b)) for b in blocks], sizes)

    @property
    def replications(self) -> int:
        return int(self.offsets[-1])

    def _draw(self, method: str, shape: tuple, *params):
        shape = tuple(shape)
        parts = []
        for i, generator in enumerate(self.generators):
            lo, hi = self.offsets[i], self.offsets[i + 1]
            args = [p[lo:hi] if isinstance(p, np.ndarray) and p.ndim == len(shape) + 1 and p.shape[0] != 1 else p
                    for p in params]
            parts.append(getattr(generator, method)(*args, size=(hi - lo,) + shape))
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _fill(self, method: str, shape: tuple, *params):
        """Like :meth:`_draw` for the methods that can write into an output array."""
        out = np.empty((self.replications,) + tuple(shape))
        for i, generator in enumerate(self.generators):
            getattr(generator, method)(*params, out=out[self.offsets[i]:self.offsets[i + 1]])
        return out

    def blocks(self) -> list[tuple[np.random.Generator, slice]]:
        """``(generator, replications)`` of every block, in order: for kernels that fill their own buffers.

        A kernel drawing block by block must make draws whose order and shapes
        depend on the block only (not on the chunk), like every method here.
        """
        return [(g, slice(int(lo), int(hi))) for g, lo, hi in zip(self.generators, self.offsets[:-1], self.offsets[1:])]

    def normal(self, shape) -> np.ndarray:
        """Standard normal draws of shape ``(replications, *shape)``."""
        return self._fill("standard_normal", shape)

    def uniform(self, shape) -> np.ndarray:
        """Uniform draws on ``[0, 1)``."""
        return self._fill("random", shape)

    def gamma(self, k, shape) -> np.ndarray:
        """Gamma(k, scale 1) draws (``k = 0`` gives 0); ``k`` broadcasts against ``shape``, the same for every
        replication."""
        k = np.broadcast_to(np.asarray(k, dtype=float), tuple(shape))
        first = k.flat[0] if k.size else 0.0
        if np.all(k == first):          # numpy's scalar-shape sampler is several times faster
            return self._fill("standard_gamma", shape, float(first))
        return self._fill("standard_gamma", shape, k)

    def chisquare(self, df, shape) -> np.ndarray:
        """Chi-square draws with ``df >= 0`` degrees of freedom (0 gives 0)."""
        return 2.0 * self.gamma(np.asarray(df, dtype=float) / 2.0, shape)

    def poisson(self, lam, shape) -> np.ndarray:
        return self._draw("poisson", shape, lam)

    def binomial(self, n, p, shape) -> np.ndarray:
        return self._draw("binomial", shape, n, p)

    def exponential(self, shape) -> np.ndarray:
        """Exponential draws with mean 1."""
        return self._fill("standard_exponential", shape)
