#include "cli/arguments.h"

#include <gtest/gtest.h>

#include "cli/command.h"
#include "cli/resource_names.h"

namespace goalpost::cli {
namespace {

TEST(ArgumentsTest, ParsesPositionalValueAndBooleanFlags) {
  auto arguments = Arguments::Parse(
      {"file.csv", "--project", "p", "--role=training", "--wait", "--threshold", "a > 1",
       "--threshold", "b < 2"},
      {"project", "role", "threshold"}, {"wait"});
  ASSERT_TRUE(arguments.ok()) << arguments.status();
  EXPECT_EQ(arguments->positional(), std::vector<std::string>{"file.csv"});
  EXPECT_EQ(arguments->Get("project"), "p");
  EXPECT_EQ(arguments->Get("role"), "training");
  EXPECT_TRUE(arguments->Has("wait"));
  EXPECT_EQ(arguments->GetAll("threshold"), (std::vector<std::string>{"a > 1", "b < 2"}));
  EXPECT_FALSE(arguments->Get("missing").has_value());
}

TEST(ArgumentsTest, UnknownFlagIsRejected) {
  auto arguments = Arguments::Parse({"--colour", "red"}, {"project"}, {});
  ASSERT_FALSE(arguments.ok());
  EXPECT_EQ(arguments.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(arguments.status().message().find("--colour"), std::string::npos);
}

TEST(ArgumentsTest, MissingValueIsRejected) {
  auto arguments = Arguments::Parse({"--project"}, {"project"}, {});
  ASSERT_FALSE(arguments.ok());
  EXPECT_NE(arguments.status().message().find("needs a value"), std::string::npos);
}

TEST(ArgumentsTest, BooleanFlagWithValueIsRejected) {
  auto arguments = Arguments::Parse({"--wait=yes"}, {}, {"wait"});
  ASSERT_FALSE(arguments.ok());
  EXPECT_NE(arguments.status().message().find("takes no value"), std::string::npos);
}

TEST(ArgumentsTest, IntegerOutsideRangeIsRejected) {
  auto arguments = Arguments::Parse({"--page-size", "900"}, {"page-size"}, {});
  ASSERT_TRUE(arguments.ok());
  auto value = arguments->GetInteger("page-size", 20, 1, 500);
  ASSERT_FALSE(value.ok());
  EXPECT_NE(value.status().message().find("[1, 500]"), std::string::npos);
  EXPECT_EQ(*arguments->GetInteger("absent", 20, 1, 500), 20);
}

TEST(ArgumentsTest, NonNumericIntegerIsRejected) {
  auto arguments = Arguments::Parse({"--seed", "12x"}, {"seed"}, {});
  ASSERT_TRUE(arguments.ok());
  EXPECT_FALSE(arguments->GetInteger("seed", 0, 0, 100).ok());
}

TEST(ArgumentsTest, ExpectPositionalNamesMissingArgument) {
  auto arguments = Arguments::Parse({}, {}, {});
  ASSERT_TRUE(arguments.ok());
  absl::Status status = arguments->ExpectPositional({"REPORT"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("REPORT"), std::string::npos);
}

TEST(ArgumentsTest, SplitListTrimsAndDropsEmptyItems) {
  EXPECT_EQ(SplitList(" ham, spam,,"), (std::vector<std::string>{"ham", "spam"}));
  EXPECT_TRUE(SplitList("").empty());
}

TEST(ResourceNamesTest, BareIdsGetTheProject) {
  EXPECT_EQ(ProjectName("spam"), "projects/spam");
  EXPECT_EQ(ProjectName("projects/spam"), "projects/spam");
  EXPECT_EQ(*ChildName("spam", "datasets", "d1", "training"), "projects/spam/datasets/d1");
  EXPECT_EQ(*ChildName("", "datasets", "projects/x/datasets/d1", "training"),
            "projects/x/datasets/d1");
  EXPECT_EQ(ProjectOf("projects/x/commits/c"), "projects/x");
}

TEST(ResourceNamesTest, BareIdWithoutProjectIsRejected) {
  auto name = ChildName("", "commits", "c1", "commit");
  ASSERT_FALSE(name.ok());
  EXPECT_NE(name.status().message().find("--project"), std::string::npos);
}

TEST(ExitCodeTest, UserErrorsExitWithTwo) {
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("x")), 2);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("x")), 2);
  EXPECT_EQ(ExitCodeFor(absl::FailedPreconditionError("x")), 2);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("x")), 1);
  EXPECT_EQ(ExitCodeFor(absl::AbortedError("x")), 1);
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), 0);
}

TEST(RunCliTest, UnknownCommandExitsWithTwo) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"frobnicate"}, out, err), 2);
  EXPECT_NE(err.str().find("unknown command"), std::string::npos);
}

TEST(RunCliTest, BadOutputFormatExitsWithTwo) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"report", "show", "projects/p/commits/c/reports/g", "--output", "yaml"}, out,
                   err),
            2);
  EXPECT_NE(err.str().find("INVALID_ARGUMENT"), std::string::npos);
  EXPECT_NE(err.str().find("--output"), std::string::npos);
}

TEST(RunCliTest, MissingRequiredFlagExitsWithTwo) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"goal", "create", "--project", "p", "--name", "g"}, out, err), 2);
  EXPECT_NE(err.str().find("--threshold"), std::string::npos);
}

TEST(RunCliTest, UnreachableServerExitsWithOne) {
  std::ostringstream out, err;
  // Port 1 on loopback has no listener, so the call fails as UNAVAILABLE.
  EXPECT_EQ(RunCli({"report", "show", "projects/p/commits/c/reports/g", "--orchestrator",
                    "127.0.0.1:1"},
                   out, err),
            1);
  EXPECT_NE(err.str().find("UNAVAILABLE"), std::string::npos);
}

TEST(RunCliTest, LocalInputErrorsExitWithTwo) {
  struct Case {
    std::vector<std::string> words;
    std::string named;
  };
  // Each of these is rejected before any server is called, so no cluster is
  // needed.
  std::vector<Case> cases = {
      {{"dataset", "upload", "/nonexistent/rows.csv", "--project", "p", "--role", "training",
        "--label-column", "label"},
       "/nonexistent/rows.csv"},
      {{"metrics", "--commit", "projects/p/commits/c", "--dataset", "projects/p/datasets/d"},
       "exactly one of --commit and --dataset"},
      {{"explain", "projects/p/commits/c/reports/g", "--row", "r1", "--samples", "50"},
       "--samples"},
      {{"report", "rows", "projects/p/commits/c/reports/g", "--page-size", "0"}, "--page-size"},
      {{"goal", "create", "--project", "p", "--name", "g", "--threshold", "accuracy = 1"},
       "accuracy = 1"},
      {{"goal", "create", "--project", "p", "--name", "g", "--threshold", "accuracy > 0.5",
        "--target", "test"},
       "--target"},
      {{"project", "create", "spam", "--task", "image-classification", "--classes", "a,b"},
       "image-classification"},
      {{"commit", "create", "--training", "d1", "--validation", "d2", "--message", "m"},
       "--project"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.named);
    std::ostringstream out, err;
    std::vector<std::string> words = c.words;
    words.insert(words.end(), {"--orchestrator", "127.0.0.1:1", "--metrics", "127.0.0.1:1"});
    EXPECT_EQ(RunCli(words, out, err), 2) << err.str();
    EXPECT_NE(err.str().find(c.named), std::string::npos) << err.str();
    EXPECT_TRUE(out.str().empty()) << out.str();
  }
}

TEST(RunCliTest, HelpListsEveryCommand) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"--help"}, out, err), 0);
  for (const auto& command : AllCommands()) {
    EXPECT_NE(out.str().find(command.path.back()), std::string::npos) << command.path.back();
  }
}

}  // namespace
}  // namespace goalpost::cli
