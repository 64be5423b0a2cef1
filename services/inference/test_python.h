#ifndef GOALPOST_SERVICES_INFERENCE_TEST_PYTHON_H_
#define GOALPOST_SERVICES_INFERENCE_TEST_PYTHON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace goalpost::inference::testing {

// Runs Debian's /usr/bin/python3 (the interpreter with scikit-learn, numpy,
// xgboost and grpcio) with `arguments`, from the repository root. Returns
// the combined output; FAILED_PRECONDITION with that output when the exit
// status is not 0.
absl::StatusOr<std::string> RunPython(const std::vector<std::string>& arguments);

// Creates a fresh folder under $TMPDIR (or /tmp) and returns its path.
std::string MakeTemporaryFolder();

// Returns the whole file, or NOT_FOUND.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace goalpost::inference::testing

#endif  // GOALPOST_SERVICES_INFERENCE_TEST_PYTHON_H_
