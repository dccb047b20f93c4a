// A Behler-Parrinello neural network potential (2G-HDNNP) as n2p2 defines it,
// read on the host from n2p2's files: input.nn (settings, symmetry
// functions, architecture), scaling.data (symmetry-function statistics) and
// weights.NNN.data (one network per element, NNN = atomic number), plus an
// optional kprop transform file (a linear map of the network input). Host
// code only (no Kokkos): potentials/nnp/nnp.hpp uploads it to the device.
//
// Conventions follow n2p2 (Singraber et al., JCTC 15, 1827 (2019)); see
// potentials/nnp/README.md for the equations:
// - elements are ordered by atomic number, not as listed in input.nn;
// - each element's symmetry functions are sorted as n2p2 sorts them, which
//   is the network input order and the sf_index of scaling.data;
// - parameters stay in the file's length unit; NnpModel::length_unit and
//   energy_unit (Å and eV per file unit) convert to kprop's Å and eV.
#pragma once

#include <Eigen/Dense>

#include <string>
#include <vector>

namespace kprop {

// n2p2's cutoff_type numbers (CutoffFunction::CutoffType).
enum class NnpCutoff { Hard = 0, Cos = 1, TanhU = 2, Tanh = 3, Exp = 4, Poly1 = 5, Poly2 = 6,
                       Poly3 = 7, Poly4 = 8 };

// n2p2's scaling types (SymFnc::ScalingType), chosen by input.nn keywords.
enum class NnpScaling { None, Scale, Center, ScaleCenter, ScaleSigma };

// Activation functions: n2p2's letters, plus kprop's "ssp" (shifted softplus).
enum class NnpActivation { Linear, Tanh, Logistic, Softplus, Relu, Gaussian, Cos, RevLogistic,
                           Exp, Harmonic, ShiftedSoftplus };

struct NnpSymmetryFunction {
  int type = 2;           // 2 radial, 3 narrow angular, 9 wide angular
  int e1 = 0, e2 = -1;    // neighbor element indices; angular: e1 <= e2; radial: e2 = -1
  double eta = 0, rs = 0, rc = 0;   // file length units (eta in 1/length^2)
  double lambda = 0, zeta = 0;      // angular only
  long line = 0;                    // line in input.nn
};

// One row of scaling.data.
struct NnpStatistics {
  double min = 0, max = 0, mean = 0, sigma = 0;
  long line = 0;
};

struct NnpLayer {
  int n_in = 0, n_out = 0;
  NnpActivation activation = NnpActivation::Linear;
  std::vector<double> w;  // w[k * n_in + j]: input neuron j -> output neuron k
  std::vector<double> b;  // n_out biases
};

// Optional input transform P = (W Gs - t_A) / t_S applied to the scaled
// symmetry functions Gs before the network (kprop extension; see README).
struct NnpTransform {
  Eigen::MatrixXd W;      // m x n_sf
  Eigen::VectorXd t_A;    // m
  Eigen::VectorXd t_S;    // m, nonzero
};

struct NnpElement {
  std::string symbol;
  int z = 0;
  double atom_energy = 0;  // atom_energy offset, file energy units
  std::vector<NnpSymmetryFunction> sf;  // n2p2-sorted
  std::vector<NnpStatistics> stats;     // per sf, when scaling.data was read
  bool has_transform = false;
  NnpTransform transform;
  // Hidden sizes from input.nn; layers are filled by read_nnp_weights.
  std::vector<int> hidden;
  std::vector<NnpActivation> hidden_activation;
  std::vector<NnpLayer> layers;

  int num_inputs() const { return has_transform ? static_cast<int>(transform.W.rows())
                                                : static_cast<int>(sf.size()); }
  // Number of weights and biases of the architecture (inputs, hidden, 1).
  std::size_t num_connections() const;
  std::string architecture() const;  // e.g. "72-25-25-1"
};

struct NnpModel {
  std::vector<NnpElement> elements;  // by atomic number
  NnpCutoff cutoff_type = NnpCutoff::Cos;
  double cutoff_alpha = 0;           // inner cutoff r_ci = alpha * rc
  NnpScaling scaling = NnpScaling::None;
  double scale_min = 0, scale_max = 1;
  bool normalize_nodes = false;
  // Data-set normalization (n2p2 nnp-norm); conv_energy = 1 and
  // mean_energy = 0 without it. conv_length never changes G.
  bool normalized = false;
  double mean_energy = 0, conv_energy = 1, conv_length = 1;
  // Physical units of the files: Å per file length unit, eV per file energy.
  double length_unit = 1, energy_unit = 1;
  std::string input_nn;  // path, for messages

  int element_index(const std::string& symbol) const;  // -1 if absent
  double max_cutoff() const;  // file length units
  std::vector<std::string> symbols() const;
};

// input.nn: elements, normalization, cutoff, scaling type, symmetry functions
// (sorted), atom energies and hidden-layer architecture. InputError with
// file:line for malformed lines, unknown or unsupported keywords (training-only
// n2p2 keywords are accepted and ignored), unknown elements.
NnpModel read_input_nn(const std::string& path);
// scaling.data statistics for every element (rows in element, sf order).
void read_scaling_data(NnpModel& model, const std::string& path);
// weights.NNN.data for element e; the number of values must match the
// architecture (with the transform's output size as input layer).
void read_nnp_weights(NnpModel& model, int e, const std::string& path);
// kprop transform file: per element W, t_A, t_S (format in README.md).
void read_nnp_transform(NnpModel& model, const std::string& path);

// The scaled symmetry function Gs = factor * G + offset of n2p2's scaling
// type for sf s of element e.
void nnp_scaling_coefficients(const NnpModel& model, int e, int s, double& factor,
                              double& offset);

// Named unit systems for the deck key `units`: "metal" (eV, Å; default),
// "hartree-bohr" (Ha, Bohr; CODATA 2018), "rydberg-bohr", "kcal/mol-angstrom"
// and "ev-bohr". Returns false for an unknown name.
bool nnp_named_units(const std::string& name, double& length_unit, double& energy_unit);

// Writes weights in n2p2's weights.NNN.data layout (used by tests that build
// equivalent networks by hand).
void write_nnp_weights(const NnpElement& element, const std::string& path);

}  // namespace kprop
