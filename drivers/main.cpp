// kprop: materials properties from interatomic potentials, driven by TOML decks.
//
//   kprop run DECK [-o OUTDIR]   run every task of the deck
//   kprop check DECK             parse and validate; print structures and tasks
//   kprop list                   potential styles, task types, lattices
//   kprop plot OUTDIR            draw the figures of a result folder
//
// Exit status: 0 success, 1 a task failed, 2 bad input (deck, files, command
// line), with a one-line message on stderr. Kokkos options (--kokkos-threads=N,
// --kokkos-device-id=N, ...) may be given anywhere.
#include <Kokkos_Core.hpp>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <new>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "drivers/figures.hpp"
#include "drivers/parallel.hpp"

#if defined(KOKKOS_ENABLE_CUDA)
#include <cuda_runtime.h>
#elif defined(KOKKOS_ENABLE_HIP)
#include <hip/hip_runtime.h>
#endif

namespace {

int cli(int argc, char** argv) {
  CLI::App app{"kprop " + kprop::kprop_version() +
               ": materials properties from interatomic potentials, driven by TOML decks",
               "kprop"};
  app.set_version_flag("--version", "kprop " + kprop::kprop_version());
  app.require_subcommand(1);
  app.footer("Decks are documented in docs/decks.md. Kokkos options such as --kokkos-threads=N\n"
             "may be given anywhere on the command line.");

  std::string deck_path, outdir;
  bool quiet = false, rerun = false, no_figures = false;
  auto* run = app.add_subcommand("run", "Run every task of a deck");
  run->add_option("deck", deck_path, "The deck (TOML)")->required();
  run->add_option("-o,--output", outdir, "Output folder (default: DECKNAME_results)");
  run->add_flag("-q,--quiet", quiet, "No progress lines");
  run->add_flag("--rerun", rerun, "Run every task, also those whose results are up to date");
  run->add_flag("--no-figures", no_figures, "Do not draw the figures (PNG) of the tasks run");
  auto* plot = app.add_subcommand("plot", "Draw the figures (PNG) of a result folder");
  std::string plot_dir;
  std::vector<std::string> plot_tasks;
  plot->add_option("outdir", plot_dir, "A folder written by kprop run")->required();
  plot->add_option("--task", plot_tasks, "Only these tasks");
  auto* check = app.add_subcommand("check", "Parse and validate a deck; print its structures and tasks");
  check->add_option("deck", deck_path, "The deck (TOML)")->required();
  auto* list = app.add_subcommand("list", "List potential styles, task types and lattices");

  if (argc <= 1) {
    std::cout << app.help();
    return 2;
  }
  if (argv[1][0] != '-') {
    const std::string command = argv[1];
    bool known = false;
    for (const auto* sub : app.get_subcommands({})) known = known || sub->get_name() == command;
    if (!known) {
      std::cerr << "kprop: error: unknown command '" << command << "' (commands: run, check, list, plot; "
                << "kprop --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  try {
    if (*list) {
      kprop::list_available(std::cout);
      return 0;
    }
    if (*plot) {
      if (!std::filesystem::is_directory(plot_dir)) {
        std::cerr << "kprop: error: " << plot_dir << ": not a folder (give the -o folder of kprop run)\n";
        return 2;
      }
      const int rc = kprop::draw_figures(plot_dir, plot_tasks, std::cout, std::cerr);
      return rc == 0 ? 0 : 1;
    }
    const kprop::Deck deck = kprop::parse_deck(deck_path);
    if (*check) {
      if (kprop::parallel::rank() == 0) kprop::describe_deck(deck, std::cout);
      return 0;
    }
    kprop::RunOptions options;
    options.outdir = outdir;
    if (options.outdir.empty())
      options.outdir = std::filesystem::path(deck_path).stem().string() + "_results";
    options.quiet = quiet;
    options.rerun = rerun;
    options.figures = !no_figures;
    return kprop::run_deck(deck, options, std::cout, std::cerr);
  } catch (const kprop::InputError& e) {
    // Every rank reads the same deck: one message is enough.
    if (kprop::parallel::rank() == 0) std::cerr << "kprop: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "kprop: error: out of memory while reading the deck or its structures (a supercell "
                 "too large?)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "kprop: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Kokkos warns on every start when OMP_PROC_BIND is unset. libgomp read
  // its settings before main, so this only silences the warning: threads
  // stay unbound (libgomp's default) unless the user sets OMP_PROC_BIND.
  setenv("OMP_PROC_BIND", "false", /*overwrite=*/0);
  // Under mpirun every rank runs its share of the tasks (drivers/parallel.hpp).
  kprop::parallel::Session mpi(&argc, &argv);
  // Kokkos gets only the --kokkos-* arguments (it would also act on a bare
  // --help or --threads); the command line parser gets the rest.
  std::vector<char*> kokkos_args{argv[0]}, args{argv[0]};
  for (int i = 1; i < argc; ++i)
    (std::string(argv[i]).rfind("--kokkos-", 0) == 0 ? kokkos_args : args).push_back(argv[i]);
  // One GPU per rank: rank r on a node uses GPU r mod (GPUs on the node),
  // unless the user chose with --kokkos-device-id or --kokkos-num-devices.
  std::string device_arg;
#if defined(KOKKOS_ENABLE_CUDA) || defined(KOKKOS_ENABLE_HIP)
  bool chosen = false;
  for (char* a : kokkos_args)
    chosen = chosen || std::string(a).rfind("--kokkos-device", 0) == 0 ||
             std::string(a).rfind("--kokkos-num-devices", 0) == 0;
  int ngpus = 0;
#if defined(KOKKOS_ENABLE_CUDA)
  if (cudaGetDeviceCount(&ngpus) != cudaSuccess) ngpus = 0;
#else
  if (hipGetDeviceCount(&ngpus) != hipSuccess) ngpus = 0;
#endif
  if (!chosen && ngpus > 0) {
    device_arg = "--kokkos-device-id=" + std::to_string(kprop::parallel::local_rank() % ngpus);
    kokkos_args.push_back(device_arg.data());
  }
#endif
  int kokkos_argc = static_cast<int>(kokkos_args.size());
  kokkos_args.push_back(nullptr);
  Kokkos::ScopeGuard kokkos(kokkos_argc, kokkos_args.data());
  return cli(static_cast<int>(args.size()), args.data());
}
