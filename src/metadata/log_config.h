// Builds the storage::LogConfig a partition's Log obeys from its topic's overrides and the
// broker configuration (Kafka's topic-config / broker-synonym resolution).
#pragma once

#include "metadata/broker_config.h"
#include "storage/log_config.h"

namespace gregor::metadata {

storage::LogConfig make_log_config(const BrokerConfig& broker, const ConfigMap& topic_overrides);

}  // namespace gregor::metadata
