// The quasi-harmonic approximation: phonons at a set of volumes plus the
// static energy give F(V, T) = E(V) + F_vib(V, T); at every temperature an
// equation of state fitted to F(V) gives the equilibrium volume V(T), the
// bulk modulus B(T) and the Gibbs energy G(T, P) = min_V [F(V, T) + P V];
// then the volumetric thermal expansion alpha = (1/V) dV/dT and
// C_p = -T d^2G/dT^2 (phonopy's qha module, Togo et al., PRB 81, 174301 (2010)).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/calculator.hpp"
#include "properties/eos/eos_fit.hpp"
#include "properties/phonons/phonons.hpp"

namespace kprop {

struct QhaSettings {
  PhononSettings phonons;         // supercell, displacements, mesh, temperatures, relaxation
  double volume_min = 0.96;       // V/V0 of the smallest cell
  double volume_max = 1.08;       // V/V0 of the largest
  int npoints = 9;                // volumes, evenly spaced
  EosForm eos = EosForm::Vinet;   // phonopy's default
  double pressure = 0;            // eV/Å^3, for G(T, P) and V(T, P)
};

struct QhaVolume {
  double ratio = 1;                    // V/V0
  double volume = 0;                   // Å^3 per cell
  double energy = 0;                   // static energy, eV per cell (internal coordinates relaxed)
  std::vector<ThermalPoint> thermal;   // per primitive cell, at settings.phonons.temperatures
  double min_frequency = 0;            // THz on the mesh
  std::string error;
};

struct QhaPoint {
  double temperature = 0;    // K
  double volume = 0;         // Å^3 per cell at the minimum of F + P V
  double gibbs = 0;          // eV per cell, G(T, P)
  double bulk_modulus = 0;   // eV/Å^3, V d^2F/dV^2 at V(T)
  double alpha = 0;          // 1/K, volumetric thermal expansion (1/V) dV/dT
  double heat_capacity_p = 0;  // eV/K per cell, -T d^2G/dT^2 (NaN at the ends of the range)
  double heat_capacity_v = 0;  // eV/K per cell, C_v interpolated at V(T)
  double rms_residual = 0;   // eV per cell, of the EOS fit
};

struct QhaResult {
  Structure reference;                 // the relaxed cell (V0)
  double v0 = 0;                       // Å^3 per cell
  int natoms = 0;                      // atoms per cell
  int primitive_atoms = 0;             // atoms per primitive cell (thermal values are per primitive cell)
  std::vector<QhaVolume> volumes;
  EosFit static_fit;                   // E(V) alone
  std::vector<QhaPoint> points;        // by temperature, up to the first outside the scan
  double temperature_limit = -1;       // first T whose minimum left the scanned volumes (-1: none)
  std::vector<std::string> problems;   // the task fails with these
  std::vector<std::string> warnings;   // reported, not failures (the scan ended below tmax)
};

std::vector<QhaResult> compute_qha(Calculator& calc, const std::vector<Structure>& structures,
                                   const QhaSettings& settings,
                                   const std::function<void(const std::string&, long, long)>& progress = {});

}  // namespace kprop
