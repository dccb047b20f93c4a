// Hostile inputs: decks, structure files, potential files and batches that a
// new user (or a fuzzer) feeds kprop. Each case runs the kprop executable in
// a fresh folder under a time limit and asserts: no crash (no signal), no
// hang (the limit), the expected exit status (2: bad input, before anything
// runs; 1: a task failed with a message; 0: a correct result), and the words
// the message (or result file) must contain.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sstream>

#include "potentials/potential_file.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

namespace fs = std::filesystem;

const std::string kLj =
    "[potential]\nstyle = \"lj/cut\"\nspecies = [\"Ar\"]\nepsilon = 0.0104\nsigma = 3.4\ncutoff = 8.0\n";
const std::string kAr = "[[structure]]\nname = \"ar\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 5.26\ncubic = true\n";
const std::string kSp = "[[task]]\ntype = \"single-point\"\n";

std::string lj(const std::string& rest) { return kLj + rest; }
std::string xyz2(double d) {  // two argon atoms d Å apart in a 12 Å box
  return "2\nLattice=\"12 0 0 0 12 0 0 0 12\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nAr 1 1 1\nAr " +
         std::to_string(1 + d) + " 1 1\n";
}

struct Case {
  std::string name;
  std::vector<std::pair<std::string, std::string>> files;  // written into the case folder
  int rc;                                                  // expected exit status
  std::vector<std::string> words;                          // in stdout + stderr + result JSONs
  std::string args = "run --no-figures deck.toml -o out";
  bool needs_cu = false;                                   // Cu_mishin1.eam.alloy from lammps-data
  std::string limit;                                       // shell prefix, e.g. a memory limit
};

std::string mishin_path() {
  try {
    return resolve_potential_file("Cu_mishin1.eam.alloy");
  } catch (const std::exception&) {
    return "";
  }
}

// Cu_mishin1 with dr in the grid line shrunk so that Nr*dr ends short of the cutoff.
std::string truncated_setfl() {
  const std::string text = test::read_text(mishin_path());
  std::vector<std::string> lines;
  std::size_t p = 0;
  for (int k = 0; k < 5; ++k) {
    const std::size_t e = text.find('\n', p);
    lines.push_back(text.substr(p, e - p));
    p = e + 1;
  }
  std::istringstream grid(lines[4]);
  double nrho, drho, nr, dr, cut;
  grid >> nrho >> drho >> nr >> dr >> cut;
  lines[4] = fmt::format("{} {} {} {} {}", static_cast<long>(nrho), drho, static_cast<long>(nr), dr / 2, cut);
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out + text.substr(p);
}

std::vector<Case> cases() {
  const std::string md = "[[task]]\ntype = \"md\"\nstructures = [\"ar\"]\nsteps = 20\ntemperature = 30\n";
  const std::string relax = "[[task]]\ntype = \"relax\"\nstructures = [\"ar\"]\n";
  const std::string eos = "[[task]]\ntype = \"eos\"\nstructures = [\"ar\"]\n";
  std::vector<Case> v = {
      // --- silent garbage before: overlapping atoms, units ---------------------
      {"overlapping_atoms_in_file", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"two.xyz\"]\n" + kSp)}, {"two.xyz", xyz2(0.001)}}, 2, {"atoms 0 and 1", "0.001", "overlapping", "two.xyz"}},
      {"identical_atoms_in_file", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"two.xyz\"]\n" + kSp)}, {"two.xyz", xyz2(0.0)}}, 2, {"atoms 0 and 1", "overlapping"}},
      {"lattice_constant_in_nm", {{"deck.toml", lj("[[structure]]\nname = \"ar\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 0.526\n" + kSp)}}, 2, {"closer than 0.5", "lengths not in Å", "deck.toml:7"}},
      {"atoms_close_but_not_overlapping_give_absurd_energy", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"two.xyz\"]\n" + kSp)}, {"two.xyz", xyz2(0.6)}}, 1, {"physically absurd", "eV/atom"}},
      {"relax_pressure_in_bar", {{"deck.toml", lj(kAr + relax + "cell = \"hydrostatic\"\npressure = 10000.0\n")}}, 2, {"pressure", "1 bar = 1e-4 GPa", "deck.toml:"}},
      {"md_pressure_in_bar", {{"deck.toml", lj(kAr + md + "ensemble = \"npt\"\npressure = 1e5\n")}}, 2, {"1 bar = 1e-4 GPa"}},
      {"timestep_50_fs", {{"deck.toml", lj(kAr + md + "timestep = 50.0\n")}}, 2, {"timestep", "in fs"}},
      {"rattle_1e20", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"r\"\nfrom = \"ar\"\nrattle = 1e20\n" + kSp)}}, 2, {"rattle", "[0, 1] Å"}},
      {"md_blows_up", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"md\"\nstructures = [\"ar\"]\nsteps = 2000\nensemble = \"nve\"\ntemperature = 1e5\ntimestep = 20.0\nthermo_every = 10\n")}}, 1, {"blew up", "time step"}},
      // --- contradictions and keys that would be ignored -----------------------
      {"nve_with_thermostat", {{"deck.toml", lj(kAr + md + "ensemble = \"nve\"\nthermostat = \"langevin\"\n")}}, 2, {"no effect with ensemble = \"nve\""}},
      {"nve_with_thermostat_time", {{"deck.toml", lj(kAr + md + "ensemble = \"nve\"\nthermostat_time = 0.2\n")}}, 2, {"thermostat_time", "no effect"}},
      {"nvt_with_pressure", {{"deck.toml", lj(kAr + md + "pressure = 1.0\n")}}, 2, {"pressure has no effect", "npt"}},
      {"nvt_with_barostat", {{"deck.toml", lj(kAr + md + "barostat = \"full\"\n")}}, 2, {"barostat has no effect"}},
      {"nvt_with_bulk_modulus", {{"deck.toml", lj(kAr + md + "bulk_modulus = 3.0\n")}}, 2, {"bulk_modulus has no effect"}},
      {"relax_pressure_without_cell", {{"deck.toml", lj(kAr + relax + "pressure = 1.0\n")}}, 2, {"a target pressure needs cell"}},
      {"relax_stress_without_cell", {{"deck.toml", lj(kAr + relax + "stress = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]\n")}}, 2, {"a target stress needs cell"}},
      {"relax_pressure_and_stress", {{"deck.toml", lj(kAr + relax + "cell = \"full\"\npressure = 1.0\nstress = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]\n")}}, 2, {"either pressure or stress"}},
      {"md_stress_hydrostatic", {{"deck.toml", lj(kAr + md + "ensemble = \"npt\"\nstress = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]\n")}}, 2, {"needs barostat"}},
      {"eos_relax_keys_without_relax_atoms", {{"deck.toml", lj(kAr + eos + "fmax = 1e-4\n")}}, 2, {"fmax applies only with relax_atoms"}},
      {"equilibration_not_below_steps", {{"deck.toml", lj(kAr + md + "equilibration = 20\n")}}, 2, {"must be less than steps"}},
      {"nvt_without_temperature", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"md\"\nsteps = 10\n")}}, 2, {"temperature"}},
      // --- deck syntax and references -----------------------------------------
      {"empty_deck", {{"deck.toml", ""}}, 2, {"no [potential]"}},
      {"binary_garbage_deck", {{"deck.toml", std::string("\x01\x02\xff\xfe[[[", 7)}}, 2, {"deck.toml"}},
      {"deck_is_a_directory", {{"deck.toml/x", ""}}, 2, {"not a regular file"}},
      {"deck_missing", {}, 2, {"not found"}},
      {"unknown_top_level_key", {{"deck.toml", lj(kAr + kSp + "[potentials]\nx = 1\n")}}, 2, {"unknown top-level key"}},
      {"unknown_task_type", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"phonon\"\n")}}, 2, {"unknown task type"}},
      {"neb_structures_not_in_pairs", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"neb\"\nstructures = [\"ar\"]\n")}}, 1, {"in pairs", "initial, final"}},
      {"neb_supercell_in_pairs_mode", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"neb\"\nstructures = [\"ar\"]\nsupercell = [2, 2, 2]\n")}}, 2, {"supercell", "vacancy_hops"}},
      {"substitute_without_replace", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"substitute\"\nstructures = [\"ar\"]\nby = \"Kr\"\n")}}, 2, {"replace", "required"}},
      {"substitute_species_absent", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"substitute\"\nstructures = [\"ar\"]\nreplace = \"Kr\"\nby = \"Ar\"\n")}}, 1, {"no Kr atoms"}},
      {"hull_component_without_reference", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"hull\"\nstructures = [\"ar\"]\ncomponents = \"Ar Kr\"\n")}}, 1, {"no structure of pure Kr", "references.Kr"}},
      {"diffusion_without_temperatures", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"diffusion\"\nsteps = 1000\n")}}, 2, {"temperatures is required"}},
      {"diffusion_too_few_frames", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"diffusion\"\ntemperatures = [50]\nsteps = 100\nsample_every = 10\n")}}, 2, {"sample_every", "fewer than 20 frames"}},
      {"diffusion_pd_without_shells", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"diffusion\"\ntemperatures = [50]\nsteps = 1000\npd_species = \"Ar\"\n")}}, 2, {"pd_near", "pd_far"}},
      {"diffusion_fit_window_backwards", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"diffusion\"\ntemperatures = [50]\nsteps = 1000\nfit_window = [0.5, 0.1]\n")}}, 2, {"fit_window"}},
      {"thermal_expansion_negative_temperature", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"thermal-expansion\"\ntemperatures = [-10]\nsteps = 100\n")}}, 2, {"temperatures must all be > 0"}},
      {"step_supercell_not_integer", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"surface-diffusion\"\nmiller = [[1, 0, 0]]\nstep_supercell = [8.5, 4]\n")}}, 2, {"step_supercell"}},
      {"hull_similarity_above_one", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"hull\"\nstructures = [\"ar\"]\nsimilarity = 2.0\n")}}, 2, {"similarity"}},
      {"unknown_task_key", {{"deck.toml", lj(kAr + md + "temprature = 3\n")}}, 2, {"did you mean 'temperature'"}},
      {"task_with_unknown_structure", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"single-point\"\nstructures = [\"cu\"]\n")}}, 2, {"unknown structure 'cu'"}},
      {"structure_listed_twice", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"single-point\"\nstructures = [\"ar\", \"ar\"]\n")}}, 2, {"listed twice"}},
      {"duplicate_task_names", {{"deck.toml", lj(kAr + kSp + "name = \"x\"\n" + kSp + "name = \"x\"\n")}}, 2, {"duplicate task name"}},
      {"empty_sweep", {{"deck.toml", lj(kAr + md + "seed = []\n")}}, 2, {"empty list sweeps nothing"}},
      {"steps_negative", {{"deck.toml", lj(kAr + "[[task]]\ntype = \"md\"\nsteps = -5\ntemperature = 3\n")}}, 2, {"steps"}},
      {"thermo_every_zero", {{"deck.toml", lj(kAr + md + "thermo_every = 0\n")}}, 2, {"thermo_every"}},
      {"seed_too_large", {{"deck.toml", lj(kAr + md + "seed = 99999999999\n")}}, 2, {"seed"}},
      {"list_setting_of_any_length", {{"deck.toml", lj("[[structure]]\nname = \"ar\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 5.26\n[[task]]\ntype = \"elastic\"\nstrains = [0.002, 0.004, 0.006]\nrelax_atoms = false\n")}}, 0, {"\"strains\": [0.002, 0.004, 0.006]"}},
      {"list_setting_empty", {{"deck.toml", lj("[[structure]]\nname = \"ar\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 5.26\n[[task]]\ntype = \"elastic\"\nstrains = []\n")}}, 2, {"strains", "a list of one or more numbers"}},
      {"string_for_number", {{"deck.toml", lj(kAr + md + "timestep = \"1 fs\"\n")}}, 2, {"expected a number"}},
      // --- structures ----------------------------------------------------------
      {"strain_too_large", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"s\"\nfrom = \"ar\"\nstrain = [0.6, 0, 0, 0, 0, 0]\n" + kSp)}}, 2, {"strain"}},
      {"vacancy_out_of_range", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"v\"\nfrom = \"ar\"\nvacancy = 40\n" + kSp)}}, 2, {"atom index 40", "out of range"}},
      {"vacancy_removes_all", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"v\"\nfrom = \"ar\"\nvacancy = [0, 1, 2, 3]\n" + kSp)}}, 2, {"removing every atom"}},
      {"singular_supercell", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"s\"\nfrom = \"ar\"\nsupercell = [[1, 0, 0], [1, 0, 0], [0, 0, 1]]\n" + kSp)}}, 2, {"singular"}},
      {"repeat_zero", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"s\"\nfrom = \"ar\"\nrepeat = [0, 1, 1]\n" + kSp)}}, 2, {"positive integers"}},
      {"fixed_atom_out_of_range", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"s\"\nfrom = \"ar\"\nfixed_atoms = [99]\n" + kSp)}}, 2, {"atom index 99"}},
      {"free_directions_bad", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"s\"\nfrom = \"ar\"\nfree_directions = \"w\"\n" + kSp)}}, 2, {"some of x, y, z"}},
      {"species_not_in_potential", {{"deck.toml", lj("[[structure]]\nname = \"cu\"\nlattice = \"fcc\"\nspecies = [\"Cu\"]\na = 3.6\n" + kSp)}}, 2, {"species 'Cu' is not an element"}},
      {"not_an_element", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nlattice = \"fcc\"\nspecies = [\"Xx\"]\na = 3.6\n" + kSp)}}, 2, {"not a chemical element"}},
      {"structure_file_missing", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"nothere.xyz\"]\n" + kSp)}}, 2, {"not found", "nothere.xyz"}},
      {"structure_file_is_directory", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"d.xyz\"]\n" + kSp)}, {"d.xyz/x", ""}}, 2, {"d.xyz"}},
      {"extxyz_garbage", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"g.xyz\"]\n" + kSp)}, {"g.xyz", "hello world\nthis is not xyz\n"}}, 2, {"g.xyz:1"}},
      {"extxyz_too_few_atoms", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"g.xyz\"]\n" + kSp)}, {"g.xyz", "3\nLattice=\"9 0 0 0 9 0 0 0 9\" Properties=species:S:1:pos:R:3\nAr 0 0 0\n"}}, 2, {"g.xyz"}},
      {"extxyz_nan_position", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"g.xyz\"]\n" + kSp)}, {"g.xyz", "1\nLattice=\"9 0 0 0 9 0 0 0 9\" Properties=species:S:1:pos:R:3\nAr nan 0 0\n"}}, 2, {"g.xyz"}},
      {"extxyz_without_cell", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"g.xyz\"]\n" + kSp)}, {"g.xyz", "2\nProperties=species:S:1:pos:R:3\nAr 0 0 0\nAr 3.8 0 0\n"}}, 2, {"cell"}},
      {"poscar_garbage", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"POSCAR\"]\n" + kSp)}, {"POSCAR", "comment\nnot-a-number\n"}}, 2, {"POSCAR:2"}},
      {"lammps_data_without_species", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"s.lmp\"]\n" + kSp)}, {"s.lmp", "comment\n\n1 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms # atomic\n\n1 1 0 0 0\n"}}, 2, {"type_species"}},
      {"unknown_file_format", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"s.cif\"]\n" + kSp)}, {"s.cif", "data_x\n"}}, 2, {"format"}},
      {"n2p2_data_read", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"input.data\"]\n" + kSp)}, {"input.data", "begin\nlattice 10 0 0\nlattice 0 10 0\nlattice 0 0 10\natom 0 0 0 Ar 0 0 0 0 0\natom 3.8 0 0 Ar 0 0 0 0 0\nenergy -0.01\ncharge 0\nend\nbegin\nlattice 10 0 0\nlattice 0 10 0\nlattice 0 0 10\natom 0 0 0 Ar 0 0 0 0 0\natom 4.0 0 0 Ar 0 0 0 0 0\nenergy -0.009\ncharge 0\nend\n"}}, 0, {"\"nstructures\": 2", "input.data@1"}},
      {"n2p2_data_malformed", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"input.data\"]\n" + kSp)}, {"input.data", "begin\natom 0 0 0 Ar\nend\n"}}, 2, {"input.data:2"}},
      // --- potentials ----------------------------------------------------------
      {"potential_file_is_directory", {{"deck.toml", "[potential]\nstyle = \"eam/alloy\"\nfile = \"pot\"\nspecies = [\"Cu\"]\n" + kAr + kSp}, {"pot/x", ""}}, 2, {"is a directory"}},
      {"potential_file_is_device", {{"deck.toml", "[potential]\nstyle = \"eam/alloy\"\nfile = \"/dev/null\"\nspecies = [\"Cu\"]\n" + kAr + kSp}}, 2, {"is a device"}},
      {"potential_file_missing", {{"deck.toml", "[potential]\nstyle = \"eam/alloy\"\nfile = \"Nope.eam.alloy\"\nspecies = [\"Cu\"]\n" + kAr + kSp}}, 2, {"not found"}},
      {"setfl_tables_short_of_cutoff", {{"deck.toml", "[potential]\nstyle = \"eam/alloy\"\nfile = \"short.eam.alloy\"\nspecies = [\"Cu\"]\n[[structure]]\nname = \"cu\"\nlattice = \"fcc\"\nspecies = [\"Cu\"]\na = 3.615\n" + kSp}}, 2, {"short of the cutoff", "short.eam.alloy:5"}, "run --no-figures deck.toml -o out", true},
      {"potential_style_unknown", {{"deck.toml", "[potential]\nstyle = \"lj/cutt\"\n" + kAr + kSp}}, 2, {"did you mean 'lj/cut'"}},
      {"lj_negative_sigma", {{"deck.toml", "[potential]\nstyle = \"lj/cut\"\nspecies = [\"Ar\"]\nepsilon = 0.01\nsigma = -3.4\ncutoff = 8.0\n" + kAr + kSp}}, 2, {"sigma"}},
      {"species_and_elements_both", {{"deck.toml", "[potential]\nstyle = \"lj/cut\"\nspecies = [\"Ar\"]\nelements = [\"Ar\"]\nepsilon = 0.01\nsigma = 3.4\ncutoff = 8.0\n" + kAr + kSp}}, 2, {"not both"}},
      {"elements_accepted_for_lj", {{"deck.toml", "[potential]\nstyle = \"lj/cut\"\nelements = [\"Ar\"]\nepsilon = 0.0104\nsigma = 3.4\ncutoff = 8.0\n" + kAr + kSp}}, 0, {"\"status\": \"ok\""}},
      {"plugin_is_directory", {{"deck.toml", "[potential]\nstyle = \"x\"\nplugin = \"plug\"\n" + kAr + kSp}, {"plug/x", ""}}, 2, {"not a file"}},
      {"plugin_not_a_library", {{"deck.toml", "[potential]\nstyle = \"x\"\nplugin = \"p.so\"\n" + kAr + kSp}, {"p.so", "not an ELF file"}}, 2, {"cannot load potential plugin"}},
      {"plugin_relative_to_deck_run_from_its_folder", {{"deck.toml", "[potential]\nstyle = \"morse\"\nplugin = \"morse.so\"\nspecies = [\"Ar\"]\nD0 = 0.01\nalpha = 1.0\nr0 = 3.8\ncutoff = 8.0\n" + kAr + kSp}}, 0, {"\"status\": \"ok\""}},
      {"npt_barostat_far_off_warns", {{"deck.toml", lj("[[structure]]\nname = \"ar\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 5.5\ncubic = true\nrepeat = [2, 2, 2]\n[[task]]\ntype = \"md\"\nensemble = \"npt\"\ntemperature = 30\nsteps = 500\nthermo_every = 10\nbulk_modulus = 5000.0\n")}}, 0, {"misses the target", "\"equilibration\": 100", "\"blocks\": 10", "\"samples_per_block\": 4"}},
      // --- tasks that feed each other -----------------------------------------
      {"from_task_unknown", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"r\"\nfrom_task = \"relx\"\n" + relax + "name = \"relax\"\n")}}, 2, {"unknown task 'relx'", "did you mean 'relax'"}},
      {"from_task_cycle", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"r\"\nfrom_task = \"relax\"\n[[task]]\ntype = \"relax\"\nstructures = [\"r\"]\n")}}, 2, {"cycle"}},
      {"from_task_bad_output", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"r\"\nfrom_task = \"md\"\noutput = \"relaxed\"\n" + md)}}, 2, {"no output 'relaxed'", "mean-cell"}},
      {"producer_fails_consumer_skipped", {{"deck.toml", lj("[[structure]]\nname = \"ar\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 5.4\ncubic = true\nrattle = 0.1\n" + relax + "max_steps = 1\nfmax = 1e-6\n[[structure]]\nname = \"r\"\nfrom_task = \"relax\"\n[[task]]\ntype = \"single-point\"\nname = \"after\"\nstructures = [\"r\"]\n")}}, 1, {"\"status\": \"skipped\"", "not run: task 'relax'"}},
      // --- batches ---------------------------------------------------------------
      {"one_structure_of_a_batch_fails", {{"deck.toml", lj(kAr + "[[structure]]\nname = \"shaken\"\nfrom = \"ar\"\nrattle = 0.2\n[[task]]\ntype = \"relax\"\nstructures = [\"ar\", \"shaken\"]\nmax_steps = 2\nfmax = 1e-6\n")}}, 1, {"not converged: shaken"}},
      {"cell_too_thin_for_its_images", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"t.xyz\"]\n" + kSp)}, {"t.xyz", "1\nLattice=\"10 0 0 0 10 0 0 0 0.01\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nAr 0 0 0\n"}}, 2, {"t.xyz", "from its own periodic image", "too thin"}},
      {"cluster_in_huge_vacuum_box", {{"deck.toml", lj("[[structure]]\nname = \"x\"\nfiles = [\"c.xyz\"]\n" + kSp)}, {"c.xyz", "3\nLattice=\"10000 0 0 0 10000 0 0 0 10000\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nAr 0 0 0\nAr 3.8 0 0\nAr 0 3.8 0\n"}}, 0, {"\"status\": \"ok\""}},
      {"eos_minimum_outside_scan_recentred", {{"deck.toml", lj("[[structure]]\nname = \"ar\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 5.4\n" + eos + "volume_range = 0.03\n")}}, 0, {"\"recentered\": 1", "recentred"}},
      {"eos_far_from_equilibrium_fails", {{"deck.toml", lj("[[structure]]\nname = \"ar\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 9.0\n" + eos)}}, 1, {"recentred scans", "volume_range"}},
      {"stale_temporary_file_removed", {{"deck.toml", lj(kAr + kSp)}, {"out/.single-point.json.tmp.999999999", "half"}}, 0, {"\"status\": \"ok\""}},
      // Out of memory (a 500 MB address-space limit, one thread, MPI off so
      // that its mappings do not count): an 864,000-atom task (about 1 GB)
      // fails with a message; a 4,000,000-atom deck is refused while read.
      {"out_of_memory_in_a_task", {{"deck.toml", lj("[[structure]]\nname = \"big\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 5.26\ncubic = true\nrepeat = [60, 60, 60]\n" + kSp)}}, 1, {"out of memory while running the task"}, "run --no-figures deck.toml -o out", false, "ulimit -v 500000 && KPROP_MPI=0 "},
      {"out_of_memory_reading_the_deck", {{"deck.toml", lj("[[structure]]\nname = \"big\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 5.26\ncubic = true\nrepeat = [100, 100, 100]\n" + kSp)}}, 2, {"out of memory while reading the deck"}, "run --no-figures deck.toml -o out", false, "ulimit -v 500000 && KPROP_MPI=0 "},
      // --- the command line ------------------------------------------------------
      {"plot_not_a_folder", {}, 2, {"not a folder"}, "plot nothere"},
      {"run_without_deck", {}, 2, {"deck"}, "run"},
      {"unknown_subcommand", {}, 2, {"cook"}, "cook deck.toml"},
  };
  return v;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class Hostile : public ::testing::TestWithParam<Case> {};

TEST_P(Hostile, ClearErrorOrCorrectResultNeverACrash) {
  const Case& c = GetParam();
  if (c.needs_cu && mishin_path().empty()) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed";
  test::TempDir dir;
  for (const auto& [name, text] : c.files) {
    fs::create_directories(fs::path(dir / name).parent_path());
    std::ofstream(dir / name, std::ios::binary) << text;
  }
  if (c.name == "setfl_tables_short_of_cutoff") std::ofstream(dir / "short.eam.alloy") << truncated_setfl();
  if (c.name == "plugin_relative_to_deck_run_from_its_folder") fs::copy_file(KPROP_PLUGIN_MORSE, dir / "morse.so");
  const std::string cmd = "cd " + dir.path() + " && " + c.limit + "OMP_NUM_THREADS=1 timeout 120 " + KPROP_EXE + " " + c.args +
                          " > log 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << c.name << ": killed by a signal";
  const int rc = WEXITSTATUS(status);
  std::string text = test::read_text(dir / "log");
  std::error_code ec;
  if (fs::is_directory(dir / "out", ec))
    for (const auto& e : fs::directory_iterator(dir / "out"))
      if (e.path().extension() == ".json") text += test::read_text(e.path().string());
  EXPECT_NE(rc, 124) << c.name << ": timed out (a hang)";
  EXPECT_LT(rc, 128) << c.name << ": crashed\n" << text;
  EXPECT_EQ(rc, c.rc) << c.name << "\n" << text;
  for (const auto& w : c.words) EXPECT_NE(text.find(w), std::string::npos) << c.name << ": no '" << w << "' in\n" << text;
  if (c.name == "stale_temporary_file_removed") EXPECT_FALSE(fs::exists(dir / "out/.single-point.json.tmp.999999999"));
}

INSTANTIATE_TEST_SUITE_P(Inputs, Hostile, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

TEST(HostileSuite, HasAtLeastSixtyCases) { EXPECT_GE(cases().size(), 60u); }

}  // namespace
}  // namespace kprop
