#include "cli/dump_log.h"

#include <charconv>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/command_support.h"
#include "cli/dump_index.h"
#include "cli/dump_segment.h"

namespace gregor::cli {
namespace {

// The base offset in a segment file name ("00000000000000000042.log" -> 42).
std::optional<int64_t> base_offset_of(const std::filesystem::path& path) {
  const std::string stem = path.stem().string();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), value);
  if (ec != std::errc() || end != stem.data() + stem.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

CLI::App* define_dump_log(CLI::App& parent, DumpLogOptions& opts) {
  auto* app = parent.add_subcommand("dump-log", "Print the contents of .log, .index, .timeindex and .txnindex files");
  // Positional files and --files (kafka-dump-log style) end up in one list.
  auto append = [&files = opts.files](const std::vector<std::string>& more) {
    files.insert(files.end(), more.begin(), more.end());
  };
  auto* positional = app->add_option_function<std::vector<std::string>>("files", append, "Files to dump");
  auto* flag = app->add_option_function<std::vector<std::string>>("--files", append,
                                                                  "Comma-separated files to dump")
                   ->delimiter(',')
                   ->allow_extra_args(false);
  auto* group = app->add_option_group("input", "The files");
  group->add_option(positional);
  group->add_option(flag);
  group->require_option(1, 2);
  app->add_flag("--print-data-log", opts.print_data_log, "Print record keys and values (implies --deep-iteration)");
  app->add_flag("--deep-iteration", opts.deep_iteration, "Print every record, not only batches");
  app->add_flag("--skip-record-metadata", opts.skip_record_metadata, "Leave out per-record metadata");
  return app;
}

int run_dump_log(const DumpLogOptions& opts, std::ostream& out, std::ostream& err) {
  const SegmentDumpOptions segment_opts{opts.deep_iteration || opts.print_data_log, opts.print_data_log,
                                        opts.skip_record_metadata};
  int rc = kExitOk;
  std::vector<std::pair<std::string, std::vector<OffsetGap>>> gaps;
  for (const std::string& name : opts.files) {
    const std::filesystem::path path(name);
    const std::string suffix = path.extension().string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      print_error(err, name + (std::filesystem::exists(path, ec) ? " is not a regular file" : " does not exist"));
      rc = kExitFailure;
      continue;
    }
    out << "Dumping " << name << '\n';
    const std::optional<int64_t> base = base_offset_of(path);
    if (!base && (suffix == ".log" || suffix == ".index" || suffix == ".timeindex")) {
      print_error(err, "cannot read a base offset from the name of " + name + "; using 0");
    }
    Status status;
    if (suffix == ".log") {
      if (base) out << "Log starting offset: " << *base << '\n';
      auto result = dump_segment(path, segment_opts, out);
      if (!result) {
        status = result.error();
      } else if (!result->empty()) {
        gaps.emplace_back(std::filesystem::absolute(path).string(), std::move(result.value()));
      }
    } else if (suffix == ".index") {
      status = dump_offset_index(path, base.value_or(0), out);
    } else if (suffix == ".timeindex") {
      status = dump_time_index(path, base.value_or(0), out);
    } else if (suffix == ".txnindex") {
      status = dump_txn_index(path, out);
    } else {
      err << "Ignoring unknown file " << name << '\n';
    }
    if (!status) {
      print_error(err, status.error().message);
      rc = kExitFailure;
    }
  }
  for (const auto& [file, list] : gaps) {
    err << "Non-consecutive offsets in " << file << '\n';
    for (const OffsetGap& g : list) err << "  " << g.previous << " is followed by " << g.next << '\n';
  }
  out << std::flush;
  return rc;
}

int run_dump_log(const DumpLogOptions& opts) { return run_dump_log(opts, std::cout, std::cerr); }

}  // namespace gregor::cli
