"""What the compiled site kernel reads and returns, without numba: the tables of one
condition, its scratch arrays and its status codes. Importing this module costs nothing, so
code that only builds inputs or reads results does not load the compiler.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class SiteSystem(NamedTuple):
    """What the kernel knows of one condition: network tables and proton tables (scaled).

    A NamedTuple so the compiled code reads fields by name; numba types it as a tuple, so a
    field read costs what an index did. Species microstates are flattened: species ``s``
    owns ``state_start[s]:state_start[s + 1]``; binders (added bases and acids, the
    released acid last) likewise.
    """

    reactant: np.ndarray  # [reaction] species that meets the electrophile
    product: np.ndarray  # [reaction] species it becomes
    kms: np.ndarray  # [reaction, microstate] rate constant per protonation state, scaled
    state_start: np.ndarray  # [species + 1] first microstate of each species (int64)
    state_nprot: np.ndarray  # [microstate] protons bound
    state_weight: np.ndarray  # [microstate] formation constant (from the free base)
    state_free: np.ndarray  # [microstate] unprotonated reactive sites
    degree: np.ndarray  # [species] substitutions made (each may release a proton)
    binder_start: np.ndarray  # [binder + 1] first state of each binder (int64)
    binder_nprot: np.ndarray  # [binder state] protons bound
    binder_weight: np.ndarray  # [binder state] formation constant
    binder_amount: np.ndarray  # [binder] charged amount, scaled (released acid: 0)
    binder_released: np.ndarray  # [binder] 1 for the acid the reaction releases, else 0
    proton_scales: np.ndarray  # [5] indexed by CHARGED, RELEASE, C_REF, ACTIVE, FREE
    # salts that leave the solution above a saturation concentration (SCIENCE.md section 12):
    # the protons of the state that precipitates (-1: never) and its solubility in mol/L
    solid_nprot: np.ndarray  # [species]
    solid_cap: np.ndarray  # [species]
    binder_solid_nprot: np.ndarray  # [binder]
    binder_solid_cap: np.ndarray  # [binder]


# entries of SiteSystem.proton_scales
CHARGED = 0  # protons charged at t = 0, scaled
RELEASE = 1  # protons released per substitution
C_REF = 2  # n_ref / v_ref: scaled amount per volume -> mol/L
ACTIVE = 3  # 1.0 when there is a proton pool at all
FREE = 4  # weight of free solvated protons in the balance: 1 in water and alcohols, ~0 aprotic


class Work(NamedTuple):
    """Scratch arrays of one integration, shared by speciation, rates and Jacobian."""

    alpha: np.ndarray  # [microstate] state fractions within each species
    binder_alpha: np.ndarray  # [binder state] state fractions within each binder
    mean_protons: np.ndarray  # [species] mean protons bound
    variance: np.ndarray  # [species] its variance (= d mean / d ln[H+])
    binder_protons: np.ndarray  # [binder] mean protons bound
    warm: np.ndarray  # [2] last (ln[H+], dF/dx): Newton's warm start, the Jacobian's dx
    dx_dy: np.ndarray  # [state] d ln[H+] / d amount (implicit function)
    h_powers: np.ndarray  # [max protons + 1] [H+]^k
    dissolved: np.ndarray  # [species] amount in solution (the rest is solid)
    binder_dissolved: np.ndarray  # [binder] amount in solution


# status codes returned per condition
OK = 0
CAP_REACHED = 1
STEP_UNDERFLOW = 2
NOT_FINITE = 3
TOO_MANY_STEPS = 4
