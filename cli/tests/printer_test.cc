#include "cli/printer.h"

#include <cmath>

#include <gtest/gtest.h>

namespace goalpost::cli {
namespace {

TEST(TableTest, AlignsTextLeftAndNumbersRight) {
  Table table({"metric", "validation"});
  table.AddRow({"accuracy", "0.9581"});
  table.AddRow({"f1[macro]", "n/a"});
  EXPECT_EQ(table.Render(),
            "metric     validation\n"
            "---------  ----------\n"
            "accuracy       0.9581\n"
            "f1[macro]         n/a\n");
}

TEST(TableTest, CountsCodePointsForWidth) {
  Table table({"word", "n"});
  table.AddRow({"größe", "1"});
  table.AddRow({"abcdef", "2"});
  std::string text = table.Render();
  EXPECT_NE(text.find("größe   1\n"), std::string::npos) << text;
}

TEST(ConfusionMatrixTest, RendersGridWithClassHeaders) {
  std::string grid = RenderConfusionMatrix({"ham", "spam"}, {1238, 7, 69, 500});
  EXPECT_EQ(grid,
            "true \\ predicted   ham  spam\n"
            "----------------  ----  ----\n"
            "ham               1238     7\n"
            "spam                69   500\n");
}

TEST(ConfusionMatrixTest, WrongCountSizeRendersNote) {
  std::string grid = RenderConfusionMatrix({"ham", "spam"}, {1, 2, 3});
  EXPECT_NE(grid.find("unavailable"), std::string::npos);
}

TEST(BarRowsTest, ScalesToLargestBin) {
  std::string bars = RenderBarRows(0.0, 1.0, {0, 5, 10, 1}, 10);
  EXPECT_EQ(bars,
            "0.00-0.25 |          |  0\n"
            "0.25-0.50 |#####     |  5\n"
            "0.50-0.75 |##########| 10\n"
            "0.75-1.00 |#         |  1\n");
}

TEST(BarRowsTest, EmptyHistogramSaysSo) { EXPECT_EQ(RenderBarRows(0, 1, {}), "(no bins)\n"); }

TEST(LabelledBarsTest, PadsLabels) {
  EXPECT_EQ(RenderLabelledBars({"ham", "spam"}, {4, 2}, 4), "ham  |####| 4\nspam |##  | 2\n");
}

TEST(FormatTest, MetricsAndMarks) {
  EXPECT_EQ(FormatMetric(0.9497937327382271), "0.9498");
  EXPECT_EQ(FormatMetric(std::nan("")), "n/a");
  EXPECT_EQ(PassMark(true), "PASS");
  EXPECT_EQ(PassMark(false), "FAIL");
}

TEST(AbbreviateTest, FlattensAndCutsAtCodePoints) {
  EXPECT_EQ(Abbreviate("a\nb", 10), "a b");
  EXPECT_EQ(Abbreviate("éééééééé", 5), "éé...");
  EXPECT_EQ(DisplayWidth("éé..."), 5u);
}

}  // namespace
}  // namespace goalpost::cli
