#include <boost/test/unit_test.hpp>

#include "protocol/kv_types.hpp"

#include <string>

namespace {

namespace kv = gd::kv;
using namespace std::string_literals;

/// Small limits, so that the tests can hit each of them.
kv::limits small_limits() {
  kv::limits lim;
  lim.max_key_bytes = 8;
  lim.max_value_bytes = 16;
  lim.max_txn_ops = 3;
  lim.max_request_bytes = 40;
  return lim;
}

std::string validate(const kv::write_request& r,
                     const kv::limits& lim = small_limits()) {
  return kv::validate(r, lim);
}

kv::delete_request delete_range(std::string key, std::string end) {
  kv::delete_request d;
  d.range = {std::move(key), std::move(end)};
  return d;
}

kv::range_request range_of(std::string key, std::string end) {
  kv::range_request r;
  r.range = {std::move(key), std::move(end)};
  return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(kv_types)

// -- prefix_end ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(prefix_end_empty_is_to_the_end) {
  BOOST_TEST(kv::prefix_end("") == "\0"s);
}

BOOST_AUTO_TEST_CASE(prefix_end_increments_last_byte) {
  BOOST_TEST(kv::prefix_end("abc") == "abd");
  BOOST_TEST(kv::prefix_end("a\0"s) == "a\x01"s);
  // Bytes compare unsigned: 0x7f is followed by 0x80, not by a carry.
  BOOST_TEST(kv::prefix_end("a\x7f") == "a\x80");
  BOOST_TEST(kv::prefix_end("a\xfe") == "a\xff");
}

BOOST_AUTO_TEST_CASE(prefix_end_trailing_ff_dropped) {
  BOOST_TEST(kv::prefix_end("a\xff") == "b");
  BOOST_TEST(kv::prefix_end("a\xff\xff\xff") == "b");
  BOOST_TEST(kv::prefix_end("\x01\xff") == "\x02");
}

BOOST_AUTO_TEST_CASE(prefix_end_all_ff_is_to_the_end) {
  BOOST_TEST(kv::prefix_end("\xff") == "\0"s);
  BOOST_TEST(kv::prefix_end("\xff\xff\xff") == "\0"s);
}

BOOST_AUTO_TEST_CASE(prefix_end_range_selects_exactly_the_prefix) {
  for (std::string prefix : {"a"s, "ab\xff"s, "\0"s, "\xff\xff"s, "q\x7f"s}) {
    kv::key_range r{prefix, kv::prefix_end(prefix)};
    BOOST_TEST_CONTEXT("prefix of " << prefix.size() << " bytes") {
      BOOST_TEST(r.contains(prefix));
      BOOST_TEST(r.contains(prefix + "\0"s));
      BOOST_TEST(r.contains(prefix + "\xff\xff"));
      BOOST_TEST(r.contains(prefix + "zzz"));
      if (!prefix.empty())
        BOOST_TEST(!r.contains(prefix.substr(0, prefix.size() - 1)));
      if (r.range_end != "\0"s)
        BOOST_TEST(!r.contains(r.range_end));
    }
  }
}

// -- key_range::contains ------------------------------------------------------

BOOST_AUTO_TEST_CASE(key_range_single_key) {
  kv::key_range r{"b", ""};
  BOOST_TEST(r.contains("b"));
  BOOST_TEST(!r.contains("a"));
  BOOST_TEST(!r.contains("b\0"s));
  BOOST_TEST(!r.contains("ba"));
  BOOST_TEST(!r.contains(""));
}

BOOST_AUTO_TEST_CASE(key_range_half_open) {
  kv::key_range r{"b", "d"};
  BOOST_TEST(r.contains("b"));
  BOOST_TEST(r.contains("b\0"s));
  BOOST_TEST(r.contains("c"));
  BOOST_TEST(r.contains("c\xff\xff"));
  BOOST_TEST(!r.contains("d"));
  BOOST_TEST(!r.contains("d\0"s));
  BOOST_TEST(!r.contains("a\xff"));
  BOOST_TEST(!r.contains(""));
}

BOOST_AUTO_TEST_CASE(key_range_binary_bounds_compare_unsigned) {
  kv::key_range r{"a", "b"};
  BOOST_TEST(r.contains("a\x80"));
  BOOST_TEST(r.contains("a\xff"));
  kv::key_range high{"\x7f", "\x81"};
  BOOST_TEST(high.contains("\x80"));
  BOOST_TEST(!high.contains("\x01"));
  BOOST_TEST(!high.contains("\xff"));
}

BOOST_AUTO_TEST_CASE(key_range_from_key) {
  kv::key_range r{"b", "\0"s};
  BOOST_TEST(r.contains("b"));
  BOOST_TEST(r.contains("zzz"));
  BOOST_TEST(r.contains("\xff\xff"));
  BOOST_TEST(!r.contains("a"));
  BOOST_TEST(!r.contains("a\xff"));
  // etcd's "every key": key and range end both one NUL byte.
  kv::key_range all{"\0"s, "\0"s};
  BOOST_TEST(all.contains("\0"s));
  BOOST_TEST(all.contains("\x01"));
  BOOST_TEST(all.contains("\xff"));
}

// -- validate: keys and values ------------------------------------------------

BOOST_AUTO_TEST_CASE(validate_put_within_limits_ok) {
  BOOST_TEST(validate(kv::put_request{"k", "v", false}) == "");
  BOOST_TEST(validate(kv::put_request{"12345678", "", false}) == "");
  BOOST_TEST(validate(kv::put_request{"k", std::string(16, 'v'), true}) == "");
  BOOST_TEST(validate(kv::put_request{"\0\xff"s, "\0"s, false}) == "");
}

BOOST_AUTO_TEST_CASE(validate_empty_key_rejected) {
  BOOST_TEST(validate(kv::put_request{"", "v", false}) == "key is empty");
  BOOST_TEST(validate(delete_range("", "")) == "key is empty");
  BOOST_TEST(kv::validate(range_of("", "\0"s), small_limits())
             == "key is empty");
}

BOOST_AUTO_TEST_CASE(validate_key_too_long_rejected) {
  BOOST_TEST(validate(kv::put_request{"123456789", "v", false})
             == "key is 9 bytes; the limit is 8");
  BOOST_TEST(validate(delete_range("123456789", ""))
             == "key is 9 bytes; the limit is 8");
  BOOST_TEST(kv::validate(range_of("123456789", ""), small_limits())
             == "key is 9 bytes; the limit is 8");
  BOOST_TEST(validate(delete_range("a", "123456789"))
             == "range end is 9 bytes; the limit is 8");
}

BOOST_AUTO_TEST_CASE(validate_default_key_limit) {
  kv::limits lim;
  auto max = lim.max_key_bytes;
  BOOST_TEST(kv::validate(kv::put_request{std::string(max, 'k'), "v", false},
                          lim)
             == "");
  BOOST_TEST(
    kv::validate(kv::put_request{std::string(max + 1, 'k'), "v", false}, lim)
    == "key is " + std::to_string(max + 1) + " bytes; the limit is "
         + std::to_string(max));
}

BOOST_AUTO_TEST_CASE(validate_value_too_long_rejected) {
  BOOST_TEST(validate(kv::put_request{"k", std::string(17, 'v'), false})
             == "value of key 'k' is 17 bytes; the limit is 16");
  kv::limits lim;
  BOOST_TEST(
    kv::validate(
      kv::put_request{"k", std::string(lim.max_value_bytes + 1, 'v'), false},
      lim)
    == "value of key 'k' is " + std::to_string(lim.max_value_bytes + 1)
         + " bytes; the limit is " + std::to_string(lim.max_value_bytes));
}

BOOST_AUTO_TEST_CASE(validate_request_too_big_rejected) {
  auto lim = small_limits();
  lim.max_request_bytes = 10;
  // Key and value count: 3 + 7 = 10 is fine, 3 + 8 = 11 is not.
  BOOST_TEST(kv::validate(kv::put_request{"abc", "1234567", false}, lim)
             == "");
  BOOST_TEST(kv::validate(kv::put_request{"abc", "12345678", false}, lim)
             == "request is 11 bytes; the limit is 10");
  // Range ends count too.
  BOOST_TEST(kv::validate(delete_range("abcde", "abcdf"), lim) == "");
  BOOST_TEST(kv::validate(delete_range("abcde", "abcdff"), lim)
             == "request is 11 bytes; the limit is 10");
}

// -- validate: ranges ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(validate_range_end_before_key_rejected) {
  BOOST_TEST(validate(delete_range("b", "a"))
             == "range end must sort after the key");
  BOOST_TEST(validate(delete_range("b", "b"))
             == "range end must sort after the key");
  BOOST_TEST(kv::validate(range_of("b", "a"), small_limits())
             == "range end must sort after the key");
  // Unsigned order: 0xff sorts after 0x01.
  BOOST_TEST(validate(delete_range("\xff", "\x01"))
             == "range end must sort after the key");
  BOOST_TEST(validate(delete_range("\x01", "\xff")) == "");
}

BOOST_AUTO_TEST_CASE(validate_range_forms_ok) {
  BOOST_TEST(validate(delete_range("a", "")) == "");
  BOOST_TEST(validate(delete_range("a", "b")) == "");
  BOOST_TEST(validate(delete_range("a", "\0"s)) == "");
  BOOST_TEST(validate(delete_range("\0"s, "\0"s)) == "");
  BOOST_TEST(kv::validate(range_of("a", kv::prefix_end("a")), small_limits())
             == "");
}

BOOST_AUTO_TEST_CASE(validate_negative_limit_rejected) {
  auto r = range_of("a", "b");
  r.limit = -1;
  BOOST_TEST(kv::validate(r, small_limits()) == "limit must not be negative");
  r.limit = 0;
  BOOST_TEST(kv::validate(r, small_limits()) == "");
}

BOOST_AUTO_TEST_CASE(validate_compact_revision_must_be_positive) {
  BOOST_TEST(validate(kv::compact_request{0})
             == "compact revision must be positive");
  BOOST_TEST(validate(kv::compact_request{-3})
             == "compact revision must be positive");
  BOOST_TEST(validate(kv::compact_request{1}) == "");
}

// -- validate: txn ------------------------------------------------------------

namespace {

kv::compare value_is(std::string key, std::string value) {
  kv::compare c;
  c.key = std::move(key);
  c.value = std::move(value);
  return c;
}

} // namespace

BOOST_AUTO_TEST_CASE(validate_txn_within_limits_ok) {
  kv::txn_request t;
  BOOST_TEST(validate(t) == ""); // empty txn
  t.compares = {value_is("k", "v")};
  t.success = {kv::put_request{"k", "w", false}};
  t.failure = {range_of("k", "")};
  BOOST_TEST(validate(t) == "");
}

BOOST_AUTO_TEST_CASE(validate_txn_too_many_ops_rejected) {
  // Compares, success and failure ops all count.
  kv::txn_request t;
  t.compares = {value_is("k", "v"), value_is("j", "v")};
  t.success = {kv::put_request{"k", "w", false}};
  t.failure = {delete_range("k", "")};
  BOOST_TEST(validate(t) == "txn has 4 operations; the limit is 3");
  kv::limits lim;
  kv::txn_request many;
  many.success.assign(lim.max_txn_ops + 1, kv::request_op{range_of("k", "")});
  BOOST_TEST(kv::validate(many, lim)
             == "txn has " + std::to_string(lim.max_txn_ops + 1)
                  + " operations; the limit is "
                  + std::to_string(lim.max_txn_ops));
  many.success.pop_back();
  BOOST_TEST(kv::validate(many, lim) == "");
}

BOOST_AUTO_TEST_CASE(validate_txn_bad_compare_rejected) {
  kv::txn_request t;
  t.compares = {value_is("", "v")};
  BOOST_TEST(validate(t) == "compare key is empty");
  t.compares = {value_is("123456789", "v")};
  BOOST_TEST(validate(t) == "compare key is 9 bytes; the limit is 8");
  t.compares = {value_is("k", std::string(17, 'v'))};
  BOOST_TEST(validate(t) == "compare value is 17 bytes; the limit is 16");
}

BOOST_AUTO_TEST_CASE(validate_txn_bad_branch_op_rejected) {
  kv::txn_request t;
  t.success = {kv::put_request{"", "v", false}};
  BOOST_TEST(validate(t) == "key is empty");
  t.success = {};
  t.failure = {delete_range("b", "a")};
  BOOST_TEST(validate(t) == "range end must sort after the key");
  auto r = range_of("a", "");
  r.limit = -5;
  t.failure = {r};
  BOOST_TEST(validate(t) == "limit must not be negative");
}

BOOST_AUTO_TEST_CASE(validate_txn_total_size_rejected) {
  // 8 + 16 = 24 bytes per put: one fits in 40, two do not.
  kv::txn_request t;
  t.success = {kv::put_request{"12345678", std::string(16, 'v'), false}};
  BOOST_TEST(validate(t) == "");
  t.failure = {kv::put_request{"12345678", std::string(16, 'v'), false}};
  BOOST_TEST(validate(t) == "request is 48 bytes; the limit is 40");
  // Compare keys and values count as well.
  kv::txn_request c;
  c.compares = {value_is("12345678", std::string(16, 'v')),
                value_is("12345678", std::string(16, 'v'))};
  BOOST_TEST(validate(c) == "request is 48 bytes; the limit is 40");
}

BOOST_AUTO_TEST_SUITE_END()
