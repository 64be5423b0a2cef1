// goalpost: the command-line client of a goalpost cluster.
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  return goalpost::cli::RunCli(words, std::cout, std::cerr);
}
