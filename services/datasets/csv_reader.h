#ifndef GOALPOST_SERVICES_DATASETS_CSV_READER_H_
#define GOALPOST_SERVICES_DATASETS_CSV_READER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace goalpost::datasets {

// One record of a CSV file. The views point into the reader's buffer and are
// valid only during the callback.
struct CsvRecord {
  // Field values with quotes removed and doubled quotes undoubled.
  std::vector<std::string_view> fields;
  // For each field, true when it was written in quotes.
  std::vector<bool> quoted;
  // Physical line (1-based, the header is line 1) on which the record starts.
  int64_t line = 0;
};

// Reads CSV as RFC 4180 and pandas' to_csv write it: fields quoted or not,
// doubled quotes inside quoted fields, delimiters and line breaks inside
// quoted fields, LF, CRLF or CR line ends, an optional UTF-8 byte-order mark,
// and a final line end or none. Blank lines outside quotes are skipped, as
// pandas.read_csv does. A quote inside an unquoted field is kept as a
// character.
//
// Bytes arrive through Feed in slices that may end anywhere, inside a record,
// a quoted field, a CRLF pair or a multi-byte UTF-8 character; the reader
// keeps the unfinished record and emits each record once it is complete.
// The reader does not check UTF-8; callers validate field values.
class CsvReader {
 public:
  // Called once per record; a non-OK return stops the reader and is returned
  // from Feed or Finish.
  using RecordCallback = std::function<absl::Status(const CsvRecord&)>;

  // `delimiter` is one ASCII character other than a quote, CR or LF.
  explicit CsvReader(char delimiter = ',');

  // Consumes the next slice of the file. INVALID_ARGUMENT for a character
  // after a closing quote that is neither a delimiter nor a line end.
  absl::Status Feed(std::string_view bytes, const RecordCallback& on_record);

  // Ends the file and emits the last record when it had no final line end.
  // INVALID_ARGUMENT when the file ends inside a quoted field, naming the
  // line on which that field's quote opened.
  absl::Status Finish(const RecordCallback& on_record);

  // Records emitted so far.
  int64_t record_count() const { return record_count_; }

 private:
  enum class State {
    kRecordStart,   // Nothing of the current record read yet.
    kFieldStart,    // After a delimiter.
    kUnquoted,      // Inside an unquoted field.
    kQuoted,        // Inside a quoted field.
    kQuoteInQuoted, // A quote inside a quoted field: doubled or closing.
    kAfterCarriageReturn,  // A CR ended a record; an LF may follow.
  };

  absl::Status Consume(std::string_view bytes, const RecordCallback& on_record);
  void EndField(bool quoted);
  absl::Status EndRecord(const RecordCallback& on_record);

  char delimiter_;
  State state_ = State::kRecordStart;
  // Up to the first three bytes, held until it is known whether they are a
  // byte-order mark.
  std::string prefix_;
  bool prefix_done_ = false;

  int64_t line_ = 1;
  int64_t record_line_ = 1;
  int64_t quote_line_ = 1;
  int64_t record_count_ = 0;

  // Field values of the current record, back to back.
  std::string record_text_;
  std::vector<size_t> field_ends_;
  std::vector<bool> field_quoted_;
  CsvRecord record_;
};

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_CSV_READER_H_
