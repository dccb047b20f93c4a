// Behler-Parrinello NNP (style nnp) against n2p2 v2.3.0 (reference energies,
// per-atom energies, forces and symmetry functions in
// $KPROP_SHARED_DIR/reference/n2p2, see its README.md), against symmetry
// functions written out from their formulas here, and the checks every
// potential gets. Synthetic potentials (every cutoff type, activation and
// scaling variant) are written to a temporary folder with random weights.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "core/elements.hpp"
#include "core/io/n2p2_data.hpp"
#include "potentials/nnp/nnp.hpp"
#include "potentials/registry.hpp"
#include "tests/unit/potential_checks.hpp"

using namespace kprop;
using namespace kprop::test;
namespace fs = std::filesystem;

namespace {

const std::string kN2p2 = std::string(KPROP_SHARED_DIR) + "/reference/n2p2/";
constexpr double kBohr = 0.529177210903;      // Å (CODATA 2018, as reference.json)
constexpr double kHartree = 27.211386245988;  // eV

#define REQUIRE_N2P2()                                                                   \
  if (!fs::exists(kN2p2 + "README.md"))                                                  \
  GTEST_SKIP() << "n2p2 reference data not found in " << kN2p2                           \
               << " (KPROP_SHARED_DIR); skipping the comparison with n2p2"

std::shared_ptr<Potential> make_pot(const std::string& toml) {
  return PotentialRegistry::global().create(Options::parse("style = 'nnp'\n" + toml));
}

std::shared_ptr<Potential> cu2s() { return make_pot("directory = '" + kN2p2 + "Cu2S_PBE'\n"); }
std::shared_ptr<Potential> water() {
  return make_pot("directory = '" + kN2p2 + "H2O_RPBE-D3'\nunits = 'hartree-bohr'\n");
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

// A fresh temporary folder per test.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("kprop_nnp_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& f) const { return (path_ / f).string(); }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

Structure n2p2_structure(const std::string& potential, const std::string& file) {
  const double L = potential == "H2O_RPBE-D3" ? kBohr : 1.0;
  return read_n2p2_data(kN2p2 + potential + "/" + file, L)[0].structure;
}

// ---------------------------------------------------------------------------
// Synthetic potentials.
struct Synthetic {
  std::vector<std::string> elements{"Ni", "Al"};  // input.nn order (not by Z)
  int cutoff_type = 1;
  double alpha = 0.0;
  std::vector<std::string> activations{"t", "p"};  // hidden layers
  std::vector<int> nodes{5, 4};
  std::string scaling;  // keyword lines
  bool normalize_nodes = false;
  bool normalization = true;  // mean_energy / conv_energy / conv_length
  unsigned seed = 1;
};

// Symmetry function lines of one central element: G2, G3 and G9 for every
// neighbor element (pair), two cutoff radii, shifted Gaussians, integer and
// real zeta.
std::vector<std::string> synthetic_sfs(const std::string& ec, const std::vector<std::string>& el) {
  std::vector<std::string> l;
  for (const auto& a : el) {
    l.push_back(fmt::format("symfunction_short {} 2 {} 0.5 0.0 5.0", ec, a));
    l.push_back(fmt::format("symfunction_short {} 2 {} 1.0 2.5 5.0", ec, a));
    l.push_back(fmt::format("symfunction_short {} 2 {} 0.3 1.5 4.2", ec, a));
  }
  for (std::size_t i = 0; i < el.size(); ++i)
    for (std::size_t j = i; j < el.size(); ++j) {
      // Listed as (e2, e1) on purpose: n2p2 swaps them into element order.
      const auto& a = el[j];
      const auto& b = el[i];
      l.push_back(fmt::format("symfunction_short {} 3 {} {} 0.1 -1 1.0 5.0", ec, a, b));
      l.push_back(fmt::format("symfunction_short {} 3 {} {} 0.1 1 2.0 5.0 0.5", ec, a, b));
      l.push_back(fmt::format("symfunction_short {} 9 {} {} 0.05 1 4.0 4.2", ec, a, b));
      l.push_back(fmt::format("symfunction_short {} 9 {} {} 0.02 -1 2.5 5.0 0.3", ec, a, b));
    }
  return l;
}

void write_synthetic(const std::string& dir, const Synthetic& s) {
  std::mt19937 rng(s.seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::string nn = "# synthetic test potential\n";
  if (s.normalization)
    nn += "mean_energy -2.5\nconv_energy 1.7\nconv_length 1.3\n";
  nn += fmt::format("number_of_elements {}\nelements {}\n", s.elements.size(),
                    fmt::join(s.elements, " "));
  nn += fmt::format("atom_energy {} -0.75\n", s.elements[0]);
  nn += fmt::format("cutoff_type {} {}\n", s.cutoff_type, s.alpha);
  nn += s.scaling;
  if (s.normalize_nodes) nn += "normalize_nodes\n";
  nn += fmt::format("global_hidden_layers_short {}\nglobal_nodes_short {}\n"
                    "global_activation_short {} l\n",
                    s.nodes.size(), fmt::join(s.nodes, " "), fmt::join(s.activations, " "));
  nn += "epochs 10  ! a training keyword, ignored\n";
  std::vector<std::pair<int, std::string>> by_z;
  for (const auto& e : s.elements) {
    for (const auto& line : synthetic_sfs(e, s.elements)) nn += line + "\n";
    by_z.emplace_back(atomic_number(e), e);
  }
  std::sort(by_z.begin(), by_z.end());
  spit(fs::path(dir) / "input.nn", nn);

  std::string scaling;
  for (std::size_t e = 0; e < by_z.size(); ++e) {
    const std::size_t nsf = synthetic_sfs(by_z[e].second, s.elements).size();
    for (std::size_t k = 0; k < nsf; ++k) {
      const double mn = 0.2 * (1 + u(rng)), mx = mn + 1.5 + u(rng);
      scaling += fmt::format("{} {} {:.17g} {:.17g} {:.17g} {:.17g}\n", e + 1, k + 1, mn, mx,
                             0.5 * (mn + mx) + 0.1 * u(rng), 0.6 + 0.3 * u(rng));
    }
    NnpElement el;
    el.symbol = by_z[e].second;
    int n_in = static_cast<int>(nsf);
    for (std::size_t l = 0; l <= s.nodes.size(); ++l) {
      NnpLayer layer;
      layer.n_in = n_in;
      layer.n_out = l < s.nodes.size() ? s.nodes[l] : 1;
      for (int k = 0; k < layer.n_in * layer.n_out; ++k)
        layer.w.push_back(0.6 * u(rng) / std::sqrt(double(n_in)));
      for (int k = 0; k < layer.n_out; ++k) layer.b.push_back(0.3 * u(rng));
      el.layers.push_back(layer);
      n_in = layer.n_out;
    }
    write_nnp_weights(el, fmt::format("{}/weights.{:03d}.data", dir, by_z[e].first));
  }
  spit(fs::path(dir) / "scaling.data", scaling);
}

// B2 NiAl, 2x1x1, sheared and rattled: widths 2.9 Å < rc = 5 Å, so atoms
// see their own images.
Structure small_nial(unsigned seed) {
  Mat3 F = Mat3::Identity();
  F(0, 1) = 0.05;
  F(2, 0) = -0.03;
  return rattled(deformed(repeat(b2("Ni", "Al", 2.9), 2, 1, 1), F), 0.1, seed);
}

}  // namespace

// ---------------------------------------------------------------------------
// Against n2p2.

class NnpVersusN2p2
    : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(NnpVersusN2p2, EnergiesPerAtomEnergiesAndForces) {
  REQUIRE_N2P2();
  const auto [potential, name] = GetParam();
  std::ifstream in(kN2p2 + potential + "/reference.json");
  const auto ref = nlohmann::json::parse(in);
  const nlohmann::json* entry = nullptr;
  for (const auto& s : ref["structures"])
    if (s["name"] == name) entry = &s;
  ASSERT_NE(entry, nullptr) << name;
  const bool water_pot = potential == "H2O_RPBE-D3";
  const double eu = water_pot ? kHartree : 1.0;
  const double mean = ref["normalization_in_input_nn"]["mean_energy"].get<double>() * eu;

  const Structure s = n2p2_structure(potential, (*entry)["structure_file"]);
  ASSERT_EQ(s.size(), (*entry)["n_atoms"].get<std::size_t>());
  const Evaluation e = evaluate(water_pot ? water() : cu2s(), s);
  const double n = static_cast<double>(s.size());
  const double de = std::abs(e.energy - (*entry)["energy_eV"].get<double>()) / n;
  double dei = 0, df = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const double ei_ref = (*entry)["atomic_energies_without_mean"][i].get<double>() * eu;
    dei = std::max(dei, std::abs(e.atom_energy[i] - mean - ei_ref));
    for (int d = 0; d < 3; ++d)
      df = std::max(df, std::abs(e.forces[i][d] -
                                 (*entry)["forces_eV_per_A"][i][d].get<double>()));
  }
  EXPECT_LT(de, 1e-6) << "energy, eV/atom";
  EXPECT_LT(dei, 1e-6) << "per-atom energies, eV";
  EXPECT_LT(df, 1e-5) << "forces, eV/Å";
  // Double precision reaches far below the requirement; report the margin.
  std::cout << "[ n2p2 ] " << potential << "/" << name << ": |dE|/N = " << de
            << " eV, max |dE_i| = " << dei << " eV, max |dF| = " << df << " eV/Å\n";
}

INSTANTIATE_TEST_SUITE_P(
    Structures, NnpVersusN2p2,
    ::testing::Values(std::make_pair("Cu2S_PBE", "s01_example"),
                      std::make_pair("Cu2S_PBE", "s02_configset"),
                      std::make_pair("Cu2S_PBE", "s03_rattled_strained"),
                      std::make_pair("Cu2S_PBE", "s04_small_cell_12atoms"),
                      std::make_pair("H2O_RPBE-D3", "s01_configset_48atoms"),
                      std::make_pair("H2O_RPBE-D3", "s02_configset_96atoms"),
                      std::make_pair("H2O_RPBE-D3", "s03_rattled_strained"),
                      std::make_pair("H2O_RPBE-D3", "s04_example_1080atoms")),
    [](const auto& info) {
      return std::string(info.param.first == "Cu2S_PBE" ? "Cu2S_" : "H2O_") +
             info.param.second.substr(0, 3);
    });

TEST(Nnp, SymmetryFunctionsMatchN2p2) {
  REQUIRE_N2P2();
  for (const char* name : {"s01_configset_48atoms", "s03_rattled_strained"}) {
    const std::string dir = kN2p2 + "H2O_RPBE-D3/" + name;
    auto pot = water();
    const Structure s = n2p2_structure("H2O_RPBE-D3", std::string(name) + "/input.data");
    evaluate(pot, s);
    auto G = Kokkos::create_mirror_view_and_copy(
        Kokkos::HostSpace(), std::dynamic_pointer_cast<Nnp>(pot)->symmetry_functions());
    std::ifstream in(dir + "/symfunc_values.txt");
    std::string line;
    int rows = 0;
    double worst = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ss(line);
      int atom, sf;
      std::string el;
      double g, gs;
      ss >> atom >> el >> sf >> g >> gs;
      ASSERT_EQ(s.species[atom - 1], el);
      worst = std::max(worst, std::abs(G(atom - 1, sf - 1) - g) / (1.0 + std::abs(g)));
      ++rows;
    }
    EXPECT_EQ(rows, 32 * 27 + 16 * 30);  // 32 H with 27 SFs, 16 O with 30
    EXPECT_LT(worst, 1e-11) << name;
  }
}

TEST(Nnp, ElementsAreOrderedByAtomicNumber) {
  REQUIRE_N2P2();
  EXPECT_EQ(cu2s()->elements(), (std::vector<std::string>{"S", "Cu"}));
  EXPECT_EQ(water()->elements(), (std::vector<std::string>{"H", "O"}));
  EXPECT_NEAR(cu2s()->cutoff(), 6.0, 1e-12);
  EXPECT_NEAR(water()->cutoff(), 12.0 * kBohr, 1e-12);
  // Sorted order of symmetry functions as n2p2 prints it (symfunc_sorted_list.txt).
  const auto pot = std::dynamic_pointer_cast<Nnp>(cu2s());
  const auto& m = pot->model();
  std::ifstream in(kN2p2 + "Cu2S_PBE/symfunc_sorted_list.txt");
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    int e, s;
    std::string sym, bar;
    ss >> e >> sym >> s;
    const std::size_t lpos = line.rfind('|');
    const long input_line = std::stol(line.substr(lpos + 1));
    EXPECT_EQ(m.elements[e - 1].symbol, sym);
    EXPECT_EQ(m.elements[e - 1].sf[s - 1].line, input_line) << line;
    ++checked;
  }
  EXPECT_EQ(checked, 72 + 66);
}

TEST(Nnp, ExplicitFilesAndUnitFactorsEqualDirectoryAndNamedUnits) {
  REQUIRE_N2P2();
  const std::string d = kN2p2 + "H2O_RPBE-D3/";
  auto explicit_pot = make_pot(fmt::format(
      "input_nn = '{0}input.nn'\nscaling = '{0}scaling.data'\n"
      "weights = ['{0}weights.001.data', '{0}weights.008.data']\n"
      "length_unit = {1:.17g}\nenergy_unit = {2:.17g}\nelements = ['O', 'H']\n",
      d, kBohr, kHartree));
  auto pattern_pot = make_pot(fmt::format(
      "input_nn = '{0}input.nn'\nscaling = '{0}scaling.data'\nweights = '{0}weights.%03d.data'\n"
      "units = 'hartree-bohr'\n", d));
  const Structure s = n2p2_structure("H2O_RPBE-D3", "s03_rattled_strained/input.data");
  const Evaluation a = evaluate(water(), s), b = evaluate(explicit_pot, s),
                   c = evaluate(pattern_pot, s);
  // Equal up to the summation order of the force scatter.
  EXPECT_NEAR(a.energy, b.energy, 1e-10);
  EXPECT_NEAR(a.energy, c.energy, 1e-10);
  EXPECT_LT(max_abs_diff(a.forces, b.forces), 1e-12);
  EXPECT_LT(max_abs_diff(a.forces, c.forces), 1e-12);

  // A directory or file given by name is looked up in $KPROP_POTENTIALS.
  const char* old = std::getenv("KPROP_POTENTIALS");
  const std::string saved = old ? old : "";
  ::setenv("KPROP_POTENTIALS", kN2p2.c_str(), 1);
  auto by_name = make_pot("directory = 'H2O_RPBE-D3'\nunits = 'hartree-bohr'\n");
  auto by_file = make_pot("input_nn = 'H2O_RPBE-D3/input.nn'\nscaling = 'H2O_RPBE-D3/scaling.data'\n"
                          "weights = ['H2O_RPBE-D3/weights.001.data', 'H2O_RPBE-D3/weights.008.data']\n"
                          "units = 'hartree-bohr'\n");
  const std::string missing = error_of([&] { make_pot("directory = 'no_such_nnp'\n"); });
  if (old) ::setenv("KPROP_POTENTIALS", saved.c_str(), 1);
  else ::unsetenv("KPROP_POTENTIALS");
  EXPECT_NEAR(evaluate(by_name, s).energy, a.energy, 1e-10);
  EXPECT_NEAR(evaluate(by_file, s).energy, a.energy, 1e-10);
  EXPECT_NE(missing.find("no_such_nnp"), std::string::npos) << missing;
  EXPECT_NE(missing.find("KPROP_POTENTIALS"), std::string::npos) << missing;
}

// ---------------------------------------------------------------------------
// The checks every potential gets.

TEST(Nnp, ForcesAreMinusEnergyGradient) {
  REQUIRE_N2P2();
  // Two elements, every atom seeing its own images (5.6 Å cell, rc = 6 Å).
  const Structure s04 = n2p2_structure("Cu2S_PBE", "s04_small_cell_12atoms/input.data");
  expect_forces_match_gradient(cu2s(), s04, 1e-6);
  // One element: rattled fcc Cu with the same potential.
  expect_forces_match_gradient(cu2s(), rattled(fcc("Cu", 3.7, true), 0.1, 3), 1e-6);
}

TEST(Nnp, VirialIsStrainDerivative) {
  REQUIRE_N2P2();
  const Structure s04 = n2p2_structure("Cu2S_PBE", "s04_small_cell_12atoms/input.data");
  expect_virial_matches_strain_derivative(cu2s(), s04, 1e-5);
  expect_virial_matches_strain_derivative(cu2s(), rattled(fcc("Cu", 3.7, true), 0.1, 4), 1e-5);
  Structure w = n2p2_structure("H2O_RPBE-D3", "s03_rattled_strained/input.data");
  expect_virial_matches_strain_derivative(water(), w, 1e-5);
}

TEST(Nnp, PerAtomEnergiesVirialsAndForcesSum) {
  REQUIRE_N2P2();
  expect_per_atom_sums(cu2s(), n2p2_structure("Cu2S_PBE", "s03_rattled_strained/input.data"),
                       1e-12);
  expect_per_atom_sums(water(), n2p2_structure("H2O_RPBE-D3", "s01_configset_48atoms/input.data"),
                       1e-12);
}

TEST(Nnp, TranslationAndRotationInvariance) {
  REQUIRE_N2P2();
  expect_translation_rotation_invariance(
      cu2s(), n2p2_structure("Cu2S_PBE", "s04_small_cell_12atoms/input.data"), 1e-10);
}

TEST(Nnp, SmallCellsEqualSupercells) {
  REQUIRE_N2P2();
  expect_small_cell_equals_supercell(
      cu2s(), n2p2_structure("Cu2S_PBE", "s04_small_cell_12atoms/input.data"), 2, 2, 2, 1e-10);
  expect_small_cell_equals_supercell(cu2s(), rattled(fcc("Cu", 3.7), 0.05, 5), 3, 3, 3, 1e-10);
}

TEST(Nnp, BatchOfDifferentSystemsEqualsOneByOne) {
  REQUIRE_N2P2();
  const Structure s04 = n2p2_structure("Cu2S_PBE", "s04_small_cell_12atoms/input.data");
  Structure cluster = rattled(s04, 0.05, 6);
  cluster.pbc = {false, false, false};
  cluster.cell *= 3.0;
  expect_batch_equals_single(cu2s(),
                             {s04, rattled(fcc("Cu", 3.7, true), 0.1, 7), cluster,
                              rattled(repeat(s04, 1, 1, 2), 0.05, 8)},
                             1e-11);
}

TEST(Nnp, NeedsAFullNeighborList) {
  REQUIRE_N2P2();
  EXPECT_TRUE(cu2s()->supports(NeighborKind::Full));
  EXPECT_FALSE(cu2s()->supports(NeighborKind::Half));
  // The calculator's automatic choice falls back to a full list.
  CalculatorOptions opt;
  EXPECT_NO_THROW(evaluate(cu2s(), rattled(fcc("Cu", 3.7), 0.05, 9), opt));
}

// ---------------------------------------------------------------------------
// Synthetic potentials: every cutoff type and activation, against finite
// differences and against symmetry functions written from their formulas.

namespace {

// f_c of n2p2's cutoff types, written from the formulas of its documentation.
double cutoff_fn(int type, double alpha, double rc, double r) {
  if (r >= rc) return 0;
  const double pi = std::acos(-1.0);
  if (type == 0) return 1;
  if (type == 2) return std::pow(std::tanh(1 - r / rc), 3);
  if (type == 3) return std::pow(std::tanh(1 - r / rc) / std::tanh(1.0), 3);
  const double rci = alpha * rc;
  if (r < rci) return 1;
  const double x = (r - rci) / (rc - rci);
  switch (type) {
    case 1: return 0.5 * (std::cos(pi * x) + 1);
    case 4: return std::exp(1 - 1 / (1 - x * x));
    case 5: return 2 * x * x * x - 3 * x * x + 1;
    case 6: return -6 * std::pow(x, 5) + 15 * std::pow(x, 4) - 10 * std::pow(x, 3) + 1;
    case 7:
      return 20 * std::pow(x, 7) - 70 * std::pow(x, 6) + 84 * std::pow(x, 5) -
             35 * std::pow(x, 4) + 1;
    default:
      return -70 * std::pow(x, 9) + 315 * std::pow(x, 8) - 540 * std::pow(x, 7) +
             420 * std::pow(x, 6) - 126 * std::pow(x, 5) + 1;
  }
}

}  // namespace

TEST(Nnp, SymmetryFunctionsOfATrimerFollowTheirDefinitions) {
  TempDir dir("trimer");
  for (int type = 0; type <= 8; ++type) {
    Synthetic syn;
    syn.cutoff_type = type;
    syn.alpha = 0.2;
    write_synthetic(dir.str(), syn);
    auto pot = make_pot("directory = '" + dir.str() + "'\n");
    const auto& m = std::dynamic_pointer_cast<Nnp>(pot)->model();
    // Ni at the origin, Al and Ni near it; not periodic; all distances < rc.
    Structure s;
    s.cell = Mat3::Identity() * 30.0;
    s.pbc = {false, false, false};
    s.positions = {Vec3(10, 10, 10), Vec3(12.3, 10.4, 9.8), Vec3(10.6, 12.7, 10.9)};
    s.species = {"Ni", "Al", "Ni"};
    evaluate(pot, s);
    auto G = Kokkos::create_mirror_view_and_copy(
        Kokkos::HostSpace(), std::dynamic_pointer_cast<Nnp>(pot)->symmetry_functions());
    const int ni = m.element_index("Ni");
    ASSERT_EQ(m.elements[ni].sf.size(), 6u + 12u);
    const Vec3 dj = s.positions[1] - s.positions[0], dk = s.positions[2] - s.positions[0];
    const double rij = dj.norm(), rik = dk.norm(), rjk = (dk - dj).norm();
    const int al = m.element_index("Al");
    for (std::size_t k = 0; k < m.elements[ni].sf.size(); ++k) {
      const auto& p = m.elements[ni].sf[k];
      auto fc = [&](double r) { return cutoff_fn(type, m.cutoff_alpha, p.rc, r); };
      auto g2 = [&](double r) { return std::exp(-p.eta * (r - p.rs) * (r - p.rs)) * fc(r); };
      double expect = 0;
      if (p.type == 2) {
        expect = p.e1 == al ? g2(rij) : g2(rik);
      } else if (p.e1 != p.e2) {  // the (Al, Ni) pair j, k
        const double cost = dj.dot(dk) / (rij * rik);
        const double base = 1 + p.lambda * cost;
        double arg = (rij - p.rs) * (rij - p.rs) + (rik - p.rs) * (rik - p.rs);
        double f = fc(rij) * fc(rik);
        if (p.type == 3) {
          arg += (rjk - p.rs) * (rjk - p.rs);
          f *= fc(rjk);
        }
        if (base > 0)
          expect = std::pow(2.0, 1 - p.zeta) * std::pow(base, p.zeta) * std::exp(-p.eta * arg) * f;
      }
      EXPECT_NEAR(G(0, k), expect, 1e-13 * (1 + std::abs(expect)))
          << "cutoff type " << type << ", input.nn line " << p.line;
    }
  }
}

TEST(Nnp, SyntheticPotentialsForcesAndVirials) {
  // Every cutoff type; every activation of n2p2 plus shifted softplus; one
  // and two elements; a cell narrower than the cutoff.
  const std::vector<std::vector<std::string>> acts = {
      {"t", "p"}, {"s", "ssp"}, {"g", "c"}, {"S", "e"}, {"h", "l"}, {"p", "t"},
      {"t", "s"}, {"ssp", "g"}, {"c", "p"}};
  TempDir dir("synthetic");
  for (int type = 0; type <= 8; ++type) {
    Synthetic syn;
    syn.cutoff_type = type;
    syn.alpha = type % 2 ? 0.3 : 0.0;
    syn.activations = acts[type];
    syn.scaling = "scale_symmetry_functions\n";
    syn.seed = 10 + type;
    write_synthetic(dir.str(), syn);
    auto pot = make_pot("directory = '" + dir.str() + "'\n");
    SCOPED_TRACE("cutoff type " + std::to_string(type));
    const Structure s = small_nial(20 + type);
    // The hard cutoff is discontinuous at rc: differences only where no
    // distance is within h of it (true for this structure).
    expect_forces_match_gradient(pot, s, 1e-6);
    expect_virial_matches_strain_derivative(pot, s, 1e-5);
    expect_per_atom_sums(pot, s, 1e-12);
  }
  // One element, three hidden layers, normalize_nodes.
  Synthetic one;
  one.elements = {"Ar"};
  one.nodes = {6, 5, 3};
  one.activations = {"t", "ssp", "s"};
  one.normalize_nodes = true;
  one.scaling = "scale_symmetry_functions_sigma\nscale_min_short -1\nscale_max_short 1\n";
  write_synthetic(dir.str(), one);
  auto ar = make_pot("directory = '" + dir.str() + "'\n");
  const Structure s = rattled(fcc("Ar", 4.1, true), 0.15, 30);
  expect_forces_match_gradient(ar, s, 1e-6);
  expect_virial_matches_strain_derivative(ar, s, 1e-5);
  expect_small_cell_equals_supercell(ar, rattled(fcc("Ar", 4.1), 0.1, 31), 3, 3, 3, 1e-10);
}

TEST(Nnp, NormalizeNodesDividesByTheLayerInputCount) {
  // n2p2: z = (W y + b) / n_in, so W/n_in and b/n_in without normalize_nodes
  // give the same network.
  TempDir dir("normalize");
  Synthetic syn;
  syn.normalize_nodes = true;
  syn.activations = {"t", "s"};
  write_synthetic(dir.str(), syn);
  auto normalized = std::dynamic_pointer_cast<Nnp>(make_pot("directory = '" + dir.str() + "'\n"));
  NnpModel m = normalized->model();
  m.normalize_nodes = false;
  for (auto& el : m.elements)
    for (auto& L : el.layers) {
      for (auto& w : L.w) w /= L.n_in;
      for (auto& b : L.b) b /= L.n_in;
    }
  auto plain = std::make_shared<Nnp>(m);
  const Structure s = small_nial(40);
  const Evaluation a = evaluate(normalized, s), b = evaluate(plain, s);
  EXPECT_NEAR(a.energy, b.energy, 1e-12 * s.size());
  EXPECT_LT(max_abs_diff(a.forces, b.forces), 1e-12);
}

TEST(Nnp, ScalingVariantsEqualTheirLinearTransforms) {
  // Each n2p2 scaling type is Gs = (G - t_A) / t_S for some t_A, t_S:
  //   scale:        t_S = (max - min)/(Smax - Smin), t_A = min - Smin t_S
  //   center:       t_S = 1, t_A = mean
  //   scale+center: t_S = (max - min)/(Smax - Smin), t_A = mean - Smin t_S
  //   sigma:        t_S = sigma/(Smax - Smin),       t_A = mean - Smin t_S
  // so each must equal the unscaled potential with that transform file.
  struct Variant {
    std::string keywords;
    int kind;
  };
  const std::vector<Variant> variants = {
      {"scale_symmetry_functions\nscale_min_short -0.5\nscale_max_short 2\n", 0},
      {"center_symmetry_functions\n", 1},
      {"scale_symmetry_functions\ncenter_symmetry_functions\nscale_min_short 0.25\n", 2},
      {"scale_symmetry_functions_sigma\nscale_min_short 0.1\nscale_max_short 0.9\n", 3}};
  TempDir dir("scaling");
  const Structure s = small_nial(50);
  for (const auto& v : variants) {
    Synthetic syn;
    syn.scaling = v.keywords;
    syn.seed = 60 + v.kind;
    write_synthetic(dir.str(), syn);
    auto scaled = std::dynamic_pointer_cast<Nnp>(make_pot("directory = '" + dir.str() + "'\n"));
    const NnpModel& m = scaled->model();
    std::string tr = "# equivalent transform\n";
    for (const auto& el : m.elements) {
      const std::size_t n = el.sf.size();
      tr += fmt::format("element {}\nW {} {}\n", el.symbol, n, n);
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = 0; c < n; ++c) tr += r == c ? "1 " : "0 ";
      std::vector<double> ta, ts;
      for (const auto& st : el.stats) {
        const double span = m.scale_max - m.scale_min;
        double t_s = 1, t_a = st.mean;
        if (v.kind == 0) t_s = (st.max - st.min) / span, t_a = st.min - m.scale_min * t_s;
        if (v.kind == 2) t_s = (st.max - st.min) / span, t_a = st.mean - m.scale_min * t_s;
        if (v.kind == 3) t_s = st.sigma / span, t_a = st.mean - m.scale_min * t_s;
        ta.push_back(t_a);
        ts.push_back(t_s);
      }
      tr += fmt::format("\nt_A {:.17g}\nt_S {:.17g}\n", fmt::join(ta, " "), fmt::join(ts, " "));
    }
    spit(dir / "transform.txt", tr);
    // The same files with the scaling keywords removed.
    std::string nn = slurp(dir / "input.nn");
    for (const char* k : {"scale_symmetry_functions_sigma\n", "scale_symmetry_functions\n",
                          "center_symmetry_functions\n"}) {
      const auto pos = nn.find(k);
      if (pos != std::string::npos) nn.erase(pos, std::string(k).size());
    }
    spit(dir / "plain.nn", nn);
    auto transformed = make_pot(fmt::format(
        "input_nn = '{0}'\nweights = '{1}/weights.%03d.data'\ntransform = '{2}'\n",
        dir / "plain.nn", dir.str(), dir / "transform.txt"));
    const Evaluation a = evaluate(scaled, s), b = evaluate(transformed, s);
    EXPECT_NEAR(a.energy, b.energy, 1e-11 * s.size()) << v.keywords;
    EXPECT_LT(max_abs_diff(a.forces, b.forces), 1e-10) << v.keywords;
  }
}

// ---------------------------------------------------------------------------
// The optional linear transform P = (W Gs - t_A) / t_S.

TEST(Nnp, IdentityTransformEqualsSigmaScaling) {
  REQUIRE_N2P2();
  // Cu2S uses scale_symmetry_functions_sigma with Smin = 0, Smax = 1:
  // Gs = (G - mean)/sigma, i.e. W = I, t_A = mean, t_S = sigma.
  TempDir dir("identity");
  const std::string d = kN2p2 + "Cu2S_PBE/";
  std::string nn = slurp(d + "input.nn");
  const std::string key = "\nscale_symmetry_functions_sigma";
  ASSERT_NE(nn.find(key), std::string::npos);
  nn.replace(nn.find(key), key.size(), "\n#scaling moved to the transform");
  spit(dir / "input.nn", nn);
  auto original = std::dynamic_pointer_cast<Nnp>(cu2s());
  std::string tr;
  for (const auto& el : original->model().elements) {
    const std::size_t n = el.sf.size();
    tr += fmt::format("element {}\nW {} {}\n", el.symbol, n, n);
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t c = 0; c < n; ++c) tr += r == c ? "1 " : "0 ";
      tr += "\n";
    }
    tr += "t_A";
    for (const auto& st : el.stats) tr += fmt::format(" {:.17g}", st.mean);
    tr += "\nt_S";
    for (const auto& st : el.stats) tr += fmt::format(" {:.17g}", st.sigma);
    tr += "\n";
  }
  spit(dir / "transform.txt", tr);
  auto transformed = make_pot(fmt::format(
      "input_nn = '{0}'\nweights = ['{1}weights.016.data', '{1}weights.029.data']\n"
      "transform = '{2}'\n", dir / "input.nn", d, dir / "transform.txt"));
  for (const char* f : {"s03_rattled_strained/input.data", "s04_small_cell_12atoms/input.data"}) {
    const Structure s = n2p2_structure("Cu2S_PBE", f);
    const Evaluation a = evaluate(original, s), b = evaluate(transformed, s);
    EXPECT_NEAR(a.energy, b.energy, 1e-12 * s.size()) << f;
    EXPECT_LT(max_abs_diff(a.forces, b.forces), 1e-11) << f;
    for (std::size_t i = 0; i < s.size(); ++i) EXPECT_NEAR(a.atom_energy[i], b.atom_energy[i], 1e-12);
  }
}

TEST(Nnp, RotatedTransformWithFoldedWeightsEqualsOriginal) {
  REQUIRE_N2P2();
  // P = (W Gs - t_A)/t_S with W orthogonal; a first layer A' = A W^T diag(t_S),
  // b' = b + A W^T t_A gives A' P + b' = A Gs + b: the same network.
  TempDir dir("rotated");
  const std::string d = kN2p2 + "Cu2S_PBE/";
  auto original = std::dynamic_pointer_cast<Nnp>(cu2s());
  std::mt19937 rng(70);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.5, 2.0);
  std::string tr = "# random rotation, shift and scale\n";
  std::vector<std::string> weight_files;
  for (const auto& el0 : original->model().elements) {
    NnpElement el = el0;
    const int n = static_cast<int>(el.sf.size());
    Eigen::MatrixXd R(n, n);
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) R(r, c) = gauss(rng);
    const Eigen::MatrixXd W = Eigen::HouseholderQR<Eigen::MatrixXd>(R).householderQ();
    Eigen::VectorXd tA(n), tS(n);
    for (int r = 0; r < n; ++r) tA(r) = gauss(rng), tS(r) = u(rng);
    NnpLayer& L = el.layers[0];
    const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
        A(L.w.data(), L.n_out, L.n_in);
    const Eigen::MatrixXd AWt = A * W.transpose();
    const Eigen::MatrixXd A2 = AWt * tS.asDiagonal();
    const Eigen::VectorXd b2 =
        Eigen::Map<const Eigen::VectorXd>(L.b.data(), L.n_out) + AWt * tA;
    for (int o = 0; o < L.n_out; ++o) {
      for (int j = 0; j < L.n_in; ++j) L.w[o * L.n_in + j] = A2(o, j);
      L.b[o] = b2(o);
    }
    weight_files.push_back(dir / fmt::format("weights.{:03d}.data", el.z));
    write_nnp_weights(el, weight_files.back());
    tr += fmt::format("element {}\nW {} {}\n", el.symbol, n, n);
    for (int r = 0; r < n; ++r) {
      for (int c = 0; c < n; ++c) tr += fmt::format("{:.17g} ", W(r, c));
      tr += "\n";
    }
    tr += "t_A";
    for (int r = 0; r < n; ++r) tr += fmt::format(" {:.17g}", tA(r));
    tr += "\nt_S";
    for (int r = 0; r < n; ++r) tr += fmt::format(" {:.17g}", tS(r));
    tr += "\n";
  }
  spit(dir / "transform.txt", tr);
  auto transformed = make_pot(fmt::format(
      "directory = '{0}'\nweights = ['{1}', '{2}']\ntransform = '{3}'\n", d, weight_files[0],
      weight_files[1], dir / "transform.txt"));
  const Structure s = n2p2_structure("Cu2S_PBE", "s04_small_cell_12atoms/input.data");
  const Evaluation a = evaluate(original, s), b = evaluate(transformed, s);
  EXPECT_NEAR(a.energy, b.energy, 1e-9 * s.size());
  EXPECT_LT(max_abs_diff(a.forces, b.forces), 1e-8);
  // And the analytic forces through the transform are -dE/dx.
  expect_forces_match_gradient(transformed, rattled(s, 0.02, 71), 1e-6);
}

TEST(Nnp, TransformMayReduceTheInputDimension) {
  REQUIRE_N2P2();
  // A 10-row transform (PCA truncation) needs networks with 10 inputs: the
  // Cu2S weights (72 and 66 inputs) are refused, naming the file.
  TempDir dir("reduced");
  std::string tr;
  auto original = std::dynamic_pointer_cast<Nnp>(cu2s());
  for (const auto& el : original->model().elements) {
    tr += fmt::format("element {}\nW 10 {}\n", el.symbol, el.sf.size());
    for (int r = 0; r < 10; ++r)
      for (std::size_t c = 0; c < el.sf.size(); ++c) tr += (std::size_t(r) == c ? "1 " : "0 ");
    tr += "\nt_A 0 0 0 0 0 0 0 0 0 0\nt_S 1 1 1 1 1 1 1 1 1 1\n";
  }
  spit(dir / "transform.txt", tr);
  try {
    make_pot(fmt::format("directory = '{}Cu2S_PBE'\ntransform = '{}'\n", kN2p2,
                         dir / "transform.txt"));
    FAIL() << "weights for 72 inputs accepted for a 10-input network";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("weights.016.data"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("10-25-25-1"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------
// Errors name the file and line.

TEST(Nnp, InconsistentFilesGiveErrorsWithFileAndLine) {
  REQUIRE_N2P2();
  TempDir dir("errors");
  const std::string d = kN2p2 + "Cu2S_PBE/";
  std::string nn = slurp(d + "input.nn");
  if (nn.back() != '\n') nn += '\n';
  auto with_nn = [&](const std::string& text) {
    spit(dir / "input.nn", text);
    return fmt::format("input_nn = '{0}'\nscaling = '{1}scaling.data'\n"
                       "weights = '{1}weights.%03d.data'\n", dir / "input.nn", d);
  };

  // A weights file one value short.
  std::string w = slurp(d + "weights.029.data");
  w.erase(w.rfind('\n', w.size() - 2) + 1);
  spit(dir / "weights.029.data", w);
  std::string msg = error_of([&] {
    make_pot(fmt::format("directory = '{}'\nweights = ['{}weights.016.data', '{}']\n", d, d,
                         dir / "weights.029.data"));
  });
  EXPECT_NE(msg.find("weights.029.data"), std::string::npos) << msg;
  const NnpElement cu = std::dynamic_pointer_cast<Nnp>(cu2s())->model().elements[1];
  EXPECT_NE(msg.find(fmt::format("{} weights and biases", cu.num_connections() - 1)),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("66-25-25-1"), std::string::npos) << msg;

  // A symmetry function naming an element not in the elements line.
  const long lines = std::count(nn.begin(), nn.end(), '\n');
  msg = error_of([&] { make_pot(with_nn(nn + "symfunction_short S 2 O 1.0 0.0 6.0\n")); });
  EXPECT_NE(msg.find("input.nn:" + std::to_string(lines + 1)), std::string::npos) << msg;
  EXPECT_NE(msg.find("'O'"), std::string::npos) << msg;

  // A misspelt keyword.
  msg = error_of([&] { make_pot(with_nn(nn + "scale_symetry_functions\n")); });
  EXPECT_NE(msg.find("input.nn:" + std::to_string(lines + 1)), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'scale_symmetry_functions'"), std::string::npos) << msg;

  // Unsupported symmetry function type and model generation.
  msg = error_of([&] { make_pot(with_nn(nn + "symfunction_short S 12 Cu 1.0 0.0 6.0\n")); });
  EXPECT_NE(msg.find("type 12 is not supported"), std::string::npos) << msg;
  msg = error_of([&] { make_pot(with_nn("nnp_generation 4\n" + nn)); });
  EXPECT_NE(msg.find("input.nn:1"), std::string::npos) << msg;

  // number_of_elements inconsistent with the elements line.
  std::string bad = nn;
  bad[bad.find('2', bad.find("\nnumber_of_elements"))] = '3';
  msg = error_of([&] { make_pot(with_nn(bad)); });
  EXPECT_NE(msg.find("number_of_elements 3"), std::string::npos) << msg;

  // scaling.data with a row out of order.
  std::string sc = slurp(d + "scaling.data");
  const auto row = sc.find("         1          2 ");
  ASSERT_NE(row, std::string::npos);
  sc.replace(row, 22, "         1          9 ");
  spit(dir / "scaling.data", sc);
  msg = error_of([&] {
    make_pot(fmt::format("directory = '{}'\nscaling = '{}'\n", d, dir / "scaling.data"));
  });
  EXPECT_NE(msg.find("scaling.data:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("symmetry function 2"), std::string::npos) << msg;

  // A structure with a species the potential does not have.
  EXPECT_THROW(evaluate(cu2s(), fcc("Ni", 3.52)), InputError);
  // Deck errors.
  EXPECT_THROW(make_pot("directory = '" + d + "'\nunits = 'furlongs'\n"), InputError);
  EXPECT_THROW(make_pot("directory = '" + d + "'\nelements = ['Cu', 'O']\n"), InputError);
  EXPECT_THROW(make_pot("directory = '" + d + "'\nwrong_key = 1\n"), InputError);
  EXPECT_THROW(make_pot("scaling = 'scaling.data'\n"), InputError);
}

TEST(Nnp, N2p2DataReader) {
  REQUIRE_N2P2();
  const auto frames =
      read_n2p2_data(kN2p2 + "H2O_RPBE-D3/s01_configset_48atoms/input.data", kBohr, kHartree);
  ASSERT_EQ(frames.size(), 1u);
  const auto& f = frames[0];
  EXPECT_EQ(f.structure.size(), 48u);
  EXPECT_EQ(f.comment, "written by RuNNerDecom");
  EXPECT_NEAR(f.structure.cell(0, 0), 14.782194 * kBohr, 1e-12);
  EXPECT_NEAR(f.structure.positions[1][2], 15.212293807 * kBohr, 1e-12);
  EXPECT_EQ(f.structure.species[0], "O");
  EXPECT_NEAR(f.charges[0], -0.22380465, 1e-12);
  EXPECT_NEAR(f.forces[0][0], -0.012843144 * kHartree / kBohr, 1e-12);
  EXPECT_NEAR(f.energy, -1225.07199456 * kHartree, 1e-6);

  TempDir dir("data");
  spit(dir / "two.data",
       "begin\ncomment a\ncomment b c\natom 0 0 0 H 0 0 0 0 0\natom 0 0 0.74 H 0 0 1 2 3\n"
       "energy -1\nend\nbegin\nlattice 3 0 0\nlattice 0 3 0\nlattice 0 0 3\n"
       "atom 0 0 0 Cu 0 0 0 0 0\nenergy 2\ncharge 0\nend\n");
  const auto two = read_n2p2_data(dir / "two.data");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].comment, "b c");
  EXPECT_FALSE(two[0].structure.pbc[0]);
  EXPECT_TRUE(two[1].structure.pbc[2]);
  EXPECT_EQ(two[0].forces[1], Vec3(1, 2, 3));
  spit(dir / "bad.data", "begin\nlattice 3 0 0\natom 0 0 0 Cu 0 0 0 0 0\nend\n");
  const std::string msg = error_of([&] { read_n2p2_data(dir / "bad.data"); });
  EXPECT_NE(msg.find("bad.data:3"), std::string::npos) << msg;
}
