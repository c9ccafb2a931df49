"""Check and encode a PLS path model: blocks of indicators, inner paths, modes.

:func:`build_structure` turns the user's description (``blocks``, ``paths``, ``modes``)
into index arrays that the estimation code in :mod:`manyi.stats.pls_estimation` works on,
and refuses every description the PLS algorithm cannot estimate, with a message that
names the offending latent, path or indicator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from manyi.errors import InvalidInput

SCHEMES = ("centroid", "factorial", "path")
MODES = ("A", "B")


@dataclass(frozen=True, eq=False)
class ModelStructure:
    """A validated path model in index form.

    Attributes
    ----------
    latents : tuple of str
        Latent variable names, in the order of ``blocks``.
    blocks : tuple of tuple of str
        Indicator columns of each latent, aligned with ``latents``.
    paths : tuple of (str, str)
        Inner paths ``(from, to)``, as given.
    modes : tuple of str
        ``"A"`` (reflective) or ``"B"`` (formative) per latent.
    inner : ndarray of shape (L, L)
        ``inner[to, from] = 1`` for each path: the layout of R plspm's ``path_matrix``
        (rows are the dependent latents).
    block_index : ndarray of shape (P,)
        Block (latent) index of each indicator in :attr:`indicators`.
    """

    latents: tuple[str, ...]
    blocks: tuple[tuple[str, ...], ...]
    paths: tuple[tuple[str, str], ...]
    modes: tuple[str, ...]
    inner: npt.NDArray[np.float64]
    block_index: npt.NDArray[np.intp]

    @property
    def indicators(self) -> tuple[str, ...]:
        """All indicator columns, block after block."""
        return tuple(c for block in self.blocks for c in block)

    @property
    def outer_design(self) -> npt.NDArray[np.float64]:
        """Indicator-by-latent 0/1 matrix (R plspm's ``ODM``)."""
        odm = np.zeros((len(self.block_index), len(self.latents)))
        odm[np.arange(len(self.block_index)), self.block_index] = 1.0
        return odm

    @property
    def endogenous(self) -> npt.NDArray[np.bool_]:
        """True for each latent that at least one path points to."""
        return np.asarray(self.inner.sum(axis=1) > 0)

    def predecessors(self, k: int) -> npt.NDArray[np.intp]:
        """Indices of the latents with a path into latent ``k``."""
        return np.flatnonzero(self.inner[k] > 0)

    def reachable(self) -> npt.NDArray[np.bool_]:
        """``reach[to, from]``: True when a directed chain of paths leads from ``from`` to ``to``."""
        n = len(self.latents)
        reach = self.inner > 0
        step = reach.copy()
        for _ in range(n):
            step = (step.astype(int) @ (self.inner > 0).astype(int)) > 0
            reach = reach | step
        return np.asarray(reach)


def _check_blocks(blocks: Mapping[str, Sequence[str]]) -> None:
    if not isinstance(blocks, Mapping) or not blocks:
        raise InvalidInput("blocks must be a non-empty mapping {latent: [indicator columns]}")
    seen: dict[str, str] = {}
    for latent, columns in blocks.items():
        if isinstance(columns, str):
            raise InvalidInput(
                f"block {latent!r}: give a list of indicator columns, not the single string {columns!r}"
            )
        if len(columns) == 0:
            raise InvalidInput(f"block {latent!r} has no indicators; give at least one column")
        for column in columns:
            if column in seen:
                raise InvalidInput(
                    f"indicator {column!r} is in both block {seen[column]!r} and block {latent!r}; "
                    "each indicator may belong to one block only"
                )
            seen[column] = latent


def _check_acyclic(latents: Sequence[str], inner: npt.NDArray[np.float64]) -> None:
    # Kahn's algorithm: whatever cannot be ordered sits on a cycle.
    indegree = inner.sum(axis=1).astype(int)
    ready = [k for k in range(len(latents)) if indegree[k] == 0]
    done = 0
    while ready:
        k = ready.pop()
        done += 1
        for j in np.flatnonzero(inner[:, k] > 0):
            indegree[j] -= 1
            if indegree[j] == 0:
                ready.append(int(j))
    if done < len(latents):
        on_cycle = [latents[k] for k in range(len(latents)) if indegree[k] > 0]
        raise InvalidInput(
            "the inner model is cyclic (a latent cannot cause itself through other latents); "
            f"latents on or after a cycle: {', '.join(on_cycle)}"
        )


def build_structure(
    blocks: Mapping[str, Sequence[str]],
    paths: Sequence[tuple[str, str]],
    modes: Mapping[str, str] | Sequence[str] | None = None,
) -> ModelStructure:
    """Validate a path model description and encode it as index arrays.

    Raises :class:`~manyi.errors.InvalidInput` for a block without indicators, an
    indicator in two blocks, a path naming an unknown latent, a repeated path, a cyclic
    inner model, a latent with no path, or an unknown mode.
    """
    _check_blocks(blocks)
    latents = tuple(str(k) for k in blocks)
    position = {name: i for i, name in enumerate(latents)}
    if len(latents) < 2:
        raise InvalidInput("a path model needs at least two latent variables joined by a path")
    inner = np.zeros((len(latents), len(latents)))
    clean_paths: list[tuple[str, str]] = []
    for path in paths:
        if isinstance(path, str) or len(path) != 2:
            raise InvalidInput(f"each path must be a (from, to) pair; got {path!r}")
        source, target = str(path[0]), str(path[1])
        for name in (source, target):
            if name not in position:
                raise InvalidInput(
                    f"path {source} -> {target} names unknown latent {name!r}; "
                    f"the blocks define: {', '.join(latents)}"
                )
        if inner[position[target], position[source]]:
            raise InvalidInput(f"path {source} -> {target} is given twice")
        inner[position[target], position[source]] = 1.0
        clean_paths.append((source, target))
    if not clean_paths:
        raise InvalidInput("the inner model has no paths; give (from, to) pairs between latents")
    _check_acyclic(latents, inner)
    isolated = [
        latents[k] for k in range(len(latents)) if inner[k].sum() == 0 and inner[:, k].sum() == 0
    ]
    if isolated:
        raise InvalidInput(
            f"latent(s) {', '.join(isolated)} have no inner path; PLS estimates a latent "
            "from its neighbours, so every latent needs at least one path"
        )
    mode_list = _resolve_modes(latents, modes)
    block_index = np.concatenate(
        [np.full(len(blocks[name]), k, dtype=np.intp) for k, name in enumerate(latents)]
    )
    return ModelStructure(
        latents=latents,
        blocks=tuple(tuple(str(c) for c in blocks[name]) for name in latents),
        paths=tuple(clean_paths),
        modes=mode_list,
        inner=inner,
        block_index=block_index,
    )


def _resolve_modes(
    latents: tuple[str, ...], modes: Mapping[str, str] | Sequence[str] | None
) -> tuple[str, ...]:
    if modes is None:
        return tuple("A" for _ in latents)
    if isinstance(modes, Mapping):
        unknown = [k for k in modes if k not in latents]
        if unknown:
            raise InvalidInput(
                f"modes name unknown latent(s) {', '.join(map(str, unknown))}; "
                f"the blocks define: {', '.join(latents)}"
            )
        result = tuple(str(modes.get(k, "A")).upper() for k in latents)
    else:
        if isinstance(modes, str) or len(modes) != len(latents):
            raise InvalidInput(
                f"modes must be a mapping {{latent: 'A' or 'B'}} or one mode per latent "
                f"({len(latents)}); got {modes!r}"
            )
        result = tuple(str(m).upper() for m in modes)
    bad = [f"{k}={m}" for k, m in zip(latents, result, strict=True) if m not in MODES]
    if bad:
        raise InvalidInput(
            f"unknown mode(s) {', '.join(bad)}; use 'A' (reflective) or 'B' (formative)"
        )
    return result


__all__ = ["MODES", "SCHEMES", "ModelStructure", "build_structure"]
