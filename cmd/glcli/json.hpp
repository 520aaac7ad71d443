#pragma once

// A tiny JSON writer for glcli's --json output. Strings are byte strings
// (keys and values of the KV store need not be UTF-8), written losslessly
// as Latin-1: every byte below 0x20 or from 0x80 up becomes "\u00XX", so
// each JSON character U+0000..U+00FF stands for exactly one byte. A consumer
// gets the original bytes back by encoding the decoded string as Latin-1
// (Python: s.encode('latin-1')). ASCII text stays readable as is.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gd::glcli {

/// Returns `bytes` as a JSON string literal, quotes included, escaped as
/// described above ('"' and '\' as \" and \\).
std::string json_quote(std::string_view bytes);

/// Builds one compact JSON document. Calls must nest properly: inside an
/// object, each value is preceded by key(). Violations are bugs
/// (std::logic_error).
class json_writer {
public:
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  /// The next value's name; only inside an object.
  json_writer& key(std::string_view name);
  json_writer& value(std::string_view bytes);
  json_writer& value(const char* text) { return value(std::string_view(text)); }
  json_writer& value(const std::string& bytes) {
    return value(std::string_view(bytes));
  }
  json_writer& value(std::int64_t n);
  json_writer& value(std::uint64_t n);
  json_writer& value(int n) { return value(static_cast<std::int64_t>(n)); }
  json_writer& value(bool b);
  json_writer& null();

  /// Shorthand for key(name).value(v).
  template <class T>
  json_writer& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  /// The document so far; complete once every begin has its end.
  const std::string& str() const { return out_; }
  bool complete() const { return stack_.empty() && !out_.empty(); }

private:
  enum class frame : std::uint8_t { object, array };
  void before_value();
  std::string out_;
  std::vector<frame> stack_;
  /// Per open container: nothing written into it yet.
  std::vector<bool> first_;
  bool have_key_ = false;
};

} // namespace gd::glcli
