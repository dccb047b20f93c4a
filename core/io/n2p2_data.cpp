#include "core/io/n2p2_data.hpp"

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/io/text_reader.hpp"

namespace kprop {

std::vector<N2p2Frame> read_n2p2_data(const std::string& path, double length_unit,
                                      double energy_unit) {
  io::LineReader in(path);
  std::vector<N2p2Frame> frames;
  std::string line;
  bool open = false;
  int lattice = 0;
  const double force_unit = energy_unit / length_unit;
  while (in.next(line)) {
    const auto tok = io::split(line);
    if (tok.empty()) continue;
    const std::string& key = tok[0];
    if (key == "begin") {
      if (open) in.fail("'begin' inside a structure (missing 'end')");
      frames.emplace_back();
      frames.back().line = in.line_number();
      open = true;
      lattice = 0;
      continue;
    }
    if (!open) in.fail("expected 'begin', found '" + key + "'");
    N2p2Frame& f = frames.back();
    if (key == "comment") {
      const auto pos = line.find_first_not_of(" \t", line.find("comment") + 7);
      f.comment = pos == std::string::npos ? std::string() : line.substr(pos);
    } else if (key == "lattice") {
      if (tok.size() != 4) in.fail("expected 'lattice ax ay az'");
      if (lattice == 3) in.fail("more than three lattice lines");
      if (!f.structure.positions.empty()) in.fail("lattice lines must come before atom lines");
      for (int d = 0; d < 3; ++d)
        f.structure.cell(lattice, d) = in.to_double(tok[1 + d], "a lattice vector") * length_unit;
      ++lattice;
    } else if (key == "atom") {
      if (tok.size() != 10) in.fail("expected 'atom x y z element charge energy fx fy fz'");
      if (lattice != 0 && lattice != 3) in.fail("a periodic structure needs three lattice lines");
      if (!is_element(tok[4])) in.fail("'" + tok[4] + "' is not a chemical element");
      Vec3 x, F;
      for (int d = 0; d < 3; ++d) {
        x[d] = in.to_double(tok[1 + d], "a coordinate") * length_unit;
        F[d] = in.to_double(tok[7 + d], "a force component") * force_unit;
      }
      f.structure.positions.push_back(x);
      f.structure.species.push_back(tok[4]);
      f.charges.push_back(in.to_double(tok[5], "the atom charge"));
      in.to_double(tok[6], "the atom energy");  // unused by n2p2
      f.forces.push_back(F);
    } else if (key == "energy") {
      if (tok.size() != 2) in.fail("expected 'energy E'");
      f.energy = in.to_double(tok[1], "the energy") * energy_unit;
    } else if (key == "charge") {
      if (tok.size() != 2) in.fail("expected 'charge Q'");
      f.charge = in.to_double(tok[1], "the charge");
    } else if (key == "end") {
      if (lattice != 0 && lattice != 3) in.fail("a periodic structure needs three lattice lines");
      const bool periodic = lattice == 3;
      f.structure.pbc = {periodic, periodic, periodic};
      if (f.structure.positions.empty()) in.fail("structure without atoms");
      open = false;
    } else {
      in.fail("unknown keyword '" + key + "' (expected begin, comment, lattice, atom, energy, "
              "charge or end)");
    }
  }
  if (open) in.fail_eof("'end'");
  return frames;
}

std::vector<Structure> read_n2p2_structures(const std::string& path) {
  auto frames = read_n2p2_data(path);
  if (frames.empty()) throw InputError(path + ": no structure (no 'begin' ... 'end' block)");
  std::vector<Structure> out;
  for (auto& f : frames) {
    Structure s = std::move(f.structure);
    s.set_energy(f.energy);
    if (!f.comment.empty()) {
      std::string c = f.comment;
      for (auto& ch : c)
        if (ch == ' ' || ch == '"' || ch == '=') ch = '_';
      s.info["comment"] = c;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace kprop
