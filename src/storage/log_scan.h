// scan_log: reads a Log's batches in order, from its start to its end, through Log::read in
// 1 MiB chunks, calling fn with each whole batch. Coordinators use it to replay their
// partitions. A chunk that holds no whole batch is CORRUPT_MESSAGE; fn's error stops the scan.
// Thread-safety: on the Log's shard.
#pragma once

#include <functional>

#include "base/result.h"
#include "model/batch_iterator.h"
#include "storage/log.h"

namespace gregor::storage {

Status scan_log(const Log& log, const std::function<Status(const model::BatchRef&)>& fn);

}  // namespace gregor::storage
