"""Bias laws the bench compares with the product's arcsine, on the same keyed uniforms.

Nuida et al. ("An improvement of discrete Tardos fingerprinting codes", Des. Codes Cryptogr.
2009) replace the continuous arcsine law by a discrete one built for small coalitions: with
`k = ⌈c/2⌉`, the values are `(1 + x) / 2` for the roots `x` of the Legendre polynomial `P_k`,
and their masses are the arcsine density's at those values times the Gauss–Legendre weights,
renormalised (the `k`-point quadrature of the arcsine law). Against c = 3 that is `{0.2113,
0.7887}`, each 1/2. Measured in bench/attribution.py `--bias-distributions` and
bench/bias_evidence.py; not adopted (bench/RESULTS.md, "Bias distributions for small coalitions").
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import numpy.typing as npt

from forewarn.marks import code
from forewarn.marks.engine import CodeSpec, Marker
from forewarn.marks.keyed import derive_key, uniform
from forewarn.marks.registry import ChannelRegistry

ARCSINE = "arcsine"
"""The product's law: continuous arcsine on `[cutoff(c), 1 - cutoff(c)]` (`code.bias_vector`)."""
GAUSS_LEGENDRE = "gauss-legendre"
"""Nuida et al.'s discrete law for `c` colluders."""
LAWS = (ARCSINE, GAUSS_LEGENDRE)

Floats = npt.NDArray[np.float64]


def gauss_legendre_support(c: int) -> tuple[Floats, Floats]:
    """Values and masses of Nuida et al.'s law against `c` colluders: `{1/2}` for `c ≤ 2`,
    `{0.2113, 0.7887}` for `c = 3, 4`, `{0.1127, 0.5, 0.8873}` for `c = 5, 6`."""
    nodes, weights = np.polynomial.legendre.leggauss((c + 1) // 2)
    values = (1.0 + nodes) / 2.0
    masses = weights / np.sqrt(values * (1.0 - values))
    return values, masses / masses.sum()


def biases(secret: bytes, case_id: str, length: int, c: int, law: str) -> Floats:
    """A case's biases under `law`, from the keyed uniforms the product's arcsine uses."""
    if law == ARCSINE:
        return code.bias_vector(secret, case_id, length, code.cutoff(c))
    if law != GAUSS_LEGENDRE:
        raise ValueError(f"unknown bias law {law!r}; one of {', '.join(LAWS)}")
    values, masses = gauss_legendre_support(c)
    draws = uniform(derive_key(secret, "bias", case_id), length)
    return np.asarray(values[np.searchsorted(np.cumsum(masses)[:-1], draws, side="right")])


class LawMarker(Marker):
    """The product's marker (same layout, same codeword keys) with biases drawn from `law`."""

    def __init__(
        self, secret: bytes, case_id: str, spec: CodeSpec, channels: ChannelRegistry, law: str
    ) -> None:
        super().__init__(secret, case_id, spec, channels)
        self.law = law
        self._law_secret = secret

    @cached_property
    def bias(self) -> Floats:
        """The biases under `law`."""
        return biases(
            self._law_secret, self.case_id, self.spec.length, self.spec.max_colluders, self.law
        )
