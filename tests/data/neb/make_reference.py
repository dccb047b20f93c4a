#!/usr/bin/env python3
"""Regenerate the climbing-image NEB peer references in this folder.

Cases, Cu with Mishin's EAM (Cu_mishin1.eam.alloy, a0 = 3.614925 A):

  cu_vacancy : vacancy hop in a 4x4x4 conventional fcc supercell (255 atoms)
  cu100_adatom : adatom hollow -> hollow hop on an 8-layer 4x4 Cu(100) slab
                 (128 + 1 atoms, bottom 2 layers fixed)
  cu100_step_hop, cu100_step_exchange, cu100_step_foot : Ehrlich-Schwoebel
                 barrier at a <110> step on an 8-layer 8x4 Cu(100) slab with
                 a 4-row monatomic strip (256 + 16 + 1 atoms, bottom 2
                 layers fixed): hop down over the step edge, exchange with
                 the edge atom, hop along the step foot (see step_states()).
                 Their four end points cu100_step_{initial,direct,exchange,
                 foot_next}.xyz are shared between the cases.  By default
                 they run with 7 images only and without the ASE check.

The CSV files are merged, not rewritten: rows and notes of the cases and
image counts that are run replace the old ones, everything else in the
existing files is kept as it is (so `--cases X` only touches case X).

Steps (see README.md):
  1. build the unrelaxed end points with ASE, relax them (atoms only, cell
     fixed) with LAMMPS `min_style cg` until max |F| < 1e-6 eV/A,
  2. write them to <case>_initial.xyz / <case>_final.xyz (extxyz, positions
     rounded to 1e-12 A; the energy in the header and the force check are
     evaluated on the rounded positions),
  3. run LAMMPS CI-NEB (fix neb 5.0, min_style fire,
     neb 0.0 1e-4 5000 5000 100 final <file>) from exactly these files,
  4. collect per-image energies (re-evaluated at full precision with run 0)
     and reaction coordinates (3N-dimensional path length, minimum image),
     write cu_neb_lammps.csv and cu_neb_lammps_barriers.csv,
  5. cross-check (any number of images, no MPI): ASE's NEB
     (method='improvedtangent', same k) driven by LAMMPS forces from
     liblammps via ctypes -> cu_neb_ase.csv, cu_neb_ase_barriers.csv.

LAMMPS needs one MPI rank per NEB image.  The number of ranks is capped by
--max-ranks (default 7, the limit on the machine where the reference was
made); NEB runs with more images than that are skipped with a message.

Usage:
  /usr/bin/python3 tests/data/neb/make_reference.py [--cases ...]
        [--images 6 7 8 9] [--max-ranks 7] [--lmp lmp] [--mpirun mpirun]
        [--keep WORKDIR] [--no-ase] [--ase-all] [--reuse-endpoints]
"""
import argparse
import datetime
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from ase import Atoms
from ase.build import add_adsorbate, bulk, fcc100

HERE = os.path.dirname(os.path.abspath(__file__))
A0 = 3.614925
POT = '/usr/share/lammps/potentials/Cu_mishin1.eam.alloy'
MASS = 63.546
KSPRING = 5.0          # eV/A^2, LAMMPS fix neb, "parallel neigh" (default)
ETOL, FTOL = 0.0, 1e-4  # neb etol (eV), ftol (eV/A)
N1, N2, NEVERY = 5000, 5000, 100
RELAX_FMAX = 1e-6      # eV/A, end-point relaxation target (max |F_i|)
POS_DECIMALS = 12      # positions in the xyz files (A)

MPI_ENV = dict(os.environ)
if os.geteuid() == 0:
    MPI_ENV.update(OMPI_ALLOW_RUN_AS_ROOT='1',
                   OMPI_ALLOW_RUN_AS_ROOT_CONFIRM='1')


# --------------------------------------------------------------------------
# structures
# --------------------------------------------------------------------------
def vacancy_endpoints():
    """4x4x4 conventional fcc Cu, atom 0 (origin) removed.

    Initial: vacancy at the origin.  Final: the atom that sat at
    (a/2, a/2, 0) (index 3 of the 256-atom cell, index 2 after the removal)
    moved onto the origin.  Same atom order in both."""
    atoms = bulk('Cu', 'fcc', a=A0, cubic=True).repeat((4, 4, 4))
    assert np.allclose(atoms.positions[0], 0.0)
    assert np.allclose(atoms.positions[3], [A0 / 2, A0 / 2, 0.0])
    del atoms[0]
    ini = atoms.copy()
    fin = atoms.copy()
    fin.positions[2] = [0.0, 0.0, 0.0]
    return ini, fin, np.zeros(len(ini), bool), 2


def adatom_endpoints():
    """fcc100('Cu', size=(4,4,8), a=A0, vacuum=7.5, periodic=True): 8 (001)
    layers of 16 atoms, 15 A vacuum in total; bottom 2 layers (tags 7, 8)
    fixed.  Adatom (last index, 128) in the fourfold hollow at
    (1.5 d, 1.5 d), d = a/sqrt(2), a/2 above the top layer (initial) and
    in the neighbouring hollow at (2.5 d, 1.5 d) (final)."""
    slab = fcc100('Cu', size=(4, 4, 8), a=A0, vacuum=7.5, periodic=True)
    fixed = slab.get_tags() >= 7
    add_adsorbate(slab, 'Cu', A0 / 2, 'hollow', offset=(1, 1))
    fixed = np.append(fixed, False)
    ini = slab.copy()
    fin = slab.copy()
    fin.positions[-1, 0] += A0 / math.sqrt(2.0)
    ini.set_constraint()
    fin.set_constraint()
    return ini, fin, fixed, len(ini) - 1


STEP_EDGE_ATOM = 256 + 3 * 4 + 1   # strip atom E at (3.5 d, 1.5 d)


def step_states():
    """Stepped Cu(100): Ehrlich-Schwoebel cases (all share these states).

    fcc100('Cu', size=(8,4,8), a=A0, vacuum=7.5, periodic=True): 8 (001)
    layers of 32 atoms (surface cell 8d x 4d, d = a/sqrt(2)), bottom 2
    layers (tags 7, 8) fixed.  In-plane coordinates (i d, j d) are taken
    relative to the top-layer atom with the smallest x and y (computed, not
    assumed).  A monatomic strip of 16 atoms (upper terrace) sits in the top
    layer's hollows ((i+1/2) d, (j+1/2) d), i, j = 0..3 (i-major), a/2 above
    the top layer: descending <110> step after row i = 3 (x = 3.5 d),
    ascending step at x = -0.5 d = 7.5 d.  The adatom is appended last.

      initial   : adatom at U = (3 d, 1 d), a/2 above the strip
      direct    : adatom at F = (4.5 d, 1.5 d) at strip height (foot of
                  the descending step, the site the strip would continue
                  with)
      exchange  : strip edge atom E (index 269 = STEP_EDGE_ATOM) moved
                  from (3.5 d, 1.5 d) to F, adatom (272) at E's old place
                  (same configuration as `direct`, atoms 269/272 swapped)
      foot_next : adatom at F + (0, d) (next site along the step foot)

    Returns ({state: Atoms}, fixed mask)."""
    d = A0 / math.sqrt(2.0)
    slab = fcc100('Cu', size=(8, 4, 8), a=A0, vacuum=7.5, periodic=True)
    assert len(slab) == 256
    tags = slab.get_tags()
    fixed = tags >= 7
    top = slab.positions[tags == 1]
    assert len(top) == 32 and np.ptp(top[:, 2]) < 1e-9
    z_top = top[0, 2]
    k = np.lexsort((top[:, 1], top[:, 0]))[0]   # smallest x, then y
    origin = top[k, :2].copy()
    assert np.isclose(origin[1], top[:, 1].min())
    # the top layer really is the (i d, j d) grid around that origin
    rel = (top[:, :2] - origin) / d
    assert np.allclose(rel, np.round(rel), atol=1e-9)
    z_strip = z_top + A0 / 2

    def site(x, y, z):
        return [origin[0] + x * d, origin[1] + y * d, z]

    strip = [site(i + 0.5, j + 0.5, z_strip)
             for i in range(4) for j in range(4)]
    assert np.allclose(strip[STEP_EDGE_ATOM - 256], site(3.5, 1.5, z_strip))
    base = slab.copy()
    base += Atoms('Cu16', positions=strip)
    base.set_constraint()
    fixed = np.concatenate([fixed, np.zeros(16 + 1, bool)])

    def with_adatom(pos):
        at = base.copy()
        at += Atoms('Cu', positions=[pos])
        return at

    F = site(4.5, 1.5, z_strip)
    states = {
        'initial': with_adatom(site(3.0, 1.0, z_strip + A0 / 2)),
        'direct': with_adatom(F),
        'exchange': with_adatom(site(3.5, 1.5, z_strip)),
        'foot_next': with_adatom(site(4.5, 2.5, z_strip)),
    }
    states['exchange'].positions[STEP_EDGE_ATOM] = F
    for at in states.values():
        assert len(at) == 273
        assert np.allclose(at.cell.array, slab.cell.array)
    return states, fixed


def _step_case(ini, fin, movers):
    def build():
        states, fixed = step_states()
        return dict(initial=('cu100_step_' + ini, states[ini]),
                    final=('cu100_step_' + fin, states[fin]),
                    fixed=fixed, movers=movers, images=[7], ase=False)
    return build


def _classic_case(case, func):
    def build():
        ini, fin, fixed, mover = func()
        return dict(initial=(case + '_initial', ini),
                    final=(case + '_final', fin),
                    fixed=fixed, movers=[mover], images=[6, 7, 8, 9],
                    ase=True)
    return build


# case -> builder of {initial: (file stem, Atoms), final: (...), fixed,
# movers, images (default image counts), ase (ASE cross-check by default)}.
# End points with the same file stem are relaxed once per run.
CASES = {
    'cu_vacancy': _classic_case('cu_vacancy', vacancy_endpoints),
    'cu100_adatom': _classic_case('cu100_adatom', adatom_endpoints),
    # Ehrlich-Schwoebel barrier at a <110> step on Cu(100)
    'cu100_step_hop': _step_case('initial', 'direct', [272]),
    'cu100_step_exchange': _step_case('initial', 'exchange',
                                      [STEP_EDGE_ATOM, 272]),
    'cu100_step_foot': _step_case('direct', 'foot_next', [272]),
}


# --------------------------------------------------------------------------
# file helpers
# --------------------------------------------------------------------------
def check_orthorhombic(cell):
    c = np.asarray(cell)
    if np.abs(c - np.diag(np.diag(c))).max() > 0:
        raise ValueError('only orthorhombic cells are handled')
    return np.diag(c).copy()


def mic(d, lengths):
    return d - np.round(d / lengths) * lengths


def write_data(path, positions, cell):
    L = check_orthorhombic(cell)
    with open(path, 'w') as f:
        f.write('kprop NEB reference\n\n%d atoms\n1 atom types\n\n'
                % len(positions))
        for k, ax in enumerate('xyz'):
            f.write('0 %.17g %slo %shi\n' % (L[k], ax, ax))
        f.write('\nMasses\n\n1 %.17g\n\nAtoms # atomic\n\n' % MASS)
        for i, p in enumerate(positions):
            f.write('%d 1 %.17g %.17g %.17g\n' % (i + 1, p[0], p[1], p[2]))


def read_dump(path):
    """id-sorted custom dump -> dict of columns (float arrays)."""
    with open(path) as f:
        lines = f.read().splitlines()
    i = lines.index('ITEM: NUMBER OF ATOMS')
    n = int(lines[i + 1])
    j = [k for k, l in enumerate(lines) if l.startswith('ITEM: ATOMS')][0]
    cols = lines[j].split()[2:]
    data = np.array([[float(x) for x in l.split()]
                     for l in lines[j + 1:j + 1 + n]])
    out = {c: data[:, k] for k, c in enumerate(cols)}
    assert np.all(out['id'] == np.arange(1, n + 1))
    return out


def write_extxyz(path, symbols, positions, cell, energy, move_mask=None,
                 extra=''):
    L = check_orthorhombic(cell)
    props = 'species:S:1:pos:R:3'
    if move_mask is not None:
        props += ':move_mask:L:3'
    with open(path, 'w') as f:
        f.write('%d\n' % len(positions))
        f.write('Lattice="%.12f 0.0 0.0 0.0 %.12f 0.0 0.0 0.0 %.12f" '
                'Properties=%s energy=%.12g pbc="T T T"%s\n'
                % (L[0], L[1], L[2], props, energy, extra))
        for i, p in enumerate(positions):
            line = '%-2s %20.12f %20.12f %20.12f' % (symbols[i], *p)
            if move_mask is not None:
                line += ' ' + ' '.join('T' if m else 'F' for m in move_mask[i])
            f.write(line + '\n')


def read_extxyz_positions(path):
    """Minimal reader (species, positions, cell, energy) for our own files."""
    with open(path) as f:
        n = int(f.readline())
        hdr = f.readline()
        lat = [float(x) for x in re.search(r'Lattice="([^"]*)"',
                                           hdr).group(1).split()]
        energy = float(re.search(r'energy=(\S+)', hdr).group(1))
        pos = np.array([[float(x) for x in f.readline().split()[1:4]]
                        for _ in range(n)])
    return pos, np.array(lat).reshape(3, 3), energy


# --------------------------------------------------------------------------
# LAMMPS
# --------------------------------------------------------------------------
HEADER = """units metal
atom_style atomic
boundary p p p
atom_modify map array sort 0 0.0
read_data {data}
pair_style eam/alloy
pair_coeff * * {pot} Cu
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
thermo_modify format float %.15g
"""


def fixed_group(fixed):
    ids = np.nonzero(fixed)[0] + 1
    if len(ids) == 0:
        return ''
    return ('group fixed id %s\nfix 1 fixed setforce 0.0 0.0 0.0\n'
            % ' '.join(str(i) for i in ids))


def run_lmp(workdir, infile, args, logname):
    cmd = args['lmp'] + ['-in', infile, '-log', logname, '-screen', 'none']
    r = subprocess.run(cmd, cwd=workdir, env=MPI_ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout)
        raise RuntimeError('LAMMPS failed: %s (see %s)' % (cmd, workdir))


def lmp_version(args):
    r = subprocess.run(args['lmp'] + ['-h'], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, env=MPI_ENV)
    for line in r.stdout.splitlines():
        if 'Large-scale Atomic/Molecular' in line:
            return line.split(' - ', 1)[1].strip()
    return 'unknown'


def evaluate(workdir, tag, positions, cell, fixed, args):
    """Energy and forces (after setforce on fixed atoms) of a configuration."""
    data = os.path.join(workdir, tag + '.eval.data')
    write_data(data, positions, cell)
    inp = HEADER.format(data=os.path.basename(data), pot=POT)
    inp += fixed_group(fixed)
    inp += ('run 0\n'
            'print "$(pe:%%.17g)" file %s.eval.pe\n'
            'write_dump all custom %s.eval.dump id x y z fx fy fz '
            'modify sort id format float %%.17g\n' % (tag, tag))
    infile = os.path.join(workdir, tag + '.eval.in')
    with open(infile, 'w') as f:
        f.write(inp)
    run_lmp(workdir, os.path.basename(infile), args, tag + '.eval.log')
    e = float(open(os.path.join(workdir, tag + '.eval.pe')).read().split()[0])
    d = read_dump(os.path.join(workdir, tag + '.eval.dump'))
    forces = np.stack([d['fx'], d['fy'], d['fz']], 1)
    return e, forces


def relax(workdir, tag, atoms, fixed, args, max_rounds=20):
    """CG relaxation (cell fixed) until max |F| < RELAX_FMAX on the
    positions rounded to POS_DECIMALS.  Returns positions (unwrapped with
    respect to the starting positions), energy, fmax, rounds."""
    ref = atoms.positions.copy()
    cell = atoms.cell.array
    L = check_orthorhombic(cell)
    pos = ref.copy()
    for rnd in range(1, max_rounds + 1):
        data = os.path.join(workdir, '%s.r%d.data' % (tag, rnd))
        write_data(data, pos, cell)
        inp = HEADER.format(data=os.path.basename(data), pot=POT)
        inp += fixed_group(fixed)
        inp += ('thermo 1000\n'
                'min_style cg\n'
                'minimize 0 1e-8 100000 1000000\n'
                'write_dump all custom %s.r%d.dump id x y z '
                'modify sort id format float %%.17g\n' % (tag, rnd))
        infile = os.path.join(workdir, '%s.r%d.in' % (tag, rnd))
        with open(infile, 'w') as f:
            f.write(inp)
        run_lmp(workdir, os.path.basename(infile), args,
                '%s.r%d.log' % (tag, rnd))
        d = read_dump(os.path.join(workdir, '%s.r%d.dump' % (tag, rnd)))
        new = np.stack([d['x'], d['y'], d['z']], 1)
        # unwrap relative to the unrelaxed reference (continuous positions)
        pos = ref + mic(new - ref, L)
        pos = np.round(pos, POS_DECIMALS) + 0.0  # (+0.0: no '-0.0')
        e, f = evaluate(workdir, tag, pos, cell, fixed, args)
        fmax = np.sqrt((f ** 2).sum(1)).max()
        print('  %s relax round %d: E = %.12f eV, max|F| = %.3e eV/A'
              % (tag, rnd, e, fmax), flush=True)
        if fmax < RELAX_FMAX:
            return pos, e, fmax, rnd
    raise RuntimeError('%s: relaxation did not reach %g eV/A'
                       % (tag, RELAX_FMAX))


NEB_IN = """{header}variable r world {worlds}
{fixed}fix 2 all neb {k} parallel neigh
thermo {nevery}
timestep {dt}
min_style fire
neb {etol} {ftol} {n1} {n2} {nevery} final {final}
unfix 2
run 0
print "$(pe:%.17g)" file pe.${{r}}.txt
write_dump all custom image.${{r}}.dump id x y z fx fy fz modify sort id format float %.17g
"""


def run_neb(workdir, case, nimg, ini_pos, fin_pos, cell, fixed, args):
    d = os.path.join(workdir, '%s_neb%d' % (case, nimg))
    os.makedirs(d, exist_ok=True)
    write_data(os.path.join(d, 'initial.data'), ini_pos, cell)
    with open(os.path.join(d, 'final.neb'), 'w') as f:
        f.write('%d\n' % len(fin_pos))
        for i, p in enumerate(fin_pos):
            f.write('%d %.17g %.17g %.17g\n' % (i + 1, p[0], p[1], p[2]))
    inp = NEB_IN.format(
        header=HEADER.format(data='initial.data', pot=POT),
        worlds=' '.join(str(i) for i in range(nimg)),
        fixed=fixed_group(fixed), k=KSPRING, nevery=NEVERY,
        dt=args['dt'], etol=ETOL, ftol=FTOL, n1=N1, n2=N2,
        final='final.neb')
    with open(os.path.join(d, 'in.neb'), 'w') as f:
        f.write(inp)
    cmd = (args['mpirun'] + ['--oversubscribe', '-np', str(nimg)] +
           args['lmp'] + ['-partition', '%dx1' % nimg, '-in', 'in.neb',
                          '-log', 'log.lammps', '-screen', 'none'])
    print('  ' + ' '.join(cmd), flush=True)
    r = subprocess.run(cmd, cwd=d, env=MPI_ENV, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout)
        raise RuntimeError('NEB failed in %s' % d)
    L = check_orthorhombic(cell)
    energies, positions = [], []
    for i in range(nimg):
        energies.append(float(open(os.path.join(d, 'pe.%d.txt' % i)).read()))
        dm = read_dump(os.path.join(d, 'image.%d.dump' % i))
        positions.append(np.stack([dm['x'], dm['y'], dm['z']], 1))
    energies = np.array(energies)
    # potential force (fix neb removed, setforce kept) on the climbing image
    imax = int(np.argmax(energies))
    dm = read_dump(os.path.join(d, 'image.%d.dump' % imax))
    fsad = np.sqrt(dm['fx'] ** 2 + dm['fy'] ** 2 + dm['fz'] ** 2).max()
    # reaction coordinate: cumulative 3N-dimensional distance (minimum image)
    seg = [np.sqrt((mic(positions[i + 1] - positions[i], L) ** 2).sum())
           for i in range(nimg - 1)]
    rc = np.concatenate([[0.0], np.cumsum(seg)])
    # endpoint drift (end replicas are minimised too, without NEB forces)
    drift0 = np.abs(mic(positions[0] - ini_pos, L)).max()
    drift1 = np.abs(mic(positions[-1] - fin_pos, L)).max()
    log = parse_neb_log(os.path.join(d, 'log.lammps'), nimg)
    return dict(dir=d, energies=energies, rc=rc, drift=(drift0, drift1),
                fsad=fsad,
                log=log, cmd=' '.join(cmd))


def parse_neb_log(path, nimg):
    """Last line of each NEB stage of the universe log."""
    lines = open(path).read().splitlines()
    stages, cur = [], None
    for l in lines:
        if l.startswith('Step MaxReplicaForce'):
            cur = []
            stages.append(cur)
            continue
        if cur is not None:
            tok = l.split()
            if len(tok) == 9 + 2 * nimg and tok[0].isdigit():
                cur.append([float(t) for t in tok])
            elif tok and not tok[0].isdigit():
                cur = None
    out = []
    for s in stages:
        last = s[-1]
        out.append(dict(step=int(last[0]), max_replica_force=last[1],
                        max_atom_force=last[2], ebf=last[6], ebr=last[7],
                        rdt=last[8], rd=last[9::2], pe=last[10::2]))
    return out


# --------------------------------------------------------------------------
# Cross-check without MPI: ASE's NEB (method='improvedtangent', same spring
# formula and constant as LAMMPS fix neb "parallel neigh") on LAMMPS energies
# and forces, through the C library interface of the same LAMMPS build
# (liblammps, ctypes).  One process, any number of images.
# --------------------------------------------------------------------------
class LammpsLibCalc:
    """Minimal ASE calculator: one liblammps instance, positions scattered,
    `run 0`, energy and forces gathered (by atom ID)."""

    def __init__(self, datafile, libname='liblammps.so.0'):
        import ctypes
        from ase.calculators.calculator import Calculator

        self.ct = ctypes
        for k in ('OMPI_ALLOW_RUN_AS_ROOT', 'OMPI_ALLOW_RUN_AS_ROOT_CONFIRM'):
            if k in MPI_ENV:
                os.environ.setdefault(k, MPI_ENV[k])
        lib = ctypes.CDLL(libname, ctypes.RTLD_GLOBAL)
        vp, cp = ctypes.c_void_p, ctypes.c_char_p
        lib.lammps_open_no_mpi.restype = vp
        lib.lammps_open_no_mpi.argtypes = [ctypes.c_int,
                                           ctypes.POINTER(cp), vp]
        lib.lammps_command.argtypes = [vp, cp]
        lib.lammps_command.restype = cp
        lib.lammps_get_thermo.argtypes = [vp, cp]
        lib.lammps_get_thermo.restype = ctypes.c_double
        lib.lammps_gather_atoms.argtypes = [vp, cp, ctypes.c_int,
                                            ctypes.c_int, vp]
        lib.lammps_scatter_atoms.argtypes = [vp, cp, ctypes.c_int,
                                             ctypes.c_int, vp]
        lib.lammps_get_natoms.argtypes = [vp]
        lib.lammps_get_natoms.restype = ctypes.c_double
        lib.lammps_close.argtypes = [vp]
        args = [b'lmp', b'-screen', b'none', b'-log', b'none']
        argv = (cp * len(args))(*args)
        self.lib = lib
        self.h = lib.lammps_open_no_mpi(len(args), argv, None)
        inp = HEADER.format(data=os.path.abspath(datafile), pot=POT)
        for line in inp.splitlines():
            lib.lammps_command(self.h, line.encode())
        self.n = int(lib.lammps_get_natoms(self.h))
        self.ncalls = 0
        outer = self

        class _Calc(Calculator):
            implemented_properties = ['energy', 'forces']

            def calculate(self, atoms=None, properties=('energy',),
                          system_changes=None):
                Calculator.calculate(self, atoms, properties, system_changes)
                e, f = outer.compute(self.atoms.positions)
                self.results = dict(energy=e, forces=f)

        self.calc = _Calc()

    def compute(self, positions):
        x = np.ascontiguousarray(positions, dtype=float).ravel().copy()
        assert len(x) == 3 * self.n
        self.lib.lammps_scatter_atoms(self.h, b'x', 1, 3, x.ctypes.data)
        self.lib.lammps_command(self.h, b'run 0')
        e = self.lib.lammps_get_thermo(self.h, b'pe')
        f = np.zeros(3 * self.n)
        self.lib.lammps_gather_atoms(self.h, b'f', 1, 3, f.ctypes.data)
        self.ncalls += 1
        return e, f.reshape(-1, 3)

    def close(self):
        self.lib.lammps_close(self.h)


def run_ase_neb(workdir, case, nimg, ini_pos, fin_pos, cell, fixed,
                fmax=1e-5, steps=20000):
    from ase.constraints import FixAtoms
    from ase.neb import NEB
    from ase.optimize import FIRE

    data = os.path.join(workdir, '%s_ase%d.data' % (case, nimg))
    write_data(data, ini_pos, cell)
    lc = LammpsLibCalc(data)
    # sanity: the library reproduces the end-point energies
    e0 = lc.compute(ini_pos)[0]
    images = []
    for i in range(nimg):
        at = Atoms('Cu%d' % len(ini_pos), positions=ini_pos, cell=cell,
                   pbc=True)
        if fixed.any():
            at.set_constraint(FixAtoms(mask=fixed))
        images.append(at)
    images[-1].positions = fin_pos
    neb = NEB(images, k=KSPRING, climb=False, method='improvedtangent',
              allow_shared_calculator=True)
    neb.interpolate()  # linear, positions are already unwrapped
    for im in images:
        im.calc = lc.calc
    nsteps = []
    for climb in (False, True):
        neb.climb = climb
        opt = FIRE(neb, logfile=None)
        opt.run(fmax=fmax, steps=steps)
        nsteps.append(opt.nsteps)
        fneb = neb.get_forces()
        fn = np.sqrt((fneb ** 2).sum(1)).max()
        if fn >= fmax:
            raise RuntimeError('ASE NEB %s %d not converged' % (case, nimg))
    E = np.array([lc.compute(im.positions)[0] for im in images])
    fsad = np.sqrt((lc.compute(images[int(np.argmax(E))].positions)[1][~fixed]
                    ** 2).sum(1)).max()
    L = check_orthorhombic(cell)
    seg = [np.sqrt((mic(images[i + 1].positions - images[i].positions, L)
                    ** 2).sum()) for i in range(nimg - 1)]
    rc = np.concatenate([[0.0], np.cumsum(seg)])
    lc.close()
    return dict(energies=E, rc=rc, nsteps=nsteps, e0=e0, fsad=fsad,
                ncalls=lc.ncalls)


# --------------------------------------------------------------------------
def note_key(line):
    """'# <case>: ...' -> (case, None); '# <case> <N> images: ...' ->
    (case, N); anything else -> None."""
    m = re.match(r'# (\S+?)(?:: | (\d+) images: )', line)
    if m and m.group(1) in CASES:
        return (m.group(1), int(m.group(2)) if m.group(2) else None)
    return None


def write_merged_csv(path, head, notes, tail, colline, rows, fmt):
    """Write a CSV; if the file exists, keep its lines for everything that
    was not rerun.

    notes: [(key, text)], key = (case, None) (end points) or (case, N);
    rows: tuples whose first two entries are (case, images).  Existing
    notes and rows with a key that was rerun are replaced; all other
    existing lines are kept verbatim (the generic header of the first run
    included; header lines of this run that are not there yet are added
    after it, except the LAMMPS/date line, whose information is in this
    run's end-point notes).  New notes and rows come after the old ones."""
    new_keys = {k for k, _ in notes} | {(r[0], r[1]) for r in rows}
    pre, old_notes, post, old_rows = list(head), [], list(tail), []
    if os.path.exists(path):
        lines = open(path).read().splitlines()
        ci = lines.index(colline)
        comments = lines[:ci]
        idx = [i for i, l in enumerate(comments) if note_key(l)]
        first = idx[0] if idx else len(comments)
        last = idx[-1] + 1 if idx else len(comments)
        pre = comments[:first]
        post = comments[last:]
        for l in head:
            if l not in pre and not l.startswith('# LAMMPS ') and \
                    not l.startswith('# date '):
                pre.append(l)
        old_notes = [l for l in comments[first:last]
                     if note_key(l) not in new_keys]
        for l in lines[ci + 1:]:
            if not l.strip():
                continue
            tok = l.split(',')
            if (tok[0], int(tok[1])) not in new_keys:
                old_rows.append(l)
        if not old_notes and not old_rows:   # everything was rerun
            pre, post = list(head), list(tail)
    with open(path, 'w') as f:
        f.write('\n'.join(pre + old_notes + ['# ' + t for _, t in notes] +
                          post + [colline]) + '\n')
        for l in old_rows:
            f.write(l + '\n')
        for r in rows:
            f.write(fmt % r)


def interior_minima(E):
    return [i for i in range(1, len(E) - 1) if E[i] < E[i - 1] and
            E[i] < E[i + 1]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--images', type=int, nargs='+', default=None,
                    help='image counts (default: per case, 6 7 8 9 for '
                    'cu_vacancy / cu100_adatom, 7 for cu100_step_*)')
    ap.add_argument('--cases', nargs='+', default=list(CASES),
                    choices=list(CASES))
    ap.add_argument('--max-ranks', type=int, default=7)
    ap.add_argument('--lmp', default='lmp')
    ap.add_argument('--mpirun', default='mpirun')
    ap.add_argument('--dt', type=float, default=0.001,
                    help='timestep (ps) for min_style fire')
    ap.add_argument('--keep', default=None,
                    help='work directory to keep (default: temporary)')
    ap.add_argument('--reuse-endpoints', action='store_true',
                    help='skip the relaxation, read the existing xyz files')
    ap.add_argument('--out', default=HERE)
    ap.add_argument('--no-ase', action='store_true',
                    help='skip the ASE-NEB cross-check (liblammps forces)')
    ap.add_argument('--ase-all', action='store_true',
                    help='also run the ASE cross-check for the cases that '
                    'skip it by default (cu100_step_*)')
    opt = ap.parse_args()
    args = dict(lmp=opt.lmp.split(), mpirun=opt.mpirun.split(), dt=opt.dt)
    work = opt.keep or tempfile.mkdtemp(prefix='kprop_neb_')
    os.makedirs(work, exist_ok=True)
    version = lmp_version(args)
    today = datetime.date.today().isoformat()
    print('LAMMPS', version, '; work dir', work, flush=True)

    rows, brows, notes = [], [], []
    arows, abrows, anotes = [], [], []
    endpoints = {}   # file stem -> (positions, energy, fmax), once per run
    for case in opt.cases:
        spec = CASES[case]()
        fixed = spec['fixed']
        ini = spec['initial'][1]
        cell = ini.cell.array
        mm = None
        if fixed.any():
            mm = np.repeat(~fixed[:, None], 3, axis=1)
        ends = {}
        for state in ('initial', 'final'):
            stem, atoms = spec[state]
            path = os.path.join(opt.out, stem + '.xyz')
            if stem not in endpoints:
                if opt.reuse_endpoints:
                    pos, _, e = read_extxyz_positions(path)
                    e, f = evaluate(work, stem, pos, cell, fixed, args)
                    fmax = np.sqrt((f ** 2).sum(1)).max()
                else:
                    print('relaxing', stem, flush=True)
                    pos, e, fmax, _ = relax(work, stem, atoms, fixed, args)
                    write_extxyz(path, atoms.get_chemical_symbols(),
                                 pos, cell, e, mm,
                                 extra=' fmax=%.3e' % fmax)
                # read back what was written: the NEB starts from the files
                pos, _, _ = read_extxyz_positions(path)
                endpoints[stem] = (pos, e, fmax)
            ends[state] = endpoints[stem]
        if spec['initial'][0] == case + '_initial':
            what = ''
        else:
            what = ' (%s.xyz -> %s.xyz)' % (spec['initial'][0],
                                            spec['final'][0])
        notes.append(((case, None),
                      '%s: E_initial = %.12f eV (max|F| %.2e), E_final = '
                      '%.12f eV (max|F| %.2e), moving atom index %s%s; run %s'
                      % (case, ends['initial'][1], ends['initial'][2],
                         ends['final'][1], ends['final'][2],
                         ' and '.join(str(m) for m in spec['movers']), what,
                         today)))
        images = opt.images or spec['images']
        for nimg in images:
            if nimg > opt.max_ranks:
                print('SKIP %s with %d images: needs %d MPI ranks > '
                      '--max-ranks %d' % (case, nimg, nimg, opt.max_ranks))
                continue
            print('NEB', case, nimg, 'images', flush=True)
            res = run_neb(work, case, nimg, ends['initial'][0],
                          ends['final'][0], cell, fixed, args)
            E = res['energies']
            erel = E - E[0]
            imax = int(np.argmax(E))
            for i in range(nimg):
                rows.append((case, nimg, i, res['rc'][i], erel[i]))
            brows.append((case, nimg, E.max() - E[0], E.max() - E[-1],
                          E[0], E[-1], E.max()))
            lg = res['log']
            conv = all(s['max_replica_force'] < FTOL for s in lg)
            mins = interior_minima(E)
            print('  stages: ' + '; '.join(
                'step %d maxF %.3g EBF %.8g EBR %.8g'
                % (s['step'], s['max_replica_force'], s['ebf'], s['ebr'])
                for s in lg))
            print('  barrier fwd %.12g bwd %.12g (climbing image %d), '
                  'endpoint drift %.2e %.2e A, converged %s, interior '
                  'minima %s'
                  % (E.max() - E[0], E.max() - E[-1], imax, *res['drift'],
                     conv, mins), flush=True)
            print('  E_rel: ' + ' '.join('%.6f' % x for x in erel),
                  flush=True)
            notes.append((
                (case, nimg),
                '%s %d images: stage1 %d steps (max force %.3g), stage2 '
                '(climbing) ended at step %d (max force %.3g eV/A); '
                'climbing image %d (max|F| there %.1e eV/A); LAMMPS EBF %.8g EBR %.8g RDT %.8g; '
                'end-image drift %.1e / %.1e A; %s%s'
                % (case, nimg, lg[0]['step'], lg[0]['max_replica_force'],
                   lg[-1]['step'], lg[-1]['max_replica_force'], imax,
                   res['fsad'],
                   lg[-1]['ebf'], lg[-1]['ebr'], lg[-1]['rdt'],
                   res['drift'][0], res['drift'][1], res['cmd'],
                   '' if conv else '; NOT CONVERGED (ftol %g)' % FTOL)))
            logdir = os.path.join(opt.out, 'logs')
            os.makedirs(logdir, exist_ok=True)
            shutil.copy(os.path.join(res['dir'], 'log.lammps'),
                        os.path.join(logdir, '%s_neb%d.log' % (case, nimg)))
            shutil.copy(os.path.join(res['dir'], 'in.neb'),
                        os.path.join(logdir, '%s_neb%d.in' % (case, nimg)))
        if opt.no_ase or not (spec['ase'] or opt.ase_all):
            continue
        for nimg in images:
            print('ASE NEB (liblammps forces)', case, nimg, 'images',
                  flush=True)
            res = run_ase_neb(work, case, nimg, ends['initial'][0],
                              ends['final'][0], cell, fixed)
            E = res['energies']
            erel = E - E[0]
            imax = int(np.argmax(E))
            for i in range(nimg):
                arows.append((case, nimg, i, res['rc'][i], erel[i]))
            abrows.append((case, nimg, E.max() - E[0], E.max() - E[-1],
                           E[0], E[-1], E.max()))
            print('  barrier fwd %.12g bwd %.12g (climbing image %d), '
                  'FIRE steps %s' % (E.max() - E[0], E.max() - E[-1], imax,
                                     res['nsteps']), flush=True)
            anotes.append((
                (case, nimg),
                '%s %d images: ASE FIRE steps (plain NEB, climbing) %s; '
                'climbing image %d (max|F| there %.1e eV/A); E_0 from '
                'liblammps minus E_0 from lmp run 0: %.1e eV; run %s'
                % (case, nimg, res['nsteps'], imax, res['fsad'],
                   res['e0'] - ends['initial'][1], today)))

    head = [
        '# kprop CI-NEB peer reference, generated by make_reference.py',
        '# LAMMPS %s (%s), date %s' % (version, shutil.which(args['lmp'][0]),
                                      today),
        '# potential %s (pair_style eam/alloy), a0 = %.6f A' % (POT, A0),
        '# end points: min_style cg, minimize 0 1e-8 100000 1000000, repeated'
        ' until max|F_i| < %g eV/A (positions rounded to 1e-%d A)'
        % (RELAX_FMAX, POS_DECIMALS),
        '# NEB: fix neb %g parallel neigh (Kspring in eV/A^2), min_style fire,'
        ' timestep %g ps, neb %g %g %d %d %d final <file> (linear '
        'interpolation, stage 2 = climbing image)'
        % (KSPRING, args['dt'], ETOL, FTOL, N1, N2, NEVERY),
        '# adatom case: bottom 2 layers fix setforce 0 0 0, fix neb on all',
        '# reaction_coordinate_A: cumulative 3N-dim. distance between '
        'consecutive images (minimum image); energy_rel_eV: E_i - E_0',
    ]
    if any(c.startswith('cu100_step_') for c in opt.cases):
        head.append('# cu100_step_* cases (stepped Cu(100), 273 atoms, see '
                    'README.md): bottom 2 layers fix setforce 0 0 0, fix neb '
                    'on all; the four end points cu100_step_{initial,direct,'
                    'exchange,foot_next}.xyz are shared between the cases')
    if rows:
        write_merged_csv(
            os.path.join(opt.out, 'cu_neb_lammps.csv'), head, notes, [],
            'case,images,image,reaction_coordinate_A,energy_rel_eV',
            rows, '%s,%d,%d,%.12g,%.12g\n')
        write_merged_csv(
            os.path.join(opt.out, 'cu_neb_lammps_barriers.csv'), head, notes,
            ['# barrier_forward = max(E) - E_initial, barrier_backward = '
             'max(E) - E_final, E_saddle = max(E) (climbing image)'],
            'case,images,barrier_forward_eV,barrier_backward_eV,'
            'E_initial_eV,E_final_eV,E_saddle_eV',
            brows, '%s,%d,%.12g,%.12g,%.12g,%.12g,%.12g\n')
    if arows:
        import ase
        ahead = [
            '# kprop CI-NEB cross-check, generated by make_reference.py: ASE %s'
            ' NEB(method="improvedtangent", k=%g eV/A^2) + ase.optimize.FIRE'
            ' (defaults), plain NEB then climb=True, each stage to max_i '
            '|F_i(NEB)| < 1e-5 eV/A' % (ase.__version__, KSPRING),
            '# energies and forces from liblammps (%s) via ctypes, same '
            'potential and end-point files as cu_neb_lammps.csv; '
            'linear interpolation (neb.interpolate())' % version,
            '# date %s' % today,
        ] + head[2:4] + head[6:7]
        for name, r, fmt in (
                ('cu_neb_ase.csv', arows, '%s,%d,%d,%.12g,%.12g\n'),
                ('cu_neb_ase_barriers.csv', abrows,
                 '%s,%d,%.12g,%.12g,%.12g,%.12g,%.12g\n')):
            col = ('case,images,image,reaction_coordinate_A,energy_rel_eV'
                   if name == 'cu_neb_ase.csv' else
                   'case,images,barrier_forward_eV,barrier_backward_eV,'
                   'E_initial_eV,E_final_eV,E_saddle_eV')
            write_merged_csv(os.path.join(opt.out, name), ahead, anotes, [],
                             col, r, fmt)
    if not opt.keep:
        shutil.rmtree(work)


if __name__ == '__main__':
    main()
