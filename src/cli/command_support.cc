#include "cli/command_support.h"

#include <iostream>
#include <sstream>

#include "base/clock.h"
#include "io/properties_file.h"

namespace gregor::cli {

Deadline::Deadline(int timeout_ms) : deadline_ms_(mono_ms() + timeout_ms) {}

int Deadline::remaining_ms() const {
  const int64_t left = deadline_ms_ - mono_ms();
  return left < 1 ? 1 : static_cast<int>(left);
}

bool Deadline::expired() const { return mono_ms() >= deadline_ms_; }

void print_error(std::ostream& err, std::string_view message) {
  std::ostringstream line;  // One write, so concurrent lines do not interleave mid-line.
  line << "gregor: " << message << '\n';
  err << line.str() << std::flush;
}

void print_error(std::string_view message) { print_error(std::cerr, message); }

Result<KeyValue> parse_key_value(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return make_error(0, "expected key=value, got '" + std::string(text) + "'");
  }
  return KeyValue{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

std::string check_key_value(const std::string& text) {
  auto kv = parse_key_value(text);
  return kv ? std::string() : kv.error().message;
}

Result<std::vector<KeyValue>> parse_key_values(const std::vector<std::string>& texts) {
  std::vector<KeyValue> out;
  out.reserve(texts.size());
  for (const auto& t : texts) {
    auto kv = parse_key_value(t);
    if (!kv) return kv.error();
    out.push_back(std::move(kv.value()));
  }
  return out;
}

Result<std::vector<KeyValue>> user_properties(const std::string& config_file, const std::vector<std::string>& props) {
  std::vector<KeyValue> out;
  if (!config_file.empty()) {
    auto file = io::read_properties_file(config_file);
    if (!file.ok()) return file.error();
    out.assign(file->begin(), file->end());
  }
  auto cli = parse_key_values(props);
  if (!cli) return cli.error();
  out.insert(out.end(), cli->begin(), cli->end());
  return out;
}

std::vector<std::string> split_bootstrap(const std::string& bootstrap) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= bootstrap.size()) {
    size_t comma = bootstrap.find(',', start);
    std::string item = bootstrap.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? bootstrap.size() + 1 : comma + 1;
    if (auto scheme = item.find("://"); scheme != std::string::npos) item = item.substr(scheme + 3);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(std::move(item));
  }
  return out;
}

}  // namespace gregor::cli
