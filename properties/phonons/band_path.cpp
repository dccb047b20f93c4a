#include "properties/phonons/band_path.hpp"

#include <cctype>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "properties/common/symmetry.hpp"
#include "properties/phonons/dynamical_matrix.hpp"

namespace kprop {

namespace {

struct Lattice {
  std::string name;
  std::map<std::string, Vec3> points;  // reduced coordinates in the conventional reciprocal basis
  std::string path;
};

// The Bravais lattice of the space group and its points, in conventional
// reciprocal coordinates (Setyawan and Curtarolo, Table 2 ff., converted from
// their primitive reciprocal coordinates).
Lattice lattice_of(const SpaceGroup& sg) {
  const char centring = sg.international.empty() ? 'P' : sg.international[0];
  const std::string& cs = sg.crystal_system;
  Lattice l;
  if (cs == "cubic" && centring == 'F') {
    l.name = "cF";
    l.points = {{"X", {0, 1, 0}}, {"W", {0.5, 1, 0}}, {"K", {0.75, 0.75, 0}}, {"L", {0.5, 0.5, 0.5}},
                {"U", {0.25, 1, 0.25}}};
    l.path = "G X W K G L U W L K | U X";
  } else if (cs == "cubic" && centring == 'I') {
    l.name = "cI";
    l.points = {{"H", {0, 1, 0}}, {"N", {0.5, 0.5, 0}}, {"P", {0.5, 0.5, 0.5}}};
    l.path = "G H N G P H | P N";
  } else if (cs == "cubic" && centring == 'P') {
    l.name = "cP";
    l.points = {{"X", {0, 0.5, 0}}, {"M", {0.5, 0.5, 0}}, {"R", {0.5, 0.5, 0.5}}};
    l.path = "G X M G R X | M R";
  } else if ((cs == "hexagonal" || cs == "trigonal") && centring == 'P') {
    l.name = "hP";
    l.points = {{"M", {0.5, 0, 0}}, {"K", {1. / 3, 1. / 3, 0}}, {"A", {0, 0, 0.5}}, {"L", {0.5, 0, 0.5}},
                {"H", {1. / 3, 1. / 3, 0.5}}};
    l.path = "G M K G A L H A | L M | K H";
  } else if (cs == "tetragonal" && centring == 'P') {
    l.name = "tP";
    l.points = {{"X", {0, 0.5, 0}}, {"M", {0.5, 0.5, 0}}, {"Z", {0, 0, 0.5}}, {"R", {0, 0.5, 0.5}},
                {"A", {0.5, 0.5, 0.5}}};
    l.path = "G X M G Z R A Z | X R | M A";
  } else if (cs == "orthorhombic" && centring == 'P') {
    l.name = "oP";
    l.points = {{"X", {0.5, 0, 0}}, {"Y", {0, 0.5, 0}}, {"Z", {0, 0, 0.5}}, {"S", {0.5, 0.5, 0}},
                {"U", {0.5, 0, 0.5}}, {"T", {0, 0.5, 0.5}}, {"R", {0.5, 0.5, 0.5}}};
    l.path = "G X S Y G Z U R T Z | Y T | U X | S R";
  } else {
    l.name = "generic";
  }
  l.points["G"] = Vec3::Zero();
  return l;
}

bool is_number(const std::string& t) {
  if (t.empty()) return false;
  std::istringstream in(t);
  double x;
  in >> x;
  return !in.fail() && in.eof();
}

}  // namespace

std::string BandPath::text() const {
  std::string s;
  for (std::size_t k = 0; k < segments.size(); ++k) {
    if (k) s += " |";
    for (const auto& p : segments[k]) s += (s.empty() ? "" : " ") + (p.label.empty() ? std::string("?") : p.label);
  }
  return s;
}

BandPath standard_band_path(const SpaceGroup& sg, const Structure& primitive) {
  const Lattice l = lattice_of(sg);
  BandPath path;
  path.lattice = l.name;
  if (l.name == "generic") {
    // Gamma to the face centres of the primitive reciprocal cell.
    path.standard = false;
    const char* names[3] = {"X", "Y", "Z"};
    for (int k = 0; k < 3; ++k) {
      Vec3 r = Vec3::Zero();
      r[k] = 0.5;
      path.segments.push_back({{"G", Vec3::Zero()}, {names[k], q_cartesian(primitive.cell, r)}});
    }
    return path;
  }
  std::vector<BandPoint> seg;
  std::istringstream in(l.path);
  std::string tok;
  while (in >> tok) {
    if (tok == "|") {
      path.segments.push_back(std::move(seg));
      seg.clear();
      continue;
    }
    seg.push_back({tok, q_cartesian(sg.conventional, l.points.at(tok))});
  }
  if (!seg.empty()) path.segments.push_back(std::move(seg));
  return path;
}

BandPath parse_band_path(const std::string& text, const SpaceGroup& sg, const Structure& unit,
                         const Structure& primitive, const std::string& where) {
  const Lattice l = lattice_of(sg);
  BandPath path = standard_band_path(sg, primitive);
  path.segments.clear();
  path.standard = false;
  std::vector<std::string> tokens;
  {
    std::string spaced;
    for (char c : text) spaced += (c == '|') ? std::string(" | ") : std::string(1, c);
    std::istringstream in(spaced);
    std::string t;
    while (in >> t) tokens.push_back(t);
  }
  std::vector<BandPoint> seg;
  auto close = [&] {
    if (seg.size() == 1)
      throw InputError(fmt::format("{}: segment '{}' of band_path has one point; a segment needs two or more",
                                   where, seg.front().label));
    if (!seg.empty()) path.segments.push_back(std::move(seg));
    seg.clear();
  };
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const std::string& t = tokens[k];
    if (t == "|") {
      close();
      continue;
    }
    if (is_number(t)) {
      if (k + 2 >= tokens.size() || !is_number(tokens[k + 1]))
        throw InputError(fmt::format("{}: band_path: expected three numbers h k l at '{}'", where, t));
      std::string third = tokens[k + 2], label;
      if (const auto colon = third.find(':'); colon != std::string::npos) {
        label = third.substr(colon + 1);
        third = third.substr(0, colon);
      }
      if (!is_number(third))
        throw InputError(fmt::format("{}: band_path: expected three numbers h k l at '{} {} {}'", where, t,
                                     tokens[k + 1], tokens[k + 2]));
      const Vec3 r(std::stod(t), std::stod(tokens[k + 1]), std::stod(third));
      if (label.empty()) label = fmt::format("({:g} {:g} {:g})", r[0], r[1], r[2]);
      seg.push_back({label, q_cartesian(unit.cell, r)});
      k += 2;
      continue;
    }
    const std::string name = (t == "Gamma" || t == "GAMMA" || t == "Γ") ? "G" : t;
    const auto it = l.points.find(name);
    if (it == l.points.end()) {
      std::string known;
      for (const auto& [n, q] : l.points) known += (known.empty() ? "" : ", ") + n;
      throw InputError(fmt::format("{}: band_path: '{}' is not a point of the {} lattice (known: {}); "
                                   "or give three numbers 'h k l:Label' in the reciprocal basis of the structure",
                                   where, t, l.name, known));
    }
    seg.push_back({name, l.name == "generic" ? q_cartesian(primitive.cell, it->second)
                                            : q_cartesian(sg.conventional, it->second)});
  }
  close();
  if (path.segments.empty()) throw InputError(where + ": band_path has no segment");
  return path;
}

SampledPath sample_band_path(const BandPath& path, int n) {
  SampledPath out;
  double dist = 0;
  for (const auto& seg : path.segments)
    for (std::size_t k = 0; k + 1 < seg.size(); ++k) {
      std::vector<Vec3> qs;
      std::vector<double> ds;
      const Vec3 a = seg[k].q, b = seg[k + 1].q;
      for (int i = 0; i < n; ++i) {
        const double t = n > 1 ? double(i) / (n - 1) : 0;
        qs.push_back(a + t * (b - a));
        ds.push_back(dist + t * (b - a).norm() / (2 * M_PI));
      }
      dist = ds.back();
      out.q.push_back(std::move(qs));
      out.distance.push_back(std::move(ds));
      out.labels.push_back(seg[k].label);
      out.labels.push_back(seg[k + 1].label);
    }
  return out;
}

}  // namespace kprop
