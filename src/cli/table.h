// Table: rows of text cells under a header row, printed the way Kafka's tools print theirs:
// each column left-aligned and padded to its widest cell, one space between columns, no
// trailing spaces. Missing values are shown as "-". Pure formatting, no I/O.
// Thread-safety: plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gregor::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // REQUIRES: cells.size() is the number of headers.
  void add_row(std::vector<std::string> cells);
  size_t row_count() const { return rows_.size(); }

  // The header line, then one line per row in insertion order; every line ends in '\n'.
  std::string format() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// A table cell for an optional number: its decimal text, or "-".
std::string cell(std::optional<int64_t> value);
// A table cell for text that may be empty: the text, or "-".
std::string cell(const std::string& text);

}  // namespace gregor::cli
