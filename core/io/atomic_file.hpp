// Files that are never seen half-written.
#pragma once

#include <string>

namespace kprop {

// Writes `content` to a temporary file next to `path` (".NAME.tmp.PID") and
// renames it over `path`, so that a reader (or a rerun after a crash) never
// sees a partial file. Creates missing parent directories. InputError naming
// the path when writing fails.
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace kprop
