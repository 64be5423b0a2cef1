#include "services/metrics/class_scores.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace goalpost::metrics {
namespace {

using ::goalpost::metrics::v1::ScoreCounts;

struct Entry {
  uint64_t key;
  uint32_t label;
};

// Maps a double to an unsigned integer with the same order, so that scores
// sort as integers; -0.0 and 0.0 map to the same key.
uint64_t OrderedKey(double score) {
  if (score == 0.0) score = 0.0;
  uint64_t bits;
  std::memcpy(&bits, &score, sizeof(bits));
  return (bits & (uint64_t{1} << 63)) ? ~bits : bits | (uint64_t{1} << 63);
}

double ScoreOfKey(uint64_t key) {
  const uint64_t bits = (key & (uint64_t{1} << 63)) ? key & ~(uint64_t{1} << 63) : ~key;
  double score;
  std::memcpy(&score, &bits, sizeof(score));
  return score;
}

// LSD radix sort on 16-bit digits. Sorting dominates ROC AUC on millions of
// rows, and four linear passes beat a comparison sort there; a pass whose
// digit is the same for every key is skipped.
void RadixSort(std::vector<Entry>& entries) {
  if (entries.size() < 2048) {
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.key < b.key; });
    return;
  }

  std::vector<Entry> buffer(entries.size());
  std::vector<size_t> offsets(65536);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(offsets.begin(), offsets.end(), 0);
    for (const Entry& entry : entries) ++offsets[(entry.key >> shift) & 0xffff];
    if (offsets[(entries[0].key >> shift) & 0xffff] == entries.size()) continue;

    size_t total = 0;
    for (size_t& offset : offsets) {
      const size_t count = offset;
      offset = total;
      total += count;
    }
    for (const Entry& entry : entries) buffer[offsets[(entry.key >> shift) & 0xffff]++] = entry;
    entries.swap(buffer);
  }
}

std::vector<Entry> SortedEntries(const ClassScores& scores) {
  std::vector<Entry> entries(scores.scores.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i] = {OrderedKey(scores.scores[i]), scores.labels[i]};
  }
  RadixSort(entries);
  return entries;
}

// Walks the rows of class c sorted by the probability of c, one group of
// equal scores at a time, and adds the pairs each group forms with the rows
// below it.
void CountClassPairs(const ClassScores& scores, int c, AucCounts& counts) {
  const int class_count = counts.class_count;
  const std::vector<Entry> entries = SortedEntries(scores);
  std::vector<int64_t> below(class_count, 0);
  std::vector<int64_t> group(class_count, 0);
  std::vector<int> touched;
  int64_t below_negative = 0;

  size_t begin = 0;
  while (begin < entries.size()) {
    size_t end = begin;
    touched.clear();
    while (end < entries.size() && entries[end].key == entries[begin].key) {
      const uint32_t label = entries[end].label;
      if (group[label]++ == 0) touched.push_back(static_cast<int>(label));
      ++end;
    }

    const int64_t positive = group[c];
    const int64_t negative = static_cast<int64_t>(end - begin) - positive;
    if (positive > 0) {
      counts.twice_ovr_u[c] += positive * (2 * below_negative + negative);
      for (int b = 0; b < class_count; ++b) {
        if (b == c) continue;
        counts.twice_pair_u[c * class_count + b] += positive * (2 * below[b] + group[b]);
      }
    }

    below_negative += negative;
    for (int label : touched) {
      below[label] += group[label];
      group[label] = 0;
    }
    begin = end;
  }
}

}  // namespace

AucCounts ComputeAucCounts(const std::vector<ClassScores>& class_scores, int class_count) {
  AucCounts counts;
  counts.class_count = class_count;
  counts.label_counts.assign(class_count, 0);
  counts.twice_ovr_u.assign(class_count, 0);
  counts.twice_pair_u.assign(static_cast<size_t>(class_count) * class_count, 0);
  if (class_scores.empty()) return counts;

  for (uint16_t label : class_scores[0].labels) ++counts.label_counts[label];
  for (int c = 0; c < class_count; ++c) CountClassPairs(class_scores[c], c, counts);
  return counts;
}

void WriteScoreCounts(const ClassScores& scores, int class_count, int positive,
                      ScoreCounts* out) {
  out->Clear();
  const std::vector<Entry> entries = SortedEntries(scores);

  size_t begin = 0;
  while (begin < entries.size()) {
    out->add_scores(ScoreOfKey(entries[begin].key));
    const int base = out->label_counts_size();
    for (int k = 0; k < class_count; ++k) out->add_label_counts(0);

    size_t end = begin;
    while (end < entries.size() && entries[end].key == entries[begin].key) {
      out->set_label_counts(base + entries[end].label, out->label_counts(base + entries[end].label) + 1);
      ++end;
    }

    const int64_t positive_count = out->label_counts(base + positive);
    out->add_positive_counts(positive_count);
    out->add_negative_counts(static_cast<int64_t>(end - begin) - positive_count);
    begin = end;
  }
}

absl::Status AppendScoreCounts(const ScoreCounts& counts, int class_count,
                               ClassScores* scores) {
  if (counts.label_counts_size() != counts.scores_size() * class_count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "score_counts.label_counts has ", counts.label_counts_size(), " values; expected ",
        counts.scores_size(), " scores x ", class_count, " classes"));
  }

  for (int i = 0; i < counts.scores_size(); ++i) {
    for (int label = 0; label < class_count; ++label) {
      const int64_t rows = counts.label_counts(i * class_count + label);
      if (rows < 0) {
        return absl::InvalidArgumentError("score_counts.label_counts holds a negative count");
      }
      scores->scores.insert(scores->scores.end(), rows, counts.scores(i));
      scores->labels.insert(scores->labels.end(), rows, static_cast<uint16_t>(label));
    }
  }
  return absl::OkStatus();
}

}  // namespace goalpost::metrics
