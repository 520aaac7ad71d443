#include "cmd/glcli/json.hpp"

#include <stdexcept>

namespace gd::glcli {

std::string json_quote(std::string_view bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string r;
  r.reserve(bytes.size() + 2);
  r += '"';
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      r += '\\';
      r += ch;
    } else if (c < 0x20 || c >= 0x80) {
      r += "\\u00";
      r += hex[c >> 4];
      r += hex[c & 0xf];
    } else {
      r += ch;
    }
  }
  r += '"';
  return r;
}

void json_writer::before_value() {
  if (stack_.empty()) {
    if (!out_.empty())
      throw std::logic_error("json_writer: a second top-level value");
    return;
  }
  if (stack_.back() == frame::object) {
    if (!have_key_)
      throw std::logic_error("json_writer: object member without a key");
    have_key_ = false;
    return;
  }
  if (!first_.back())
    out_ += ',';
  first_.back() = false;
}

json_writer& json_writer::begin_object() {
  before_value();
  out_ += '{';
  stack_.push_back(frame::object);
  first_.push_back(true);
  return *this;
}

json_writer& json_writer::end_object() {
  if (stack_.empty() || stack_.back() != frame::object || have_key_)
    throw std::logic_error("json_writer: unbalanced end_object");
  out_ += '}';
  stack_.pop_back();
  first_.pop_back();
  return *this;
}

json_writer& json_writer::begin_array() {
  before_value();
  out_ += '[';
  stack_.push_back(frame::array);
  first_.push_back(true);
  return *this;
}

json_writer& json_writer::end_array() {
  if (stack_.empty() || stack_.back() != frame::array)
    throw std::logic_error("json_writer: unbalanced end_array");
  out_ += ']';
  stack_.pop_back();
  first_.pop_back();
  return *this;
}

json_writer& json_writer::key(std::string_view name) {
  if (stack_.empty() || stack_.back() != frame::object || have_key_)
    throw std::logic_error("json_writer: key outside an object");
  if (!first_.back())
    out_ += ',';
  first_.back() = false;
  out_ += json_quote(name);
  out_ += ':';
  have_key_ = true;
  return *this;
}

json_writer& json_writer::value(std::string_view bytes) {
  before_value();
  out_ += json_quote(bytes);
  return *this;
}

json_writer& json_writer::value(std::int64_t n) {
  before_value();
  out_ += std::to_string(n);
  return *this;
}

json_writer& json_writer::value(std::uint64_t n) {
  before_value();
  out_ += std::to_string(n);
  return *this;
}

json_writer& json_writer::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

json_writer& json_writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

} // namespace gd::glcli
