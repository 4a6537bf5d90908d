// Small helpers shared by the client-side subcommands: error reporting in the one format every
// command uses ("gregor: <message>" on stderr), k=v flag parsing, and the exit codes.
// Thread-safety: free functions; print_error may be called from any thread (one write per line).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace gregor::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // Kafka error, I/O error, incomplete run.

using KeyValue = std::pair<std::string, std::string>;

// The time left of a command's --timeout-ms budget, measured on the monotonic clock.
class Deadline {
 public:
  explicit Deadline(int timeout_ms);
  // Milliseconds left, at least 1, so librdkafka still gets a bounded wait after expiry.
  int remaining_ms() const;
  bool expired() const;

 private:
  int64_t deadline_ms_;
};

// Writes "gregor: <message>\n" to err (std::cerr by default).
void print_error(std::string_view message);
void print_error(std::ostream& err, std::string_view message);

// The entries of a comma-separated bootstrap list ("h1:p1, PLAINTEXT://h2:p2"): blanks and any
// "SCHEME://" prefix removed, empty entries dropped.
std::vector<std::string> split_bootstrap(const std::string& bootstrap);

// Parses "key=value". The key must be non-empty; the value may be empty or contain '='.
Result<KeyValue> parse_key_value(std::string_view text);

// A CLI11 check function: "" if text is key=value, else the reason it is not.
std::string check_key_value(const std::string& text);

// Parses every entry of a repeated k=v flag; the first malformed entry is the error.
Result<std::vector<KeyValue>> parse_key_values(const std::vector<std::string>& texts);

// The user's client properties: those of the --command-config file (Java properties syntax;
// the names are librdkafka's, which Kafka's common ones share), then --command-property
// values, which win.
Result<std::vector<KeyValue>> user_properties(const std::string& config_file, const std::vector<std::string>& props);


}  // namespace gregor::cli
