#include "services/datasets/csv_reader.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goalpost::datasets {
namespace {

using ::testing::HasSubstr;

struct ParsedRecord {
  std::vector<std::string> fields;
  std::vector<bool> quoted;
  int64_t line;

  bool operator==(const ParsedRecord& other) const {
    return fields == other.fields && line == other.line;
  }
};

std::ostream& operator<<(std::ostream& out, const ParsedRecord& record) {
  out << "line " << record.line << ":";
  for (const std::string& field : record.fields) out << " [" << field << "]";
  return out;
}

// Feeds `slices` in order and returns every record, or the first error.
absl::Status ReadSlices(const std::vector<std::string>& slices, std::vector<ParsedRecord>& records,
                        char delimiter = ',') {
  CsvReader reader(delimiter);
  auto collect = [&records](const CsvRecord& record) {
    ParsedRecord parsed;
    for (std::string_view field : record.fields) parsed.fields.emplace_back(field);
    parsed.quoted = record.quoted;
    parsed.line = record.line;
    records.push_back(std::move(parsed));
    return absl::OkStatus();
  };
  for (const std::string& slice : slices) {
    absl::Status status = reader.Feed(slice, collect);
    if (!status.ok()) return status;
  }
  return reader.Finish(collect);
}

struct ReaderCase {
  std::string name;
  std::string input;
  std::vector<ParsedRecord> expected;
};

class CsvReaderCaseTest : public ::testing::TestWithParam<ReaderCase> {};

TEST_P(CsvReaderCaseTest, ReadsRecords) {
  const ReaderCase& test_case = GetParam();
  std::vector<ParsedRecord> records;
  ASSERT_TRUE(ReadSlices({test_case.input}, records).ok());
  EXPECT_EQ(records, test_case.expected);
}

// Every slicing of the input into two pieces gives the same records as one
// slice, so a chunk may end at any byte.
TEST_P(CsvReaderCaseTest, SameRecordsForEverySplit) {
  const ReaderCase& test_case = GetParam();
  for (size_t split = 0; split <= test_case.input.size(); ++split) {
    SCOPED_TRACE("split at byte " + std::to_string(split));
    std::vector<ParsedRecord> records;
    ASSERT_TRUE(ReadSlices({test_case.input.substr(0, split), test_case.input.substr(split)},
                           records)
                    .ok());
    EXPECT_EQ(records, test_case.expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CsvReaderCaseTest,
    ::testing::Values(
        ReaderCase{"PlainLf", "a,b\n1,2\n", {{{"a", "b"}, {}, 1}, {{"1", "2"}, {}, 2}}},
        ReaderCase{"Crlf", "a,b\r\n1,2\r\n", {{{"a", "b"}, {}, 1}, {{"1", "2"}, {}, 2}}},
        ReaderCase{"BareCr", "a,b\r1,2\r", {{{"a", "b"}, {}, 1}, {{"1", "2"}, {}, 2}}},
        ReaderCase{"NoTrailingNewline", "a,b\n1,2", {{{"a", "b"}, {}, 1}, {{"1", "2"}, {}, 2}}},
        ReaderCase{"ByteOrderMark", "\xEF\xBB\xBF" "a,b\n1,2\n",
                   {{{"a", "b"}, {}, 1}, {{"1", "2"}, {}, 2}}},
        ReaderCase{"QuotedComma", "a,b\n\"x,y\",2\n", {{{"a", "b"}, {}, 1}, {{"x,y", "2"}, {}, 2}}},
        ReaderCase{"DoubledQuote", "a\n\"say \"\"hi\"\"\"\n", {{{"a"}, {}, 1}, {{"say \"hi\""}, {}, 2}}},
        ReaderCase{"NewlineInQuotes", "a,b\n\"x\ny\",2\n3,4\n",
                   {{{"a", "b"}, {}, 1}, {{"x\ny", "2"}, {}, 2}, {{"3", "4"}, {}, 4}}},
        ReaderCase{"CrlfInQuotes", "a,b\r\n\"x\r\ny\",2\r\n3,4\r\n",
                   {{{"a", "b"}, {}, 1}, {{"x\r\ny", "2"}, {}, 2}, {{"3", "4"}, {}, 4}}},
        ReaderCase{"EmptyFields", "a,b,c\n,,\n\"\",x,\n",
                   {{{"a", "b", "c"}, {}, 1}, {{"", "", ""}, {}, 2}, {{"", "x", ""}, {}, 3}}},
        ReaderCase{"BlankLinesSkipped", "a\n\n1\n\r\n2\n",
                   {{{"a"}, {}, 1}, {{"1"}, {}, 3}, {{"2"}, {}, 5}}},
        ReaderCase{"QuoteInsideUnquotedKept", "a\nx\"y\n", {{{"a"}, {}, 1}, {{"x\"y"}, {}, 2}}},
        ReaderCase{"MultiByteUtf8", "t\n\"caf\xC3\xA9 \xE6\x9D\xB1\"\n",
                   {{{"t"}, {}, 1}, {{"caf\xC3\xA9 \xE6\x9D\xB1"}, {}, 2}}},
        ReaderCase{"QuotedAtEndWithoutNewline", "a\n\"x\"", {{{"a"}, {}, 1}, {{"x"}, {}, 2}}},
        ReaderCase{"EmptyInput", "", {}},
        ReaderCase{"OnlyByteOrderMark", "\xEF\xBB\xBF", {}},
        ReaderCase{"PartialByteOrderMarkIsData", "\xEF\xBB" "a\n",
                   {{{"\xEF\xBB" "a"}, {}, 1}}}),
    [](const ::testing::TestParamInfo<ReaderCase>& info) { return info.param.name; });

TEST(CsvReaderTest, QuotedFlagMarksQuotedFields) {
  std::vector<ParsedRecord> records;
  ASSERT_TRUE(ReadSlices({"\"a\",b,\"\"\n"}, records).ok());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].quoted, (std::vector<bool>{true, false, true}));
}

TEST(CsvReaderTest, OtherDelimiter) {
  std::vector<ParsedRecord> records;
  ASSERT_TRUE(ReadSlices({"a;b\n\"x;y\";2,5\n"}, records, ';').ok());
  EXPECT_EQ(records, (std::vector<ParsedRecord>{{{"a", "b"}, {}, 1}, {{"x;y", "2,5"}, {}, 2}}));
}

TEST(CsvReaderTest, UnterminatedQuoteNamesOpeningLine) {
  std::vector<ParsedRecord> records;
  absl::Status status = ReadSlices({"a,b\n1,2\n3,\"open\nmore\nlines"}, records);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 3"));
  EXPECT_THAT(status.message(), HasSubstr("unterminated quote"));
}

TEST(CsvReaderTest, CharacterAfterClosingQuoteRejected) {
  std::vector<ParsedRecord> records;
  absl::Status status = ReadSlices({"a\n\"x\"y\n"}, records);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 2"));
}

TEST(CsvReaderTest, CallbackErrorStopsReading) {
  CsvReader reader;
  int calls = 0;
  absl::Status status = reader.Feed("a\nb\nc\n", [&calls](const CsvRecord&) {
    ++calls;
    return absl::InvalidArgumentError("stop");
  });
  EXPECT_EQ(status.message(), "stop");
  EXPECT_EQ(calls, 1);
}

// A small file in pandas' style, fed one byte at a time and split into three
// slices at every pair of positions, always gives the same records.
TEST(CsvReaderTest, EveryByteBoundaryOfSmallFile) {
  const std::string file =
      "\xEF\xBB\xBF\"id\",\"text\",\"label\",\"p\"\r\n"
      "\"r1\",\"Hello, \"\"world\"\"\",\"spam\",0.25\r\n"
      "\"r2\",\"two\r\nlines \xC3\xA9\xE6\x9D\xB1\",\"ham\",1e-3\r\n"
      "\"r3\",,\"ham\",\r\n"
      "\"r4\",\"\xF0\x9F\x98\x80\",\"spam\",1";
  std::vector<ParsedRecord> whole;
  ASSERT_TRUE(ReadSlices({file}, whole).ok());
  ASSERT_EQ(whole.size(), 5u);
  EXPECT_EQ(whole[2].fields[1], "two\r\nlines \xC3\xA9\xE6\x9D\xB1");
  EXPECT_EQ(whole[3].line, 5);
  EXPECT_EQ(whole[4].line, 6);

  std::vector<std::string> bytes;
  for (char c : file) bytes.emplace_back(1, c);
  std::vector<ParsedRecord> one_at_a_time;
  ASSERT_TRUE(ReadSlices(bytes, one_at_a_time).ok());
  EXPECT_EQ(one_at_a_time, whole);

  for (size_t first = 0; first <= file.size(); ++first) {
    for (size_t second = first; second <= file.size(); ++second) {
      std::vector<ParsedRecord> records;
      ASSERT_TRUE(ReadSlices({file.substr(0, first), file.substr(first, second - first),
                              file.substr(second)},
                             records)
                      .ok());
      ASSERT_EQ(records, whole) << "split at bytes " << first << " and " << second;
    }
  }
}

// Fields longer than the 16 bytes the scans test at a time, with the byte
// that ends a run (quote, line feed, delimiter, CR) at every position.
TEST(CsvReaderTest, SpecialByteInLongFields) {
  for (size_t position = 0; position < 40; ++position) {
    const std::string before(position, 'a');
    const std::string after(40 - position, 'b');
    const std::string file = "x,y\n\"" + before + "\"\"" + after + "\",u\n\"" + before + "\n" +
                             after + "\"," + before + "\r" + "\"" + before + "," + after +
                             "\"," + before + "," + after + "\n";
    std::vector<ParsedRecord> records;
    ASSERT_TRUE(ReadSlices({file}, records).ok()) << "position " << position;
    ASSERT_EQ(records.size(), 4u) << "position " << position;
    EXPECT_EQ(records[1].fields, (std::vector<std::string>{before + "\"" + after, "u"}));
    EXPECT_EQ(records[1].line, 2);
    EXPECT_EQ(records[2].fields, (std::vector<std::string>{before + "\n" + after, before}));
    EXPECT_EQ(records[2].line, 3);
    EXPECT_EQ(records[3].fields, (std::vector<std::string>{before + "," + after, before, after}));
    EXPECT_EQ(records[3].line, 5);
  }
}

}  // namespace
}  // namespace goalpost::datasets
