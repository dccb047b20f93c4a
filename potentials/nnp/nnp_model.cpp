#include "potentials/nnp/nnp_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/io/text_reader.hpp"
#include "potentials/options.hpp"

namespace kprop {
namespace {

// Keywords of input.nn that change a prediction (n2p2 Settings.cpp, "Required
// for prediction"), handled below.
const std::vector<std::string> kPredictionKeywords = {
    "number_of_elements", "elements", "atom_energy", "cutoff_type", "symfunction_short",
    "scale_symmetry_functions", "scale_min_short", "scale_max_short",
    "center_symmetry_functions", "scale_symmetry_functions_sigma", "global_hidden_layers_short",
    "global_nodes_short", "global_activation_short", "element_nodes_short", "normalize_nodes",
    "mean_energy", "conv_length", "conv_energy", "nnp_type", "nn_type", "nnp_generation"};

// Training-only keywords of n2p2 (Settings.cpp and later versions): read
// and ignored, as nnp-predict ignores them.
const std::vector<std::string> kTrainingKeywords = {
    "random_seed", "test_fraction", "epochs", "use_short_forces", "rmse_threshold",
    "rmse_threshold_energy", "rmse_threshold_force", "rmse_threshold_charge",
    "rmse_threshold_trials", "rmse_threshold_trials_energy", "rmse_threshold_trials_force",
    "rmse_threshold_trials_charge", "energy_fraction", "force_fraction", "charge_fraction",
    "use_old_weights_short", "use_old_weights_charge", "weights_min", "weights_max",
    "nguyen_widrow_weights_short", "precondition_weights", "main_error_metric",
    "write_trainpoints", "write_trainforces", "write_traincharges", "write_weights_epoch",
    "write_neuronstats", "write_trainlog", "repeated_energy_update", "updater_type",
    "parallel_mode", "jacobian_mode", "update_strategy", "selection_mode",
    "selection_mode_energy", "selection_mode_force", "selection_mode_charge",
    "task_batch_size_energy", "task_batch_size_force", "task_batch_size_charge",
    "gradient_type", "gradient_eta", "gradient_adam_eta", "gradient_adam_beta1",
    "gradient_adam_beta2", "gradient_adam_epsilon", "kalman_type", "kalman_epsilon",
    "kalman_eta", "kalman_etatau", "kalman_etamax", "kalman_q0", "kalman_qtau", "kalman_qmin",
    "kalman_lambda_short", "kalman_nue_short", "kalman_lambda_charge", "kalman_nue_charge",
    "memorize_symfunc_results", "force_weight", "short_energy_error_threshold",
    "short_force_error_threshold", "short_energy_fraction", "short_force_fraction",
    "normalize_data_set", "force_energy_ratio", "write_weights_charge", "write_weights_short"};

// RuNNer's own keywords: its files differ from n2p2's (cutoff numbering,
// weights layout), so they are refused rather than ignored.
const std::vector<std::string> kRunnerKeywords = {
    "runner_mode", "use_short_nn", "points_in_memory", "mix_all_points", "optmode_short_energy",
    "optmode_short_force", "short_energy_group", "short_force_group", "use_noisematrix",
    "bond_threshold", "random_number_type", "remove_atom_energies", "initialization_method",
    "nn_type_short", "calculate_forces", "calculate_stress"};

// Keywords of charge-aware (3G/4G) or otherwise unsupported n2p2 models.
const std::vector<std::string> kUnsupportedKeywords = {
    "symfunction_electrostatic", "global_hidden_layers_electrostatic",
    "global_nodes_electrostatic", "global_activation_electrostatic", "ewald_truncation_error_method",
    "ewald_prec", "screen_electrostatics", "four_pi_epsilon", "fixed_gausswidth",
    "kspace_solver", "element_activation_short", "element_hidden_layers_short",
    "use_electrostatics"};

struct SettingLine {
  std::string key;
  std::vector<std::string> args;
  long line = 0;
};

[[noreturn]] void fail_at(const std::string& path, long line, const std::string& what) {
  throw InputError(path, line, what);
}

double to_number(const std::string& path, long line, const std::string& token,
                 const std::string& what) {
  const char* begin = token.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (token.empty() || end != begin + token.size() || !std::isfinite(v))
    fail_at(path, line, "expected a number for " + what + ", found '" + token + "'");
  return v;
}

long to_integer(const std::string& path, long line, const std::string& token,
                const std::string& what) {
  const char* begin = token.c_str();
  char* end = nullptr;
  const long v = std::strtol(begin, &end, 10);
  if (token.empty() || end != begin + token.size())
    fail_at(path, line, "expected an integer for " + what + ", found '" + token + "'");
  return v;
}

NnpActivation parse_activation(const std::string& path, long line, const std::string& a) {
  static const std::map<std::string, NnpActivation> letters = {
      {"l", NnpActivation::Linear},      {"t", NnpActivation::Tanh},
      {"s", NnpActivation::Logistic},    {"p", NnpActivation::Softplus},
      {"r", NnpActivation::Relu},        {"g", NnpActivation::Gaussian},
      {"c", NnpActivation::Cos},         {"S", NnpActivation::RevLogistic},
      {"e", NnpActivation::Exp},         {"h", NnpActivation::Harmonic},
      {"ssp", NnpActivation::ShiftedSoftplus}};
  auto it = letters.find(a);
  if (it == letters.end())
    fail_at(path, line,
            "unknown activation function '" + a +
                "' (known: l t s p r g c S e h, and ssp for shifted softplus)");
  return it->second;
}

// n2p2's sort order of symmetry functions within an element (SymFncExpRad,
// SymFncExpAngn/w operator<): type, then (cutoff type and alpha, equal for
// all here) rc, eta, rs, [zeta, lambda], e1, [e2].
bool sf_less(const NnpSymmetryFunction& a, const NnpSymmetryFunction& b) {
  if (a.type != b.type) return a.type < b.type;
  if (a.type == 2)
    return std::tie(a.rc, a.eta, a.rs, a.e1) < std::tie(b.rc, b.eta, b.rs, b.e1);
  return std::tie(a.rc, a.eta, a.rs, a.zeta, a.lambda, a.e1, a.e2) <
         std::tie(b.rc, b.eta, b.rs, b.zeta, b.lambda, b.e1, b.e2);
}

}  // namespace

std::size_t NnpElement::num_connections() const {
  std::size_t n = 0;
  int prev = num_inputs();
  for (int h : hidden) {
    n += static_cast<std::size_t>(prev) * h + h;
    prev = h;
  }
  return n + prev + 1;
}

std::string NnpElement::architecture() const {
  std::string s = std::to_string(num_inputs());
  for (int h : hidden) s += "-" + std::to_string(h);
  return s + "-1";
}

int NnpModel::element_index(const std::string& symbol) const {
  for (std::size_t e = 0; e < elements.size(); ++e)
    if (elements[e].symbol == symbol) return static_cast<int>(e);
  return -1;
}

double NnpModel::max_cutoff() const {
  double rc = 0;
  for (const auto& el : elements)
    for (const auto& s : el.sf) rc = std::max(rc, s.rc);
  return rc;
}

std::vector<std::string> NnpModel::symbols() const {
  std::vector<std::string> out;
  for (const auto& e : elements) out.push_back(e.symbol);
  return out;
}

NnpModel read_input_nn(const std::string& path) {
  io::LineReader in(path);
  std::vector<SettingLine> lines;
  std::string raw;
  while (in.next(raw)) {
    // n2p2 Settings::parseLines: '#' and '!' start comments.
    const auto cut = raw.find_first_of("#!");
    if (cut != std::string::npos) raw.erase(cut);
    auto tok = io::split(raw);
    if (tok.empty()) continue;
    SettingLine l;
    l.key = tok[0];
    l.args.assign(tok.begin() + 1, tok.end());
    l.line = in.line_number();
    lines.push_back(std::move(l));
  }

  std::set<std::string> prediction(kPredictionKeywords.begin(), kPredictionKeywords.end());
  std::set<std::string> training(kTrainingKeywords.begin(), kTrainingKeywords.end());
  std::set<std::string> unsupported(kUnsupportedKeywords.begin(), kUnsupportedKeywords.end());
  std::map<std::string, const SettingLine*> single;
  std::vector<const SettingLine*> symfunctions, atom_energies, element_nodes;
  for (const auto& l : lines) {
    if (unsupported.count(l.key))
      fail_at(path, l.line,
              "keyword '" + l.key +
                  "' is not supported: kprop's nnp reads short-range 2G n2p2 potentials "
                  "with global architecture");
    if (training.count(l.key)) continue;
    if (std::find(kRunnerKeywords.begin(), kRunnerKeywords.end(), l.key) != kRunnerKeywords.end())
      fail_at(path, l.line,
              "'" + l.key + "' is a RuNNer keyword: kprop's nnp reads n2p2 files (RuNNer's "
              "cutoff numbering and weights layout differ)");
    if (!prediction.count(l.key)) {
      std::vector<std::string> known(prediction.begin(), prediction.end());
      known.insert(known.end(), training.begin(), training.end());
      const std::string near = nearest_word(l.key, known);
      fail_at(path, l.line,
              "unknown keyword '" + l.key + "'" +
                  (near.empty() ? std::string() : " (did you mean '" + near + "'?)"));
    }
    if (l.key == "symfunction_short") {
      symfunctions.push_back(&l);
    } else if (l.key == "atom_energy") {
      atom_energies.push_back(&l);
    } else if (l.key == "element_nodes_short") {
      element_nodes.push_back(&l);
    } else {
      std::string key = l.key == "nn_type" ? "nnp_type" : l.key;
      if (single.count(key))
        fail_at(path, l.line,
                "keyword '" + l.key + "' given twice (also on line " +
                    std::to_string(single[key]->line) + ")");
      single[key] = &l;
    }
  }
  auto require = [&](const std::string& key) -> const SettingLine& {
    auto it = single.find(key);
    if (it == single.end()) fail_at(path, 0, "required keyword '" + key + "' is missing");
    return *it->second;
  };
  auto need_args = [&](const SettingLine& l, std::size_t n) {
    if (l.args.size() < n)
      fail_at(path, l.line, "keyword '" + l.key + "' needs " + std::to_string(n) + " value(s)");
  };

  NnpModel m;
  m.input_nn = path;

  // Model type: only short-range networks (n2p2 nnp_type 0 or nnp_generation 2).
  for (const char* key : {"nnp_type", "nnp_generation"}) {
    if (!single.count(key)) continue;
    const auto& l = *single[key];
    need_args(l, 1);
    const long t = to_integer(path, l.line, l.args[0], key);
    const bool ok = std::string(key) == "nnp_generation" ? t == 2 : (t == 0 || t == 2);
    if (!ok)
      fail_at(path, l.line,
              std::string(key) + " " + l.args[0] +
                  ": only short-range (2G) neural network potentials are supported");
  }

  // Elements, ordered by atomic number (n2p2 ElementMap).
  {
    const auto& l = require("elements");
    need_args(l, 1);
    for (const auto& sym : l.args) {
      if (!is_element(sym)) fail_at(path, l.line, "'" + sym + "' is not a chemical element");
      NnpElement e;
      e.symbol = sym;
      e.z = atomic_number(sym);
      for (const auto& o : m.elements)
        if (o.z == e.z) fail_at(path, l.line, "element " + sym + " listed twice");
      m.elements.push_back(e);
    }
    std::sort(m.elements.begin(), m.elements.end(),
              [](const NnpElement& a, const NnpElement& b) { return a.z < b.z; });
    const auto& n = require("number_of_elements");
    need_args(n, 1);
    if (to_integer(path, n.line, n.args[0], "number_of_elements") !=
        static_cast<long>(m.elements.size()))
      fail_at(path, n.line,
              "number_of_elements " + n.args[0] + " does not match the " +
                  std::to_string(m.elements.size()) + " elements on line " +
                  std::to_string(l.line));
  }
  auto element_of = [&](const SettingLine& l, const std::string& sym) {
    const int e = m.element_index(sym);
    if (e < 0)
      fail_at(path, l.line,
              "element '" + sym + "' is not in the elements line of " + path);
    return e;
  };

  // Data-set normalization: all three keywords or none (n2p2 setupNormalization).
  {
    const int n = single.count("mean_energy") + single.count("conv_energy") +
                  single.count("conv_length");
    if (n != 0 && n != 3)
      fail_at(path, 0, "use all or none of mean_energy, conv_energy and conv_length");
    if (n == 3) {
      m.normalized = true;
      auto value = [&](const char* key) {
        const auto& l = *single[key];
        need_args(l, 1);
        return to_number(path, l.line, l.args[0], key);
      };
      m.mean_energy = value("mean_energy");
      m.conv_energy = value("conv_energy");
      m.conv_length = value("conv_length");
      if (m.conv_energy == 0 || m.conv_length <= 0)
        fail_at(path, single["conv_energy"]->line, "conv_energy and conv_length must be nonzero");
    }
  }

  for (const auto* l : atom_energies) {
    need_args(*l, 2);
    m.elements[element_of(*l, l->args[0])].atom_energy =
        to_number(path, l->line, l->args[1], "atom_energy");
  }

  // Cutoff function: cutoff_type <type> [alpha].
  {
    const auto& l = require("cutoff_type");
    need_args(l, 1);
    const long t = to_integer(path, l.line, l.args[0], "cutoff_type");
    if (t < 0 || t > 8)
      fail_at(path, l.line, "unknown cutoff_type " + l.args[0] + " (n2p2 types are 0 to 8)");
    m.cutoff_type = static_cast<NnpCutoff>(t);
    if (l.args.size() > 1) m.cutoff_alpha = to_number(path, l.line, l.args[1], "cutoff alpha");
    if (m.cutoff_alpha < 0 || m.cutoff_alpha >= 1)
      fail_at(path, l.line, "cutoff alpha must satisfy 0 <= alpha < 1");
  }

  // Scaling type, with n2p2's precedence (Mode::setupSymmetryFunctionScaling).
  {
    const bool scale = single.count("scale_symmetry_functions");
    const bool center = single.count("center_symmetry_functions");
    const bool sigma = single.count("scale_symmetry_functions_sigma");
    if (scale && !center) m.scaling = NnpScaling::Scale;
    else if (!scale && center) m.scaling = NnpScaling::Center;
    else if (scale && center) m.scaling = NnpScaling::ScaleCenter;
    else if (sigma) m.scaling = NnpScaling::ScaleSigma;
    else m.scaling = NnpScaling::None;
    if (single.count("scale_min_short")) {
      const auto& l = *single["scale_min_short"];
      need_args(l, 1);
      m.scale_min = to_number(path, l.line, l.args[0], "scale_min_short");
    }
    if (single.count("scale_max_short")) {
      const auto& l = *single["scale_max_short"];
      need_args(l, 1);
      m.scale_max = to_number(path, l.line, l.args[0], "scale_max_short");
    }
  }
  m.normalize_nodes = single.count("normalize_nodes") != 0;

  // Symmetry functions:
  //   ec 2 e1 eta rs rc
  //   ec 3|9 e1 e2 eta lambda zeta rc [rs]
  for (const auto* l : symfunctions) {
    const auto& a = l->args;
    if (a.size() < 2) fail_at(path, l->line, "symfunction_short needs an element and a type");
    const int ec = element_of(*l, a[0]);
    NnpSymmetryFunction s;
    s.line = l->line;
    s.type = static_cast<int>(to_integer(path, l->line, a[1], "symmetry function type"));
    if (s.type == 2) {
      if (a.size() != 6)
        fail_at(path, l->line, "radial symmetry function: expected 'ec 2 e1 eta rs rc'");
      s.e1 = element_of(*l, a[2]);
      s.eta = to_number(path, l->line, a[3], "eta");
      s.rs = to_number(path, l->line, a[4], "rs");
      s.rc = to_number(path, l->line, a[5], "rc");
    } else if (s.type == 3 || s.type == 9) {
      if (a.size() != 8 && a.size() != 9)
        fail_at(path, l->line,
                "angular symmetry function: expected 'ec " + a[1] +
                    " e1 e2 eta lambda zeta rc [rs]'");
      s.e1 = element_of(*l, a[2]);
      s.e2 = element_of(*l, a[3]);
      if (s.e1 > s.e2) std::swap(s.e1, s.e2);
      s.eta = to_number(path, l->line, a[4], "eta");
      s.lambda = to_number(path, l->line, a[5], "lambda");
      s.zeta = to_number(path, l->line, a[6], "zeta");
      s.rc = to_number(path, l->line, a[7], "rc");
      if (a.size() == 9) s.rs = to_number(path, l->line, a[8], "rs");
      if (s.zeta <= 0) fail_at(path, l->line, "zeta must be positive");
    } else {
      fail_at(path, l->line,
              "symmetry function type " + a[1] +
                  " is not supported (kprop's nnp has types 2, 3 and 9)");
    }
    if (s.rc <= 0) fail_at(path, l->line, "symmetry function cutoff rc must be positive");
    if (s.eta < 0) fail_at(path, l->line, "eta must not be negative");
    m.elements[ec].sf.push_back(s);
  }
  for (auto& e : m.elements) {
    if (e.sf.empty())
      fail_at(path, 0, "element " + e.symbol + " has no symmetry function (symfunction_short)");
    std::stable_sort(e.sf.begin(), e.sf.end(), sf_less);
  }

  // Architecture: global_hidden_layers_short, global_nodes_short,
  // global_activation_short (hidden layers, then the output layer, which n2p2
  // always makes linear), element_nodes_short <element> <layer> <nodes>.
  {
    const auto& lh = require("global_hidden_layers_short");
    need_args(lh, 1);
    const long nh = to_integer(path, lh.line, lh.args[0], "global_hidden_layers_short");
    if (nh < 1 || nh > 16)
      fail_at(path, lh.line, "global_hidden_layers_short must be between 1 and 16");
    const auto& ln = require("global_nodes_short");
    if (static_cast<long>(ln.args.size()) != nh)
      fail_at(path, ln.line,
              "global_nodes_short has " + std::to_string(ln.args.size()) + " values for " +
                  std::to_string(nh) + " hidden layers");
    const auto& la = require("global_activation_short");
    if (static_cast<long>(la.args.size()) != nh && static_cast<long>(la.args.size()) != nh + 1)
      fail_at(path, la.line,
              "global_activation_short needs one activation per hidden layer (plus one for "
              "the output layer): found " + std::to_string(la.args.size()) + " for " +
                  std::to_string(nh) + " hidden layers");
    for (auto& e : m.elements) {
      for (long k = 0; k < nh; ++k) {
        const long n = to_integer(path, ln.line, ln.args[k], "global_nodes_short");
        if (n < 1) fail_at(path, ln.line, "layer sizes must be positive");
        e.hidden.push_back(static_cast<int>(n));
        e.hidden_activation.push_back(parse_activation(path, la.line, la.args[k]));
      }
    }
    if (static_cast<long>(la.args.size()) == nh + 1)
      parse_activation(path, la.line, la.args[nh]);  // checked; n2p2 uses linear output
    for (const auto* l : element_nodes) {
      need_args(*l, 3);
      const int e = element_of(*l, l->args[0]);
      const long layer = to_integer(path, l->line, l->args[1], "layer");
      const long n = to_integer(path, l->line, l->args[2], "nodes");
      if (layer < 1 || layer > nh || n < 1)
        fail_at(path, l->line, "element_nodes_short: expected '<element> <hidden layer 1.." +
                                   std::to_string(nh) + "> <nodes>'");
      m.elements[e].hidden[layer - 1] = static_cast<int>(n);
    }
  }
  return m;
}

void read_scaling_data(NnpModel& model, const std::string& path) {
  io::LineReader in(path);
  std::string line;
  std::size_t e = 0, s = 0;
  for (auto& el : model.elements) el.stats.clear();
  while (e < model.elements.size() && model.elements[e].sf.empty()) ++e;
  while (in.next(line)) {
    if (io::is_blank(line) || line.find_first_not_of(" \t") == line.find('#')) continue;
    const auto tok = io::split(line);
    if (e >= model.elements.size())
      in.fail("more rows than the symmetry functions of " + model.input_nn);
    if (tok.size() < 5) in.fail("expected 'e_index sf_index min max mean [sigma]'");
    const long ei = in.to_long(tok[0], "element index");
    const long si = in.to_long(tok[1], "symmetry function index");
    if (ei != static_cast<long>(e) + 1 || si != static_cast<long>(s) + 1)
      in.fail(fmt::format("expected element {} ({}) symmetry function {}, found {} {}", e + 1,
                          model.elements[e].symbol, s + 1, ei, si));
    NnpStatistics st;
    st.min = in.to_double(tok[2], "min");
    st.max = in.to_double(tok[3], "max");
    st.mean = in.to_double(tok[4], "mean");
    st.sigma = tok.size() > 5 ? in.to_double(tok[5], "sigma") : 0.0;
    st.line = in.line_number();
    const bool minmax = model.scaling == NnpScaling::Scale ||
                        model.scaling == NnpScaling::ScaleCenter;
    if (minmax && st.max == st.min)
      in.fail("min equals max: the scaling (Smax - Smin)/(max - min) is undefined");
    if (model.scaling == NnpScaling::ScaleSigma && st.sigma == 0)
      in.fail("sigma is zero (or missing): scale_symmetry_functions_sigma is undefined");
    model.elements[e].stats.push_back(st);
    if (++s == model.elements[e].sf.size()) {
      s = 0;
      ++e;
    }
  }
  if (e < model.elements.size())
    in.fail_eof(fmt::format("statistics of symmetry function {} of element {} ({} in all)",
                            s + 1, model.elements[e].symbol, model.elements[e].sf.size()));
}

void nnp_scaling_coefficients(const NnpModel& m, int e, int s, double& factor, double& offset) {
  factor = 1;
  offset = 0;
  if (m.scaling == NnpScaling::None) return;
  const NnpStatistics& st = m.elements[e].stats.at(s);
  const double smin = m.scale_min, smax = m.scale_max;
  switch (m.scaling) {
    case NnpScaling::Scale:  // Smin + (Smax - Smin)(G - min)/(max - min)
      factor = (smax - smin) / (st.max - st.min);
      offset = smin - factor * st.min;
      break;
    case NnpScaling::Center:  // G - mean
      offset = -st.mean;
      break;
    case NnpScaling::ScaleCenter:  // Smin + (Smax - Smin)(G - mean)/(max - min)
      factor = (smax - smin) / (st.max - st.min);
      offset = smin - factor * st.mean;
      break;
    case NnpScaling::ScaleSigma:  // Smin + (Smax - Smin)(G - mean)/sigma
      factor = (smax - smin) / st.sigma;
      offset = smin - factor * st.mean;
      break;
    default: break;
  }
}

void read_nnp_weights(NnpModel& model, int e, const std::string& path) {
  NnpElement& el = model.elements.at(e);
  io::LineReader in(path);
  std::vector<double> values;
  std::vector<long> value_lines;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (in.next(line)) {
    const auto cut = line.find('#');
    if (cut != std::string::npos) line.erase(cut);
    auto tok = io::split(line);
    if (tok.empty()) continue;
    values.push_back(in.to_double(tok[0], "weight"));
    value_lines.push_back(in.line_number());
    rows.push_back(std::move(tok));
  }
  const std::size_t need = el.num_connections();
  if (values.size() != need)
    throw InputError(path, 0,
                     fmt::format("{} weights and biases, but the {} network of {} ({}) needs {}",
                                 values.size(), model.input_nn.empty() ? "n2p2" : model.input_nn,
                                 el.symbol, el.architecture(), need));
  // Layer by layer: weights with the input neuron as outer loop, then biases
  // (n2p2 NeuralNetwork::setConnections). The optional columns
  // "a|b index l_s n_s l_e n_e" are checked when present.
  el.layers.clear();
  std::size_t k = 0;
  int n_in = el.num_inputs();
  const int nl = static_cast<int>(el.hidden.size()) + 1;
  for (int l = 0; l < nl; ++l) {
    NnpLayer layer;
    layer.n_in = n_in;
    layer.n_out = l + 1 < nl ? el.hidden[l] : 1;
    layer.activation = l + 1 < nl ? el.hidden_activation[l] : NnpActivation::Linear;
    layer.w.assign(static_cast<std::size_t>(layer.n_in) * layer.n_out, 0.0);
    layer.b.assign(layer.n_out, 0.0);
    auto check = [&](char type, int ls, int ns, int le, int ne) {
      const auto& r = rows[k];
      if (r.size() < 2) return;
      auto bad = [&]() {
        throw InputError(path, value_lines[k],
                         type == 'a'
                             ? fmt::format("expected the weight from layer {} neuron {} to layer "
                                           "{} neuron {}",
                                           ls, ns, le, ne)
                             : fmt::format("expected the bias of layer {} neuron {}", ls, ns));
      };
      if (r[1] != std::string(1, type)) bad();
      const std::size_t cols = type == 'a' ? 7 : 5;
      if (r.size() >= cols) {
        try {
          if (std::stol(r[3]) != ls || std::stol(r[4]) != ns) bad();
          if (type == 'a' && (std::stol(r[5]) != le || std::stol(r[6]) != ne)) bad();
        } catch (const std::logic_error&) {
          bad();
        }
      }
    };
    for (int j = 0; j < layer.n_in; ++j)
      for (int o = 0; o < layer.n_out; ++o) {
        check('a', l, j + 1, l + 1, o + 1);
        layer.w[static_cast<std::size_t>(o) * layer.n_in + j] = values[k++];
      }
    for (int o = 0; o < layer.n_out; ++o) {
      check('b', l + 1, o + 1, 0, 0);
      layer.b[o] = values[k++];
    }
    el.layers.push_back(std::move(layer));
    n_in = el.layers.back().n_out;
  }
}

void write_nnp_weights(const NnpElement& el, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw InputError(path, 0, "cannot open file for writing");
  out << "# weights of " << el.symbol << " (" << el.architecture() << "), n2p2 layout\n";
  long count = 0;
  for (std::size_t l = 0; l < el.layers.size(); ++l) {
    const NnpLayer& L = el.layers[l];
    for (int j = 0; j < L.n_in; ++j)
      for (int o = 0; o < L.n_out; ++o)
        out << fmt::format("{:24.16E} a {:9d} {:5d} {:5d} {:5d} {:5d}\n",
                           L.w[static_cast<std::size_t>(o) * L.n_in + j], ++count, l, j + 1,
                           l + 1, o + 1);
    for (int o = 0; o < L.n_out; ++o)
      out << fmt::format("{:24.16E} b {:9d} {:5d} {:5d}\n", L.b[o], ++count, l + 1, o + 1);
  }
}

void read_nnp_transform(NnpModel& model, const std::string& path) {
  // Tokens with their line numbers; '#' starts a comment.
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, "cannot open file for reading");
  std::vector<std::pair<std::string, long>> tok;
  std::string line;
  long ln = 0;
  while (std::getline(in, line)) {
    ++ln;
    const auto cut = line.find('#');
    if (cut != std::string::npos) line.erase(cut);
    for (auto& t : io::split(line)) tok.emplace_back(t, ln);
  }
  std::size_t p = 0;
  auto fail = [&](const std::string& what) -> void {
    const long at = p < tok.size() ? tok[p].second : ln + 1;
    throw InputError(path, at, what);
  };
  auto word = [&](const std::string& what) {
    if (p >= tok.size()) fail("unexpected end of file, expected " + what);
    return tok[p++].first;
  };
  auto number = [&](const std::string& what) {
    const std::string t = word(what);
    return to_number(path, tok[p - 1].second, t, what);
  };
  auto integer = [&](const std::string& what) {
    const std::string t = word(what);
    return to_integer(path, tok[p - 1].second, t, what);
  };
  std::set<int> seen;
  while (p < tok.size()) {
    if (word("'element'") != "element") {
      --p;
      fail("expected 'element <symbol>', found '" + tok[p].first + "'");
    }
    const std::string sym = word("an element symbol");
    const int e = model.element_index(sym);
    if (e < 0) {
      --p;
      fail("element '" + sym + "' is not an element of " + model.input_nn);
    }
    if (!seen.insert(e).second) {
      --p;
      fail("element " + sym + " appears twice");
    }
    NnpElement& el = model.elements[e];
    if (word("'W'") != "W") {
      --p;
      fail("expected 'W <rows> <columns>' after element " + sym);
    }
    const long rows = integer("the number of rows of W");
    const long cols = integer("the number of columns of W");
    if (cols != static_cast<long>(el.sf.size()) || rows < 1) {
      --p;
      fail(fmt::format("W of {} must have {} columns (its symmetry functions) and at least one "
                       "row, found {} x {}",
                       sym, el.sf.size(), rows, cols));
    }
    NnpTransform t;
    t.W.resize(rows, cols);
    for (long r = 0; r < rows; ++r)
      for (long c = 0; c < cols; ++c) t.W(r, c) = number("an entry of W");
    for (const char* name : {"t_A", "t_S"}) {
      if (word(std::string("'") + name + "'") != name) {
        --p;
        fail(std::string("expected '") + name + "' and " + std::to_string(rows) + " numbers");
      }
      Eigen::VectorXd v(rows);
      for (long r = 0; r < rows; ++r) {
        v(r) = number(std::string("an entry of ") + name);
        if (std::string(name) == "t_S" && v(r) == 0) {
          --p;
          fail("t_S entries must be nonzero");
        }
      }
      (std::string(name) == "t_A" ? t.t_A : t.t_S) = v;
    }
    el.transform = std::move(t);
    el.has_transform = true;
  }
}

bool nnp_named_units(const std::string& name, double& length_unit, double& energy_unit) {
  // CODATA 2018.
  constexpr double bohr = 0.529177210903;       // Å
  constexpr double hartree = 27.211386245988;   // eV
  constexpr double kcal_mol = 4.184 / 96.48533212331;  // eV (4.184 kJ/mol over F/1000)
  if (name == "metal" || name == "ev-angstrom") {
    length_unit = 1, energy_unit = 1;
  } else if (name == "hartree-bohr") {
    length_unit = bohr, energy_unit = hartree;
  } else if (name == "ev-bohr") {
    length_unit = bohr, energy_unit = 1;
  } else if (name == "hartree-angstrom") {
    length_unit = 1, energy_unit = hartree;
  } else if (name == "rydberg-bohr") {
    length_unit = bohr, energy_unit = hartree / 2;
  } else if (name == "real" || name == "kcal/mol-angstrom") {
    length_unit = 1, energy_unit = kcal_mol;
  } else {
    return false;
  }
  return true;
}

}  // namespace kprop
