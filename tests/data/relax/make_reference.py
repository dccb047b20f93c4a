#!/usr/bin/python3
"""LAMMPS references for tests/unit/test_relax.cpp and tests/validation/test_relax.cpp.

Runs Debian's `lmp` (serial) on the inputs written here and collects the
numbers into reference.json. Inputs are kept beside this script
(<case>.in); logs go to a temporary directory, and the lines the numbers are
read from are copied into lammps_excerpts.txt.

    /usr/bin/python3 tests/data/relax/make_reference.py
"""
import json
import os
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
POT = "/usr/share/lammps/potentials/Cu_mishin1.eam.alloy"
A0 = 3.615

HEADER = """units metal
atom_style atomic
boundary p p p
lattice fcc {a}
region box block 0 {n} 0 {n} 0 {n}
create_box 1 box
create_atoms 1 box
mass 1 63.546
pair_style eam/alloy
pair_coeff * * {pot} Cu
thermo_style custom step pe press vol lx ly lz fmax fnorm
thermo_modify format float %.15g
"""

VACANCY = HEADER + """
min_style cg
minimize 0.0 1.0e-12 10000 100000
variable eperf equal pe
print "PERFECT {{natoms}} $(pe:%.15g)"
group gone id 1
delete_atoms group gone
reset_timestep 0
min_style {style}
{extra}
minimize 0.0 1.0e-10 100000 1000000
print "VACANCY $(atoms) $(pe:%.15g) $(fmax:%.6g)"
"""

BOXRELAX = HEADER + """
fix relax all box/relax {couple} {pressure} vmax 0.001
min_style cg
min_modify line quadratic
minimize 0.0 1.0e-12 100000 1000000
unfix relax
minimize 0.0 1.0e-12 100000 1000000
fix relax all box/relax {couple} {pressure} vmax 0.001
minimize 0.0 1.0e-12 100000 1000000
print "BOXRELAX $(lx:%.15g) $(ly:%.15g) $(lz:%.15g) $(pe:%.15g) $(press:%.10g) $(atoms)"
"""


def run(name, text, tmp):
    path = os.path.join(HERE, name + ".in")
    with open(path, "w") as f:
        f.write(text)
    log = os.path.join(tmp, name + ".log")
    subprocess.run(["lmp", "-in", path, "-log", log, "-screen", "none"], check=True, cwd=tmp)
    with open(log) as f:
        return f.read()


def main():
    ref = {"lammps": subprocess.run(["lmp", "-h"], capture_output=True, text=True).stdout.splitlines()[1].strip(),
           "potential": os.path.basename(POT), "a": A0}
    excerpts = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (3, 4):
            for style, extra in (("cg", ""), ("fire", "timestep 0.002")):
                name = f"cu_vacancy_{n}x{n}x{n}_{style}"
                text = VACANCY.format(a=A0, n=n, pot=POT, style=style, extra=extra).replace(
                    "{natoms}", "$(atoms)")
                log = run(name, text, tmp)
                perf = re.search(r"^PERFECT (\d+) (\S+)$", log, re.M)
                vac = re.search(r"^VACANCY (\d+) (\S+) (\S+)$", log, re.M)
                stop = re.search(r"Stopping criterion = (.*)", log.split("delete_atoms")[1])
                iters = re.search(r"Iterations, force evaluations = (\d+) (\d+)",
                                  log.split("delete_atoms")[1])
                N, e_perf = int(perf.group(1)), float(perf.group(2))
                nv, e_vac, fmax = int(vac.group(1)), float(vac.group(2)), float(vac.group(3))
                ref[name] = {"natoms_perfect": N, "energy_perfect": e_perf,
                             "natoms_vacancy": nv, "energy_vacancy_relaxed": e_vac,
                             "fmax": fmax,
                             "vacancy_formation_energy": e_vac - (N - 1) / N * e_perf,
                             "stopping_criterion": stop.group(1).strip(),
                             "iterations_force_evaluations": [int(iters.group(1)), int(iters.group(2))]}
                excerpts.append(f"== {name}.in")
                excerpts += [l for l in log.splitlines()
                             if l.startswith(("PERFECT", "VACANCY", "  Stopping criterion",
                                              "  Energy initial", "  Iterations", "Loop time"))
                             or re.match(r"\s+-?\d+\.\d+\s+-?\d+\.\d+\s+-?\d+\.\d+$", l)]
        # 0 and 1 GPa (10000 bar): LAMMPS pressure in bar, positive = compression.
        for name, couple, p in (("cu_box_relax_iso_0GPa", "iso", 0.0),
                                ("cu_box_relax_iso_1GPa", "iso", 10000.0),
                                ("cu_box_relax_aniso_0GPa", "aniso", 0.0)):
            log = run(name, BOXRELAX.format(a=3.7, n=1, pot=POT, couple=couple, pressure=p), tmp)
            m = re.search(r"^BOXRELAX (\S+) (\S+) (\S+) (\S+) (\S+) (\d+)$", log, re.M)
            lx, ly, lz, pe, press, nat = (float(m.group(i)) for i in range(1, 7))
            ref[name] = {"pressure_bar_target": p, "lx": lx, "ly": ly, "lz": lz,
                         "energy": pe, "natoms": int(nat), "pressure_bar": press,
                         "volume_per_atom": lx * ly * lz / nat}
            excerpts.append(f"== {name}.in (start a = 3.7)")
            excerpts += [l for l in log.splitlines() if l.startswith(("BOXRELAX", "  Stopping criterion"))]
        # Vacancy supercell with its cell relaxed too (3x3x3, 0 bar).
        name = "cu_vacancy_3x3x3_box_relax_iso_0GPa"
        text = (HEADER.format(a=A0, n=3, pot=POT) +
                "group gone id 1\ndelete_atoms group gone\n" +
                BOXRELAX.split("thermo_modify format float %.15g\n")[1].format(couple="iso", pressure=0.0))
        log = run(name, text, tmp)
        m = re.search(r"^BOXRELAX (\S+) (\S+) (\S+) (\S+) (\S+) (\d+)$", log, re.M)
        lx, ly, lz, pe, press, nat = (float(m.group(i)) for i in range(1, 7))
        ref[name] = {"pressure_bar_target": 0.0, "lx": lx, "ly": ly, "lz": lz, "energy": pe,
                     "natoms": int(nat), "pressure_bar": press, "volume": lx * ly * lz}
        excerpts.append(f"== {name}.in (start a = 3.615)")
        excerpts += [l for l in log.splitlines() if l.startswith(("BOXRELAX", "  Stopping criterion"))]
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "lammps_excerpts.txt"), "w") as f:
        f.write("\n".join(excerpts) + "\n")
    print(json.dumps(ref, indent=1))


if __name__ == "__main__":
    main()
