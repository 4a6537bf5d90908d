// GroupState: the five states of a classic consumer group, Kafka's names for them, and the
// transitions Kafka allows (ClassicGroupState's valid previous states):
//   Empty              <- PreparingRebalance
//   PreparingRebalance <- Empty, CompletingRebalance, Stable
//   CompletingRebalance<- PreparingRebalance
//   Stable             <- CompletingRebalance
//   Dead               <- every state (Dead -> Dead included, as Kafka allows)
// Thread-safety: constants and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gregor::group {

enum class GroupState : int8_t { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };

// Kafka's display name: "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead".
std::string_view state_name(GroupState s);

// The state named `name`, compared case-insensitively (ListGroups' states filter); nullopt if
// no classic state has that name.
std::optional<GroupState> parse_state(std::string_view name);

// Whether Kafka permits moving from `from` to `to`.
bool can_transition(GroupState from, GroupState to);

}  // namespace gregor::group
