// glcli: the command-line client of glusterd-actor. See cli.hpp.

#include <iostream>

#include "cmd/glcli/cli.hpp"

int main(int argc, char** argv) {
  gd::glcli::streams s{std::cin, std::cout, std::cerr};
  return gd::glcli::run(argc, argv, s, true);
}
