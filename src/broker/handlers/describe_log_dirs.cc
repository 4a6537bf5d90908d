// DescribeLogDirs (35): for each log dir, the partitions it holds (all, or the ones asked for)
// with their size on disk; from v4 the dir's total and usable bytes. A node without replicas
// of other nodes' partitions reports no future replicas and an offset lag of 0.
#include <sys/statvfs.h>

#include <filesystem>
#include <map>
#include <set>

#include "broker/broker.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {
struct Entry {
  std::string dir;
  std::string topic;
  int32_t partition;
  int64_t size;
};
}  // namespace

asio::awaitable<net::HandlerResult> describe_log_dirs(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeLogDirsRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  std::optional<std::set<std::pair<std::string, int32_t>>> wanted;
  if (req->topics) {
    wanted.emplace();
    for (const auto& t : *req->topics)
      for (int32_t p : t.partitions) wanted->insert({t.topic, p});
  }
  const auto* wp = wanted ? &*wanted : nullptr;
  std::vector<Entry> entries;
  for (size_t s = 0; s < broker.shards().size(); ++s) {
    auto got = co_await broker.shards().invoke_on(s, [&broker, wp] {
      std::vector<Entry> out;
      for (auto& [key, p] : broker.local().partitions) {
        if (wp && !wp->count(key)) continue;
        out.push_back(Entry{p->log->dir().parent_path().string(), key.first, key.second, int64_t(p->log->size_bytes())});
      }
      return out;
    });
    entries.insert(entries.end(), got.begin(), got.end());
  }
  // dir -> topic -> partitions
  std::map<std::string, std::map<std::string, std::vector<const Entry*>>> by_dir;
  for (const auto& d : broker.options().log_dirs) by_dir[std::filesystem::absolute(d).lexically_normal().string()];
  for (const auto& e : entries)
    by_dir[std::filesystem::absolute(e.dir).lexically_normal().string()][e.topic].push_back(&e);

  proto::DescribeLogDirsResponse resp;
  for (const auto& [dir, topics] : by_dir) {
    proto::DescribeLogDirsResponse::DescribeLogDirsResult r;
    r.log_dir = dir;
    struct statvfs sv {};
    if (::statvfs(dir.c_str(), &sv) == 0) {
      r.total_bytes = int64_t(sv.f_blocks) * int64_t(sv.f_frsize);
      r.usable_bytes = int64_t(sv.f_bavail) * int64_t(sv.f_frsize);
    } else {
      r.error_code = int16_t(ErrorCode::KAFKA_STORAGE_ERROR);
    }
    for (const auto& [topic, parts] : topics) {
      proto::DescribeLogDirsResponse::DescribeLogDirsTopic t;
      t.name = topic;
      for (const Entry* e : parts) {
        proto::DescribeLogDirsResponse::DescribeLogDirsPartition p;
        p.partition_index = e->partition;
        p.partition_size = e->size;
        p.offset_lag = 0;
        p.is_future_key = false;
        t.partitions.push_back(p);
      }
      r.topics.push_back(std::move(t));
    }
    resp.results.push_back(std::move(r));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
