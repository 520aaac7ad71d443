#include <boost/test/unit_test.hpp>

#include "protocol/gluster_programs.hpp"
#include "protocol/onc_rpc.hpp"
#include "protocol/xdr.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

namespace {

namespace onc = gd::onc;
namespace xdr = gd::xdr;
using namespace std::string_literals;

/// Bytes from hex digits; spaces and newlines are ignored.
std::string unhex(const std::string& h) {
  std::string out;
  int hi = -1;
  for (char c : h) {
    if (std::isspace(static_cast<unsigned char>(c)))
      continue;
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                                                        : (c | 0x20) - 'a' + 10;
    if (v < 0 || v > 15)
      throw std::invalid_argument("unhex: bad digit");
    if (hi < 0) {
      hi = v;
    } else {
      out += static_cast<char>(hi << 4 | v);
      hi = -1;
    }
  }
  if (hi >= 0)
    throw std::invalid_argument("unhex: odd number of digits");
  return out;
}

/// Lower-case hex, a space every 4 bytes (one XDR unit), for readable diffs.
std::string hex(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0 && i % 4 == 0)
      out += ' ';
    auto u = static_cast<unsigned char>(bytes[i]);
    out += digits[u >> 4];
    out += digits[u & 0xf];
  }
  return out;
}

/// Runs `f` and returns the message of the xdr::decode_error it throws, or
/// "no error".
template <class F>
std::string decode_error_of(F&& f) {
  try {
    f();
  } catch (const xdr::decode_error& e) {
    return e.what();
  }
  return "no error";
}

// The exact bytes glusterfsd sends to fetch a brick volfile (GETSPEC, rpc-clnt
// with AUTH_GLUSTERFS_v2), written out by hand from rpc-common-xdr.x,
// glusterfs4-xdr.x, rpc-clnt.c and dict.c.
const std::string getspec_call_header = // 64 bytes
  "00000005"            // xid 5
  "00000000"            // CALL
  "00000002"            // rpcvers 2
  "00dbb4a9"            // prog 14398633 (HNDSK)
  "00000002"            // vers 2
  "00000002"            // proc 2 (GETSPEC)
  "0005f397"            // cred flavor 390039 (AUTH_GLUSTERFS_v2)
  "00000018"            // cred length 24
  "000004d2"            //   pid 1234
  "00000000"            //   uid 0
  "00000000"            //   gid 0
  "00000000"            //   groups<>: none
  "00000004 d2040000"   //   lk_owner<>: the pid, little-endian
  "00000000 00000000";  // verf AUTH_NONE, empty

const std::string getspec_dict = // 82 bytes; dict_serialize lists newest first
  "00000003"                                  // 3 entries
  "0000000a 00000004"                         // "brick_name", 4-byte value
  "62726963 6b5f6e61 6d65 00"                 // brick_name\0
  "2f623100"                                  // "/b1\0"
  "0000000e 00000007"                         // "max-op-version", 7 bytes
  "6d61782d 6f702d76 65727369 6f6e 00"        // max-op-version\0
  "31303030 303000"                           // "100000\0"
  "0000000e 00000002"                         // "min-op-version", 2 bytes
  "6d696e2d 6f702d76 65727369 6f6e 00"        // min-op-version\0
  "3100";                                     // "1\0"

const std::string getspec_args = // 108 bytes
  "00000000"                       // flags 0
  "00000009 6776302e 68312e62 31000000" // key "gv0.h1.b1", 3 bytes padding
  "00000052" + getspec_dict + "0000"; // xdata<>: 82 bytes, 2 padding

const std::string getspec_record =
  "800000ac" + getspec_call_header + getspec_args; // last fragment, 172 bytes

/// A valid call header followed by `args`, with rpcvers and the credential
/// body replaced as given.
std::string call_bytes(std::uint32_t rpcvers, const std::string& cred_body,
                       const std::string& args = {}) {
  xdr::writer w;
  w.put_u32(7);
  w.put_u32(0);
  w.put_u32(rpcvers);
  w.put_u32(onc::pmap::program);
  w.put_u32(1);
  w.put_u32(onc::pmap::proc_signin);
  w.put_u32(onc::auth_glusterfs_v2);
  w.put_opaque(cred_body);
  w.put_u32(onc::auth_none);
  w.put_opaque({});
  return w.bytes() + args;
}

} // namespace

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(xdr_codec)

BOOST_AUTO_TEST_CASE(integers_are_big_endian) {
  xdr::writer w;
  w.put_u32(0x01020304);
  w.put_i32(-2);
  w.put_u64(0x0102030405060708ull);
  w.put_bool(true);
  w.put_bool(false);
  BOOST_TEST(hex(w.bytes())
             == "01020304 fffffffe 01020304 05060708 00000001 00000000");
  xdr::reader r(w.bytes());
  BOOST_TEST(r.get_u32("a") == 0x01020304u);
  BOOST_TEST(r.get_i32("b") == -2);
  BOOST_TEST(r.get_u64("c") == 0x0102030405060708ull);
  BOOST_TEST(r.get_bool("d") == true);
  BOOST_TEST(r.get_bool("e") == false);
  BOOST_TEST(r.at_end());
}

BOOST_AUTO_TEST_CASE(opaques_are_padded_to_four_bytes) {
  const char* expect[] = {
    "00000000",
    "00000001 61000000",
    "00000002 61620000",
    "00000003 61626300",
    "00000004 61626364",
    "00000005 61626364 65000000",
  };
  for (std::size_t n = 0; n <= 5; ++n) {
    std::string s = "abcde"s.substr(0, n);
    xdr::writer w;
    w.put_opaque(s);
    BOOST_TEST(hex(w.bytes()) == expect[n]);
    xdr::writer ws;
    ws.put_string(s);
    BOOST_TEST(ws.bytes() == w.bytes());

    xdr::reader r(w.bytes());
    BOOST_TEST(r.get_opaque("o", 16) == s);
    BOOST_TEST(r.at_end());
    xdr::reader rs(w.bytes());
    BOOST_TEST(rs.get_string("s", 16) == s);
    BOOST_TEST(rs.remaining() == 0u);
    xdr::reader rk(w.bytes());
    rk.skip_opaque("k", 16);
    BOOST_TEST(rk.at_end());
  }
}

BOOST_AUTO_TEST_CASE(fixed_opaque_has_no_length) {
  xdr::writer w;
  w.put_fixed_opaque("xyz");
  w.put_u32(9);
  BOOST_TEST(hex(w.bytes()) == "78797a00 00000009");
  xdr::reader r(w.bytes());
  BOOST_TEST(r.get_fixed_opaque("f", 3) == "xyz");
  BOOST_TEST(r.get_u32("n") == 9u);
}

BOOST_AUTO_TEST_CASE(binary_opaque_round_trips) {
  std::string blob = "\0\x01\xff\x80z"s;
  xdr::writer w;
  w.put_opaque(blob);
  xdr::reader r(w.bytes());
  BOOST_TEST(r.get_opaque("blob", 5) == blob);
}

BOOST_AUTO_TEST_CASE(truncation_names_the_item) {
  auto two = unhex("0001");
  BOOST_TEST(decode_error_of([&] { xdr::reader(two).get_u32("port"); })
             == "truncated: needed 4 bytes for 'port', 2 left");
  auto six = unhex("00000000 0001");
  BOOST_TEST(decode_error_of([&] { xdr::reader(six).get_u64("gfs_id"); })
             == "truncated: needed 4 bytes for 'gfs_id', 2 left");
  // The length word is there but the bytes are not.
  auto short_string = unhex("00000005 616263");
  BOOST_TEST(decode_error_of([&] {
               xdr::reader(short_string).get_string("brick", 100);
             })
             == "truncated: needed 8 bytes for 'brick', 3 left");
  // The bytes are there but their padding is not: glibc refuses that too.
  auto no_padding = unhex("00000005 61626364 65");
  BOOST_TEST(decode_error_of([&] {
               xdr::reader(no_padding).get_opaque("xdata", 100);
             })
             == "truncated: needed 8 bytes for 'xdata', 5 left");
}

BOOST_AUTO_TEST_CASE(length_limits_name_the_item) {
  auto huge = unhex("ffffffff 00000000");
  BOOST_TEST(decode_error_of([&] { xdr::reader(huge).get_string("key", 4096); })
             == "string 'key': length 4294967295 exceeds the 4096-byte limit");
  BOOST_TEST(decode_error_of([&] { xdr::reader(huge).get_opaque("xdata", 8); })
             == "opaque 'xdata': length 4294967295 exceeds the 8-byte limit");
  BOOST_TEST(decode_error_of([&] { xdr::reader(huge).skip_opaque("verf", 400); })
             == "opaque 'verf': length 4294967295 exceeds the 400-byte limit");
  // Exactly at the limit is fine.
  auto four = unhex("00000004 61626364");
  BOOST_TEST(xdr::reader(four).get_string("s", 4) == "abcd");
}

BOOST_AUTO_TEST_CASE(bad_bool_and_embedded_nul_are_refused) {
  auto two = unhex("00000002");
  BOOST_TEST(decode_error_of([&] { xdr::reader(two).get_bool("more"); })
             == "bool 'more': 2 is neither 0 nor 1");
  auto nul = unhex("00000003 61006200");
  BOOST_TEST(decode_error_of([&] { xdr::reader(nul).get_string("brick", 9); })
             == "string 'brick': contains a NUL byte at 1");
  // The same bytes are a fine opaque.
  BOOST_TEST(xdr::reader(nul).get_opaque("o", 9) == "a\0b"s);
}

BOOST_AUTO_TEST_CASE(nonzero_padding_is_tolerated_like_glibc) {
  auto sloppy = unhex("00000001 61ffffff 00000007");
  xdr::reader r(sloppy);
  BOOST_TEST(r.get_string("s", 4) == "a");
  BOOST_TEST(r.get_u32("n") == 7u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(onc_record_marking)

BOOST_AUTO_TEST_CASE(frame_record_sets_the_last_fragment_bit) {
  BOOST_TEST(hex(onc::frame_record("abcde")) == "80000005 61626364 65");
  BOOST_TEST(hex(onc::frame_record("")) == "80000000");
}

BOOST_AUTO_TEST_CASE(records_split_anywhere_are_reassembled) {
  std::string stream = onc::frame_record("hello") + onc::frame_record("")
                       + onc::frame_record("world!");
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    onc::record_reader rr;
    for (std::size_t i = 0; i < stream.size(); i += chunk)
      rr.feed(stream.data() + i, std::min(chunk, stream.size() - i));
    BOOST_TEST(rr.next().value_or("-") == "hello");
    BOOST_TEST(rr.next().value_or("-") == "");
    BOOST_TEST(rr.next().value_or("-") == "world!");
    BOOST_TEST(!rr.next().has_value());
    BOOST_TEST(!rr.failed());
  }
}

BOOST_AUTO_TEST_CASE(fragments_are_joined) {
  auto stream = unhex("00000003 616263"       // "abc", not last
                      "00000000"              // empty, not last
                      "80000002 6465");       // "de", last
  onc::record_reader rr;
  rr.feed(stream.data(), stream.size() - 1);
  BOOST_TEST(!rr.next().has_value()); // the last byte is still missing
  rr.feed(stream.data() + stream.size() - 1, 1);
  BOOST_TEST(rr.next().value_or("-") == "abcde");
  BOOST_TEST(!rr.failed());
}

BOOST_AUTO_TEST_CASE(oversize_record_fails_without_buffering) {
  onc::record_reader rr(100);
  auto ok = onc::frame_record(std::string(100, 'x'));
  rr.feed(ok.data(), ok.size());
  // 60 + 41 bytes in two fragments: refused at the second header.
  auto big = unhex("0000003c") + std::string(60, 'y') + unhex("80000029");
  rr.feed(big.data(), big.size());
  BOOST_TEST(rr.failed());
  BOOST_TEST(rr.error()
             == "record of at least 101 bytes exceeds the 100-byte limit");
  BOOST_TEST(rr.next().value_or("-") == std::string(100, 'x'));
  BOOST_TEST(!rr.next().has_value());
  // Nothing more is accepted.
  rr.feed(ok.data(), ok.size());
  BOOST_TEST(!rr.next().has_value());
}

BOOST_AUTO_TEST_CASE(huge_fragment_header_fails_at_once) {
  onc::record_reader rr;
  auto h = unhex("ffffffff");
  rr.feed(h.data(), h.size());
  BOOST_TEST(rr.failed());
  BOOST_TEST(rr.error()
             == "record of at least 2147483647 bytes exceeds the "
                "1048576-byte limit");
}

BOOST_AUTO_TEST_CASE(empty_fragment_storm_fails) {
  onc::record_reader rr;
  std::string storm;
  for (unsigned i = 0; i < onc::record_reader::max_empty_fragments; ++i)
    storm += unhex("00000000");
  rr.feed(storm.data(), storm.size());
  BOOST_TEST(!rr.failed()); // tolerated so far
  rr.feed(storm.data(), 4);
  BOOST_TEST(rr.failed());
  BOOST_TEST(rr.error()
             == "17 empty non-last fragments in one record (limit 16)");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(onc_call)

BOOST_AUTO_TEST_CASE(gluster_getspec_call_decodes) {
  auto stream = unhex(getspec_record);
  BOOST_REQUIRE(stream.size() == 4u + 172u);
  onc::record_reader rr;
  rr.feed(stream.data(), stream.size());
  auto record = rr.next();
  BOOST_REQUIRE(record.has_value());
  BOOST_TEST((onc::kind_of(*record) == onc::msg_kind::call));

  auto c = onc::parse_call(*record);
  BOOST_TEST(c.xid == 5u);
  BOOST_TEST(c.prog == onc::hndsk::program);
  BOOST_TEST(c.vers == onc::hndsk::version);
  BOOST_TEST(c.proc == onc::hndsk::proc_getspec);
  BOOST_TEST(c.cred_flavor == onc::auth_glusterfs_v2);
  BOOST_TEST(hex(c.cred_body)
             == "000004d2 00000000 00000000 00000000 00000004 d2040000");
  BOOST_TEST(c.args == unhex(getspec_args));

  auto req = onc::gf_getspec_req::decode(c.args);
  BOOST_TEST(req.flags == 0u);
  BOOST_TEST(req.key == "gv0.h1.b1");
  BOOST_TEST(req.xdata == unhex(getspec_dict));
  auto dict = onc::decode_gluster_dict(req.xdata);
  BOOST_TEST(dict.size() == 3u);
  BOOST_TEST(dict["brick_name"] == "/b1");
  BOOST_TEST(dict["min-op-version"] == "1");
  BOOST_TEST(dict["max-op-version"] == "100000");
}

BOOST_AUTO_TEST_CASE(make_call_bytes) {
  auto bytes = onc::make_call(0x11, onc::cbk::program, onc::cbk::version,
                              onc::cbk::proc_fetchspec, "");
  BOOST_TEST(hex(bytes)
             == "00000011 00000000 00000002 0324cc42 00000001 00000001 "
                "00000000 00000000 00000000 00000000");
  auto c = onc::parse_call(bytes + "xy");
  BOOST_TEST(c.cred_flavor == onc::auth_none);
  BOOST_TEST(c.cred_body.empty());
  BOOST_TEST(c.args == "xy");
}

BOOST_AUTO_TEST_CASE(truncated_header) {
  auto all = unhex(getspec_call_header);
  BOOST_TEST(decode_error_of([&] { onc::parse_call(all.substr(0, 10)); })
             == "truncated: needed 4 bytes for 'rpcvers', 2 left");
  BOOST_TEST(decode_error_of([&] { onc::parse_call(all.substr(0, 40)); })
             == "truncated: needed 24 bytes for 'cred body', 8 left");
  BOOST_TEST(decode_error_of([&] { onc::parse_call(all.substr(0, 60)); })
             == "truncated: needed 4 bytes for 'verf body', 0 left");
  BOOST_TEST(decode_error_of([&] { onc::parse_call(""); })
             == "truncated: needed 4 bytes for 'xid', 0 left");
  // A header with no arguments is complete.
  BOOST_TEST(onc::parse_call(all).args.empty());
}

BOOST_AUTO_TEST_CASE(wrong_rpc_version_carries_the_xid) {
  auto bytes = call_bytes(3, "");
  BOOST_TEST(decode_error_of([&] { onc::parse_call(bytes); })
             == "rpc version 3 is not supported (only 2), xid 7");
  try {
    onc::parse_call(bytes);
    BOOST_FAIL("no exception");
  } catch (const onc::rpc_mismatch_error& e) {
    BOOST_TEST(e.xid() == 7u);
    BOOST_TEST(hex(onc::reply_rpc_mismatch(e.xid()))
               == "00000007 00000001 00000001 00000000 00000002 00000002");
  }
}

BOOST_AUTO_TEST_CASE(credential_body_limit) {
  BOOST_TEST(onc::parse_call(call_bytes(2, std::string(400, 'c')))
               .cred_body.size()
             == 400u);
  BOOST_TEST(decode_error_of([&] {
               onc::parse_call(call_bytes(2, std::string(401, 'c')));
             })
             == "opaque 'cred body': length 401 exceeds the 400-byte limit");
}

BOOST_AUTO_TEST_CASE(reply_is_not_a_call) {
  auto reply = onc::reply_proc_unavail(3);
  BOOST_TEST((onc::kind_of(reply) == onc::msg_kind::reply));
  BOOST_TEST(decode_error_of([&] { onc::parse_call(reply); })
             == "expected a CALL, got a REPLY");
  auto garbage = unhex("00000001 00000002 00000002");
  BOOST_TEST(decode_error_of([&] { onc::kind_of(garbage); })
             == "msg_type 2 is neither CALL (0) nor REPLY (1)");
  BOOST_TEST(decode_error_of([&] { onc::parse_call(garbage); })
             == "msg_type 2 is neither CALL (0) nor REPLY (1)");
  BOOST_TEST(decode_error_of([&] { onc::kind_of(unhex("000000")); })
             == "truncated: needed 4 bytes for 'xid', 3 left");
}

BOOST_AUTO_TEST_CASE(string_length_beyond_the_record) {
  // SIGNIN with a brick path claiming 256 bytes in a 20-byte argument list.
  auto args = unhex("00000100 2f62312f 00000000 00000000 00000000");
  auto c = onc::parse_call(call_bytes(2, "", args));
  BOOST_TEST(decode_error_of([&] { onc::pmap_signin_req::decode(c.args); })
             == "truncated: needed 256 bytes for 'brick', 16 left");
  auto huge_key = unhex("00000000 ffffffff");
  BOOST_TEST(decode_error_of([&] { onc::gf_getspec_req::decode(huge_key); })
             == "string 'key': length 4294967295 exceeds the 65536-byte "
                "limit");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(onc_reply)

BOOST_AUTO_TEST_CASE(accepted_replies_match_hand_computed_bytes) {
  // xid, REPLY, MSG_ACCEPTED, verf AUTH_NONE + empty body, accept_stat
  BOOST_TEST(hex(onc::reply_success(0x2a, unhex("00000007")))
             == "0000002a 00000001 00000000 00000000 00000000 00000000 "
                "00000007");
  BOOST_TEST(hex(onc::reply_prog_unavail(1))
             == "00000001 00000001 00000000 00000000 00000000 00000001");
  BOOST_TEST(hex(onc::reply_prog_mismatch(1, 1, 2))
             == "00000001 00000001 00000000 00000000 00000000 00000002 "
                "00000001 00000002");
  BOOST_TEST(hex(onc::reply_proc_unavail(1))
             == "00000001 00000001 00000000 00000000 00000000 00000003");
  BOOST_TEST(hex(onc::reply_garbage_args(1))
             == "00000001 00000001 00000000 00000000 00000000 00000004");
  BOOST_TEST(hex(onc::reply_system_err(0xdeadbeef))
             == "deadbeef 00000001 00000000 00000000 00000000 00000005");
}

BOOST_AUTO_TEST_CASE(denied_reply_matches_hand_computed_bytes) {
  // xid, REPLY, MSG_DENIED, RPC_MISMATCH, low 2, high 2
  BOOST_TEST(hex(onc::reply_rpc_mismatch(0x0100))
             == "00000100 00000001 00000001 00000000 00000002 00000002");
}

BOOST_AUTO_TEST_CASE(parse_reply_reads_what_a_client_sends) {
  // A client's answer to FETCHSPEC: success, an AUTH_NONE verifier with an
  // (unusual) 4-byte body, and a gf_common_rsp.
  auto bytes = unhex("00000063 00000001 00000000 00000000 00000004 01020304 "
                     "00000000 00000000 00000000 00000000");
  BOOST_TEST((onc::kind_of(bytes) == onc::msg_kind::reply));
  auto h = onc::parse_reply(bytes);
  BOOST_TEST(h.xid == 0x63u);
  BOOST_TEST(h.accepted);
  BOOST_TEST(h.accept_stat == onc::accept_success);
  BOOST_TEST(hex(h.results) == "00000000 00000000 00000000");
  auto rsp = onc::gf_common_rsp::decode(h.results);
  BOOST_TEST(rsp.op_ret == 0);
  BOOST_TEST(rsp.xdata.empty());
}

BOOST_AUTO_TEST_CASE(parse_reply_round_trips_our_replies) {
  auto m = onc::parse_reply(onc::reply_prog_mismatch(4, 1, 2));
  BOOST_TEST(m.accepted);
  BOOST_TEST(m.accept_stat == onc::accept_prog_mismatch);
  BOOST_TEST(hex(m.results) == "00000001 00000002");
  auto d = onc::parse_reply(onc::reply_rpc_mismatch(4));
  BOOST_TEST(!d.accepted);
  BOOST_TEST(d.accept_stat == onc::reject_rpc_mismatch);
  BOOST_TEST(hex(d.results) == "00000002 00000002");
}

BOOST_AUTO_TEST_CASE(malformed_replies) {
  BOOST_TEST(decode_error_of([] { onc::parse_reply(onc::make_call(1, 2, 3, 4, "")); })
             == "expected a REPLY, got a CALL");
  BOOST_TEST(decode_error_of([] {
               onc::parse_reply(unhex("00000001 00000001 00000002"));
             })
             == "reply_stat 2 is neither MSG_ACCEPTED (0) nor MSG_DENIED (1)");
  BOOST_TEST(decode_error_of([] {
               onc::parse_reply(unhex("00000001 00000001 00000000 00000000"));
             })
             == "truncated: needed 4 bytes for 'verf body', 0 left");
  BOOST_TEST(decode_error_of([] {
               onc::parse_reply(unhex("00000001 00000001 00000000 00000000 "
                                      "00000191"));
             })
             == "opaque 'verf body': length 401 exceeds the 400-byte limit");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(gluster_programs)

BOOST_AUTO_TEST_CASE(program_numbers) {
  BOOST_TEST(onc::dump::program == 123451501u);
  BOOST_TEST(onc::hndsk::program == 14398633u);
  BOOST_TEST(onc::hndsk::version == 2u);
  BOOST_TEST(onc::pmap::program == 34123456u);
  BOOST_TEST(onc::pmap::proc_signin == 4u);
  BOOST_TEST(onc::cbk::program == 52743234u);
}

BOOST_AUTO_TEST_CASE(dump_rsp_is_an_optional_linked_list) {
  onc::gf_dump_rsp rsp;
  rsp.gfs_id = 0x0102030405060708ull;
  rsp.progs = {{"GF-DUMP", onc::dump::program, 1},
               {"Gluster Portmap", onc::pmap::program, 1}};
  BOOST_TEST(hex(rsp.encode())
             == "01020304 05060708 00000000 00000000 "
                "00000001 "                           // an element follows
                "00000007 47462d44 554d5000 "         // "GF-DUMP"
                "00000000 075bb86d 00000000 00000001 "
                "00000001 "                           // an element follows
                "0000000f 476c7573 74657220 506f7274 6d617000" // portmap
                " 00000000 0208aec0 00000000 00000001 "
                "00000000");                          // end of list
  auto back = onc::gf_dump_rsp::decode(rsp.encode());
  BOOST_TEST(back.gfs_id == rsp.gfs_id);
  BOOST_TEST((back.progs == rsp.progs));

  onc::gf_dump_rsp empty;
  empty.op_ret = -1;
  empty.op_errno = 22;
  BOOST_TEST(hex(empty.encode())
             == "00000000 00000000 ffffffff 00000016 00000000");
}

BOOST_AUTO_TEST_CASE(dump_rsp_decode_refuses_bad_lists) {
  auto bad_bool = unhex("00000000 00000000 00000000 00000000 00000002");
  BOOST_TEST(decode_error_of([&] { onc::gf_dump_rsp::decode(bad_bool); })
             == "bool 'prog present': 2 is neither 0 nor 1");
  auto unterminated = unhex("00000000 00000000 00000000 00000000");
  BOOST_TEST(decode_error_of([&] { onc::gf_dump_rsp::decode(unterminated); })
             == "truncated: needed 4 bytes for 'prog present', 0 left");
  std::string endless = unhex("00000000 00000000 00000000 00000000");
  for (std::size_t i = 0; i <= onc::gf_dump_rsp::max_progs; ++i)
    endless += unhex("00000001 00000000 00000000 00000000 00000000 00000000");
  endless += unhex("00000000");
  BOOST_TEST(decode_error_of([&] { onc::gf_dump_rsp::decode(endless); })
             == "gf_dump_rsp: more than 1024 programs");
}

BOOST_AUTO_TEST_CASE(dump_req) {
  auto req = onc::gf_dump_req::decode(unhex("00000000 0000beef"));
  BOOST_TEST(req.gfs_id == 0xbeefu);
  BOOST_TEST(hex(req.encode()) == "00000000 0000beef");
}

BOOST_AUTO_TEST_CASE(getspec_rsp_op_ret_is_the_spec_length) {
  auto rsp = onc::gf_getspec_rsp::found("vol\n");
  BOOST_TEST(rsp.op_ret == 4);
  BOOST_TEST(hex(rsp.encode())
             == "00000004 00000000 00000004 766f6c0a 00000000");
  onc::gf_getspec_rsp wrong;
  wrong.spec = "volume";
  BOOST_CHECK_THROW(wrong.encode(), std::invalid_argument);
  onc::gf_getspec_rsp failed;
  failed.op_ret = -1;
  failed.op_errno = 2;
  BOOST_TEST(hex(failed.encode())
             == "ffffffff 00000002 00000000 00000000");
}

BOOST_AUTO_TEST_CASE(getspec_req_round_trip_and_lenient_tail) {
  onc::gf_getspec_req req;
  req.flags = onc::hndsk::getspec_flag_servers_list;
  req.key = "gv0";
  req.xdata = onc::encode_gluster_dict({{"brick_name", "/b1"}});
  // Trailing bytes after the struct are ignored, as by xdr_to_generic.
  auto back = onc::gf_getspec_req::decode(req.encode() + "junk");
  BOOST_TEST(back.flags == 1u);
  BOOST_TEST(back.key == "gv0");
  BOOST_TEST(back.xdata == req.xdata);
}

BOOST_AUTO_TEST_CASE(portmap_messages) {
  auto signin = onc::pmap_signin_req::decode(
    unhex("00000003 2f623100 0000c001 00000457"));
  BOOST_TEST(signin.brick == "/b1");
  BOOST_TEST(signin.port == 49153);
  BOOST_TEST(signin.pid == 1111);
  BOOST_TEST(hex(signin.encode()) == "00000003 2f623100 0000c001 00000457");

  auto signout = onc::pmap_signout_req::decode(
    unhex("00000003 2f623100 0000c001 00000000"));
  BOOST_TEST(signout.brick == "/b1");
  BOOST_TEST(signout.port == 49153);
  BOOST_TEST(signout.rdma_port == 0);

  auto by_brick = onc::pmap_port_by_brick_req::decode(
    unhex("00000003 2f623100"));
  BOOST_TEST(by_brick.brick == "/b1");
  onc::pmap_port_by_brick_rsp port_rsp{0, 0, 1, 49153};
  BOOST_TEST(hex(port_rsp.encode())
             == "00000000 00000000 00000001 0000c001");
  BOOST_TEST(onc::pmap_port_by_brick_rsp::decode(port_rsp.encode()).port
             == 49153);

  auto by_port = onc::pmap_brick_by_port_req::decode(unhex("0000c001"));
  BOOST_TEST(by_port.port == 49153);
  onc::pmap_brick_by_port_rsp brick_rsp{0, 0, 1, "/b1"};
  BOOST_TEST(hex(brick_rsp.encode())
             == "00000000 00000000 00000001 00000003 2f623100");
  BOOST_TEST(onc::pmap_brick_by_port_rsp::decode(brick_rsp.encode()).brick
             == "/b1");

  onc::pmap_signin_rsp in_rsp{-1, 22};
  BOOST_TEST(hex(in_rsp.encode()) == "ffffffff 00000016");
  BOOST_TEST(onc::pmap_signout_rsp::decode(in_rsp.encode()).op_errno == 22);
}

BOOST_AUTO_TEST_CASE(event_notify_and_common_rsp) {
  auto req = onc::gf_event_notify_req::decode(
    unhex("00000001 00000004 00000000"));
  BOOST_TEST(req.op == 1);
  BOOST_TEST(onc::decode_gluster_dict(req.dict).empty());
  onc::gf_event_notify_rsp rsp{0, 0, ""};
  BOOST_TEST(hex(rsp.encode()) == "00000000 00000000 00000000");
  onc::gf_common_rsp ping{0, 0, ""};
  BOOST_TEST(hex(ping.encode()) == "00000000 00000000 00000000");
  BOOST_TEST(onc::gf_common_rsp::decode(ping.encode()).op_ret == 0);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(gluster_dict)

BOOST_AUTO_TEST_CASE(hand_made_vector) {
  // {"a": "1"} as dict_set_str would store it: value "1\0".
  auto bytes = unhex("00000001 00000001 00000002 61 00 3100");
  auto d = onc::decode_gluster_dict(bytes);
  BOOST_TEST(d.size() == 1u);
  BOOST_TEST(d["a"] == "1");
  BOOST_TEST(onc::encode_gluster_dict(d) == bytes);
  // A binary value without a trailing NUL is kept as is.
  auto bin = unhex("00000001 00000001 00000002 62 00 ff01");
  BOOST_TEST(onc::decode_gluster_dict(bin).at("b") == "\xff\x01"s);
}

BOOST_AUTO_TEST_CASE(round_trip) {
  std::map<std::string, std::string> d = {
    {"brick_name", "/data/brick1"},
    {"empty", ""},
    {"max-op-version", "100000"},
    {"volname", "gv0"}};
  auto bytes = onc::encode_gluster_dict(d);
  BOOST_TEST((onc::decode_gluster_dict(bytes) == d));
  BOOST_TEST(hex(onc::encode_gluster_dict({})) == "00000000");
  BOOST_TEST(onc::decode_gluster_dict("").empty());
  BOOST_TEST(onc::decode_gluster_dict(unhex("00000000")).empty());
  // Bytes after the last entry are ignored, as dict_unserialize does.
  BOOST_TEST((onc::decode_gluster_dict(bytes + "tail") == d));
}

BOOST_AUTO_TEST_CASE(garbage_is_refused) {
  BOOST_TEST(decode_error_of([] { onc::decode_gluster_dict(unhex("0000")); })
             == "dict: truncated: needed 4 bytes for 'count', 2 left");
  BOOST_TEST(decode_error_of([] {
               onc::decode_gluster_dict(unhex("7fffffff 00000001 00000002"));
             })
             == "dict: 2147483647 entries cannot fit in 8 bytes");
  BOOST_TEST(decode_error_of([] {
               onc::decode_gluster_dict(
                 unhex("00000001 00000001 00000009 61 00 3100"));
             })
             == "dict: truncated: entry 0 needs 11 bytes, 4 left");
  BOOST_TEST(decode_error_of([] {
               onc::decode_gluster_dict(
                 unhex("00000001 ffffffff 00000002 61 00 3100"));
             })
             == "dict: entry 0 key: length 4294967295 exceeds the "
                "65536-byte limit");
  BOOST_TEST(decode_error_of([] {
               onc::decode_gluster_dict(
                 unhex("00000001 00000001 00000002 61 78 3100"));
             })
             == "dict: entry 0 key 'a' is not NUL-terminated");
  BOOST_TEST(decode_error_of([] {
               onc::decode_gluster_dict(
                 unhex("00000002 00000001 00000002 61 00 3100"
                       "00000001 00000002 61 00 3200"));
             })
             == "dict: key 'a' appears twice");
  BOOST_TEST(decode_error_of([] {
               onc::decode_gluster_dict(
                 unhex("00000002 00000001 00000002 61 00 3100"
                       "00000001 000000"));
             })
             == "dict: truncated: needed 4 bytes for entry 1 value length, "
                "3 left");
}

BOOST_AUTO_TEST_SUITE_END()
