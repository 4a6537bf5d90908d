#include "cli/offset_reset.h"

#include <charconv>
#include <ctime>

namespace gregor::cli {
namespace {

std::string name_of(const TopicPartitionKey& tp) { return tp.topic + "-" + std::to_string(tp.partition); }

// Parses exactly `digits` decimal digits at text[pos], advancing pos.
bool read_digits(std::string_view text, size_t& pos, size_t digits, int& out) {
  if (pos + digits > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < digits; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += digits;
  out = v;
  return true;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

Result<ResetOutcome> compute_reset_offset(const TopicPartitionKey& tp, const ResetSpec& spec,
                                          const PartitionPosition& position) {
  const int64_t earliest = position.watermarks.low;
  const int64_t latest = position.watermarks.high;
  int64_t wanted = 0;
  switch (spec.mode) {
    case ResetMode::kEarliest:
      wanted = earliest;
      break;
    case ResetMode::kLatest:
      wanted = latest;
      break;
    case ResetMode::kCurrent:
      wanted = position.committed.value_or(latest);
      break;
    case ResetMode::kToOffset:
      wanted = spec.value;
      break;
    case ResetMode::kShiftBy:
      if (!position.committed) {
        return make_error(
            0, "Cannot shift offset for partition " + name_of(tp) + " since there is no current committed offset");
      }
      wanted = *position.committed + spec.value;
      break;
    case ResetMode::kToDatetime:
      wanted = position.offset_for_time && *position.offset_for_time >= 0 ? *position.offset_for_time : latest;
      break;
  }
  ResetOutcome out{wanted, ""};
  if (wanted < earliest) {
    out.offset = earliest;
    out.warning = "New offset (" + std::to_string(wanted) + ") is lower than earliest offset for topic partition " +
                  name_of(tp) + ". Value will be set to " + std::to_string(earliest);
  } else if (wanted > latest) {
    out.offset = latest;
    out.warning = "New offset (" + std::to_string(wanted) + ") is higher than latest offset for topic partition " +
                  name_of(tp) + ". Value will be set to " + std::to_string(latest);
  }
  return out;
}

Result<int64_t> parse_reset_datetime(std::string_view text) {
  const auto bad = [&] {
    return make_error(0, "invalid datetime '" + std::string(text) +
                             "': expected YYYY-MM-DDTHH:mm:SS.sss, optionally followed by Z or +HH:MM");
  };
  std::tm tm{};
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') || !read_digits(text, pos, 2, month) ||
      !expect(text, pos, '-') || !read_digits(text, pos, 2, day) || !expect(text, pos, 'T') ||
      !read_digits(text, pos, 2, hour) || !expect(text, pos, ':') || !read_digits(text, pos, 2, minute)) {
    return bad();
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_digits(text, pos, 2, second)) return bad();
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      if (!read_digits(text, pos, 3, millis)) return bad();
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return bad();
  std::optional<int> zone_offset_s;  // East of UTC.
  if (pos < text.size()) {
    const char sign = text[pos++];
    if (sign == 'Z' && pos == text.size()) {
      zone_offset_s = 0;
    } else if (sign == '+' || sign == '-') {
      int zh = 0, zm = 0;
      if (!read_digits(text, pos, 2, zh)) return bad();
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (!read_digits(text, pos, 2, zm) || pos != text.size() || zh > 23 || zm > 59) return bad();
      zone_offset_s = (sign == '+' ? 1 : -1) * (zh * 3600 + zm * 60);
    } else {
      return bad();
    }
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  std::time_t secs = 0;
  if (zone_offset_s) {
    secs = timegm(&tm) - *zone_offset_s;
  } else {
    secs = std::mktime(&tm);
  }
  if (tm.tm_mday != day || tm.tm_mon != month - 1) return bad();  // E.g. February 30th rolled over.
  return static_cast<int64_t>(secs) * 1000 + millis;
}

Result<TopicSelection> parse_topic_selection(std::string_view text) {
  TopicSelection out;
  const size_t colon = text.find(':');
  out.topic = std::string(text.substr(0, colon));
  if (out.topic.empty()) return make_error(0, "invalid --topic '" + std::string(text) + "': no topic name");
  if (colon == std::string_view::npos) return out;
  std::string_view rest = text.substr(colon + 1);
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    int32_t p = -1;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), p);
    if (ec != std::errc() || end != item.data() + item.size() || p < 0) {
      return make_error(0, "invalid --topic '" + std::string(text) + "': partitions must be numbers, as in t:0,1,2");
    }
    out.partitions.push_back(p);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return out;
}

bool group_is_inactive(const std::string& state) { return state == "Empty" || state == "Dead"; }

std::string inactive_group_required(const std::string& group, const std::string& state) {
  return "Assignments can only be reset if the group '" + group + "' is inactive, but the current state is " + state +
         ".";
}

}  // namespace gregor::cli
