#include "core/io/extxyz.hpp"

#include <cctype>
#include <cmath>
#include <fstream>
#include <ostream>
#include <utility>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/io/text_reader.hpp"

namespace kprop {
namespace {

using io::LineReader;
using KeyValues = std::vector<std::pair<std::string, std::string>>;

// ase.units.fs, ASE time units per fs: 1e-5 sqrt(e / amu), CODATA 2014 as in ASE.
const double kAseFs = 1e-5 * std::sqrt(1.6021766208e-19 / 1.66053904e-27);
// velocity [Å/ps] = momentum / mass [ASE units] * kAseVelocityToAPerPs
const double kAseVelocityToAPerPs = 1000.0 * kAseFs;

// The comment line as ASE's key_val_str_to_dict splits it.
KeyValues parse_comment(const std::string& line, const LineReader& in) {
  std::vector<std::vector<std::string>> pairs(1, std::vector<std::string>(1));
  char closing = 0;
  bool escaped = false;
  for (char ch : line) {
    auto& cur = pairs.back();
    if (escaped) {
      cur.back() += ch;
      escaped = false;
    } else if (ch == '\\') {
      escaped = true;
    } else if (closing) {
      if (ch == closing)
        closing = 0;
      else
        cur.back() += ch;
    } else if (ch == '"' || ch == '\'' || ch == '{' || ch == '[') {
      closing = ch == '{' ? '}' : ch == '[' ? ']' : ch;
    } else if (std::isspace(static_cast<unsigned char>(ch))) {
      if (!(cur.size() == 1 && cur[0].empty()) && !cur.back().empty()) pairs.emplace_back(1);
    } else if (ch == '=') {
      if (cur.size() == 1 && cur[0].empty() && pairs.size() > 1) pairs.pop_back();
      pairs.back().emplace_back();
    } else {
      cur.back() += ch;
    }
  }
  if (closing) in.fail(std::string("unterminated quote ") + closing + " in comment line");
  KeyValues out;
  for (const auto& p : pairs) {
    if (p.size() == 1 && p[0].empty()) continue;
    if (p[0].empty()) in.fail("comment line has a value without a key");
    std::string value = p.size() == 1 ? "T" : p[1];
    for (std::size_t i = 2; i < p.size(); ++i) value += "=" + p[i];
    out.emplace_back(p[0], value);
  }
  return out;
}

struct Property {
  std::string name;
  char type;
  int ncols;
};

std::vector<Property> parse_properties(const std::string& text, const LineReader& in) {
  std::vector<std::string> f;
  std::size_t start = 0;
  for (;;) {
    const std::size_t colon = text.find(':', start);
    f.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (f.size() % 3 != 0) in.fail("Properties='" + text + "' is not a list of NAME:TYPE:NCOLS");
  std::vector<Property> out;
  for (std::size_t i = 0; i < f.size(); i += 3) {
    if (f[i].empty() || f[i + 1].size() != 1 ||
        std::string("RISL").find(f[i + 1][0]) == std::string::npos)
      in.fail("bad property '" + f[i] + ":" + f[i + 1] + ":" + f[i + 2] +
              "' (type must be R, I, S or L)");
    const long n = in.to_long(f[i + 2], "the column count of property " + f[i]);
    if (n < 1 || n > 1000) in.fail("property " + f[i] + " has " + f[i + 2] + " columns");
    out.push_back({f[i], f[i + 1][0], static_cast<int>(n)});
  }
  return out;
}

std::string capitalize(std::string s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = i == 0 ? std::toupper(static_cast<unsigned char>(s[i]))
                  : std::tolower(static_cast<unsigned char>(s[i]));
  return s;
}

// Items of a list value, separated by whitespace or commas (as ASE splits them).
std::vector<std::string> items(std::string text) {
  for (auto& ch : text)
    if (ch == ',') ch = ' ';
  return io::split(text);
}

std::vector<double> numbers(const std::string& text, const std::string& key, const LineReader& in) {
  std::vector<double> out;
  for (const auto& tok : items(text)) out.push_back(in.to_double(tok, key));
  return out;
}

// Reads the next frame into `frame`; false at end of file.
bool read_frame(LineReader& in, ExtxyzFrame& frame) {
  std::string line;
  do {
    if (!in.next(line)) return false;
  } while (io::is_blank(line));
  const auto head = io::split(line);
  if (head.size() != 1) in.fail("expected the number of atoms, found '" + line + "'");
  const long natoms = in.to_long(head[0], "the number of atoms");
  if (natoms < 0) in.fail("negative number of atoms");

  Structure& s = frame.structure;
  frame.columns.clear();
  const std::string comment = in.require("the comment line");
  bool has_lattice = false, has_pbc = false;
  std::string properties = "species:S:1:pos:R:3";
  for (auto& [key, value] : parse_comment(comment, in)) {
    if (key == "Lattice") {
      const auto v = numbers(value, "Lattice", in);
      if (v.size() != 9) in.fail("Lattice needs 9 numbers, found " + std::to_string(v.size()));
      for (int i = 0; i < 9; ++i) s.cell(i / 3, i % 3) = v[i];
      has_lattice = true;
    } else if (key == "pbc") {
      const auto t = items(value);
      if (t.size() != 1 && t.size() != 3) in.fail("pbc needs 1 or 3 values, found '" + value + "'");
      for (int k = 0; k < 3; ++k) s.pbc[k] = in.to_bool(t[t.size() == 1 ? 0 : k], "pbc");
      has_pbc = true;
    } else if (key == "Properties") {
      properties = value;
    } else {
      s.info[key] = value;
    }
  }
  if (!has_pbc) s.pbc = {has_lattice, has_lattice, has_lattice};
  if (!has_lattice && (s.pbc[0] || s.pbc[1] || s.pbc[2]))
    in.fail("pbc is T in some direction but there is no Lattice");

  const auto props = parse_properties(properties, in);
  std::size_t total = 0;
  for (const auto& p : props) total += p.ncols;
  auto find = [&](const std::string& name, char type, int ncols) -> long {
    for (std::size_t i = 0; i < props.size(); ++i)
      if (props[i].name == name) {
        if (props[i].type != type || props[i].ncols != ncols)
          in.fail("property " + name + " must be " + name + ":" + type + ":" +
                  std::to_string(ncols));
        return static_cast<long>(i);
      }
    return -1;
  };
  const long ipos = find("pos", 'R', 3);
  if (ipos < 0) in.fail("Properties has no pos:R:3");
  const long ispecies = find("species", 'S', 1);
  const long iz = ispecies < 0 ? find("Z", 'I', 1) : -1;
  if (ispecies < 0 && iz < 0) in.fail("Properties has neither species:S:1 nor Z:I:1");
  const long imass = find("masses", 'R', 1);
  const long imom = find("momenta", 'R', 3);
  long imask = -1;
  for (std::size_t i = 0; i < props.size(); ++i)
    if (props[i].name == "move_mask") {
      if (props[i].type != 'L' || (props[i].ncols != 1 && props[i].ncols != 3))
        in.fail("property move_mask must be move_mask:L:3 or move_mask:L:1");
      imask = static_cast<long>(i);
    }

  std::vector<long> extra_of(props.size(), -1);
  for (std::size_t i = 0; i < props.size(); ++i) {
    const long li = static_cast<long>(i);
    if (li == ipos || li == ispecies || li == iz || li == imass || li == imom || li == imask)
      continue;
    extra_of[i] = static_cast<long>(frame.columns.size());
    frame.columns.push_back({props[i].name, props[i].ncols, {}, props[i].type, {}});
  }

  std::vector<Vec3> momenta;
  for (long a = 0; a < natoms; ++a) {
    if (!in.next(line)) in.fail_eof("atom " + std::to_string(a + 1) + " of " + std::to_string(natoms));
    const auto tok = io::split(line);
    if (tok.size() != total)
      in.fail("expected " + std::to_string(total) + " columns (" + properties + "), found " +
              std::to_string(tok.size()));
    std::size_t t = 0;
    for (std::size_t i = 0; i < props.size(); ++i) {
      const Property& p = props[i];
      const long li = static_cast<long>(i);
      std::vector<double> v;
      if (p.type != 'S') {
        for (int c = 0; c < p.ncols; ++c) {
          const std::string& x = tok[t + c];
          if (p.type == 'R') v.push_back(in.to_double(x, p.name));
          if (p.type == 'I') v.push_back(static_cast<double>(in.to_long(x, p.name)));
          if (p.type == 'L') v.push_back(in.to_bool(x, p.name) ? 1.0 : 0.0);
        }
      }
      if (li == ipos) {
        s.positions.emplace_back(v[0], v[1], v[2]);
      } else if (li == ispecies) {
        s.species.push_back(capitalize(tok[t]));
      } else if (li == iz) {
        const long z = static_cast<long>(v[0]);
        if (z < 1 || z > kMaxAtomicNumber) in.fail("atomic number " + tok[t] + " out of range");
        s.species.push_back(chemical_symbol(static_cast<int>(z)));
      } else if (li == imass) {
        if (!(v[0] > 0)) in.fail("mass must be > 0, found " + tok[t]);
        s.masses.push_back(v[0]);
      } else if (li == imom) {
        momenta.emplace_back(v[0], v[1], v[2]);
      } else if (li == imask) {
        s.movable.push_back(p.ncols == 3 ? std::array<bool, 3>{v[0] != 0, v[1] != 0, v[2] != 0}
                                         : std::array<bool, 3>{v[0] != 0, v[0] != 0, v[0] != 0});
      } else {
        ExtraColumn& col = frame.columns[extra_of[i]];
        if (p.type == 'S')
          col.strings.insert(col.strings.end(), tok.begin() + t, tok.begin() + t + p.ncols);
        else
          col.values.insert(col.values.end(), v.begin(), v.end());
      }
      t += p.ncols;
    }
  }
  if (!momenta.empty()) {
    std::vector<double> m;
    try {
      m = s.atom_masses();
    } catch (const InputError& e) {
      in.fail(std::string("momenta need masses: ") + e.what());
    }
    for (long a = 0; a < natoms; ++a)
      s.velocities.push_back(momenta[a] / m[a] * kAseVelocityToAPerPs);
  }
  return true;
}

bool needs_quotes(const std::string& v) {
  if (v.empty()) return true;
  for (char ch : v)
    if (std::isspace(static_cast<unsigned char>(ch)) ||
        std::string("\"'{}[]=\\").find(ch) != std::string::npos)
      return true;
  return false;
}

std::string quoted(const std::string& v) {
  if (!needs_quotes(v)) return v;
  std::string out = "\"";
  for (char ch : v) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

void check_name(const std::string& name, const std::string& what) {
  bool ok = !name.empty();
  for (char ch : name)
    ok = ok && !std::isspace(static_cast<unsigned char>(ch)) &&
         std::string("=:\"'{}[]\\").find(ch) == std::string::npos;
  if (!ok)
    throw InputError("write_extxyz: " + what + " '" + name +
                     "' is empty or has a space or one of =:\"'{}[]\\");
}

}  // namespace

const ExtraColumn* ExtxyzFrame::column(const std::string& name) const {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<ExtxyzFrame> read_extxyz_data(const std::string& path) {
  LineReader in(path);
  std::vector<ExtxyzFrame> frames;
  ExtxyzFrame f;
  while (read_frame(in, f)) {
    frames.push_back(std::move(f));
    f = ExtxyzFrame();
  }
  if (frames.empty()) throw InputError(path, 0, "no frames in file");
  return frames;
}

std::vector<Structure> read_extxyz_frames(const std::string& path) {
  std::vector<Structure> out;
  for (auto& f : read_extxyz_data(path)) out.push_back(std::move(f.structure));
  return out;
}

Structure read_extxyz(const std::string& path, long index) {
  auto frames = read_extxyz_frames(path);
  const long n = static_cast<long>(frames.size());
  const long i = index < 0 ? n + index : index;
  if (i < 0 || i >= n)
    throw InputError(path, 0,
                     "frame index " + std::to_string(index) + " out of range (" +
                         std::to_string(n) + " frames)");
  return std::move(frames[i]);
}

void write_extxyz(std::ostream& os, const Structure& s, const std::vector<ExtraColumn>& extra) {
  s.check("write_extxyz");
  const std::size_t n = s.size();
  std::string props = "species:S:1:pos:R:3";
  if (!s.masses.empty()) props += ":masses:R:1";
  if (!s.velocities.empty()) props += ":momenta:R:3";
  if (!s.movable.empty()) props += ":move_mask:L:3";
  for (const auto& c : extra) {
    check_name(c.name, "column name");
    for (const char* reserved : {"species", "pos", "Z", "masses", "momenta", "move_mask"})
      if (c.name == reserved)
        throw InputError("write_extxyz: column '" + c.name + "' is written from the Structure");
    if (std::string("RISL").find(c.type) == std::string::npos || c.ncols < 1)
      throw InputError("write_extxyz: column '" + c.name +
                       "' needs type R, I, S or L and ncols >= 1");
    const std::size_t have = c.type == 'S' ? c.strings.size() : c.values.size();
    if (have != n * c.ncols)
      throw InputError("write_extxyz: column '" + c.name + "' has " + std::to_string(have) +
                       " values, expected " + std::to_string(n * c.ncols));
    props += ":" + c.name + ":" + c.type + ":" + std::to_string(c.ncols);
  }

  std::string comment;
  if (!s.cell.isZero(0)) {
    comment = "Lattice=\"";
    for (int i = 0; i < 9; ++i) comment += (i ? " " : "") + io::format_double(s.cell(i / 3, i % 3));
    comment += "\" ";
  }
  comment += "Properties=" + props;
  for (const auto& [key, value] : s.info) {
    check_name(key, "info key");
    if (key == "Lattice" || key == "Properties" || key == "pbc")
      throw InputError("write_extxyz: info key '" + key + "' is reserved");
    comment += " " + key + "=" + quoted(value);
  }
  comment += std::string(" pbc=\"") + (s.pbc[0] ? "T" : "F") + (s.pbc[1] ? " T" : " F") +
             (s.pbc[2] ? " T" : " F") + "\"";

  std::vector<double> m;
  if (!s.velocities.empty()) m = s.atom_masses();
  std::string out = std::to_string(n) + "\n" + comment + "\n";
  for (std::size_t a = 0; a < n; ++a) {
    out += s.species[a];
    for (int k = 0; k < 3; ++k) out += " " + io::format_double(s.positions[a][k]);
    if (!s.masses.empty()) out += " " + io::format_double(s.masses[a]);
    for (int k = 0; k < 3 && !m.empty(); ++k)
      out += " " + io::format_double(s.velocities[a][k] * m[a] / kAseVelocityToAPerPs);
    for (int k = 0; k < 3 && !s.movable.empty(); ++k) out += s.movable[a][k] ? " T" : " F";
    for (const auto& c : extra)
      for (int k = 0; k < c.ncols; ++k) {
        const std::size_t j = a * c.ncols + k;
        if (c.type == 'S') {
          if (c.strings[j].empty() || io::split(c.strings[j]).size() != 1)
            throw InputError("write_extxyz: column '" + c.name + "' has an empty or spaced string");
          out += " " + c.strings[j];
        } else if (c.type == 'L') {
          out += c.values[j] != 0 ? " T" : " F";
        } else if (c.type == 'I') {
          out += " " + std::to_string(static_cast<long long>(std::llround(c.values[j])));
        } else {
          out += " " + io::format_double(c.values[j]);
        }
      }
    out += "\n";
  }
  os << out;
}

void write_extxyz(const std::string& path, const Structure& s,
                  const std::vector<ExtraColumn>& extra, bool append) {
  std::ofstream os(path, append ? std::ios::app : std::ios::trunc);
  if (!os) throw InputError(path, 0, "cannot open file for writing");
  write_extxyz(os, s, extra);
  if (!os) throw InputError(path, 0, "write failed");
}

void write_extxyz(const std::string& path, const std::vector<Structure>& frames) {
  std::ofstream os(path);
  if (!os) throw InputError(path, 0, "cannot open file for writing");
  for (const auto& s : frames) write_extxyz(os, s, {});
  if (!os) throw InputError(path, 0, "write failed");
}

}  // namespace kprop
