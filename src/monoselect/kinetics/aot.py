"""The site kernels compiled ahead of time, so a command that only runs them starts without
numba (about half a second of every command on a 2-core machine).

The same Python functions as ``rosenbrock`` (``solve_network`` with and without a proton
pool, ``speciate_rows``, and ``solve_many`` run serially, for small sweeps: numba's thread
pool cannot be linked into such a module) and ``staged_kernel.solve_staged`` (linkers,
reductive amination) are compiled once by ``numba.pycc`` into plain extension modules in
the package's ``__pycache__``, keyed by the kernels' sources, the numba, NumPy and Python
versions and the CPU (they are built for its instructions, as the JIT is, so their numbers
are the JIT's to 1e-9 of the charge: fastmath may order sums differently in two builds).
``kernel(name)`` gives the compiled function, or None when there is none (not built yet, no
C compiler, pycc gone from numba, or MONOSELECT_AOT=0): callers then use the JIT functions.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import time
from functools import cache
from pathlib import Path

import numpy as np

from monoselect.kinetics.system import SiteSystem

HERE = Path(__file__).resolve().parent
SOURCES = ("rosenbrock.py", "system.py", "rodas4.py", "staged_kernel.py", "aot.py")
# one extension module per function: pycc fails to type a module that holds several of them
EXPORTS = (
    "solve_network_p",
    "solve_network_n",
    "solve_many_p",
    "solve_many_n",
    "speciate_rows",
    "solve_staged",
)
# SiteSystem fields the kernels read as int64 (every other field is float64); 2-d: kms
INT_FIELDS = frozenset({"reactant", "product", "state_start", "binder_start"})
# a build takes about a minute: a lock this old was left by a process that was killed
STALE_LOCK_S = 600.0


def enabled() -> bool:
    return os.environ.get("MONOSELECT_AOT", "1") != "0"


@cache
def _key() -> str:
    from importlib.metadata import version

    h = hashlib.sha256()
    for name in SOURCES:
        h.update((HERE / name).read_bytes())
    h.update(f"{version('numba')} {np.__version__} {sys.version} {_cpu()}".encode())
    return h.hexdigest()[:16]


def _cpu() -> str:
    """What the code is built for (host instructions): a copied cache on another CPU is a
    different key, never an illegal instruction."""
    import platform

    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("flags", "Features")):  # x86, ARM
                return f"{platform.machine()} {line}"
    return f"{platform.machine()} {platform.processor()}"


def folder() -> Path:
    return HERE / "__pycache__" / f"aot-{_key()}"


@cache
def kernel(name: str):
    """The compiled ``name`` from the cache, or None."""
    if not enabled():
        return None
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    path = folder() / f"ms_{name}{suffix}"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"ms_{name}", path)
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except ImportError:  # a stale or foreign build: the JIT serves
        return None
    return getattr(module, name)


def missing() -> bool:
    """True when some export is not built (and building is allowed and has not failed)."""
    if not enabled() or (folder() / "failed").exists():
        return False
    return any(kernel(name) is None for name in EXPORTS)


def build_once(note) -> None:
    """Build what is missing, saying so through ``note``; a failure (no C compiler, pycc
    gone) is recorded so later runs do not try again, and the JIT goes on serving."""
    note("compiling the integrator ahead of time, once (about a minute; Ctrl-C skips it)")
    try:
        build()
    except KeyboardInterrupt:
        note("skipped: commands keep starting the JIT-compiled integrator")
    except Exception as exc:  # any failure leaves the JIT in charge
        with contextlib.suppress(OSError):  # a read-only install cannot keep the record
            folder().mkdir(parents=True, exist_ok=True)
            (folder() / "failed").write_text(f"{type(exc).__name__}: {exc}\n")
        note(f"not possible here ({type(exc).__name__}); the JIT-compiled integrator serves")


def conforms(sysm: SiteSystem, *arrays: np.ndarray) -> bool:
    """True when every array has the dtype, rank and C layout the compiled code was built for
    (the compiled wrapper trusts them)."""
    for field, a in zip(sysm._fields, sysm, strict=True):
        want = np.int64 if field in INT_FIELDS else np.float64
        ndim = 2 if field == "kms" else 1
        if a.dtype != want or a.ndim != ndim or not a.flags.c_contiguous:
            return False
    return all(a.dtype == np.float64 and a.flags.c_contiguous for a in arrays)


def build() -> list[str]:
    """Compile every missing export into the cache (a lock keeps two processes from building
    the same one). Returns what was built; raises what pycc raises."""
    import warnings

    from numba import types

    from monoselect.kinetics import rosenbrock as rb

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pycc's pending-deprecation notice: we fall back
        from numba.pycc import CC

    out = folder()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.parent.glob("aot-*"):  # builds of an earlier kernel source or numba
        if old != out:
            shutil.rmtree(old, ignore_errors=True)
    a1, a2, a3 = (types.Array(types.float64, n, "C") for n in (1, 2, 3))
    i1 = types.Array(types.int64, 1, "C")
    fields = [i1 if f in INT_FIELDS else (a2 if f == "kms" else a1) for f in SiteSystem._fields]
    site = types.NamedTuple(fields, SiteSystem)
    f8, i8 = types.float64, types.int64
    built = []
    for name in EXPORTS:
        suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
        if (out / f"ms_{name}{suffix}").exists():
            continue
        lock = out / f"{name}.lock"
        with contextlib.suppress(FileNotFoundError):
            if time.time() - lock.stat().st_mtime > STALE_LOCK_S:  # its builder was killed
                lock.unlink()
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            continue  # another process builds it
        os.close(fd)
        try:
            protons = types.none if name.endswith("_n") else types.boolean
            # each export calls the JIT function, so that it is compiled with its own options
            # (fast-math, NumPy's error model) rather than pycc's defaults
            if name.startswith("solve_network"):
                sig = types.Tuple((i8, f8, i8, i8))(
                    a1, site, protons, a1, a2, f8, f8, f8, f8, f8, f8, f8, f8, i8, a1, a2, a1
                )
                func = _call(rb.solve_network, 17)
            elif name.startswith("solve_many"):
                sig = types.void(
                    a2, site, protons, a3, a2, a2, a2, a3, a1, f8, a1, f8, a1, a1, f8, f8, i8,
                    a2, a1, i1, i1,
                )  # fmt: skip
                # serial: numba's thread pool is not in a pycc module (small sweeps only)
                func = rb.solve_many.py_func
            elif name == "solve_staged":  # the mass-action families (staged_kernel.py)
                from monoselect.kinetics import staged_kernel

                i2 = types.Array(types.int64, 2, "C")
                sig = types.Tuple((i8, i8, i8, f8))(
                    a1, a1, i2, a1, a1, i1, i1, a1, i8, f8, a1, a2, a2, f8, f8, f8, i8, a1, a2
                )
                func = _call(staged_kernel.solve_staged, 19)
            else:
                sig = types.void(a2, site, a2, a2, a1, a2)
                func = _call(rb.speciate_rows, 6)
            cc = CC(f"ms_{name}")
            cc.output_dir = str(out)
            cc.target_cpu = "host"  # the JIT's instruction set (FMA...): the JIT's numbers
            cc.verbose = False
            cc.export(name, sig)(func)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pycc's pending-deprecation notice
                cc.compile()
            built.append(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()
    kernel.cache_clear()
    return built


def _call(target, n: int):
    """A plain function of ``n`` arguments that calls the JIT ``target`` (pycc compiles
    functions, not dispatchers; a call to a dispatcher inside keeps its options)."""
    names = ", ".join(f"a{i}" for i in range(n))
    scope = {"target": target}
    exec(f"def call({names}):\n    return target({names})\n", scope)
    return scope["call"]


if __name__ == "__main__":  # python -m monoselect.kinetics.aot: build now
    print("built:", ", ".join(build()) or "nothing (all present)", "in", folder())
