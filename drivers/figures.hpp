// Figures: kprop's Python package (python/kprop, matplotlib) draws the PNGs
// of a result folder; the kprop command runs it after a deck (kprop run)
// and on request (kprop plot). docs/figures.md.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kprop {

// Where the package is: $KPROP_PYTHONPATH, <prefix>/share/kprop/python next
// to an installed kprop, or the source tree's python/; "" when none holds
// kprop/plot.py.
std::string figures_package_dir();

// Runs `python3 -m kprop.plot OUTDIR [--task T ...]` ($KPROP_PYTHON or
// /usr/bin/python3), its output lines to `log`. Returns its exit status, or
// -1 (with a line on `err`) when Python or the package cannot be found.
int draw_figures(const std::string& outdir, const std::vector<std::string>& tasks, std::ostream& log,
                 std::ostream& err);

}  // namespace kprop
