#include "potentials/eam/eam.hpp"

#include <Kokkos_ScatterView.hpp>

#include "potentials/pair_kernels.hpp"
#include "potentials/registry.hpp"

namespace kprop {
namespace {

// Device copy of the table metadata; the spline arrays are Views.
struct EamGrid {
  int n = 0;  // elements
  int nr = 0, nrho = 0;
  double rdr = 0, rdrho = 0, rhomax = 0, cutforcesq = 0;
  int frho_index[Eam::kMaxElements];
  int rhor_index[Eam::kMaxElements * Eam::kMaxElements];
  int z2r_index[Eam::kMaxElements * Eam::kMaxElements];

  // LAMMPS's lookups (pair_eam.cpp): point m and fraction p into its cubic.
  // p is clamped before the conversion to int, so that a NaN or huge r or
  // rho (atoms on top of each other, a run that blew up) stays in the table.
  KOKKOS_INLINE_FUNCTION void locate_r(double r, int& m, double& p) const {
    p = r * rdr + 1.0;
    if (!(p <= nr)) p = nr;  // NaN or beyond the table: LAMMPS's m = nr-1, p = 1
    m = kmin(static_cast<int>(p), nr - 1);
    p -= m;
    p = kmin(p, 1.0);
  }
  KOKKOS_INLINE_FUNCTION void locate_rho(double rho, int& m, double& p) const {
    p = rho * rdrho + 1.0;
    if (!(p <= nrho)) p = nrho;    // NaN or beyond the table: m = nrho-1, p = 1 as LAMMPS
    if (p < -1e9) p = -1e9;        // far below: no int overflow (LAMMPS extrapolates the same)
    m = kmax(1, kmin(static_cast<int>(p), nrho - 1));
    p -= m;
    p = kmin(p, 1.0);
  }
};

KOKKOS_INLINE_FUNCTION const double* coeffs(const Kokkos::View<const double*>& a, int table,
                                            int n, int m) {
  return &a((static_cast<std::size_t>(table) * (n + 1) + m) * EamTables::kCoeffs);
}
KOKKOS_INLINE_FUNCTION double value(const double* c, double p) {
  return ((c[3] * p + c[4]) * p + c[5]) * p + c[6];
}
KOKKOS_INLINE_FUNCTION double slope(const double* c, double p) {
  return (c[0] * p + c[1]) * p + c[2];
}

// Pass 2: pair forces once F'(rho) is known on every atom.
struct EamPair {
  EamGrid g;
  Kokkos::View<const double*> rhor, z2r, fp;
  KOKKOS_INLINE_FUNCTION double cutsq(int, int) const { return g.cutforcesq; }
  KOKKOS_INLINE_FUNCTION void operator()(int i, int j, int a, int b, double r2, double& phi,
                                         double& fpair) const {
    const double r = kmath::sqrt(r2);
    int m;
    double p;
    g.locate_r(r, m, p);
    const double rhoip = slope(coeffs(rhor, g.rhor_index[a * g.n + b], g.nr, m), p);
    const double rhojp = slope(coeffs(rhor, g.rhor_index[b * g.n + a], g.nr, m), p);
    const double* cz = coeffs(z2r, g.z2r_index[a * g.n + b], g.nr, m);
    const double z2 = value(cz, p), z2p = slope(cz, p);
    const double recip = 1.0 / r;
    phi = z2 * recip;
    const double phip = z2p * recip - phi * recip;
    fpair = -(fp(i) * rhojp + fp(j) * rhoip + phip) * recip;
  }
};

}  // namespace

Eam::Eam(EamTables tables) : tables_(std::move(tables)) { upload(); }

Eam::Eam(const std::string& style, const Options& o) {
  const auto files = o.get_strings("file");
  try {
    if (style == "eam") {
      tables_ = read_eam_funcfl(files, o.has_species() ? o.get_species()
                                                         : std::vector<std::string>{});
    } else {
      if (files.size() != 1) o.fail("file", "expected one " + style + " file");
      tables_ = style == "eam/fs" ? read_eam_fs(files[0]) : read_eam_setfl(files[0]);
      if (o.has_species())
        for (const auto& sp : o.get_species()) tables_.element_index(sp);
    }
  } catch (const InputError& e) {
    o.fail("file", e.what());
  }
  upload();
}

void Eam::upload() {
  if (tables_.num_elements() > kMaxElements)
    throw InputError(tables_.files.empty() ? "EAM" : tables_.files[0],
                     0, "more than " + std::to_string(kMaxElements) + " elements");
  auto to_view = [](const std::vector<double>& v, const std::string& label) {
    Kokkos::View<double*> d(label, v.size());
    Kokkos::deep_copy(d, Kokkos::View<const double*, Kokkos::HostSpace,
                                      Kokkos::MemoryTraits<Kokkos::Unmanaged>>(v.data(), v.size()));
    return d;
  };
  frho_ = to_view(tables_.frho_spline, "eam_frho");
  rhor_ = to_view(tables_.rhor_spline, "eam_rhor");
  z2r_ = to_view(tables_.z2r_spline, "eam_z2r");
}

std::string Eam::style() const {
  switch (tables_.style) {
    case EamStyle::Funcfl: return "eam";
    case EamStyle::Setfl: return "eam/alloy";
    default: return "eam/fs";
  }
}

void Eam::compute(const Atoms& atoms, const NeighborList& list,
                  const Kokkos::View<const int*>& element_of_type, const ComputeRequest& request,
                  ComputeOutput& out) {
  const int n = atoms.natoms();
  if (static_cast<int>(rho_.extent(0)) != n) {
    rho_ = Kokkos::View<double*>("eam_rho", n);
    fp_ = Kokkos::View<double*>("eam_fp", n);
    embed_ = Kokkos::View<double*>("eam_F", n);
  }
  EamGrid g;
  const EamTables& t = tables_;
  g.n = t.num_elements();
  g.nr = t.nr;
  g.nrho = t.nrho;
  g.rdr = t.rdr;
  g.rdrho = t.rdrho;
  g.rhomax = t.rhomax;
  g.cutforcesq = t.cutforcesq;
  for (int a = 0; a < g.n; ++a) {
    g.frho_index[a] = t.frho_index[a];
    for (int b = 0; b < g.n; ++b) {
      g.rhor_index[a * g.n + b] = t.rhor_index[a * g.n + b];
      g.z2r_index[a * g.n + b] = t.z2r_index[a * g.n + b];
    }
  }

  // Pass 1: rho_i = sum_j rho_{b->a}(r_ij) (LAMMPS type2rhor[jtype][itype]).
  auto x = atoms.x;
  auto type = atoms.type;
  auto sys = atoms.system;
  auto boxes = atoms.boxes;
  auto cnt = list.count;
  auto nbr = list.neighbors;
  auto img = list.image;
  Kokkos::View<const double*> rhor = rhor_, frho = frho_;
  auto rho = rho_;
  const auto policy = Kokkos::RangePolicy<ExecSpace>(0, n);
  auto density = [=] KOKKOS_FUNCTION(const int i, const int k, int& j, double& to_i,
                                     double& to_j) {
    const int a = element_of_type(type(i));
    j = nbr(i, k);
    const int b = element_of_type(type(j));
    double r[3];
    neighbor_displacement(x, boxes(sys(i)), i, j, img(i, k), r);
    const double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    to_i = to_j = 0;
    if (r2 >= g.cutforcesq) return;
    int m;
    double p;
    g.locate_r(kmath::sqrt(r2), m, p);
    to_i = value(coeffs(rhor, g.rhor_index[b * g.n + a], g.nr, m), p);
    to_j = value(coeffs(rhor, g.rhor_index[a * g.n + b], g.nr, m), p);
  };
  if (list.kind() == NeighborKind::Full) {
    Kokkos::parallel_for(
        "kprop::eam_density_full", policy, KOKKOS_LAMBDA(const int i) {
          double sum = 0;
          for (int k = 0; k < cnt(i); ++k) {
            int j;
            double to_i, to_j;
            density(i, k, j, to_i, to_j);
            sum += to_i;
          }
          rho(i) = sum;
        });
  } else {
    Kokkos::deep_copy(rho, 0.0);
    auto rs = Kokkos::Experimental::create_scatter_view(rho);
    Kokkos::parallel_for(
        "kprop::eam_density_half", policy, KOKKOS_LAMBDA(const int i) {
          auto ra = rs.access();
          double sum = 0;
          for (int k = 0; k < cnt(i); ++k) {
            int j;
            double to_i, to_j;
            density(i, k, j, to_i, to_j);
            sum += to_i;
            ra(j) += to_j;
          }
          ra(i) += sum;
        });
    Kokkos::Experimental::contribute(rho, rs);
  }

  // F(rho_i) and F'(rho_i), linear beyond the table as in LAMMPS.
  auto fp = fp_;
  auto embed = embed_;
  Kokkos::parallel_for(
      "kprop::eam_embedding", policy, KOKKOS_LAMBDA(const int i) {
        int m;
        double p;
        g.locate_rho(rho(i), m, p);
        const double* c = coeffs(frho, g.frho_index[element_of_type(type(i))], g.nrho, m);
        fp(i) = slope(c, p);
        double F = value(c, p);
        if (rho(i) > g.rhomax) F += fp(i) * (rho(i) - g.rhomax);
        embed(i) = F;
      });

  // Pass 2: pair forces and energies; then add F_i to each atom's energy.
  compute_pair(EamPair{g, rhor_, z2r_, fp_}, atoms, list, element_of_type, request, out);
  if (!request.energy) return;
  auto e = out.energy;
  Kokkos::parallel_for(
      "kprop::eam_add_embedding", policy, KOKKOS_LAMBDA(const int i) { e(i) += embed(i); });
}

void register_eam(PotentialRegistry& r) {
  r.add(
      "eam", [](const Options& o) { return std::make_unique<Eam>("eam", o); },
      "EAM, DYNAMO funcfl files (LAMMPS pair_style eam); keys: file (one per element), species (or elements)");
  r.add(
      "eam/alloy", [](const Options& o) { return std::make_unique<Eam>("eam/alloy", o); },
      "EAM, DYNAMO setfl file (LAMMPS pair_style eam/alloy); keys: file, species (or elements)");
  r.add(
      "eam/fs", [](const Options& o) { return std::make_unique<Eam>("eam/fs", o); },
      "Finnis-Sinclair EAM (LAMMPS pair_style eam/fs); keys: file, species (or elements)");
}

}  // namespace kprop
