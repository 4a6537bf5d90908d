// How every command prints JSON: indented by two spaces, ending in '\n', with any invalid
// UTF-8 in a string (a binary key, say) replaced rather than thrown on. Include only in the
// formatting files that build JSON (nlohmann/json is heavy to compile).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace gregor::cli {

inline std::string dump_json(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace gregor::cli
