// Behler-Parrinello neural network potential (style "nnp"), reading n2p2's
// files (potentials/nnp/nnp_model.hpp) and evaluated with Kokkos kernels:
//
//   E = sum_i [ NN_{a(i)}(P_i) / conv_energy + mean_energy + atom_energy_{a(i)} ]
//   P_i = transform(scale(G_i)),  G_i the atom-centred symmetry functions
//
// Behler & Parrinello, PRL 98, 146401 (2007); symmetry functions G2, G3 and
// G9 of Behler, JCP 134, 074106 (2011) as n2p2 computes them (Singraber et
// al., JCTC 15, 1827 (2019)). Forces and virials by the chain rule:
// dE/dr = sum_i sum_s dE_i/dG_is dG_is/dr. Three kernels per compute:
//   1. symmetry functions, one team per atom (neighbor geometry cached in team
//      scratch, angular terms over neighbor pairs);
//   2. the atomic networks and their input gradients dE_i/dG_i, one thread
//      per atom;
//   3. forces: each atom i scatters -dE_i/dr_j to its neighbors j (atomics).
// Needs a full neighbor list. Per-atom virials split every (i, j) term half to
// i and half to j, as LAMMPS's many-body styles (v_tally_xyz) do.
#pragma once

#include <string>
#include <vector>

#include "potentials/nnp/nnp_model.hpp"
#include "potentials/options.hpp"
#include "core/potential.hpp"

namespace kprop {

// Device copies of the model (POD, trivially copyable).
struct NnpSfDevice {
  int type = 2, e1 = 0, e2 = -1, cut = 0;  // cut: index of the cutoff radius group
  int gauss = -1;                           // angular: index of its (eta, rs) group
  int zeta_int = 0;                         // zeta when it is an integer (>= 1), else 0
  double eta = 0, rs = 0, rc = 0;           // Å
  double lambda = 0, zeta = 0, pnorm = 1;   // pnorm = 2^(1 - zeta)
  double scale = 1, shift = 0;              // Gs = scale G + shift
};
struct NnpCutGroup {
  double rc = 0, rci = 0, iw = 0, rcinv = 0;  // rc, alpha rc, 1/(rc - rci), 1/rc (Å)
};
// A distinct (eta, rs) of the angular functions: exp(-eta (r - rs)^2) is
// cached per neighbor, so a term exp(-eta [(r_ij-rs)^2 + (r_ik-rs)^2 + ...])
// is a product of cached factors.
struct NnpGauss {
  double eta = 0, rs = 0;  // 1/Å^2, Å
};
struct NnpLayerDevice {
  int n_in = 0, n_out = 0, act = 0;
  int w = 0, b = 0;  // offsets into the weight array
  int y = 0;         // offset of this layer's outputs in an atom's activation row
};
struct NnpElementDevice {
  int sf_first = 0, nsf = 0;
  int layer_first = 0, nlayers = 0;
  int inputs = 0;        // network inputs: nsf, or the transform's rows
  int input_offset = 0;  // where the network inputs start in the activation row
  int transform = -1;    // offset of W (t_A, t_S follow) in the transform array; -1 none
  double energy_offset = 0;  // (mean_energy + atom_energy) in eV
};

class Nnp : public Potential {
 public:
  // Deck keys: directory | input_nn, scaling, weights; transform; units,
  // length_unit, energy_unit; elements (docs/potentials.md).
  explicit Nnp(const Options& options);
  // A model read (and possibly edited) by the caller, with weights for every
  // element.
  explicit Nnp(NnpModel model);

  std::string style() const override { return "nnp"; }
  double cutoff() const override { return model_.max_cutoff() * model_.length_unit; }
  std::vector<std::string> elements() const override { return model_.symbols(); }
  bool supports(NeighborKind kind) const override { return kind == NeighborKind::Full; }
  void compute(const Atoms& atoms, const NeighborList& list,
               const Kokkos::View<const int*>& element_of_type, const ComputeRequest& request,
               ComputeOutput& out) override;

  const NnpModel& model() const { return model_; }
  // Raw symmetry functions of the last compute: row i holds the n2p2-sorted
  // G of atom i (as many as its element has).
  Kokkos::View<const double**> symmetry_functions() const { return G_; }

 private:
  void upload();

  NnpModel model_;
  int max_sf_ = 0, row_width_ = 0, ncut_ = 0, ngauss_ = 0;
  double energy_scale_ = 1;  // eV per network output unit (energy_unit / conv_energy)
  double tanh_pre_ = 1;
  Kokkos::View<NnpSfDevice*> sf_;
  Kokkos::View<NnpCutGroup*> cuts_;
  Kokkos::View<NnpGauss*> gauss_;
  Kokkos::View<NnpElementDevice*> elems_;
  Kokkos::View<NnpLayerDevice*> layers_;
  Kokkos::View<double*> weights_, transform_;
  Kokkos::View<int*> rad_first_, rad_list_, ang_first_, ang_list_;
  // Per-atom work arrays, resized only when the number of atoms changes.
  Kokkos::View<double**> G_, dEdG_, act_, dact_;
};

}  // namespace kprop
