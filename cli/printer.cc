#include "cli/printer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace goalpost::cli {
namespace {

// A cell is right-aligned when it reads as a number ("0.9498", "-3", "1e-5").
// "n/a" (undefined) and "-" (absent) stand in for numbers and align with them.
bool LooksNumeric(const std::string& cell) {
  if (cell == "n/a" || cell == "-") return true;
  if (cell.empty()) return false;
  char* end = nullptr;
  std::strtod(cell.c_str(), &end);
  return end != nullptr && *end == '\0';
}

std::string Pad(const std::string& cell, size_t width, bool right) {
  size_t used = DisplayWidth(cell);
  std::string padding(width > used ? width - used : 0, ' ');
  return right ? padding + cell : cell + padding;
}

std::string TrimRight(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string Bar(int64_t count, int64_t largest, int bar_width) {
  if (largest <= 0 || count <= 0) return "";
  // Any non-empty bin gets at least one mark, so small bins stay visible.
  int64_t length = std::max<int64_t>(1, std::llround(static_cast<double>(count) * bar_width /
                                                     static_cast<double>(largest)));
  return std::string(static_cast<size_t>(length), '#');
}

}  // namespace

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(std::max(cells.size(), headers_.size()));
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  size_t column_count = headers_.size();
  for (const auto& row : rows_) column_count = std::max(column_count, row.size());

  std::vector<size_t> widths(column_count, 0);
  std::vector<bool> right(column_count, !rows_.empty());
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = DisplayWidth(headers_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
      if (!row[c].empty() && !LooksNumeric(row[c])) right[c] = false;
    }
  }

  auto render_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < column_count; ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      if (c > 0) line += "  ";
      line += Pad(cell, widths[c], right[c]);
    }
    return TrimRight(line) + "\n";
  };

  std::string text = render_line(headers_);
  std::vector<std::string> rule;
  for (size_t width : widths) rule.push_back(std::string(width, '-'));
  text += render_line(rule);
  for (const auto& row : rows_) text += render_line(row);
  return text;
}

std::string RenderConfusionMatrix(const std::vector<std::string>& classes,
                                  const std::vector<int64_t>& counts) {
  size_t n = classes.size();
  if (n == 0 || counts.size() != n * n) {
    return absl::StrCat("(confusion matrix unavailable: ", counts.size(), " counts for ", n,
                        " classes)\n");
  }

  std::vector<std::string> headers = {"true \\ predicted"};
  headers.insert(headers.end(), classes.begin(), classes.end());
  Table grid(headers);
  for (size_t row = 0; row < n; ++row) {
    std::vector<std::string> cells = {classes[row]};
    for (size_t column = 0; column < n; ++column) {
      cells.push_back(absl::StrCat(counts[row * n + column]));
    }
    grid.AddRow(cells);
  }
  return grid.Render();
}

std::string RenderBarRows(double lower, double upper, const std::vector<int64_t>& counts,
                          int bar_width) {
  if (counts.empty()) return "(no bins)\n";
  int64_t largest = *std::max_element(counts.begin(), counts.end());
  double step = (upper - lower) / static_cast<double>(counts.size());
  int64_t widest_count = 0;
  for (int64_t count : counts) widest_count = std::max(widest_count, count);
  size_t count_width = absl::StrCat(widest_count).size();

  std::string text;
  for (size_t bin = 0; bin < counts.size(); ++bin) {
    double from = lower + step * static_cast<double>(bin);
    double to = bin + 1 == counts.size() ? upper : from + step;
    std::string bar = Bar(counts[bin], largest, bar_width);
    bar.resize(static_cast<size_t>(bar_width), ' ');
    text += absl::StrFormat("%.2f-%.2f |%s| %*d\n", from, to, bar, static_cast<int>(count_width),
                            counts[bin]);
  }
  return text;
}

std::string RenderLabelledBars(const std::vector<std::string>& labels,
                               const std::vector<int64_t>& counts, int bar_width) {
  size_t label_width = 0;
  for (const auto& label : labels) label_width = std::max(label_width, DisplayWidth(label));
  int64_t largest = counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end());
  size_t count_width = absl::StrCat(largest).size();

  std::string text;
  for (size_t i = 0; i < counts.size(); ++i) {
    std::string label = i < labels.size() ? labels[i] : absl::StrCat("#", i);
    std::string bar = Bar(counts[i], largest, bar_width);
    bar.resize(static_cast<size_t>(bar_width), ' ');
    text += absl::StrFormat("%s |%s| %*d\n", Pad(label, label_width, false), bar,
                            static_cast<int>(count_width), counts[i]);
  }
  return text;
}

std::string FormatMetric(double value) {
  if (std::isnan(value)) return "n/a";
  return absl::StrFormat("%.4f", value);
}

std::string PassMark(bool passed) { return passed ? "PASS" : "FAIL"; }

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (unsigned char byte : text) {
    if ((byte & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string Abbreviate(const std::string& text, size_t width) {
  std::string flat;
  flat.reserve(text.size());
  for (char c : text) flat += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (DisplayWidth(flat) <= width) return flat;

  // Cut at a code point boundary so the result stays valid UTF-8.
  size_t keep = width >= 3 ? width - 3 : 0;
  size_t points = 0;
  size_t byte = 0;
  for (; byte < flat.size(); ++byte) {
    if ((static_cast<unsigned char>(flat[byte]) & 0xC0) != 0x80) {
      if (points == keep) break;
      ++points;
    }
  }
  return flat.substr(0, byte) + "...";
}

}  // namespace goalpost::cli
