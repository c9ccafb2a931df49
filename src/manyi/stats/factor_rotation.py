"""Factor rotations used by :func:`manyi.stats.factor.efa`: varimax, promax and oblimin.

Each takes an unrotated loading matrix (items × factors) and returns the rotated loadings
and the factor correlation matrix ``phi`` (the identity for orthogonal rotations). The
algorithms follow R so that results can be compared with psych/GPArotation:
varimax as in ``stats::varimax`` (Kaiser normalization), promax as in ``stats::promax``
with psych's Kaiser pre-normalization, oblimin (γ = 0, "quartimin") by the gradient
projection algorithm of Bernaards & Jennrich (2005) as in ``GPArotation::oblimin``.

Oblimin is computed by statsmodels ``rotate_factors``, which reproduces ours to 1e-15.
Varimax and promax stay our own: statsmodels' varimax is a gradient-projection optimum
that differs from R's ``stats::varimax`` (and factor_analyzer) by up to 5e-4 in a loading,
and its promax differs by 0.6; docs/decisions/0001-factor-rotation.md has the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from statsmodels.multivariate.factor_rotation import rotate_factors


@dataclass(frozen=True)
class Rotation:
    """A rotated solution.

    Attributes
    ----------
    loadings : ndarray
        Rotated (pattern) loadings, items × factors.
    phi : ndarray
        Factor correlation matrix (identity for orthogonal rotations).
    converged : bool
        Whether the iterative algorithm met its tolerance.
    """

    loadings: np.ndarray
    phi: np.ndarray
    converged: bool


def varimax(
    loadings: np.ndarray, *, normalize: bool = True, tol: float = 1e-5, max_iter: int = 1000
) -> Rotation:
    """Varimax rotation (Kaiser 1958): maximise the variance of squared loadings per factor.

    .. math:: \\max_T \\sum_j \\Big[\\tfrac1p\\sum_i \\lambda_{ij}^4 - \\big(\\tfrac1p\\sum_i \\lambda_{ij}^2\\big)^2\\Big]

    References
    ----------
    Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis.
    Psychometrika 23, 187–200. Algorithm of R ``stats::varimax``.

    Examples
    --------
    >>> import numpy as np
    >>> r = varimax(np.array([[0.7, 0.3], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8]]))
    >>> bool(np.allclose(r.phi, np.eye(2)))
    True
    """
    x = np.array(loadings, dtype=float)
    p, m = x.shape
    if m < 2:
        return Rotation(loadings=x, phi=np.eye(m), converged=True)
    scale = np.sqrt(np.sum(x**2, axis=1)) if normalize else np.ones(p)
    x = x / scale[:, None]
    rot = np.eye(m)
    d = 0.0
    converged = False
    for _ in range(max_iter):
        z = x @ rot
        b = x.T @ (z**3 - z @ np.diag(np.sum(z**2, axis=0)) / p)
        u, s, vt = np.linalg.svd(b)
        rot = u @ vt
        d_past, d = d, float(np.sum(s))
        if d < d_past * (1 + tol):
            converged = True
            break
    return Rotation(loadings=(x @ rot) * scale[:, None], phi=np.eye(m), converged=converged)


def promax(loadings: np.ndarray, *, power: int = 4) -> Rotation:
    """Promax rotation (Hendrickson & White 1964): varimax, then an oblique fit to its powers.

    The varimax loadings raised to ``power`` (keeping sign) are the target; the
    least-squares transformation towards it, rescaled, gives correlated factors.

    References
    ----------
    Hendrickson, A. E. & White, P. O. (1964). Promax: a quick method for rotation to
    oblique simple structure. British J. Statistical Psychology 17, 65–70. R
    ``stats::promax``; Kaiser row normalization as in psych.

    Examples
    --------
    >>> import numpy as np
    >>> r = promax(np.array([[0.7, 0.3], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8]]))
    >>> r.phi.shape
    (2, 2)
    """
    x = np.array(loadings, dtype=float)
    m = x.shape[1]
    if m < 2:
        return Rotation(loadings=x, phi=np.eye(m), converged=True)
    h = np.sqrt(np.sum(x**2, axis=1))[:, None]
    vm = varimax(x / h, normalize=False)
    xv = vm.loadings
    target = xv * np.abs(xv) ** (power - 1)
    coef = np.linalg.lstsq(xv, target, rcond=None)[0]
    d = np.diag(np.linalg.pinv(coef.T @ coef))
    coef = coef @ np.diag(np.sqrt(d))
    inv = np.linalg.inv(coef)
    return Rotation(loadings=(xv @ coef) * h, phi=inv @ inv.T, converged=vm.converged)


def _quartimin_gradient(lam: np.ndarray) -> np.ndarray:
    """Gradient of the quartimin criterion at ``lam`` (GPArotation ``vgQ.oblimin``, γ = 0)."""
    m = lam.shape[1]
    return np.asarray(lam * (lam**2 @ (np.ones((m, m)) - np.eye(m))))


def oblimin(loadings: np.ndarray, *, tol: float = 1e-5, max_iter: int = 1000) -> Rotation:
    """Direct oblimin rotation with γ = 0 (quartimin) by gradient projection.

    .. math:: Q(\\Lambda) = \\tfrac14 \\sum_i \\sum_{j \\ne k} \\lambda_{ij}^2 \\lambda_{ik}^2

    minimised over oblique transformations ``Λ = A (T')^{-1}`` with unit-length columns of
    ``T``; ``phi = T'T``. The rotation is statsmodels'
    ``factor_rotation.rotate_factors(A, "oblimin", 0, "oblique")`` (the Bernaards–Jennrich
    algorithm, as GPArotation); ``converged`` is whether the norm of the projected
    gradient at the result is below ``tol``, the algorithm's own stopping rule.

    References
    ----------
    Jennrich, R. I. (2002). A simple general method for oblique rotation. Psychometrika
    67, 7–19. Bernaards, C. A. & Jennrich, R. I. (2005). Gradient projection algorithms and
    software for arbitrary rotation criteria. Educ. Psychol. Meas. 65, 676–696.

    Examples
    --------
    >>> import numpy as np
    >>> r = oblimin(np.array([[0.7, 0.3], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8]]))
    >>> bool(np.allclose(np.diag(r.phi), 1.0))
    True
    """
    a = np.array(loadings, dtype=float)
    m = a.shape[1]
    if m < 2:
        return Rotation(loadings=a, phi=np.eye(m), converged=True)
    # max_tries counts gradient checks: one more than the updates allowed.
    lam, t = rotate_factors(a, "oblimin", 0, "oblique", tol=tol, max_tries=max_iter + 1)
    t_inv = np.linalg.inv(t)
    grad = -(lam.T @ _quartimin_gradient(lam) @ t_inv).T
    projected = grad - t @ np.diag(np.sum(t * grad, axis=0))
    converged = bool(np.sqrt(np.sum(projected**2)) < tol)
    return Rotation(loadings=np.asarray(lam), phi=np.asarray(t.T @ t), converged=converged)


__all__ = ["Rotation", "oblimin", "promax", "varimax"]
