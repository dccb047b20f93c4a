#!/usr/bin/python3
"""Write the small synthetic EAM files used by kprop's EAM parser tests.

tiny.eam.alloy   a valid two-element setfl file (elements A, B) laid out the
                 awkward ways LAMMPS accepts: a blank header line, the grid
                 line split over two lines, comments and blank lines inside
                 arrays, extra words after an element header, and a stray
                 number after the last value of an array (LAMMPS ignores the
                 rest of that line). Its F table ends at a small rhomax so
                 that the reference structure exercises the rho > rhomax
                 extrapolation. Functions (r in Å, rho dimensionless):
                   F_e(rho)  = -E_e sqrt(rho) + G_e rho^2
                   rho_e(r)  = R_e exp(-b_e (r - 2.8)) s(r)
                   phi_ab(r) = D_ab (exp(-2 a (r - r_ab)) - 2 exp(-a (r - r_ab))) s(r)
                   s(r) = ((rc - r)/rc)^4 for r < rc = 5.0, else 0
tiny.eam.fs      the same functions as an eam/fs file, with the density
                 an atom of element a puts at an atom of element b scaled by
                 C_ab (C_AB != C_BA), so that swapped cross densities show.
bad/*            broken variants of it, and a truncated funcfl file, for the error tests (see README.md).
"""
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
NRHO, DRHO = 40, 0.003  # rhomax = 0.117, inside the range of the test structure
NR, DR, RC = 60, 0.1, 5.0
E = {"A": 2.0, "B": 2.6}
G = {"A": 0.10, "B": 0.05}
R = {"A": 0.25, "B": 0.30}
B = {"A": 2.4, "B": 2.1}
D = {("A", "A"): 0.10, ("B", "A"): 0.12, ("B", "B"): 0.15}
RAB = {("A", "A"): 2.6, ("B", "A"): 2.65, ("B", "B"): 2.7}
ALPHA = 1.6
C = {("A", "A"): 1.0, ("A", "B"): 1.5, ("B", "A"): 0.6, ("B", "B"): 1.0}


def s(r):
    return ((RC - r) / RC) ** 4 if r < RC else 0.0


def F(e, rho):
    return -E[e] * math.sqrt(rho) + G[e] * rho * rho


def dens(e, r):
    return R[e] * math.exp(-B[e] * (r - 2.8)) * s(r)


def rphi(p, r):
    x = math.exp(-ALPHA * (r - RAB[p]))
    return r * D[p] * (x * x - 2.0 * x) * s(r)


def rows(values, per_line):
    return [" ".join(repr(v) for v in values[i:i + per_line])
            for i in range(0, len(values), per_line)]


def tiny_lines():
    L = ["tiny synthetic setfl file for kprop tests (make_synthetic.py)",
         "",  # blank header line: header lines are skipped whole
         "# third header line",
         "2 A B",
         f"{NRHO} {DRHO!r} {NR}",   # the grid record continues on the next line
         f"{DR!r} {RC!r}"]
    for k, e in enumerate("AB"):
        L.append(f"{k + 1} {10.0 * (k + 1)!r} 4.0 fcc extra words ignored")
        f = rows([F(e, m * DRHO) for m in range(NRHO)], 7)
        f[-1] += " 999.0"         # stray number after the last value: ignored
        L += f[:3] + ["# a comment line inside F", ""] + f[3:]
        L += [x + "  # trailing comment" for x in rows([dens(e, m * DR) for m in range(NR)], 4)]
    for p in [("A", "A"), ("B", "A"), ("B", "B")]:
        L += rows([rphi(p, m * DR) for m in range(NR)], 5)
    return L


def tiny_fs_lines():
    L = ["tiny synthetic Finnis-Sinclair file for kprop tests (make_synthetic.py)",
         "block of element a: F_a, then rho_{a,b} for b = A, B: the density an atom",
         "of element a contributes at an atom of element b (LAMMPS's convention)",
         "2 A B",
         f"{NRHO} {DRHO!r} {NR} {DR!r} {RC!r}"]
    for k, e in enumerate("AB"):
        L.append(f"{k + 1} {10.0 * (k + 1)!r} 4.0 fcc")
        L += rows([F(e, m * DRHO) for m in range(NRHO)], 5)
        for b in "AB":
            L += rows([C[(e, b)] * dens(e, m * DR) for m in range(NR)], 5)
    for p in [("A", "A"), ("B", "A"), ("B", "B")]:
        L += rows([rphi(p, m * DR) for m in range(NR)], 5)
    return L


def write(path, lines):
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def main():
    L = tiny_lines()
    write(os.path.join(HERE, "tiny.eam.alloy"), L)
    write(os.path.join(HERE, "tiny.eam.fs"), tiny_fs_lines())
    bad = os.path.join(HERE, "bad")
    os.makedirs(bad, exist_ok=True)

    # truncated in the middle of the second element's rho(r)
    k = next(i for i, l in enumerate(L) if l.startswith("2 20.0"))
    write(os.path.join(bad, "truncated.eam.alloy"), L[:k + 12])

    # a non-numeric token inside the A-A r*phi table
    nonnum = list(L)
    j = len(L) - 3 * (NR // 5) + 2
    w = nonnum[j].split()
    w[1] = "0.12x"
    nonnum[j] = " ".join(w)
    write(os.path.join(bad, "nonnumeric.eam.alloy"), nonnum)

    # element count line declares 3 elements but names 2
    wrong = list(L)
    wrong[3] = "3 A B"
    write(os.path.join(bad, "element_count.eam.alloy"), wrong)

    # Nrho not an integer
    badgrid = list(L)
    badgrid[4] = f"40.5 {DRHO!r} {NR}"
    write(os.path.join(bad, "grid_not_integer.eam.alloy"), badgrid)

    # file ends right after the grid record
    write(os.path.join(bad, "header_only.eam.fs"), L[:6])

    # declares LAMMPS real units (kprop reads metal only)
    write(os.path.join(bad, "real_units.eam.alloy"),
          ["DATE: 2024-01-01 UNITS: real CONTRIBUTOR: kprop tests"] + L[1:])

    # funcfl (element A's functions, Z(r) = sqrt(r phi_AA / 14.3888)),
    # truncated inside Z(r)
    fl = ["tiny synthetic funcfl file, truncated",
          "13 10.0 4.0 fcc",
          f"{NRHO} {DRHO!r} {NR} {DR!r} {RC!r}"]
    fl += rows([F("A", m * DRHO) for m in range(NRHO)], 5)
    z = [math.sqrt(abs(rphi(("A", "A"), m * DR)) / (27.2 * 0.529)) for m in range(NR)]
    fl += rows(z, 5)[:7]
    write(os.path.join(bad, "truncated.eam"), fl)

if __name__ == "__main__":
    main()
