// The broker configuration keys Apache Kafka (3.x and 4.x) knows, as names only, so a Kafka
// server.properties can be started unchanged: a key Kafka knows that Gregor does not apply is
// reported with a warning, a key neither knows is an error with a "did you mean" suggestion.
// Thread-safety: immutable data.
#pragma once

#include <string>
#include <string_view>

namespace gregor::metadata {

// Whether Kafka accepts `name` as a broker key (including the listener.name.<l>.* family).
bool is_kafka_broker_key(std::string_view name);

// The known key (Gregor's or Kafka's) closest to `name` by edit distance, if it is close enough
// to be a likely typo; "" otherwise.
std::string suggest_broker_key(std::string_view name);

}  // namespace gregor::metadata
