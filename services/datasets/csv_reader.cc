#include "services/datasets/csv_reader.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/str_cat.h"

namespace goalpost::datasets {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// The scans below read every byte of uploads of gigabytes, so on x86-64
// they test 16 bytes at a time (SSE2 is part of the architecture) and fall
// back to a byte loop elsewhere and for the last bytes.

// Returns the index of the first byte at or after `from` that is one of the
// given characters, or bytes.size().
size_t FindAny(std::string_view bytes, size_t from, char a, char b, char c) {
  const char* data = bytes.data();
  const size_t size = bytes.size();
  size_t i = from;
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(a);
  const __m128i second = _mm_set1_epi8(b);
  const __m128i third = _mm_set1_epi8(c);
  for (; i + 16 <= size; i += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const __m128i found = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(block, first), _mm_cmpeq_epi8(block, second)),
        _mm_cmpeq_epi8(block, third));
    const int mask = _mm_movemask_epi8(found);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < size; ++i) {
    const char x = data[i];
    if (x == a || x == b || x == c) return i;
  }
  return size;
}

size_t FindQuoteOrLineFeed(std::string_view bytes, size_t from) {
  const char* data = bytes.data();
  const size_t size = bytes.size();
  size_t i = from;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i line_feed = _mm_set1_epi8('\n');
  for (; i + 16 <= size; i += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const int mask = _mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, line_feed)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < size; ++i) {
    if (data[i] == '"' || data[i] == '\n') return i;
  }
  return size;
}

}  // namespace

CsvReader::CsvReader(char delimiter) : delimiter_(delimiter) {}

absl::Status CsvReader::Feed(std::string_view bytes, const RecordCallback& on_record) {
  if (prefix_done_) return Consume(bytes, on_record);

  // The byte-order mark may itself be split across slices.
  while (!bytes.empty() && prefix_.size() < kByteOrderMark.size()) {
    prefix_.push_back(bytes.front());
    bytes.remove_prefix(1);
    if (prefix_.back() != kByteOrderMark[prefix_.size() - 1]) break;
  }
  const bool undecided = prefix_.size() < kByteOrderMark.size() &&
                         kByteOrderMark.substr(0, prefix_.size()) == prefix_;
  if (undecided) return absl::OkStatus();

  prefix_done_ = true;
  if (prefix_ != kByteOrderMark) {
    const std::string held = std::move(prefix_);
    absl::Status status = Consume(held, on_record);
    if (!status.ok()) return status;
  }
  prefix_.clear();
  return Consume(bytes, on_record);
}

absl::Status CsvReader::Finish(const RecordCallback& on_record) {
  if (!prefix_done_) {
    prefix_done_ = true;
    const std::string held = std::move(prefix_);
    absl::Status status = Consume(held, on_record);
    if (!status.ok()) return status;
  }

  switch (state_) {
    case State::kQuoted:
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", quote_line_, ": unterminated quote: the quoted field that opens on this "
          "line has no closing quote before the end of the file"));
    case State::kQuoteInQuoted:
      EndField(true);
      return EndRecord(on_record);
    case State::kUnquoted:
    case State::kFieldStart:
      EndField(false);
      return EndRecord(on_record);
    case State::kRecordStart:
    case State::kAfterCarriageReturn:
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

void CsvReader::EndField(bool quoted) {
  field_ends_.push_back(record_text_.size());
  field_quoted_.push_back(quoted);
}

absl::Status CsvReader::EndRecord(const RecordCallback& on_record) {
  record_.fields.clear();
  record_.quoted.clear();
  size_t begin = 0;
  for (size_t i = 0; i < field_ends_.size(); ++i) {
    record_.fields.emplace_back(record_text_.data() + begin, field_ends_[i] - begin);
    record_.quoted.push_back(field_quoted_[i]);
    begin = field_ends_[i];
  }
  record_.line = record_line_;
  ++record_count_;

  absl::Status status = on_record(record_);
  record_text_.clear();
  field_ends_.clear();
  field_quoted_.clear();
  return status;
}

// Makes one pass over the slice, and the state carries what is unfinished
// into the next slice. Runs of ordinary characters are appended in one step
// because this loop reads every byte of uploads of gigabytes.
absl::Status CsvReader::Consume(std::string_view bytes, const RecordCallback& on_record) {
  size_t i = 0;
  const size_t size = bytes.size();
  while (i < size) {
    const char c = bytes[i];
    switch (state_) {
      case State::kAfterCarriageReturn:
        state_ = State::kRecordStart;
        if (c == '\n') {
          ++i;
          break;
        }
        [[fallthrough]];
      case State::kRecordStart:
        if (c == '\n' || c == '\r') {
          // A blank line.
          ++line_;
          state_ = c == '\r' ? State::kAfterCarriageReturn : State::kRecordStart;
          ++i;
          break;
        }
        record_line_ = line_;
        state_ = State::kFieldStart;
        [[fallthrough]];
      case State::kFieldStart:
        if (c == '"') {
          quote_line_ = line_;
          state_ = State::kQuoted;
          ++i;
          break;
        }
        state_ = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted: {
        const size_t end = FindAny(bytes, i, delimiter_, '\n', '\r');
        record_text_.append(bytes.data() + i, end - i);
        i = end;
        if (i == size) break;
        const char stop = bytes[i];
        ++i;
        EndField(false);
        if (stop == delimiter_) {
          state_ = State::kFieldStart;
          break;
        }
        ++line_;
        state_ = stop == '\r' ? State::kAfterCarriageReturn : State::kRecordStart;
        absl::Status status = EndRecord(on_record);
        if (!status.ok()) return status;
        break;
      }
      case State::kQuoted: {
        const size_t end = FindQuoteOrLineFeed(bytes, i);
        record_text_.append(bytes.data() + i, end - i);
        i = end;
        if (i == size) break;
        if (bytes[i] == '\n') {
          record_text_.push_back('\n');
          ++line_;
        } else {
          state_ = State::kQuoteInQuoted;
        }
        ++i;
        break;
      }
      case State::kQuoteInQuoted:
        if (c == '"') {
          record_text_.push_back('"');
          state_ = State::kQuoted;
          ++i;
          break;
        }
        EndField(true);
        ++i;
        if (c == delimiter_) {
          state_ = State::kFieldStart;
          break;
        }
        if (c == '\n' || c == '\r') {
          ++line_;
          state_ = c == '\r' ? State::kAfterCarriageReturn : State::kRecordStart;
          absl::Status status = EndRecord(on_record);
          if (!status.ok()) return status;
          break;
        }
        return absl::InvalidArgumentError(absl::StrCat(
            "line ", line_, ": invalid character '", std::string(1, c),
            "' after a closing quote; a quoted field must be followed by the delimiter or a "
            "line end, and a quote inside it must be doubled"));
    }
  }
  return absl::OkStatus();
}

}  // namespace goalpost::datasets
