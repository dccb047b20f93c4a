// n2p2's own predictor timed on one structure (bench/nnp_water.sh --n2p2):
// libnnp's Prediction, the calls nnp-predict makes (setup(),
// readStructureFromFile(), predict()), with predict() repeated.
//
//   nnp_predict_timing [repeats]     (in a folder holding input.nn,
//                                     scaling.data, weights.*.data, input.data)
//
// Every repeat reads the structure again (untimed: evaluateNNP keeps adding
// to a structure it has seen) and times predict(): the neighbor list, the
// symmetry functions, the networks, energy and forces. The neighbor list
// alone is timed on a fresh copy too, so that predict() - neighbor list is
// what one MD step that does not rebuild its list costs. Prints the atom
// count, the energy (Hartree, as n2p2 reports it) and the medians (s).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "Prediction.h"

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 10;
  nnp::Prediction p;
  p.log.writeToStdout = false;
  p.setup();
  using clock = std::chrono::steady_clock;
  const auto seconds = [](clock::time_point a) {
    return std::chrono::duration<double>(clock::now() - a).count();
  };
  std::vector<double> t, tn;
  for (int r = 0; r <= repeats; ++r) {  // r = 0: warm-up
    p.readStructureFromFile("input.data");
    auto a = clock::now();
    p.structure.calculateNeighborList(p.getMaxCutoffRadius());
    const double nl = seconds(a);
    p.readStructureFromFile("input.data");
    a = clock::now();
    p.predict();
    const double all = seconds(a);
    if (r > 0) {
      t.push_back(all);
      tn.push_back(nl);
    }
  }
  std::sort(t.begin(), t.end());
  std::sort(tn.begin(), tn.end());
  const double pred = t[t.size() / 2], nl = tn[tn.size() / 2];
  std::printf("atoms %zu energy %.10f predict %.6f neighbor_list %.6f without_list %.6f\n",
              p.structure.atoms.size(), p.structure.energy, pred, nl, pred - nl);
  return 0;
}
