// Progress of a long task: on a terminal one line redrawn in place (step,
// rate, time left); otherwise plain log lines at 10 % steps or every 30 s.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

namespace kprop {

class Progress {
 public:
  // `label` names the task; `unit` what is counted ("steps"). An `out` of
  // nullptr disables the display.
  Progress(std::ostream* out, std::string label, long total, std::string unit = "steps");
  ~Progress();
  // `done` units finished so far (of total; 0 when unknown), and an optional
  // short status ("3 of 5 running").
  void update(long done, const std::string& status = "");
  void finish(const std::string& status = "");

  // Whether standard error is a terminal (decides the style).
  static bool terminal();

 private:
  std::ostream* out_;
  std::string label_, unit_;
  long total_;
  bool tty_;
  bool open_line_ = false;
  int last_decile_ = 0;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace kprop
