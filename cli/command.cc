#include "cli/command.h"

#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace goalpost::cli {
namespace {

// Flags every command takes.
const std::set<std::string>& GlobalValueFlags() {
  static const std::set<std::string> flags = {"output",    "orchestrator", "datasets",
                                              "inference", "metrics",      "explain"};
  return flags;
}

constexpr char kGlobalFlagsHelp[] =
    "Flags of every command:\n"
    "  --output text|json   text for people (default), json for programs\n"
    "  --orchestrator, --datasets, --inference, --metrics, --explain HOST:PORT\n"
    "      service addresses; default 127.0.0.1:50055, :50051, :50052, :50053,\n"
    "      :50054, or the environment variables GOALPOST_ORCHESTRATOR,\n"
    "      GOALPOST_DATASETS, GOALPOST_INFERENCE, GOALPOST_METRICS, GOALPOST_EXPLAIN\n";

std::string Usage(const Command& command) {
  return absl::StrCat("goalpost ", absl::StrJoin(command.path, " "), " ", command.usage);
}

void PrintHelp(const std::vector<Command>& commands, std::ostream& out) {
  out << "goalpost checks machine-learning models against performance goals.\n\nCommands:\n";
  for (const auto& command : commands) {
    out << "  " << Usage(command) << "\n      " << command.summary << "\n";
  }
  out << "\n" << kGlobalFlagsHelp;
}

// The command whose path is the longest prefix of `words`.
const Command* FindCommand(const std::vector<Command>& commands,
                           const std::vector<std::string>& words) {
  const Command* best = nullptr;
  for (const auto& command : commands) {
    if (command.path.size() > words.size()) continue;
    if (!std::equal(command.path.begin(), command.path.end(), words.begin())) continue;
    if (best == nullptr || command.path.size() > best->path.size()) best = &command;
  }
  return best;
}

}  // namespace

std::vector<Command> AllCommands() {
  std::vector<Command> all;
  for (auto group : {ProjectCommands, DatasetCommands, ModelCommands, CommitCommands,
                     GoalCommands, RunCommands, ReportCommands, ExplainCommands,
                     MetricsCommands, HealthCommands}) {
    std::vector<Command> commands = group();
    all.insert(all.end(), commands.begin(), commands.end());
  }
  return all;
}

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return 0;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 2;
    default:
      return 1;
  }
}

int RunCli(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  std::vector<Command> commands = AllCommands();
  if (words.empty() || words[0] == "--help" || words[0] == "help") {
    PrintHelp(commands, words.empty() ? err : out);
    return words.empty() ? 2 : 0;
  }

  const Command* command = FindCommand(commands, words);
  if (command == nullptr) {
    err << "error: INVALID_ARGUMENT: unknown command \"" << words[0]
        << "\"; run goalpost --help for the list\n";
    return 2;
  }
  std::vector<std::string> rest(words.begin() + static_cast<long>(command->path.size()),
                                words.end());
  if (std::find(rest.begin(), rest.end(), "--help") != rest.end()) {
    out << "usage: " << Usage(*command) << "\n" << command->summary << "\n\n" << kGlobalFlagsHelp;
    return 0;
  }

  std::set<std::string> value_flags = command->value_flags;
  value_flags.insert(GlobalValueFlags().begin(), GlobalValueFlags().end());
  absl::StatusOr<Arguments> arguments =
      Arguments::Parse(rest, value_flags, command->boolean_flags);
  absl::StatusOr<OutputFormat> format =
      arguments.ok() ? ParseOutputFormat(*arguments) : absl::StatusOr<OutputFormat>(arguments.status());
  absl::Status status = format.status();
  if (status.ok()) {
    Context context(*arguments, *format, ResolveAddresses(*arguments), out);
    status = command->run(context);
  }
  if (status.ok()) return 0;

  err << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message() << "\n";
  if (status.code() == absl::StatusCode::kInvalidArgument && !arguments.ok()) {
    err << "usage: " << Usage(*command) << "\n";
  }
  return ExitCodeFor(status);
}

}  // namespace goalpost::cli
