#pragma once

// Helpers for the store/ unit tests: temporary directories, printers for
// Boost.Test and a check for store_error.

#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>

#include <boost/test/unit_test.hpp>

#include "protocol/kv_types.hpp"
#include "protocol/raft_types.hpp"
#include "store/kv_store.hpp"
#include "store/store_error.hpp"

namespace gd::raft {

inline std::ostream& boost_test_print_type(std::ostream& os, entry_type t) {
  return os << to_string(t);
}

inline std::ostream& boost_test_print_type(std::ostream& os, const entry& e) {
  return os << "{" << e.index << "/" << e.term << " " << to_string(e.type)
            << " '" << e.data << "'}";
}

inline std::ostream& boost_test_print_type(std::ostream& os,
                                           const hard_state& h) {
  return os << "{term " << h.term << ", voted_for " << h.voted_for << "}";
}

inline std::ostream& boost_test_print_type(std::ostream& os,
                                           const configuration& c) {
  os << "{voters";
  for (const auto& m : c.voters)
    os << " " << m.name << "@" << m.address;
  os << "; learners";
  for (const auto& m : c.learners)
    os << " " << m.name << "@" << m.address;
  return os << "}";
}

inline std::ostream& boost_test_print_type(std::ostream& os,
                                           const snapshot_meta& m) {
  os << "{index " << m.index << ", term " << m.term << ", config ";
  boost_test_print_type(os, m.config);
  return os << "}";
}

} // namespace gd::raft

namespace gd::kv {

inline std::ostream& boost_test_print_type(std::ostream& os,
                                           const key_value& kv) {
  return os << "{'" << kv.key << "'='" << kv.value << "' create "
            << kv.create_revision << " mod " << kv.mod_revision << " version "
            << kv.version << "}";
}

inline std::ostream& boost_test_print_type(std::ostream& os, event::kind k) {
  return os << (k == event::kind::put ? "put" : "del");
}

} // namespace gd::kv

namespace gd::store {

inline std::ostream& boost_test_print_type(std::ostream& os, store_errc c) {
  return os << to_string(c);
}

} // namespace gd::store

namespace gd::store::test {

/// A fresh directory under /tmp, removed with everything in it on
/// destruction.
class temp_dir {
public:
  temp_dir() {
    char tmpl[] = "/tmp/gd-store-test-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }

  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const { return path_; }

  /// Creates `<path>/<name>` and returns it.
  std::string make(const std::string& name) const {
    auto p = path_ + "/" + name;
    std::filesystem::create_directories(p);
    return p;
  }

private:
  std::string path_;
};

/// Runs `f`, which must throw store_error with `code`; returns its what()
/// ("" if it did not throw).
template <class F>
std::string error_of(F&& f, store_errc code) {
  try {
    f();
  } catch (const store_error& e) {
    BOOST_TEST(e.code() == code);
    return e.what();
  }
  BOOST_ERROR("expected a store_error(" << to_string(code) << ")");
  return {};
}

/// True if `text` contains `part`.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline kv_store_options fast_kv_options() {
  kv_store_options o;
  o.map_size = std::size_t{64} << 20;
  o.flush_commits = false;
  return o;
}

} // namespace gd::store::test
