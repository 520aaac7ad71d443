#include <boost/test/unit_test.hpp>

// GlusterFS's ONC RPC door on the management port, over real sockets to
// real daemons: DUMP, GETSPEC of client and brick volfiles, the portmap
// (SIGNIN / SIGNOUT / PORTBYBRICK / BRICKBYPORT, sign-ins ending with their
// connection), the error replies bad calls ask for, garbage and oversize
// records (the connection is closed, the daemon logs the peer and carries
// on), fragmented records fed a byte at a time, Cap'n Proto on the same
// port, and the FETCHSPEC push when a volfile changes.
//
// Address block: 127.7.80.x (monitors .1-.3). Some requests are written out
// as hex bytes, so the door is not only checked against our own encoder.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include "protocol/gluster_programs.hpp"
#include "protocol/onc_rpc.hpp"
#include "protocol/xdr.hpp"
#include "test/integration/cluster_fixture.hpp"
#include "test/integration/raw_socket.hpp"
#include "test/support/glcli_spawn.hpp"

using namespace gd;
using namespace gd::test;
using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;

/// The bytes written as hex digits in `hex`; spaces are ignored.
std::string from_hex(const std::string& hex) {
  std::string digits;
  for (char ch : hex)
    if (ch != ' ' && ch != '\n')
      digits += ch;
  if (digits.size() % 2 != 0)
    throw std::invalid_argument("odd number of hex digits: " + hex);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); i += 2)
    out += static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16));
  return out;
}

/// A 4-byte record-marking header: `length`, with the last-fragment bit if
/// `last`.
std::string fragment_header(std::uint32_t length, bool last) {
  xdr::writer w;
  w.put_u32((last ? 0x80000000u : 0u) | length);
  return w.bytes();
}

/// A blocking TCP connection to HOST:24007 that speaks ONC RPC record by
/// record, with deadlines (poll), so a daemon that says nothing cannot hang
/// the test.
class onc_client {
public:
  explicit onc_client(const std::string& host)
    : host_(host), fd_(connect_raw(host, 24007)) {
    if (fd_ < 0)
      throw std::runtime_error("cannot connect to " + host + ":24007");
  }
  ~onc_client() { close(); }
  onc_client(const onc_client&) = delete;
  onc_client& operator=(const onc_client&) = delete;

  int fd() const { return fd_; }

  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

  /// Sends every write at once (for byte-at-a-time feeding).
  void no_delay() {
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }

  /// "HOST:PORT" of our end: the peer address the daemon logs.
  std::string local_address() const {
    sockaddr_in a{};
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    char host[INET_ADDRSTRLEN] = {0};
    ::inet_ntop(AF_INET, &a.sin_addr, host, sizeof(host));
    return std::string(host) + ":" + std::to_string(ntohs(a.sin_port));
  }

  /// Writes `bytes` as they are; false if the socket refused them.
  bool send_bytes(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + done, bytes.size() - done,
                      MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  bool send_record(const std::string& payload) {
    return send_bytes(onc::frame_record(payload));
  }

  /// The next record, or nothing if none is complete within `timeout` (or
  /// the daemon closed the connection, or sent bytes that are no record).
  std::optional<std::string> read_record(std::chrono::milliseconds timeout = 5s) {
    auto deadline = clock_type::now() + timeout;
    for (;;) {
      if (auto r = records_.next())
        return r;
      if (records_.failed() || eof_)
        return std::nullopt;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - clock_type::now())
                    .count();
      if (left <= 0)
        return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      int n = ::poll(&p, 1, static_cast<int>(left));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return std::nullopt;
      char buf[64 * 1024];
      auto got = ::recv(fd_, buf, sizeof(buf), 0);
      if (got <= 0) {
        eof_ = true;
        continue;
      }
      records_.feed(buf, static_cast<std::size_t>(got));
    }
  }

  /// The reply to the call just sent with `xid`; throws std::runtime_error
  /// if none comes within 5 s or it answers another xid.
  onc::reply_header reply_to(std::uint32_t xid, const std::string& what) {
    auto record = read_record();
    if (!record)
      throw std::runtime_error("no reply from " + host_ + " to " + what);
    auto h = onc::parse_reply(*record);
    if (h.xid != xid)
      throw std::runtime_error("the reply to " + what + " has xid "
                               + std::to_string(h.xid) + ", not "
                               + std::to_string(xid));
    return h;
  }

  /// Calls `prog` `vers` `proc` with AUTH_NONE and waits for the reply.
  onc::reply_header call(std::uint32_t prog, std::uint32_t vers,
                         std::uint32_t proc, const std::string& args) {
    auto xid = next_xid_++;
    auto what = "program " + std::to_string(prog) + " version "
                + std::to_string(vers) + " procedure " + std::to_string(proc);
    if (!send_record(onc::make_call(xid, prog, vers, proc, args)))
      throw std::runtime_error("cannot send " + what + " to " + host_);
    return reply_to(xid, what);
  }

private:
  std::string host_;
  int fd_;
  onc::record_reader records_;
  bool eof_ = false;
  std::uint32_t next_xid_ = 0x10000001;
};

/// The results of an accepted, successful reply; throws otherwise.
std::string success_results(const onc::reply_header& h) {
  if (!h.accepted || h.accept_stat != onc::accept_success)
    throw std::runtime_error("the call failed: accepted "
                             + std::to_string(h.accepted) + ", stat "
                             + std::to_string(h.accept_stat));
  return h.results;
}

/// A gf_getspec_rsp as it came over the wire (the codec only encodes it).
struct getspec_reply {
  std::int32_t op_ret = 0;
  std::int32_t op_errno = 0;
  std::string spec;
  std::string xdata;
};

getspec_reply decode_getspec(const std::string& results) {
  xdr::reader r(results);
  getspec_reply out;
  out.op_ret = r.get_i32("op_ret");
  out.op_errno = r.get_i32("op_errno");
  out.spec = r.get_string("spec", 16 << 20);
  out.xdata = r.get_opaque("xdata", onc::max_field_bytes);
  return out;
}

getspec_reply getspec(onc_client& c, const std::string& key) {
  onc::gf_getspec_req req;
  req.key = key;
  return decode_getspec(success_results(
    c.call(onc::hndsk::program, onc::hndsk::version, onc::hndsk::proc_getspec,
           req.encode())));
}

onc::pmap_port_by_brick_rsp port_by_brick(onc_client& c,
                                          const std::string& brick) {
  return onc::pmap_port_by_brick_rsp::decode(success_results(
    c.call(onc::pmap::program, onc::pmap::version, onc::pmap::proc_portbybrick,
           onc::pmap_port_by_brick_req{brick}.encode())));
}

onc::pmap_brick_by_port_rsp brick_by_port(onc_client& c, std::int32_t port) {
  return onc::pmap_brick_by_port_rsp::decode(success_results(
    c.call(onc::pmap::program, onc::pmap::version, onc::pmap::proc_brickbyport,
           onc::pmap_brick_by_port_req{port}.encode())));
}

onc::pmap_signin_rsp sign_in(onc_client& c, const std::string& brick,
                             std::int32_t port) {
  return onc::pmap_signin_rsp::decode(success_results(
    c.call(onc::pmap::program, onc::pmap::version, onc::pmap::proc_signin,
           onc::pmap_signin_req{brick, port, 4242}.encode())));
}

onc::pmap_signout_rsp sign_out(onc_client& c, const std::string& brick,
                               std::int32_t port) {
  return onc::pmap_signout_rsp::decode(success_results(
    c.call(onc::pmap::program, onc::pmap::version, onc::pmap::proc_signout,
           onc::pmap_signout_req{brick, port, 0}.encode())));
}

/// A DUMP ping on `c` succeeds: the connection is still usable.
bool pings(onc_client& c) {
  try {
    auto rsp = onc::gf_common_rsp::decode(success_results(
      c.call(onc::dump::program, onc::dump::version, onc::dump::proc_ping, {})));
    return rsp.op_ret == 0;
  } catch (const std::exception&) {
    return false;
  }
}

/// Waits up to 5 s until the log of `p` contains `line`; returns the log as
/// last read in `log`.
bool log_shows(daemon_process& p, const std::string& line, std::string& log) {
  return eventually(5s, [&] {
    log = p.log();
    return contains(log, line);
  });
}

/// A GETSPEC "v1" call with `xid` (unframed).
std::string split_getspec_call(std::uint32_t xid) {
  onc::gf_getspec_req req;
  req.key = "v1";
  return onc::make_call(xid, onc::hndsk::program, onc::hndsk::version,
                        onc::hndsk::proc_getspec, req.encode());
}

/// `call` as one record in two fragments, cut in the middle of the call
/// header: the first without the last-fragment bit.
std::string split_getspec(const std::string& call) {
  const std::size_t cut = 17;
  return fragment_header(cut, false) + call.substr(0, cut)
         + fragment_header(static_cast<std::uint32_t>(call.size() - cut), true)
         + call.substr(cut);
}

const std::string volume = "v1";

/// The suite's cluster: three monitors on 127.7.80.1-3 (no brick
/// processes: volfiles and the portmap are served all the same), volume v1
/// (replica 3, bricks HOST:/tmp/x/bN on the three), and its client volfile
/// served by every daemon.
struct onc_env {
  test_cluster c;

  onc_env() : c(root_for("onc-door"), "127.7.80", 3) {
    c.wait_for_leader(20s);
    // The monitors register as peers shortly after a leader is known: until
    // then a brick on them is refused.
    spawn_result created;
    bool ok = eventually(20s, [&] {
      created = run_glcli({"--remote-host", c.address(0), "volume", "create",
                           volume, "replica", "3", brick(0), brick(1),
                           brick(2), "force"});
      return created.code == 0;
    });
    if (!ok)
      throw std::runtime_error("volume create failed: " + created.out
                               + created.err + c.logs());
    // The node agents copy the model asynchronously.
    for (std::size_t i = 0; i < c.size(); ++i) {
      bool served = eventually(10s, [&] {
        try {
          onc_client oc(c.host(i));
          return getspec(oc, volume).op_ret > 0;
        } catch (const std::exception&) {
          return false;
        }
      });
      if (!served)
        throw std::runtime_error(c.host(i) + " does not serve the volfile of "
                                 + volume + " within 10 s\n" + c.logs());
    }
  }

  /// "HOST:/tmp/x/b<i+1>", on member i.
  std::string brick(std::size_t i) const {
    return c.host(i) + ":/tmp/x/b" + std::to_string(i + 1);
  }
  /// The volfile id of that brick: "v1.HOST.tmp-x-b<i+1>".
  std::string brick_id(std::size_t i) const {
    return volume + "." + c.host(i) + ".tmp-x-b" + std::to_string(i + 1);
  }
  daemon_process& daemon() { return c.process(0); }
  std::string host() const { return c.host(0); }

  /// A fresh connection's GETSPEC of v1 returns the client volfile, and
  /// glcli (Cap'n Proto, same port) still answers `volume info`.
  bool still_serves() {
    try {
      onc_client oc(host());
      auto r = getspec(oc, volume);
      if (r.op_ret <= 0 || !contains(r.spec, "type cluster/replicate"))
        return false;
    } catch (const std::exception&) {
      return false;
    }
    auto info = run_glcli({"--remote-host", c.address(0), "volume", "info",
                           volume});
    return daemon().running() && info.code == 0
           && contains(info.out, "Volume Name: " + volume);
  }
};

onc_env* the_env = nullptr;

struct onc_setup {
  onc_setup() { the_env = new onc_env(); }
  ~onc_setup() {
    delete the_env;
    the_env = nullptr;
  }
};

onc_env& env() {
  BOOST_REQUIRE_MESSAGE(the_env != nullptr, "the cluster did not start");
  return *the_env;
}

} // namespace

BOOST_AUTO_TEST_SUITE(onc_door, *boost::unit_test::fixture<onc_setup>())

BOOST_AUTO_TEST_CASE(dump_lists_the_three_programs) {
  auto& e = env();
  onc_client c(e.host());
  // DUMP written out by hand: xid 0xd00d, CALL, rpcvers 2, GF-DUMP
  // 123451501 (0x075bb86d) v1 proc 1, AUTH_NONE credential and verifier,
  // gfs_id 0x1234.
  BOOST_REQUIRE(c.send_bytes(from_hex(
    "80000030 0000d00d 00000000 00000002 075bb86d 00000001 00000001"
    " 00000000 00000000 00000000 00000000 00000000 00001234")));
  auto h = c.reply_to(0xd00d, "the hex DUMP");
  auto rsp = onc::gf_dump_rsp::decode(success_results(h));
  BOOST_TEST(rsp.gfs_id == 0x1234u);
  BOOST_TEST(rsp.op_ret == 0);
  std::vector<onc::gf_prog_detail> want = {
    {"GF-DUMP", 123451501, 1},
    {"Gluster Handshake", 14398633, 2},
    {"Gluster Portmap", 34123456, 1},
  };
  BOOST_TEST(rsp.progs.size() == want.size());
  for (const auto& p : want)
    BOOST_TEST((std::find(rsp.progs.begin(), rsp.progs.end(), p)
                != rsp.progs.end()),
               "DUMP does not list " << p.progname << " " << p.prognum);
  // The same through the encoder, and a ping.
  auto again = onc::gf_dump_rsp::decode(success_results(
    c.call(onc::dump::program, onc::dump::version, onc::dump::proc_dump,
           onc::gf_dump_req{7}.encode())));
  BOOST_TEST(again.gfs_id == 7u);
  BOOST_TEST((again.progs == rsp.progs));
  BOOST_TEST(pings(c));
}

BOOST_AUTO_TEST_CASE(getspec_returns_client_and_brick_volfiles) {
  auto& e = env();
  onc_client c(e.host());
  auto plain = getspec(c, "v1");
  BOOST_TEST(plain.op_ret == static_cast<std::int32_t>(plain.spec.size()));
  BOOST_TEST(plain.op_ret > 0);
  BOOST_TEST(plain.op_errno == 0);
  BOOST_TEST(contains(plain.spec, "type cluster/replicate"), plain.spec);
  BOOST_TEST(contains(plain.spec, "type protocol/client"), plain.spec);
  auto slash = getspec(c, "/v1");
  BOOST_TEST(slash.op_ret == plain.op_ret);
  BOOST_TEST(slash.spec == plain.spec);

  // A GETSPEC of "v1" written out by hand, as glusterfs sends it: an
  // AUTH_GLUSTERFS_v2 (390039) credential with a 20-byte body.
  BOOST_REQUIRE(c.send_bytes(from_hex(
    "8000004c 00001234 00000000 00000002 00dbb4a9 00000002 00000002"
    " 0005f397 00000014 00000457 00000000 00000000 00000000 00000000"
    " 00000000 00000000"
    " 00000000 00000002 76310000 00000000")));
  auto hex = decode_getspec(success_results(c.reply_to(0x1234, "the hex GETSPEC")));
  BOOST_TEST(hex.op_ret == plain.op_ret);
  BOOST_TEST(hex.spec == plain.spec);

  // glcli shows the same text (through a monitor, over Cap'n Proto).
  auto json = run_glcli({"--remote-host", e.c.address(1), "--json", "volume",
                         "volfile", "v1", "--client"});
  BOOST_REQUIRE_MESSAGE(json.code == 0, json.out << json.err);
  boost::property_tree::ptree doc;
  std::istringstream in(json.out);
  boost::property_tree::read_json(in, doc);
  BOOST_TEST(doc.get<std::string>("text") == plain.spec);
  auto human = run_glcli({"--remote-host", e.c.address(0), "volume", "volfile",
                          "v1"});
  BOOST_TEST(human.code == 0, human.err);
  auto spec_line = plain.spec;
  if (!spec_line.empty() && spec_line.back() != '\n')
    spec_line += "\n";
  BOOST_TEST(human.out == spec_line);

  // A brick volfile by its id.
  auto b = getspec(c, e.brick_id(0));
  BOOST_TEST(b.op_ret == static_cast<std::int32_t>(b.spec.size()));
  BOOST_TEST(b.op_ret > 0);
  BOOST_TEST(contains(b.spec, "type protocol/server"), b.spec);
  BOOST_TEST(contains(b.spec, "type storage/posix"), b.spec);
  BOOST_TEST(contains(b.spec, "/tmp/x/b1"), b.spec);
  BOOST_TEST(!contains(b.spec, "type protocol/client"), b.spec);
  auto b3 = getspec(c, e.brick_id(2));
  BOOST_TEST(b3.op_ret > 0);
  BOOST_TEST(contains(b3.spec, "/tmp/x/b3"), b3.spec);
}

BOOST_AUTO_TEST_CASE(getspec_of_an_unknown_id_is_enoent_and_logged) {
  auto& e = env();
  onc_client c(e.host());
  auto peer = c.local_address();
  for (const std::string id : {"nope", "shd/v1", ""}) {
    auto r = getspec(c, id);
    BOOST_TEST(r.op_ret == -1, "GETSPEC \"" << id << "\"");
    BOOST_TEST(r.op_errno == ENOENT, "GETSPEC \"" << id << "\"");
    BOOST_TEST(r.spec.empty());
  }
  // The connection is still usable.
  auto ok = getspec(c, "v1");
  BOOST_TEST(ok.op_ret > 0);
  BOOST_TEST(contains(ok.spec, "type cluster/replicate"));
  std::string log;
  for (const std::string why :
       {"volfile id \"nope\" names no volume or brick",
        "volfile id \"shd/v1\": the shd/ volfiles are not served",
        "an empty volfile id"})
    BOOST_TEST(log_shows(e.daemon(), "GETSPEC from " + peer + " refused: " + why,
                         log),
               "missing log line for " << why << "\n" << log);
}

BOOST_AUTO_TEST_CASE(portmap_signin_signout_and_lookups) {
  auto& e = env();
  const std::string brick = "/tmp/x/onc-b1";
  const std::int32_t port = 49991;
  onc_client a(e.host());
  onc_client b(e.host());
  auto in = sign_in(a, brick, port);
  BOOST_TEST(in.op_ret == 0);
  auto pa = port_by_brick(a, brick);
  BOOST_TEST(pa.op_ret == 0);
  BOOST_TEST(pa.port == port);
  auto pb = port_by_brick(b, brick); // seen from other connections too
  BOOST_TEST(pb.op_ret == 0);
  BOOST_TEST(pb.port == port);
  auto bp = brick_by_port(b, port);
  BOOST_TEST(bp.op_ret == 0);
  BOOST_TEST(bp.brick == brick);
  // A sign-out from another connection does not end a's sign-in.
  BOOST_TEST(sign_out(b, brick, port).op_ret == 0);
  BOOST_TEST(port_by_brick(b, brick).port == port);
  // a's own sign-out does.
  BOOST_TEST(sign_out(a, brick, port).op_ret == 0);
  BOOST_TEST(port_by_brick(b, brick).op_ret == -1);
  BOOST_TEST(brick_by_port(b, port).op_ret == -1);

  // Closing the connection ends its sign-ins.
  {
    onc_client gone(e.host());
    BOOST_TEST(sign_in(gone, "/tmp/x/onc-b2", port + 1).op_ret == 0);
    BOOST_TEST(port_by_brick(b, "/tmp/x/onc-b2").port == port + 1);
  }
  bool dropped = eventually(3s, [&] {
    return port_by_brick(b, "/tmp/x/onc-b2").op_ret == -1;
  });
  BOOST_TEST(dropped, "the sign-in outlived its connection");
  BOOST_TEST(brick_by_port(b, port + 1).op_ret == -1);

  // Refused sign-ins: a relative path, port 0, a port over 65535.
  auto peer = a.local_address();
  auto rel = sign_in(a, "tmp/x/rel", port + 2);
  BOOST_TEST(rel.op_ret == -1);
  BOOST_TEST(rel.op_errno == EINVAL);
  BOOST_TEST(port_by_brick(a, "tmp/x/rel").op_ret == -1);
  BOOST_TEST(sign_in(a, "/tmp/x/onc-b3", 0).op_ret == -1);
  BOOST_TEST(sign_in(a, "/tmp/x/onc-b3", 70000).op_ret == -1);
  BOOST_TEST(port_by_brick(a, "/tmp/x/onc-b3").op_ret == -1);
  BOOST_TEST(brick_by_port(a, 0).op_ret == -1);
  std::string log;
  BOOST_TEST(log_shows(e.daemon(), "SIGNIN from " + peer
                                     + " refused: brick \"tmp/x/rel\" is not "
                                       "an absolute path",
                       log),
             log);
  BOOST_TEST(pings(a));
}

BOOST_AUTO_TEST_CASE(bad_calls_get_their_error_replies) {
  auto& e = env();
  std::string log;
  auto logged = [&](onc_client& c, const std::string& what) {
    auto line = "bad ONC RPC input from " + c.local_address() + ": " + what;
    BOOST_TEST(log_shows(e.daemon(), line, log), line << "\n" << log);
  };
  {
    onc_client c(e.host());
    auto h = c.call(1234567, 1, 0, {});
    BOOST_TEST(h.accepted);
    BOOST_TEST(h.accept_stat == onc::accept_prog_unavail);
    BOOST_TEST(h.results.empty());
    BOOST_TEST(pings(c));
    logged(c, "unknown program: program 1234567 version 1 procedure 0");
  }
  {
    onc_client c(e.host());
    onc::gf_getspec_req req;
    req.key = "v1";
    auto h = c.call(onc::hndsk::program, 3, onc::hndsk::proc_getspec,
                    req.encode());
    BOOST_TEST(h.accepted);
    BOOST_TEST(h.accept_stat == onc::accept_prog_mismatch);
    xdr::reader r(h.results);
    BOOST_TEST(r.get_u32("low") == 2u);
    BOOST_TEST(r.get_u32("high") == 2u);
    BOOST_TEST(pings(c));
    logged(c, "unsupported version: program 14398633 version 3 procedure 2");
  }
  {
    onc_client c(e.host());
    auto h = c.call(onc::hndsk::program, onc::hndsk::version, 99, {});
    BOOST_TEST(h.accepted);
    BOOST_TEST(h.accept_stat == onc::accept_proc_unavail);
    BOOST_TEST(pings(c));
    logged(c, "unknown procedure: program 14398633 version 2 procedure 99");
  }
  {
    // GETSPEC args cut short: flags, then a key of 100 bytes of which 2 come.
    onc_client c(e.host());
    xdr::writer w;
    w.put_u32(0);
    w.put_u32(100);
    auto args = w.bytes() + "v1";
    auto h = c.call(onc::hndsk::program, onc::hndsk::version,
                    onc::hndsk::proc_getspec, args);
    BOOST_TEST(h.accepted);
    BOOST_TEST(h.accept_stat == onc::accept_garbage_args);
    BOOST_TEST(pings(c));
    BOOST_TEST(getspec(c, "v1").op_ret > 0);
    logged(c, "arguments of program 14398633 version 2 procedure 2 do not "
              "decode");
  }
  {
    // rpcvers 3, written out by hand: xid 0xbad, CALL, rpcvers 3, GF-DUMP
    // v1 PING, AUTH_NONE twice. The reply, byte for byte: xid, REPLY,
    // MSG_DENIED, RPC_MISMATCH, low 2, high 2.
    onc_client c(e.host());
    BOOST_REQUIRE(c.send_bytes(from_hex(
      "80000028 00000bad 00000000 00000003 075bb86d 00000001 00000002"
      " 00000000 00000000 00000000 00000000")));
    auto record = c.read_record();
    BOOST_REQUIRE(record.has_value());
    BOOST_TEST(*record == from_hex("00000bad 00000001 00000001 00000000"
                                   " 00000002 00000002"));
    auto h = onc::parse_reply(*record);
    BOOST_TEST(!h.accepted);
    BOOST_TEST(h.accept_stat == onc::reject_rpc_mismatch);
    BOOST_TEST(pings(c));
    logged(c, "rpc version 3 is not supported (only 2)");
  }
  BOOST_TEST(e.still_serves(), e.daemon().log());
}

BOOST_AUTO_TEST_CASE(garbage_oversize_and_cut_records_close_the_connection) {
  auto& e = env();
  std::string log;
  auto logged = [&](const std::string& peer, const std::string& what) {
    auto line = "bad ONC RPC input from " + peer + ": " + what;
    BOOST_TEST(log_shows(e.daemon(), line, log), line << "\n" << log);
  };
  {
    // A record of 8 bytes that are no RPC message (msg_type 7).
    onc_client c(e.host());
    auto peer = c.local_address();
    BOOST_REQUIRE(c.send_bytes(from_hex("80000008 a5c3e1f7 00000007")));
    BOOST_TEST(closed_by_peer(c.fd(), 5000ms));
    logged(peer, "a record that is no ONC RPC call: msg_type 7 is neither "
                 "CALL (0) nor REPLY (1)");
    BOOST_TEST(e.still_serves(), e.daemon().log());
  }
  {
    // A record that announces 2 MiB: refused on its header alone.
    onc_client c(e.host());
    auto peer = c.local_address();
    BOOST_REQUIRE(c.send_bytes(from_hex("80200000")));
    BOOST_TEST(closed_by_peer(c.fd(), 5000ms));
    logged(peer, "record of at least 2097152 bytes exceeds the "
                 "1048576-byte limit");
    BOOST_TEST(e.still_serves(), e.daemon().log());
  }
  {
    // A record of 100 bytes cut after 20, then the close.
    onc_client c(e.host());
    auto peer = c.local_address();
    BOOST_REQUIRE(c.send_bytes(fragment_header(100, true)
                               + onc::make_call(5, onc::dump::program, 1, 2, {})
                                   .substr(0, 20)));
    std::this_thread::sleep_for(100ms);
    c.close();
    logged(peer, "the connection closed in the middle of a record");
    BOOST_TEST(e.still_serves(), e.daemon().log());
  }
  {
    // A call after an oversize fragment in the same write is not answered:
    // nothing after a bad header is read.
    onc_client c(e.host());
    BOOST_REQUIRE(c.send_bytes(
      from_hex("ffffffff")
      + onc::frame_record(onc::make_call(6, onc::dump::program, 1, 2, {}))));
    BOOST_TEST(!c.read_record(2s).has_value());
    BOOST_TEST(closed_by_peer(c.fd(), 5000ms));
  }
  BOOST_TEST(e.daemon().running());
}

BOOST_AUTO_TEST_CASE(fragmented_getspec_fed_a_byte_at_a_time) {
  auto& e = env();
  onc_client c(e.host());
  c.no_delay();
  // A first record in one fragment, so the port takes the connection for
  // ONC RPC (see the next case for a connection that starts fragmented).
  BOOST_TEST(pings(c));
  auto call = split_getspec_call(0xf4a9);
  for (char ch : split_getspec(call)) {
    BOOST_REQUIRE(c.send_bytes(std::string(1, ch)));
    std::this_thread::sleep_for(1ms);
  }
  auto r = decode_getspec(
    success_results(c.reply_to(0xf4a9, "the fragmented GETSPEC")));
  BOOST_TEST(r.op_ret > 0);
  BOOST_TEST(contains(r.spec, "type cluster/replicate"));
  // Two calls in one write (an empty non-last fragment before the second):
  // two replies, in order.
  auto again = split_getspec_call(0xa2);
  auto two = onc::frame_record(onc::make_call(0xa1, onc::dump::program, 1, 2, {}))
             + fragment_header(0, false) + onc::frame_record(again);
  BOOST_REQUIRE(c.send_bytes(two));
  BOOST_TEST(success_results(c.reply_to(0xa1, "the pipelined ping")).size() > 0);
  auto second = decode_getspec(
    success_results(c.reply_to(0xa2, "the pipelined GETSPEC")));
  BOOST_TEST(second.spec == r.spec);
}

BOOST_AUTO_TEST_CASE(a_connection_that_starts_with_a_non_last_fragment_is_onc) {
  // RFC 5531 lets any record come in several fragments, the first one too.
  // A non-last fragment header has its top bit clear, like a Cap'n Proto
  // segment count; but its 4 bytes are a big-endian length (00 00 00 11),
  // never a valid little-endian segment count (bytes 2-3 are zero there).
  auto& e = env();
  onc_client c(e.host());
  auto peer = c.local_address();
  BOOST_REQUIRE(c.send_bytes(split_getspec(split_getspec_call(0xf4aa))));
  auto record = c.read_record(5s);
  BOOST_TEST(record.has_value(),
             "no reply to a GETSPEC whose first fragment is not the last; "
             "the daemon's log for " << peer << ":\n"
                                     << e.daemon().log());
  if (record) {
    auto r = decode_getspec(success_results(onc::parse_reply(*record)));
    BOOST_TEST(contains(r.spec, "type cluster/replicate"));
  }
  BOOST_TEST(e.still_serves());
}

BOOST_AUTO_TEST_CASE(capnp_clients_share_the_port) {
  auto& e = env();
  onc_client c(e.host());
  BOOST_TEST(getspec(c, "v1").op_ret > 0);
  // While the ONC connection is open, glcli (Cap'n Proto) on the same port.
  auto info = run_glcli({"--remote-host", e.c.address(0), "volume", "info",
                         "v1"});
  BOOST_TEST(info.code == 0, info.out << info.err);
  BOOST_TEST(contains(info.out, "Volume Name: v1"), info.out);
  BOOST_TEST(contains(info.out, "Brick1: " + e.brick(0)), info.out);
  // And the ONC connection carries on.
  BOOST_TEST(getspec(c, "v1").op_ret > 0);
  BOOST_TEST(pings(c));
}

BOOST_AUTO_TEST_CASE(a_changed_volfile_is_pushed_as_fetchspec) {
  // Last: it changes v1's client volfile.
  auto& e = env();
  onc_client c(e.host());
  auto before = getspec(c, "v1");
  BOOST_REQUIRE(before.op_ret > 0);
  auto set = run_glcli({"--remote-host", e.c.address(0), "volume", "set", "v1",
                        "network.ping-timeout", "30"});
  BOOST_REQUIRE_MESSAGE(set.code == 0, set.out << set.err);
  auto pushed = c.read_record(10s);
  BOOST_REQUIRE_MESSAGE(pushed.has_value(), "no FETCHSPEC within 10 s");
  BOOST_REQUIRE(onc::kind_of(*pushed) == onc::msg_kind::call);
  auto call = onc::parse_call(*pushed);
  BOOST_TEST(call.prog == onc::cbk::program);
  BOOST_TEST(call.vers == onc::cbk::version);
  BOOST_TEST(call.proc == onc::cbk::proc_fetchspec);
  auto after = getspec(c, "v1");
  BOOST_TEST(after.spec != before.spec);
  BOOST_TEST(contains(after.spec, "option ping-timeout 30"), after.spec);
  // The client's reply to the push is taken quietly.
  BOOST_REQUIRE(c.send_record(onc::reply_success(call.xid, {})));
  BOOST_TEST(pings(c));
}

BOOST_AUTO_TEST_SUITE_END()
