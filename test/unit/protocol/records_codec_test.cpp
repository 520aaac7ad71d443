#define BOOST_TEST_MODULE protocol
#include <boost/test/unit_test.hpp>

#include "protocol/records_capnp.hpp"
#include "protocol/records_codec.hpp"
#include "protocol/cluster_codec.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <variant>

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>

namespace {

namespace kv = gd::kv;
namespace proto = gd::proto;
namespace raft = gd::raft;
namespace schema = gd::proto::schema;
using namespace std::string_literals;

// -- readable dumps, compared as strings so failures show the difference ------

std::string show(const std::string& bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    }
  }
  return out + "\"";
}

std::string show(const kv::key_range& r) {
  return "[" + show(r.key) + ", " + show(r.range_end) + ")";
}

std::string show(const kv::range_request& r) {
  return "range" + show(r.range) + " limit=" + std::to_string(r.limit)
         + " keys_only=" + std::to_string(r.keys_only)
         + " count_only=" + std::to_string(r.count_only);
}

std::string show(const kv::put_request& r) {
  return "put(" + show(r.key) + ", " + show(r.value)
         + ") prev_kv=" + std::to_string(r.prev_kv);
}

std::string show(const kv::delete_request& r) {
  return "delete" + show(r.range) + " prev_kv=" + std::to_string(r.prev_kv);
}

std::string show(const kv::compare& c) {
  return "compare(" + show(c.key) + " target="
         + std::to_string(static_cast<int>(c.target))
         + " result=" + std::to_string(static_cast<int>(c.result))
         + " value=" + show(c.value) + " number=" + std::to_string(c.number)
         + ")";
}

std::string show(const kv::request_op& op) {
  return std::visit([](const auto& x) { return show(x); }, op);
}

std::string show(const kv::txn_request& t) {
  std::string out = "txn{compares:";
  for (const auto& c : t.compares)
    out += " " + show(c);
  out += "; success:";
  for (const auto& op : t.success)
    out += " " + show(op);
  out += "; failure:";
  for (const auto& op : t.failure)
    out += " " + show(op);
  return out + "}";
}

std::string show(const kv::compact_request& c) {
  return "compact(" + std::to_string(c.rev) + ")";
}

std::string show(const kv::write_request& r) {
  return std::to_string(r.index()) + ":"
         + std::visit([](const auto& x) { return show(x); }, r);
}

std::string show(const raft::configuration& c) {
  auto members = [](const std::vector<raft::member>& ms) {
    std::string out;
    for (const auto& m : ms)
      out += " {" + std::to_string(m.id) + " " + show(m.name) + " "
             + show(m.address) + "}";
    return out;
  };
  return "voters:" + members(c.voters) + "; learners:" + members(c.learners);
}

// -- fixtures -----------------------------------------------------------------

raft::member member(const std::string& name, std::string address = "") {
  if (address.empty())
    address = name + ".example:24007";
  return {raft::member_id_of(name), name, address};
}

/// Returns the decode_error message that `f` throws, or "(no decode_error)".
template <class F>
std::string decode_failure(F&& f) {
  try {
    f();
  } catch (const proto::decode_error& e) {
    return e.what();
  }
  return "(no decode_error)";
}

std::string command_failure(const std::string& bytes) {
  return decode_failure([&] { proto::decode_write_request(bytes); });
}

std::string configuration_failure(const std::string& bytes) {
  return decode_failure([&] { proto::decode_configuration(bytes); });
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

/// Bytes of a Command built by `to_capnp` and then changed by `edit` (for
/// records no encoder of ours produces).
template <class Edit>
std::string edited_command(const kv::write_request& r, Edit&& edit) {
  capnp::MallocMessageBuilder mb;
  auto root = mb.initRoot<schema::Command>();
  proto::to_capnp(r, root);
  edit(root);
  auto words = capnp::messageToFlatArray(mb);
  auto bytes = words.asBytes();
  return {reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
}

/// Sets the union tag (bits [0, 16) of the data section, see records.capnp
/// compiled with -ocapnp) of a struct builder.
template <class Builder>
void set_union_tag(Builder b, std::uint16_t tag) {
  capnp::AnyStruct::Builder any(std::move(b));
  auto data = any.getDataSection();
  data[0] = static_cast<kj::byte>(tag & 0xff);
  data[1] = static_cast<kj::byte>(tag >> 8);
}

kv::compare compare_of(std::string key, kv::compare_target target,
                       kv::compare_result result, std::string value,
                       std::int64_t number) {
  kv::compare c;
  c.key = std::move(key);
  c.target = target;
  c.result = result;
  c.value = std::move(value);
  c.number = number;
  return c;
}

kv::txn_request one_compare_txn() {
  kv::txn_request t;
  t.compares = {compare_of("k", kv::compare_target::value,
                           kv::compare_result::equal, "v", 0)};
  t.success = {kv::put_request{"k", "w", false}};
  return t;
}

/// Every byte value, in order.
std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i)
    s += static_cast<char>(i);
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(records_codec)

// -- configuration round trips ------------------------------------------------

BOOST_AUTO_TEST_CASE(configuration_round_trips) {
  std::vector<raft::configuration> shapes;
  shapes.push_back({});
  shapes.push_back({{member("m1")}, {}});
  shapes.push_back({{member("m1"), member("m2"), member("m3")}, {}});
  shapes.push_back({{member("m1"), member("m2"), member("m3")},
                    {member("m4"), member("m5")}});
  shapes.push_back({{}, {member("learner-only")}});
  shapes.push_back({{member("mönitor-β", "[::1]:24007")},
                    {member("m\xff", "10.0.0.1:1")}});
  for (const auto& c : shapes) {
    auto bytes = proto::encode_configuration(c);
    BOOST_TEST_CONTEXT(show(c)) {
      BOOST_TEST(bytes.size() % 8 == 0u);
      auto back = proto::decode_configuration(bytes);
      BOOST_TEST(show(back) == show(c));
      BOOST_TEST((back == c));
      // Encoding is deterministic: the same record, the same bytes.
      BOOST_TEST(proto::encode_configuration(back) == bytes);
    }
  }
}

// -- write_request round trips ------------------------------------------------

BOOST_AUTO_TEST_CASE(write_request_round_trips) {
  const std::string binary_key = "\0k\xff\0"s;
  std::vector<kv::write_request> shapes;
  // put
  shapes.push_back(kv::put_request{"k", "v", false});
  shapes.push_back(kv::put_request{"k", "", true});
  shapes.push_back(kv::put_request{"", "", false});
  shapes.push_back(kv::put_request{binary_key, all_bytes(), false});
  shapes.push_back(kv::put_request{"\xff\xff", "\0"s, true});
  shapes.push_back(kv::put_request{"big", std::string(1 << 20, 'x'), false});
  // delete: one key, a range, from a key, everything, binary bounds
  shapes.push_back(kv::delete_request{{"k", ""}, false});
  shapes.push_back(kv::delete_request{{"a", "b"}, true});
  shapes.push_back(kv::delete_request{{"a", "\0"s}, false});
  shapes.push_back(kv::delete_request{{"\0"s, "\0"s}, true});
  shapes.push_back(
    kv::delete_request{{binary_key, kv::prefix_end(binary_key)}, false});
  // txn: empty, then every compare target and result, every op kind in
  // both branches
  shapes.push_back(kv::txn_request{});
  kv::txn_request t;
  for (auto target :
       {kv::compare_target::value, kv::compare_target::version,
        kv::compare_target::create_revision, kv::compare_target::mod_revision})
    for (auto result :
         {kv::compare_result::equal, kv::compare_result::not_equal,
          kv::compare_result::greater, kv::compare_result::less})
      t.compares.push_back(compare_of(binary_key, target, result, "\xff\0"s,
                                      static_cast<std::int64_t>(target) * 10
                                        - static_cast<std::int64_t>(result)));
  kv::range_request r;
  r.range = {"a", kv::prefix_end("a")};
  r.limit = 5;
  r.keys_only = true;
  kv::range_request counted;
  counted.range = {binary_key, "\0"s};
  counted.count_only = true;
  t.success = {r, kv::put_request{binary_key, "v\0"s, true},
               kv::delete_request{{"d", ""}, true}};
  t.failure = {kv::delete_request{{"x", "y"}, false}, counted,
               kv::put_request{"k", "", false}};
  shapes.push_back(t);
  kv::txn_request only_failure;
  only_failure.failure = {kv::put_request{"f", "g", false}};
  shapes.push_back(only_failure);
  // compact
  shapes.push_back(kv::compact_request{1});
  shapes.push_back(
    kv::compact_request{std::numeric_limits<std::int64_t>::max()});
  for (const auto& w : shapes) {
    auto bytes = proto::encode_write_request(w);
    std::string shown = show(w);
    BOOST_TEST_CONTEXT(shown.substr(0, 300)) {
      BOOST_TEST(bytes.size() % 8 == 0u);
      auto back = proto::decode_write_request(bytes);
      BOOST_TEST(back.index() == w.index());
      BOOST_TEST(show(back) == shown);
      BOOST_TEST(proto::encode_write_request(back) == bytes);
    }
  }
}

// -- malformed bytes ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(decode_wrong_length_throws) {
  auto bytes = proto::encode_write_request(kv::put_request{"k", "v", false});
  auto cut = bytes.substr(0, bytes.size() - 1);
  BOOST_TEST(command_failure(cut)
             == "command record: length " + std::to_string(cut.size())
                  + " is not a multiple of 8 bytes");
  BOOST_TEST(configuration_failure("12345")
             == "configuration record: length 5 is not a multiple of 8 "
                "bytes");
}

BOOST_AUTO_TEST_CASE(decode_trailing_bytes_throws) {
  auto bytes = proto::encode_write_request(kv::put_request{"k", "v", false});
  BOOST_TEST(command_failure(bytes + std::string(8, '\0'))
             == "command record: 8 bytes after the end of the message");
  auto config = proto::encode_configuration({{member("m1")}, {}});
  BOOST_TEST(configuration_failure(config + config)
             == "configuration record: " + std::to_string(config.size())
                  + " bytes after the end of the message");
}

BOOST_AUTO_TEST_CASE(decode_truncated_throws) {
  auto bytes = proto::encode_write_request(
    kv::put_request{"key", std::string(100, 'v'), false});
  for (std::size_t keep = 0; keep < bytes.size(); keep += 8) {
    BOOST_TEST_CONTEXT("first " << keep << " bytes") {
      auto msg = command_failure(bytes.substr(0, keep));
      BOOST_TEST(starts_with(msg, "command record: "), msg);
    }
  }
  auto config = proto::encode_configuration(
    {{member("m1"), member("m2"), member("m3")}, {}});
  for (std::size_t keep = 0; keep < config.size(); keep += 8) {
    BOOST_TEST_CONTEXT("first " << keep << " bytes") {
      auto msg = configuration_failure(config.substr(0, keep));
      BOOST_TEST(starts_with(msg, "configuration record: "), msg);
    }
  }
  // The whole of it still decodes.
  BOOST_TEST(command_failure(bytes) == "(no decode_error)");
}

BOOST_AUTO_TEST_CASE(decode_garbage_throws) {
  for (std::string garbage :
       {""s, std::string(8, '\0'), std::string(16, '\xff'),
        std::string(64, '\xff'), "garbage!garbage!garbage!"s,
        "\x05\0\0\0\x01\0\0\0"s + std::string(8, '\x42')}) {
    BOOST_TEST_CONTEXT(show(garbage)) {
      auto msg = command_failure(garbage);
      BOOST_TEST(starts_with(msg, "command record: "), msg);
      msg = configuration_failure(garbage);
      BOOST_TEST(starts_with(msg, "configuration record: "), msg);
    }
  }
}

BOOST_AUTO_TEST_CASE(decode_other_record_kind_throws) {
  auto config = proto::encode_configuration({{member("m1")}, {}});
  auto msg = command_failure(config);
  BOOST_TEST(starts_with(msg, "command record: "), msg);
  auto command = proto::encode_write_request(kv::put_request{"k", "v", false});
  msg = configuration_failure(command);
  BOOST_TEST(starts_with(msg, "configuration record: "), msg);
}

// -- invalid content ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(decode_configuration_duplicate_member_throws) {
  auto twice = proto::encode_configuration({{member("m1"), member("m1")}, {}});
  BOOST_TEST(configuration_failure(twice)
             == "configuration record: invalid configuration: member id of "
                "'m1' appears twice");
  // A voter that is also a learner.
  auto both = proto::encode_configuration({{member("m1")}, {member("m1")}});
  BOOST_TEST(configuration_failure(both)
             == "configuration record: invalid configuration: member id of "
                "'m1' appears twice");
  // One name under two ids.
  raft::member fake = member("m1");
  fake.id += 1;
  auto names = proto::encode_configuration({{member("m1"), fake}, {}});
  BOOST_TEST(configuration_failure(names)
             == "configuration record: invalid configuration: member name "
                "'m1' appears twice");
}

BOOST_AUTO_TEST_CASE(decode_configuration_bad_member_throws) {
  auto no_address = proto::encode_configuration(
    {{member("m1"), raft::member{raft::member_id_of("m2"), "m2", ""}}, {}});
  BOOST_TEST(configuration_failure(no_address)
             == "configuration record: invalid configuration: member 'm2' "
                "has no address");
  auto no_id = proto::encode_configuration(
    {{raft::member{raft::no_member, "m1", "h:1"}}, {}});
  BOOST_TEST(configuration_failure(no_id)
             == "configuration record: invalid configuration: member 'm1' "
                "has id 0");
  auto no_name = proto::encode_configuration(
    {{}, {raft::member{raft::member_id_of("x"), "", "h:1"}}});
  BOOST_TEST(configuration_failure(no_name)
             == "configuration record: invalid configuration: a member has "
                "an empty name");
}

BOOST_AUTO_TEST_CASE(decode_unknown_compare_target_throws) {
  for (unsigned target : {0u, 5u, 7u}) {
    auto bytes = edited_command(one_compare_txn(), [target](auto cmd) {
      cmd.getTxn().getCompares()[0].setTarget(
        static_cast<schema::CompareTarget>(target));
    });
    BOOST_TEST(command_failure(bytes)
               == "command record: compare target " + std::to_string(target)
                    + " is not value, version, createRevision or "
                      "modRevision");
  }
}

BOOST_AUTO_TEST_CASE(decode_unknown_compare_result_throws) {
  for (unsigned result : {0u, 9u}) {
    auto bytes = edited_command(one_compare_txn(), [result](auto cmd) {
      cmd.getTxn().getCompares()[0].setResult(
        static_cast<schema::CompareResult>(result));
    });
    BOOST_TEST(command_failure(bytes)
               == "command record: compare result " + std::to_string(result)
                    + " is not equal, notEqual, greater or less");
  }
}

BOOST_AUTO_TEST_CASE(decode_unknown_command_kind_throws) {
  // As written by a later version with a sixth kind of command.
  auto bytes = edited_command(kv::compact_request{7},
                              [](auto cmd) { set_union_tag(cmd, 5); });
  BOOST_TEST(command_failure(bytes)
             == "command record: command 5 is not put, delete, txn or "
                "compact");
  BOOST_TEST(decode_failure([&] { proto::decode_command(bytes); })
             == "command record: command 5 is not put, delete, txn or "
                "compact");
  // Kind 4 is a cluster command: not a KV write.
  auto cluster = edited_command(kv::compact_request{7},
                                [](auto cmd) { set_union_tag(cmd, 4); });
  BOOST_TEST(starts_with(command_failure(cluster),
                         "command record: a cluster command is not a KV "
                         "write"));
  // The tag really is where set_union_tag writes it.
  auto same = edited_command(kv::compact_request{7},
                             [](auto cmd) { set_union_tag(cmd, 3); });
  BOOST_TEST(command_failure(same) == "(no decode_error)");
}

BOOST_AUTO_TEST_CASE(decode_unknown_txn_op_kind_throws) {
  auto bytes = edited_command(one_compare_txn(), [](auto cmd) {
    set_union_tag(cmd.getTxn().getSuccess()[0], 3);
  });
  BOOST_TEST(command_failure(bytes)
             == "command record: txn operation 3 is not range, put or "
                "delete");
}

BOOST_AUTO_TEST_SUITE_END()
