#ifndef GOALPOST_SERVICES_ORCHESTRATOR_REPORT_ROWS_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_REPORT_ROWS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "goalpost/datasets/v1/datasets.pb.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"
#include "services/orchestrator/peer_clients.h"

namespace goalpost::orchestrator {

// The source of a report's rows.
struct ReportRowSource {
  // "projects/{p}/datasets/{d}": the goal's target set.
  std::string dataset;
  // The prediction set the run evaluated, or "" for the dataset's own
  // prediction columns.
  std::string prediction_set;
  // Canonical filter text; empty selects every row.
  std::string subpopulation;
};

// The row analysis of a goal report. The metrics service returns metrics,
// not rows, so the subpopulation is evaluated here: the filter is compiled
// against the dataset's schema, the columns it needs are streamed with
// ReadColumns (LookupTokens resolves token conditions), and the
// rows of a page are fetched with GetRows.
class ReportRows {
 public:
  ReportRows(PeerClients& peers, RetryPolicy retry) : peers_(peers), retry_(retry) {}

  // One page of the subpopulation's rows, misclassified first, then by
  // ascending confidence (rows without probabilities last), then by row
  // index. FAILED_PRECONDITION when the dataset has neither a prediction
  // column nor a prediction set.
  absl::StatusOr<v1::ListReportRowsResponse> List(const ReportRowSource& source, int64_t offset,
                                                  int page_size);

 private:
  // A row of the subpopulation with what the ordering needs.
  struct SelectedRow {
    int64_t row_index;
    int32_t label;
    int32_t prediction;
    double confidence;
  };

  absl::StatusOr<goalpost::datasets::v1::Dataset> GetDataset(const std::string& name);
  absl::StatusOr<std::vector<SelectedRow>> SelectRows(
      const ReportRowSource& source, const goalpost::datasets::v1::Dataset& dataset);
  absl::StatusOr<std::vector<int64_t>> LookupTokens(const std::string& dataset,
                                                    const std::string& column,
                                                    const std::vector<std::string>& tokens,
                                                    bool match_all);
  absl::StatusOr<std::vector<goalpost::datasets::v1::Row>> GetRows(
      const ReportRowSource& source, const std::vector<SelectedRow>& rows);

  PeerClients& peers_;
  RetryPolicy retry_;
};

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_REPORT_ROWS_H_
