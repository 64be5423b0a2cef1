// goalpost health
#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/health_check.h"
#include "cli/printer.h"
#include "common/status.h"

namespace goalpost::cli {
namespace {

absl::Status ShowHealth(Context& context) {
  GOALPOST_RETURN_IF_ERROR(context.arguments().ExpectPositional({}));
  GOALPOST_ASSIGN_OR_RETURN(long long timeout, context.arguments().GetInteger("timeout", 3, 1, 600));
  const Addresses& addresses = context.addresses();
  std::vector<std::pair<std::string, std::string>> services = {
      {"datasets", addresses.datasets},   {"inference", addresses.inference},
      {"metrics", addresses.metrics},     {"explain", addresses.explain},
      {"orchestrator", addresses.orchestrator}};

  nlohmann::json list = nlohmann::json::array();
  Table table({"service", "address", "status"});
  int serving = 0;
  for (const auto& [service, address] : services) {
    absl::StatusOr<std::string> health =
        CheckHealth(context.Channel(address), static_cast<int>(timeout));
    std::string word = health.ok() ? *health : "UNREACHABLE";
    if (word == "SERVING") ++serving;
    nlohmann::json entry = {{"service", service}, {"address", address}, {"status", word}};
    if (!health.ok()) entry["error"] = std::string(health.status().message());
    list.push_back(entry);
    table.AddRow({service, address, word});
  }

  if (context.json()) {
    context.PrintJson({{"services", list}, {"serving", serving == 5}});
  } else {
    context.out() << table.Render();
  }
  if (serving == 5) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat(5 - serving, " of 5 services are not serving; start them with ./run up"));
}

}  // namespace

std::vector<Command> HealthCommands() {
  return {
      {{"health"},
       "[--timeout SECONDS]",
       "Checks the grpc.health.v1 status of the five services; exit 1 unless all are SERVING.",
       {"timeout"},
       {},
       ShowHealth},
  };
}

}  // namespace goalpost::cli
