#include "coordinator/group/group_state.h"

#include <array>
#include <cctype>

namespace gregor::group {

namespace {
constexpr std::array<std::string_view, 5> kNames = {"Empty", "PreparingRebalance", "CompletingRebalance",
                                                    "Stable", "Dead"};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}
}  // namespace

std::string_view state_name(GroupState s) { return kNames[static_cast<size_t>(s)]; }

std::optional<GroupState> parse_state(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (iequals(kNames[i], name)) return static_cast<GroupState>(i);
  }
  return std::nullopt;
}

bool can_transition(GroupState from, GroupState to) {
  using S = GroupState;
  switch (to) {
    case S::kEmpty: return from == S::kPreparingRebalance;
    case S::kPreparingRebalance:
      return from == S::kEmpty || from == S::kCompletingRebalance || from == S::kStable;
    case S::kCompletingRebalance: return from == S::kPreparingRebalance;
    case S::kStable: return from == S::kCompletingRebalance;
    case S::kDead: return true;
  }
  return false;
}

}  // namespace gregor::group
