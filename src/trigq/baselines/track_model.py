"""One muon's track in the R-z plane with the simulator's exact field model, and its least-squares fit.

Parameters ``(z0, beta0, kappa)``: z [cm] and direction angle [rad, from the R axis towards +z]
at the reference radius ``r_ref`` (inside the field and the first layer, so the track is
straight there) and the signed curvature [1/cm] in the field. Beyond ``r_ref`` the track is
``geometry.propagate_z`` (straight, exact circular arc in the toroid, straight); inside it, a
straight line. Measurements are cluster centroids in strip coordinates (strip k spans [k, k+1)),
with sigma in strips.

The fit starts from a linear least-squares fit in z (the parabolic approximation of the arc),
then Gauss-Newton iterations on the exact model in strip coordinates. A Gaussian prior on
``kappa`` (mean 0, ``kappa_prior_sigma``) regularises tracks whose hits barely constrain the
curvature; a tiny damping of z0 and beta0 keeps every normal matrix invertible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from trigq.sim.atlas_rpc.config import N_STRIPS
from trigq.sim.atlas_rpc.geometry import propagate_z

STEPS = np.array([1e-3, 1e-6, 1e-9])
"""Finite-difference steps of (z0 [cm], beta0 [rad], kappa [1/cm]) for the numerical Jacobian."""
BOUND_SIGMA_FRACTION = 0.05
"""sigma of the prior that holds a curvature at ``kappa_bound``, as a fraction of the bound."""
RESIDUAL_CAP = 50.0
"""Residual [strips] given to a layer the model cannot reach (the track curls back before it)."""


def solve3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve the symmetric 3x3 systems ``a [..., 3, 3] x = b [..., 3]`` by the adjugate (fast for
    millions of small systems; the normal matrices here are positive definite)."""
    a00, a01, a02 = a[..., 0, 0], a[..., 0, 1], a[..., 0, 2]
    a11, a12, a22 = a[..., 1, 1], a[..., 1, 2], a[..., 2, 2]
    c00 = a11 * a22 - a12 * a12
    c01 = a02 * a12 - a01 * a22
    c02 = a01 * a12 - a02 * a11
    c11 = a00 * a22 - a02 * a02
    c12 = a01 * a02 - a00 * a12
    c22 = a00 * a11 - a01 * a01
    det = a00 * c00 + a01 * c01 + a02 * c02
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (
            np.stack(
                [
                    c00 * b0 + c01 * b1 + c02 * b2,
                    c01 * b0 + c11 * b1 + c12 * b2,
                    c02 * b0 + c12 * b1 + c22 * b2,
                ],
                axis=-1,
            )
            / det[..., None]
        )


def inverse3(a: np.ndarray) -> np.ndarray:
    """Inverses of the symmetric 3x3 matrices ``a [..., 3, 3]`` (columns of ``solve3``)."""
    eye = np.eye(3)
    return np.stack([solve3(a, np.broadcast_to(eye[k], a.shape[:-1])) for k in range(3)], axis=-1)


@dataclass(frozen=True)
class TrackFit:
    """Fitted tracks: ``params [..., 3]``, ``chi2 [...]``, ``n_hits [...]``, ``cov [..., 3, 3]``."""

    params: np.ndarray
    chi2: np.ndarray
    n_hits: np.ndarray
    cov: np.ndarray


class TrackModel:
    """The exact track model of one simulator config (geometry, toroid) and its fits."""

    def __init__(
        self, sim_config: Any, kappa_prior_sigma: float = 1e-3, kappa_bound: float | None = None
    ) -> None:
        g, t = sim_config.geometry, sim_config.toroid
        self.config = sim_config
        self.radii = np.asarray(g.layer_radii_cm, dtype=np.float64)
        self.r_ref = float(min(t.r_min_cm, self.radii[0]))
        self.r_in, self.r_out = float(t.r_min_cm), float(t.r_max_cm)
        self.eta_min = float(g.eta_min)
        self.deta = (g.eta_max - g.eta_min) / N_STRIPS
        self.kappa_bound = kappa_bound
        # z0 (100 m) and beta0 (100 rad): damping that keeps every normal matrix invertible
        self.prior = np.diag([1e-8, 1e-4, 1.0 / kappa_prior_sigma**2])

    # ------------------------------------------------------------------ coordinates
    def z_of_strip(self, c: np.ndarray, radius: np.ndarray) -> np.ndarray:
        """z [cm] of strip coordinate ``c`` on a layer of ``radius``."""
        return radius * np.sinh(self.eta_min + c * self.deta)

    def strip_of_z(self, z: np.ndarray, radius: np.ndarray) -> np.ndarray:
        """Strip coordinate of the point (``radius``, ``z``)."""
        return (np.arcsinh(z / radius) - self.eta_min) / self.deta

    def z_sigma(self, c: np.ndarray, sigma_c: np.ndarray, radius: np.ndarray) -> np.ndarray:
        """sigma [cm] in z of a strip coordinate with sigma ``sigma_c`` [strips]."""
        return radius * np.cosh(self.eta_min + c * self.deta) * self.deta * sigma_c

    # ------------------------------------------------------------------ track
    def z_at(self, params: np.ndarray, radius: np.ndarray) -> np.ndarray:
        """z [cm] of tracks ``params [..., 3]`` at radii ``radius [..., K]`` (any radius >= 0)."""
        radius = np.asarray(radius, dtype=np.float64)
        z0, beta0, kappa = params[..., 0], params[..., 1], params[..., 2]
        r = np.maximum(radius, self.r_ref)
        outer = propagate_z(r, self.r_ref, z0, beta0, kappa, self.config)
        inner = z0[..., None] - (self.r_ref - radius) * np.tan(beta0)[..., None]
        return np.where(radius >= self.r_ref, outer, inner)

    def layer_strips(self, params: np.ndarray) -> np.ndarray:
        """Strip coordinate ``[..., 9]`` of tracks at every layer (NaN where a track curls back)."""
        return self.strip_of_z(self.z_at(params, self.radii), self.radii)

    # ------------------------------------------------------------------ fit
    def bend_basis(self, radii: np.ndarray) -> np.ndarray:
        """``[K, 3]``: z = x0 + x1 (R - r_ref) + x2 b(R), b the double path integral through the field
        (the parabolic approximation of the arc; x1 = tan beta0, x2 ~ kappa / cos^3 beta0)."""
        radii = np.asarray(radii, dtype=np.float64)
        path = np.clip(radii, self.r_in, self.r_out) - self.r_in
        bend = 0.5 * path**2 + path * np.maximum(radii - self.r_out, 0.0)
        return np.stack([np.ones_like(radii), radii - self.r_ref, bend], axis=-1)

    def linear_solve(
        self, c: np.ndarray, sigma_c: np.ndarray, mask: np.ndarray, radii: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients ``x [..., 3]`` of the parabolic model fitted in z to strip coordinates
        ``c [..., K]`` at ``radii [K]`` (default: the layers), and the fit chi2 (in z)."""
        radii = self.radii if radii is None else np.asarray(radii, dtype=np.float64)
        c = np.where(mask, c, 0.0)
        w = np.where(mask, 1.0 / self.z_sigma(c, sigma_c, radii) ** 2, 0.0)
        return self.linear_solve_z(self.z_of_strip(c, radii), w, radii)

    def linear_solve_z(
        self, z: np.ndarray, w: np.ndarray, radii: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``linear_solve`` from z [cm] and weights 1/sigma_z^2 (0: no measurement) at ``radii``."""
        basis = self.bend_basis(radii)
        outer = (basis[:, :, None] * basis[:, None, :]).reshape(radii.size, 9)
        normal = (w @ outer).reshape(*w.shape[:-1], 3, 3) + self.prior
        x = solve3(normal, (w * z) @ basis)
        chi2 = np.sum(w * (z - x @ basis.T) ** 2, axis=-1) + x[..., 2] ** 2 * self.prior[2, 2]
        return x, chi2

    def linear_strips(self, x: np.ndarray, radii: np.ndarray | None = None) -> np.ndarray:
        """Strip coordinates ``[..., K]`` of the parabolic model ``x [..., 3]`` at ``radii``."""
        radii = self.radii if radii is None else np.asarray(radii, dtype=np.float64)
        return self.strip_of_z(x @ self.bend_basis(radii).T, radii)

    @staticmethod
    def from_linear(x: np.ndarray) -> np.ndarray:
        """Exact-model parameters ``[..., 3]`` (z0, beta0, kappa) closest to parabola ``x`` at r_ref."""
        beta0 = np.arctan(x[..., 1])
        return np.stack([x[..., 0], beta0, x[..., 2] * np.cos(beta0) ** 3], axis=-1)

    def linear_fit(
        self, c: np.ndarray, sigma_c: np.ndarray, mask: np.ndarray, radii: np.ndarray | None = None
    ) -> np.ndarray:
        """Exact-model starting parameters ``[..., 3]`` from ``linear_solve``."""
        return self.from_linear(self.linear_solve(c, sigma_c, mask, radii)[0])

    def _residuals(
        self, params: np.ndarray, c: np.ndarray, mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        pred = self.layer_strips(params)
        reachable = np.isfinite(pred)
        r = np.where(mask, np.where(reachable, c - np.where(reachable, pred, 0.0), RESIDUAL_CAP), 0.0)
        return r, reachable

    def _gauss_newton(
        self,
        params: np.ndarray,
        c: np.ndarray,
        w: np.ndarray,
        mask: np.ndarray,
        iterations: int,
        prior: np.ndarray,
        mean: np.ndarray,
    ) -> tuple[np.ndarray, ...]:
        """Gauss-Newton on the exact model with a Gaussian curvature prior ``N(mean, 1 / prior[2, 2])``
        (``prior[:2]``: damping only, which leaves the minimum where it is): params, chi2 (data +
        curvature prior), normal matrix."""
        kappa_weight = prior[2, 2]
        for i in range(iterations + 1):
            r, reachable = self._residuals(params, c, mask)
            base = self.layer_strips(params)
            with np.errstate(invalid="ignore"):
                jac = np.stack(
                    [(self.layer_strips(params + step) - base) / step.max() for step in np.diag(STEPS)],
                    axis=-1,
                )
            jac = np.where((mask & reachable)[..., None] & np.isfinite(jac), jac, 0.0)
            normal = np.einsum("...l,...li,...lj->...ij", w, jac, jac) + prior
            if i == iterations:
                break
            rhs = np.einsum("...l,...li,...l->...i", w, jac, r)
            rhs[..., 2] -= (params[..., 2] - mean[..., 2]) * kappa_weight
            params = params + solve3(normal, rhs)
        r, _ = self._residuals(params, c, mask)
        chi2 = np.sum(w * r**2, axis=-1) + (params[..., 2] - mean[..., 2]) ** 2 * kappa_weight
        return params, chi2, normal

    def fit(self, c: np.ndarray, sigma_c: np.ndarray, mask: np.ndarray, iterations: int = 3) -> TrackFit:
        """Fit tracks to strip coordinates ``c [..., 9]`` (sigma ``sigma_c``, used where ``mask``).

        With ``kappa_bound``, a track fitted beyond it is refitted with its curvature held at the
        bound (a strong prior there): the constrained least-squares solution.
        """
        c = np.where(mask, c, 0.0)
        w = np.where(mask, 1.0 / np.asarray(sigma_c, dtype=np.float64) ** 2, 0.0)
        start = self.linear_fit(c, sigma_c, mask)
        zero = np.zeros(3)
        params, chi2, normal = self._gauss_newton(start, c, w, mask, iterations, self.prior, zero)
        if self.kappa_bound is not None:
            bound = self.kappa_bound
            outside = np.abs(params[..., 2]) > bound
            if outside.any():
                mean = np.zeros_like(params)
                mean[..., 2] = np.clip(params[..., 2], -bound, bound)
                strong = np.diag([*np.diag(self.prior)[:2], (BOUND_SIGMA_FRACTION * bound) ** -2.0])
                held = np.where(outside[..., None], mean, params)
                p2, chi2_2, n2 = self._gauss_newton(held, c, w, mask, iterations, strong, mean)
                params = np.where(outside[..., None], p2, params)
                chi2 = np.where(outside, chi2_2, chi2)
                normal = np.where(outside[..., None, None], n2, normal)
        return TrackFit(params, chi2, mask.sum(axis=-1), inverse3(normal))
