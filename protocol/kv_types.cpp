#include "protocol/kv_types.hpp"

namespace gd::kv {

std::string prefix_end(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

bool key_range::contains(const std::string& k) const {
  if (range_end.empty())
    return k == key;
  if (range_end == std::string(1, '\0'))
    return k >= key;
  return k >= key && k < range_end;
}

namespace {

struct checker {
  explicit checker(const limits& l) : lim(l) {
    // nop
  }

  const limits& lim;
  std::size_t total = 0;
  std::string error;

  bool key(const std::string& k, const char* what) {
    if (k.empty()) {
      error = std::string(what) + " is empty";
      return false;
    }
    if (k.size() > lim.max_key_bytes) {
      error = std::string(what) + " is " + std::to_string(k.size())
              + " bytes; the limit is " + std::to_string(lim.max_key_bytes);
      return false;
    }
    total += k.size();
    return true;
  }

  bool range(const key_range& r) {
    if (!key(r.key, "key"))
      return false;
    if (r.range_end.size() > lim.max_key_bytes) {
      error = "range end is " + std::to_string(r.range_end.size())
              + " bytes; the limit is " + std::to_string(lim.max_key_bytes);
      return false;
    }
    if (!r.range_end.empty() && r.range_end != std::string(1, '\0')
        && r.range_end <= r.key) {
      error = "range end must sort after the key";
      return false;
    }
    total += r.range_end.size();
    return true;
  }

  bool op(const put_request& p) {
    if (!key(p.key, "key"))
      return false;
    if (p.value.size() > lim.max_value_bytes) {
      error = "value of key '" + p.key.substr(0, 64) + "' is "
              + std::to_string(p.value.size()) + " bytes; the limit is "
              + std::to_string(lim.max_value_bytes);
      return false;
    }
    total += p.value.size();
    return true;
  }

  bool op(const delete_request& d) { return range(d.range); }

  bool op(const range_request& r) {
    if (!range(r.range))
      return false;
    if (r.limit < 0) {
      error = "limit must not be negative";
      return false;
    }
    return true;
  }

  bool op(const compact_request& c) {
    if (c.rev <= 0) {
      error = "compact revision must be positive";
      return false;
    }
    return true;
  }

  bool op(const txn_request& t) {
    auto n = t.compares.size() + t.success.size() + t.failure.size();
    if (n > lim.max_txn_ops) {
      error = "txn has " + std::to_string(n) + " operations; the limit is "
              + std::to_string(lim.max_txn_ops);
      return false;
    }
    for (const auto& c : t.compares) {
      if (!key(c.key, "compare key"))
        return false;
      if (c.value.size() > lim.max_value_bytes) {
        error = "compare value is " + std::to_string(c.value.size())
                + " bytes; the limit is "
                + std::to_string(lim.max_value_bytes);
        return false;
      }
      total += c.value.size();
    }
    for (const auto* branch : {&t.success, &t.failure})
      for (const auto& o : *branch)
        if (!std::visit([this](const auto& x) { return op(x); }, o))
          return false;
    return true;
  }

  bool finish() {
    if (total > lim.max_request_bytes) {
      error = "request is " + std::to_string(total)
              + " bytes; the limit is "
              + std::to_string(lim.max_request_bytes);
      return false;
    }
    return true;
  }
};

} // namespace

std::string validate(const write_request& r, const limits& lim) {
  checker c(lim);
  if (std::visit([&c](const auto& x) { return c.op(x); }, r) && c.finish())
    return {};
  return c.error;
}

std::string validate(const range_request& r, const limits& lim) {
  checker c(lim);
  if (c.op(r) && c.finish())
    return {};
  return c.error;
}

} // namespace gd::kv
