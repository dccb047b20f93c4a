#include "potentials/options_toml.hpp"

#include <algorithm>
#include <sstream>

namespace kprop {

std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates) {
  // Levenshtein distance; a suggestion must be within a third of the word.
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t prev = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t cur = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] != b[j - 1])});
        prev = cur;
      }
    }
    return row[b.size()];
  };
  std::string best;
  std::size_t best_d = word.size() / 3 + 2;
  for (const auto& c : candidates) {
    const std::size_t d = distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

Options make_options(toml::table table, std::string where, std::string file) {
  auto src = std::make_shared<Options::Source>();
  src->root = std::make_shared<const toml::table>(std::move(table));
  src->table = src->root.get();
  src->where = std::move(where);
  src->file = std::move(file);
  if (src->file.empty() && src->table->source().path) src->file = *src->table->source().path;
  return Options(src);
}

Options::Options(std::shared_ptr<const Source> source) : src_(std::move(source)) {}

const std::string& Options::file() const { return src_->file; }

Options Options::parse(const std::string& toml_text, const std::string& where) {
  try {
    return make_options(toml::parse(toml_text), where);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << where << " line " << e.source().begin.line << ": " << e.description();
    throw InputError(os.str());
  }
}

std::string Options::locate(const std::string& key) const {
  std::string out;
  long line = 0;
  if (auto n = src_->table->get(key)) line = n->source().begin.line;
  if (line == 0) line = src_->table->source().begin.line;
  if (!src_->file.empty()) out = src_->file + (line > 0 ? ":" + std::to_string(line) : "") + ": ";
  else if (line > 0) out = "line " + std::to_string(line) + ": ";
  return out + src_->where + (key.empty() ? "" : "." + key);
}

void Options::fail(const std::string& key, const std::string& what) const {
  throw InputError(locate(key) + ": " + what);
}

bool Options::has(const std::string& key) const { return src_->table->contains(key); }

struct OptionsAccess {
  static const toml::node& node(const Options& o, const std::string& key);
};

const toml::node& OptionsAccess::node(const Options& o, const std::string& key) {
  const auto& src_ = o.src_;
  auto& used_ = o.used_;
  auto fail = [&](const std::string& k, const std::string& what) { o.fail(k, what); };
  used_.insert(key);
  const toml::node* n = src_->table->get(key);
  if (!n) {
    // A misspelt required key is reported here, before finish() could.
    std::vector<std::string> unread;
    for (const auto& [k, v] : *src_->table)
      if (!used_.count(std::string(k.str()))) unread.emplace_back(k.str());
    const std::string near = nearest_word(key, unread);
    if (!near.empty())
      fail(near, "unknown key '" + near + "' (did you mean '" + key + "'? it is required)");
    fail(key, "required key is missing");
  }
  return *n;
}

double Options::get_double(const std::string& key) const {
  const toml::node& n = OptionsAccess::node(*this, key);
  if (auto v = n.value<double>()) return *v;  // integers convert too
  fail(key, "expected a number");
}
double Options::get_double(const std::string& key, double fallback) const {
  return has(key) ? get_double(key) : (used_.insert(key), fallback);
}
long Options::get_int(const std::string& key) const {
  const toml::node& n = OptionsAccess::node(*this, key);
  if (n.is_integer()) return static_cast<long>(*n.value<int64_t>());
  fail(key, "expected an integer");
}
long Options::get_int(const std::string& key, long fallback) const {
  return has(key) ? get_int(key) : (used_.insert(key), fallback);
}
bool Options::get_bool(const std::string& key, bool fallback) const {
  if (!has(key)) return used_.insert(key), fallback;
  const toml::node& n = OptionsAccess::node(*this, key);
  if (n.is_boolean()) return *n.value<bool>();
  fail(key, "expected true or false");
}
std::string Options::get_string(const std::string& key) const {
  const toml::node& n = OptionsAccess::node(*this, key);
  if (n.is_string()) return *n.value<std::string>();
  fail(key, "expected a string");
}
std::string Options::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : (used_.insert(key), fallback);
}
std::vector<std::string> Options::get_strings(const std::string& key) const {
  const toml::node& n = OptionsAccess::node(*this, key);
  if (n.is_string()) return {*n.value<std::string>()};
  std::vector<std::string> out;
  if (auto arr = n.as_array()) {
    for (const auto& e : *arr) {
      if (!e.is_string()) fail(key, "expected a list of strings");
      out.push_back(*e.value<std::string>());
    }
    return out;
  }
  fail(key, "expected a string or a list of strings");
}
std::vector<double> Options::get_doubles(const std::string& key) const {
  const toml::node& n = OptionsAccess::node(*this, key);
  if (auto v = n.value<double>()) return {*v};
  std::vector<double> out;
  if (auto arr = n.as_array()) {
    for (const auto& e : *arr) {
      auto v = e.value<double>();
      if (!v) fail(key, "expected a list of numbers");
      out.push_back(*v);
    }
    return out;
  }
  fail(key, "expected a number or a list of numbers");
}
Options Options::get_table(const std::string& key) const {
  const toml::node& n = OptionsAccess::node(*this, key);
  if (auto t = n.as_table()) {
    auto sub = std::make_shared<Source>(*src_);
    sub->table = t;
    sub->where = src_->where + "." + key;
    return Options(sub);
  }
  fail(key, "expected a table");
}

void Options::finish() const {
  std::vector<std::string> known(used_.begin(), used_.end());
  for (const auto& [k, v] : *src_->table) {
    const std::string key(k.str());
    if (used_.count(key)) continue;
    std::string msg = "unknown key '" + key + "'";
    const std::string near = nearest_word(key, known);
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    else if (!known.empty()) {
      msg += "; valid keys:";
      for (const auto& k2 : known) msg += " " + k2;
    }
    fail(key, msg);
  }
}

bool Options::has_species() const { return has("species") || has("elements"); }

std::vector<std::string> Options::get_species() const {
  if (has("species") && has("elements"))
    fail("elements", "give species or elements (two names for the same list), not both");
  if (!has("species") && has("elements")) return get_strings("elements");
  return get_strings("species");
}

}  // namespace kprop
