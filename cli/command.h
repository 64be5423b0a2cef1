#ifndef GOALPOST_CLI_COMMAND_H_
#define GOALPOST_CLI_COMMAND_H_

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/context.h"

namespace goalpost::cli {

// One `goalpost` command, e.g. {"report", "show"}.
struct Command {
  std::vector<std::string> path;
  // Positional arguments and flags, for --help and usage errors.
  std::string usage;
  std::string summary;
  // Flags besides the global ones (--output and the service addresses).
  std::set<std::string> value_flags;
  std::set<std::string> boolean_flags;
  std::function<absl::Status(Context&)> run;
};

// The command groups, one file each.
std::vector<Command> ProjectCommands();
std::vector<Command> DatasetCommands();
std::vector<Command> ModelCommands();
std::vector<Command> CommitCommands();
std::vector<Command> GoalCommands();
std::vector<Command> RunCommands();
std::vector<Command> ReportCommands();
std::vector<Command> ExplainCommands();
std::vector<Command> MetricsCommands();
std::vector<Command> HealthCommands();

// Every command, in the order `goalpost --help` lists them.
std::vector<Command> AllCommands();

// Parses `argv` words (without the program name), runs the matching command
// and returns the process exit code: 0 on success, 2 for a usage error or a
// request the server rejected as invalid (INVALID_ARGUMENT, NOT_FOUND,
// ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE), 1 for anything else.
// Errors go to `err` as "error: CODE: message".
int RunCli(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);

// The exit code for a failed status, as RunCli documents it.
int ExitCodeFor(const absl::Status& status);

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_COMMAND_H_
