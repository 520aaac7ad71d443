#include "store/store_error.hpp"

namespace gd::store {

const char* to_string(store_errc c) {
  switch (c) {
    case store_errc::io:
      return "io";
    case store_errc::map_full:
      return "map_full";
    case store_errc::corrupt:
      return "corrupt";
    case store_errc::bad_layout:
      return "bad_layout";
    case store_errc::precondition:
      return "precondition";
  }
  return "unknown";
}

} // namespace gd::store
