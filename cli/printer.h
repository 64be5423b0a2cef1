#ifndef GOALPOST_CLI_PRINTER_H_
#define GOALPOST_CLI_PRINTER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace goalpost::cli {

// A text table for people: a header row, a rule and columns padded to their
// widest cell. A column whose cells all look like numbers (or are "n/a" or
// "-") is right-aligned, any other column left-aligned. Widths count UTF-8
// code points, not bytes.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // A row with fewer cells than headers is padded with empty cells.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }

  // Every line ends with "\n"; no trailing spaces.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// A confusion matrix as a grid: rows are true classes, columns predicted
// classes, `counts` row-major classes x classes. A count vector of the wrong
// size renders as a one-line note instead of a grid.
std::string RenderConfusionMatrix(const std::vector<std::string>& classes,
                                  const std::vector<int64_t>& counts);

// A histogram as one bar row per bin: the bin's range, a bar of '#' scaled
// so the largest bin is `bar_width` characters, and the count. Bins split
// [lower, upper] evenly.
std::string RenderBarRows(double lower, double upper, const std::vector<int64_t>& counts,
                          int bar_width = 40);

// Labelled bar rows, e.g. the rows per class of a label distribution.
std::string RenderLabelledBars(const std::vector<std::string>& labels,
                               const std::vector<int64_t>& counts, int bar_width = 40);

// A metric value for people: 4 decimals, "n/a" for NaN.
std::string FormatMetric(double value);

// "PASS" or "FAIL" as the text output marks thresholds.
std::string PassMark(bool passed);

// Number of UTF-8 code points in `text`.
size_t DisplayWidth(const std::string& text);

// Cuts `text` to at most `width` code points, ending in "..." when cut, and
// replaces line breaks and tabs with spaces so a cell stays on one line.
std::string Abbreviate(const std::string& text, size_t width);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_PRINTER_H_
