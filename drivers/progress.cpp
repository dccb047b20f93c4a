#include "drivers/progress.hpp"

#include <unistd.h>

#include <ostream>

#include <fmt/format.h>

namespace kprop {
namespace {

std::string duration(double s) {
  if (s < 90) return fmt::format("{:.0f} s", s);
  if (s < 5400) return fmt::format("{:.0f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

}  // namespace

bool Progress::terminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::ostream* out, std::string label, long total, std::string unit)
    : out_(out), label_(std::move(label)), unit_(std::move(unit)), total_(total), tty_(terminal()) {
  start_ = last_ = std::chrono::steady_clock::now();
}

Progress::~Progress() {
  if (open_line_ && out_) *out_ << "\n" << std::flush;
}

void Progress::update(long done, const std::string& status) {
  if (!out_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since_last = std::chrono::duration<double>(now - last_).count();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const int decile = total_ > 0 ? static_cast<int>(10 * done / total_) : 0;
  // Terminal: redraw at most 5 times a second. Log: at each new 10 % or 30 s.
  // Tasks shorter than a few seconds print nothing.
  if (elapsed < 3) return;
  if (tty_ ? since_last < 0.2 : (decile <= last_decile_ && since_last < 30)) return;
  last_ = now;
  last_decile_ = decile;
  const double rate = elapsed > 0 ? done / elapsed : 0;
  std::string line = fmt::format("{}: {} {}", label_, unit_ == "steps" ? "step" : unit_, done);
  if (total_ > 0) line += fmt::format("/{} ({:.0f}%)", total_, 100.0 * done / total_);
  if (rate > 0) line += fmt::format(", {:.4g} {}/s", rate, unit_);
  if (total_ > 0 && rate > 0 && done < total_) line += ", " + duration((total_ - done) / rate) + " left";
  if (!status.empty()) line += ", " + status;
  if (tty_) {
    *out_ << "\r\033[K" << line << std::flush;
    open_line_ = true;
  } else {
    *out_ << line << "\n" << std::flush;
  }
}

void Progress::finish(const std::string& status) {
  if (!out_) return;
  if (open_line_) *out_ << "\r\033[K" << std::flush;
  open_line_ = false;
  (void)status;
}

}  // namespace kprop
