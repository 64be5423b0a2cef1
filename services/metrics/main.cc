// goalpost-metrics: computes classification metrics for subpopulations of
// datasets stored by goalpost-datasets.
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "common/flags.h"
#include "common/logging.h"
#include "services/metrics/metrics_service.h"

ABSL_FLAG(std::string, datasets_address, "127.0.0.1:50051",
          "host:port of goalpost-datasets, which stores the rows to evaluate");
ABSL_FLAG(std::string, metrics_peers, "",
          "comma-separated host:port list of other goalpost-metrics replicas that large "
          "evaluations are split across; empty evaluates everything in this process");

int main(int argc, char** argv) {
  goalpost::metrics::MetricsServerOptions options;
  goalpost::LoggingOptions logging;
  goalpost::ParseServiceFlags(argc, argv, "metrics", 50053, &options.server, &logging);
  goalpost::InitLogging(logging);

  options.datasets_address = absl::GetFlag(FLAGS_datasets_address);
  for (absl::string_view peer :
       absl::StrSplit(absl::GetFlag(FLAGS_metrics_peers), ',', absl::SkipWhitespace())) {
    options.peers.emplace_back(peer);
  }

  const absl::Status status = goalpost::metrics::RunMetricsServer(options);
  if (!status.ok()) {
    spdlog::error("goalpost-metrics failed: {}", status.ToString());
    return 1;
  }
  return 0;
}
