#ifndef GOALPOST_SERVICES_METRICS_CLASS_SCORES_H_
#define GOALPOST_SERVICES_METRICS_CLASS_SCORES_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "goalpost/metrics/v1/metrics.pb.h"

namespace goalpost::metrics {

// Largest number of classes; labels are stored in 16 bits.
inline constexpr int kMaxClassCount = 1000;

// The probability of one class on every scored row, with the row's label,
// in arrival order. Exact ROC AUC needs every score, so this grows with the
// rows (10 bytes per row and class).
struct ClassScores {
  std::vector<double> scores;
  std::vector<uint16_t> labels;
};

// Mann-Whitney counts from which every ROC AUC variant follows. Ties count
// one half, which is the area under scikit-learn's roc_curve (trapezoids
// over distinct thresholds).
struct AucCounts {
  int class_count = 0;
  // Scored rows per label.
  std::vector<int64_t> label_counts;
  // twice_ovr_u[c]: twice the number of (row of class c, row of another
  // class) pairs where the class-c row has the higher probability of c, ties
  // counting one half.
  std::vector<int64_t> twice_ovr_u;
  // twice_pair_u[a * class_count + b]: the same over rows of classes a and
  // b, scored by the probability of a.
  std::vector<int64_t> twice_pair_u;
};

// Sorts each class's scores and counts the pairs. NOTE: the counts are
// int64, which holds them for fewer than 3e9 scored rows.
AucCounts ComputeAucCounts(const std::vector<ClassScores>& class_scores, int class_count);

// Writes one class's scores as distinct ascending scores with the rows of
// each label at each score (label_counts) and the rows of class `positive`
// and of other classes (positive_counts, negative_counts).
void WriteScoreCounts(const ClassScores& scores, int class_count, int positive,
                      goalpost::metrics::v1::ScoreCounts* out);

// Appends the rows described by a ScoreCounts message to `scores`.
// INVALID_ARGUMENT when its arrays do not fit together.
absl::Status AppendScoreCounts(const goalpost::metrics::v1::ScoreCounts& counts,
                               int class_count, ClassScores* scores);

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_CLASS_SCORES_H_
