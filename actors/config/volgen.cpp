#include "actors/config/volgen.hpp"

// Placeholder: being written (see volgen.hpp for the contract).

namespace gd::cluster {

std::string brick_volfile_id(const volume&, const brick&) {
  return {};
}

std::string brick_volfile(const volume&, const brick&,
                          const std::map<std::string, std::string>&) {
  return {};
}

std::string client_volfile(const volume&,
                           const std::map<std::string, std::string>&) {
  return {};
}

} // namespace gd::cluster
