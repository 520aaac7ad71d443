#include "cmd/client/client.hpp"

#include <exception>
#include <utility>

#include <capnp/message.h>
#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <kj/async-unix.h>

#include "protocol/cluster_capnp.hpp"
#include "protocol/kv_capnp.hpp"
#include "protocol/management.capnp.h"
#include "protocol/monitor.capnp.h"
#include "protocol/records_capnp.hpp"

namespace gd::client {

namespace schema = gd::proto::schema;

namespace {

using capnp::rpc::twoparty::VatId;

/// Big enough for any reply the daemon sends (a range of many large values),
/// small enough to stop a runaway peer.
constexpr std::uint64_t traversal_limit_words = 64 * 1024 * 1024 / 8;

/// Renders a duration in seconds the way humans write it: "10 s", "0.5 s".
std::string seconds_text(std::chrono::milliseconds d) {
  auto ms = d.count();
  std::string r = std::to_string(ms / 1000);
  if (auto frac = ms % 1000; frac != 0) {
    std::string f = std::to_string(frac);
    f.insert(0, 3 - f.size(), '0');
    while (f.back() == '0')
      f.pop_back();
    r += "." + f;
  }
  return r + " s";
}

std::string text_of(capnp::Text::Reader t) {
  return {t.cStr(), t.size()};
}

/// The description of a KJ exception, without KJ's decorations.
std::string describe(const kj::Exception& e) {
  std::string d(e.getDescription().cStr());
  // why: KJ prefixes syscall failures like "connect(): Connection refused"
  // or "remote exception: ..."; keep the part a human needs.
  for (const char* prefix : {"remote exception: "}) {
    std::string p(prefix);
    if (d.compare(0, p.size(), p) == 0)
      d.erase(0, p.size());
  }
  return d;
}

/// Lower-cases the first letter of a system error text ("Connection
/// refused" -> "connection refused") so it reads well after a colon.
std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && (s.size() < 2 || s[1] < 'A'
                                                   || s[1] > 'Z'))
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

/// The reason part of a failed connect: KJ says e.g. "connect():
/// Connection refused"; we say "connection refused".
std::string connect_reason(const kj::Exception& e) {
  std::string d = describe(e);
  // KJ: "DNS lookup failed.; params.host = h; ...; gai_strerror(status) =
  // Name or service not known".
  const std::string gai = "gai_strerror(status) = ";
  if (auto at = d.find(gai); at != std::string::npos)
    return "cannot resolve the host name: " + lower_first(d.substr(at
                                                                 + gai.size()));
  auto colon = d.rfind("): ");
  if (colon != std::string::npos)
    d.erase(0, colon + 3);
  return lower_first(d);
}

monitor_status decode_status(schema::MonitorStatus::Reader r) {
  monitor_status s;
  s.id = r.getId();
  s.name = text_of(r.getName());
  s.address = text_of(r.getAddress());
  s.role = text_of(r.getRole());
  s.term = r.getTerm();
  if (r.hasLeader())
    s.leader = proto::from_capnp(r.getLeader());
  s.commit_index = r.getCommitIndex();
  s.applied_index = r.getAppliedIndex();
  s.last_index = r.getLastIndex();
  s.snapshot_index = r.getSnapshotIndex();
  s.cluster_id = r.getClusterId();
  if (r.hasConfig())
    s.config = proto::from_capnp(r.getConfig());
  for (auto p : r.getProgress()) {
    peer_progress pp;
    pp.id = p.getId();
    pp.voter = p.getVoter();
    pp.match = p.getMatch();
    pp.next = p.getNext();
    pp.state = text_of(p.getState());
    pp.recent_active = p.getRecentActive();
    s.progress.push_back(std::move(pp));
  }
  s.revision = r.getRevision();
  return s;
}

change_done decode_change(schema::ChangeDone::Reader r) {
  change_done c;
  c.index = r.getIndex();
  if (r.hasConfig())
    c.config = proto::from_capnp(r.getConfig());
  return c;
}

/// Turns a result union (ok | failure) into an outcome.
template <class T, class Reader, class Decode>
outcome<T> from_result(Reader r, Decode&& decode_ok) {
  outcome<T> out;
  if (r.isFailure())
    out.st = proto::from_capnp(r.getFailure());
  else
    out.value = decode_ok(r.getOk());
  return out;
}

/// What a watch shares with its Watcher capability, which the daemon may
/// hold (and call) after the watch returned.
struct watch_state {
  /// Valid while `active`.
  const watch_callback* callback = nullptr;
  bool active = true;
  kj::Own<kj::PromiseFulfiller<void>> done;
  std::optional<gd::status> cancel_reason;
  kv::revision last_revision = 0;
  /// Thrown by the callback, or a decode failure.
  std::exception_ptr error;

  void finish() {
    if (!active)
      return;
    active = false;
    callback = nullptr;
    done->fulfill();
  }
};

class watcher_impl final : public schema::Watcher::Server {
public:
  explicit watcher_impl(std::shared_ptr<watch_state> st)
    : st_(std::move(st)) {
    // nop
  }

  kj::Promise<void> events(EventsContext ctx) override {
    if (!st_->active)
      return kj::READY_NOW;
    try {
      auto params = ctx.getParams();
      std::vector<kv::event> evs;
      evs.reserve(params.getEvents().size());
      for (auto e : params.getEvents())
        evs.push_back(proto::from_capnp(e));
      if (!evs.empty())
        st_->last_revision = evs.back().kv.mod_revision;
      if (!(*st_->callback)(evs, params.getHeaderRevision()))
        st_->finish();
    } catch (...) {
      st_->error = std::current_exception();
      st_->finish();
    }
    return kj::READY_NOW;
  }

  kj::Promise<void> canceled(CanceledContext ctx) override {
    if (!st_->active)
      return kj::READY_NOW;
    try {
      st_->cancel_reason = proto::from_capnp(ctx.getParams().getReason());
    } catch (...) {
      st_->error = std::current_exception();
    }
    st_->finish();
    return kj::READY_NOW;
  }

private:
  std::shared_ptr<watch_state> st_;
};

} // namespace

void capture_signal(int signo) {
  kj::UnixEventPort::captureSignal(signo);
}

struct connection::impl {
  address target;
  connection_options opts;
  kj::AsyncIoContext io;
  kj::Own<kj::AsyncIoStream> stream;
  kj::Own<capnp::TwoPartyVatNetwork> network;
  kj::Own<capnp::RpcSystem<VatId>> rpc;
  schema::Management::Client mgmt{nullptr};
  std::optional<schema::Kv::Client> kv;
  std::optional<schema::Monitor::Client> monitor;
  std::optional<schema::Cluster::Client> cluster;

  impl(const address& t, connection_options o)
    : target(t), opts(o), io(kj::setupAsyncIo()) {
    auto where = target.to_string();
    bool timed_out = false;
    auto deadline = io.provider->getTimer()
                      .afterDelay(opts.connect_timeout.count()
                                  * kj::MILLISECONDS)
                      .then([&timed_out]() -> kj::Own<kj::AsyncIoStream> {
                        timed_out = true;
                        kj::throwFatalException(
                          KJ_EXCEPTION(OVERLOADED, "connect deadline"));
                      });
    try {
      stream = io.provider->getNetwork()
                 .parseAddress(where, target.port)
                 .then([](kj::Own<kj::NetworkAddress> a) {
                   return a->connect().attach(kj::mv(a));
                 })
                 .exclusiveJoin(kj::mv(deadline))
                 .wait(io.waitScope);
    } catch (const kj::Exception& e) {
      std::string reason = timed_out
                             ? "no connection within "
                                 + seconds_text(opts.connect_timeout)
                             : connect_reason(e);
      throw client_error(client_error::kind::unreachable,
                         "cannot reach glusterd-actor at " + where + ": "
                           + reason + " (is it running?)");
    }
    capnp::ReaderOptions ro;
    ro.traversalLimitInWords = traversal_limit_words;
    network = kj::heap<capnp::TwoPartyVatNetwork>(
      *stream, capnp::rpc::twoparty::Side::CLIENT, ro);
    rpc = kj::heap<capnp::RpcSystem<VatId>>(capnp::makeRpcClient(*network));
    capnp::word scratch[4] = {};
    capnp::MallocMessageBuilder msg(scratch);
    auto vat = msg.getRoot<VatId>();
    vat.setSide(capnp::rpc::twoparty::Side::SERVER);
    mgmt = rpc->bootstrap(vat).castAs<schema::Management>();
  }

  ~impl() {
    // Drop capabilities before the RPC system and the stream go.
    kv.reset();
    monitor.reset();
    cluster.reset();
    mgmt = nullptr;
  }

  schema::Kv::Client& kv_cap() {
    if (!kv)
      kv = mgmt.kvRequest().send().getKv();
    return *kv;
  }

  schema::Monitor::Client& monitor_cap() {
    if (!monitor)
      monitor = mgmt.monitorRequest().send().getMonitor();
    return *monitor;
  }

  /// Obtained once, pipelined: the first call goes out without waiting for
  /// Management.cluster() to return.
  schema::Cluster::Client& cluster_cap() {
    if (!cluster)
      cluster = mgmt.clusterRequest().send().getCluster();
    return *cluster;
  }

  client_error broken(const std::string& what, const kj::Exception& e) {
    auto where = target.to_string();
    auto d = describe(e);
    // why: a peer that is not a Cap'n Proto server (a web server, a proxy)
    // sends bytes that fail the message framing checks.
    for (const char* sign : {"Message has too many segments",
                             "Message ends prematurely",
                             "Message is too large"})
      if (d.find(sign) != std::string::npos)
        return client_error(client_error::kind::bad_reply,
                            where + " does not speak glusterd-actor's "
                              "protocol (is it a glusterd-actor?): " + d);
    switch (e.getType()) {
      case kj::Exception::Type::DISCONNECTED:
        return client_error(client_error::kind::broken,
                            "lost the connection to " + where + " during "
                              + what + ": " + describe(e));
      case kj::Exception::Type::UNIMPLEMENTED:
        return client_error(client_error::kind::broken,
                            where + " does not implement " + what
                              + " (is it a glusterd-actor of another"
                                " version?)");
      default:
        return client_error(client_error::kind::broken,
                            where + " failed " + what + ": " + describe(e));
    }
  }

  /// Waits for `p`, at most the call timeout (or `limit` if given).
  template <class T>
  T await(kj::Promise<T>&& p, const std::string& what,
          std::optional<std::chrono::milliseconds> limit = std::nullopt) {
    auto d = limit ? *limit : opts.call_timeout;
    bool timed_out = false;
    auto deadline = io.provider->getTimer()
                      .afterDelay(d.count() * kj::MILLISECONDS)
                      .then([&timed_out]() -> T {
                        timed_out = true;
                        kj::throwFatalException(
                          KJ_EXCEPTION(OVERLOADED, "call deadline"));
                      });
    try {
      return p.exclusiveJoin(kj::mv(deadline)).wait(io.waitScope);
    } catch (const kj::Exception& e) {
      if (timed_out)
        throw client_error(client_error::kind::timeout,
                           "no answer from " + target.to_string()
                             + " within " + seconds_text(d) + " (" + what
                             + ")");
      throw broken(what, e);
    }
  }

  /// Runs `f` (which reads a reply), turning decode failures into
  /// client_error(bad_reply).
  template <class F>
  auto decode(const std::string& what, F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const proto::decode_error& e) {
      throw client_error(client_error::kind::bad_reply,
                         "bad reply from " + target.to_string() + " to "
                           + what + ": " + e.what());
    } catch (const kj::Exception& e) {
      throw client_error(client_error::kind::bad_reply,
                         "bad reply from " + target.to_string() + " to "
                           + what + ": " + describe(e));
    }
  }

  void set_write_options(schema::WriteOptions::Builder b) {
    b.setTimeoutMs(static_cast<std::uint32_t>(opts.server_timeout.count()));
    b.setHops(0);
  }
};

connection::connection(const address& target, connection_options opts)
  : impl_(std::make_unique<impl>(target, opts)) {
  // nop
}

connection::~connection() = default;

const address& connection::target() const {
  return impl_->target;
}

const connection_options& connection::options() const {
  return impl_->opts;
}

std::vector<brick_heal>
connection::heal_info(const std::vector<std::string>& paths) {
  auto req = impl_->mgmt.healInfoRequest();
  auto l = req.initPaths(static_cast<unsigned>(paths.size()));
  for (unsigned i = 0; i < paths.size(); ++i)
    l.set(i, paths[i]);
  auto resp = impl_->await(req.send(), "healInfo");
  return impl_->decode("healInfo", [&] {
    std::vector<brick_heal> out;
    for (auto b : resp.getBricks()) {
      brick_heal h;
      h.error = text_of(b.getError());
      for (auto e : b.getEntries())
        h.entries.push_back(text_of(e));
      out.push_back(std::move(h));
    }
    return out;
  });
}

node_info connection::info() {
  auto resp = impl_->await(impl_->mgmt.infoRequest().send(), "info");
  return impl_->decode("info", [&] {
    auto r = resp.getInfo();
    node_info n;
    n.name = text_of(r.getName());
    n.id = r.getId();
    n.address = text_of(r.getAddress());
    n.cluster_id = r.getClusterId();
    n.monitor = r.getMonitor();
    n.version = text_of(r.getVersion());
    n.uuid = text_of(r.getUuid());
    for (auto m : r.getMonitors())
      n.monitors.push_back(text_of(m));
    return n;
  });
}

outcome<kv::put_result> connection::put(const kv::put_request& r) {
  auto req = impl_->kv_cap().putRequest();
  proto::to_capnp(r, req.initRequest());
  impl_->set_write_options(req.initOptions());
  auto resp = impl_->await(req.send(), "put");
  return impl_->decode("put", [&] {
    return from_result<kv::put_result>(resp.getResult(), [](auto ok) {
      return proto::from_capnp(ok);
    });
  });
}

outcome<kv::range_result> connection::range(const kv::range_request& r,
                                            bool serializable) {
  auto req = impl_->kv_cap().rangeRequest();
  proto::to_capnp(r, req.initRequest());
  auto o = req.initOptions();
  o.setSerializable(serializable);
  o.setTimeoutMs(
    static_cast<std::uint32_t>(impl_->opts.server_timeout.count()));
  o.setHops(0);
  auto resp = impl_->await(req.send(), "range");
  return impl_->decode("range", [&] {
    return from_result<kv::range_result>(resp.getResult(), [](auto ok) {
      return proto::from_capnp(ok);
    });
  });
}

outcome<kv::delete_result> connection::del(const kv::delete_request& r) {
  auto req = impl_->kv_cap().deleteRequest();
  proto::to_capnp(r, req.initRequest());
  impl_->set_write_options(req.initOptions());
  auto resp = impl_->await(req.send(), "delete");
  return impl_->decode("delete", [&] {
    return from_result<kv::delete_result>(resp.getResult(), [](auto ok) {
      return proto::from_capnp(ok);
    });
  });
}

outcome<kv::txn_result> connection::txn(const kv::txn_request& r) {
  auto req = impl_->kv_cap().txnRequest();
  proto::to_capnp(r, req.initRequest());
  impl_->set_write_options(req.initOptions());
  auto resp = impl_->await(req.send(), "txn");
  return impl_->decode("txn", [&] {
    return from_result<kv::txn_result>(resp.getResult(), [](auto ok) {
      return proto::from_capnp(ok);
    });
  });
}

outcome<kv::compact_result> connection::compact(kv::revision rev) {
  auto req = impl_->kv_cap().compactRequest();
  req.setRevision(rev);
  impl_->set_write_options(req.initOptions());
  auto resp = impl_->await(req.send(), "compact");
  return impl_->decode("compact", [&] {
    return from_result<kv::compact_result>(resp.getResult(), [](auto ok) {
      return kv::compact_result{ok.getHeaderRevision()};
    });
  });
}

outcome<watch_end> connection::watch(const kv::key_range& range,
                                     kv::revision start_rev,
                                     const watch_callback& on_events,
                                     watch_options wopts) {
  auto st = std::make_shared<watch_state>();
  st->callback = &on_events;
  auto paf = kj::newPromiseAndFulfiller<void>();
  st->done = kj::mv(paf.fulfiller);
  // Whatever happens, the watcher must not call `on_events` after we return.
  struct deactivate {
    watch_state& s;
    ~deactivate() {
      s.active = false;
      s.callback = nullptr;
    }
  } guard{*st};

  auto req = impl_->kv_cap().watchRequest();
  auto r = req.initRange();
  r.setKey(capnp::Data::Reader(
    reinterpret_cast<const kj::byte*>(range.key.data()), range.key.size()));
  r.setRangeEnd(
    capnp::Data::Reader(reinterpret_cast<const kj::byte*>(
                          range.range_end.data()),
                        range.range_end.size()));
  req.setStartRevision(start_rev);
  req.setWatcher(kj::heap<watcher_impl>(st));
  auto resp = impl_->await(req.send(), "watch");

  outcome<watch_end> out;
  std::optional<schema::WatchHandle::Client> handle;
  impl_->decode("watch", [&] {
    auto result = resp.getResult();
    if (result.isFailure())
      out.st = proto::from_capnp(result.getFailure());
    else
      handle = result.getOk().getHandle();
  });
  if (!out.ok())
    return out;

  bool disconnected = false;
  bool interrupted = false;
  kj::Promise<void> ended =
    paf.promise.exclusiveJoin(impl_->network->onDisconnect().then(
      [&disconnected] { disconnected = true; }));
  if (wopts.stop_signal != 0)
    ended = ended.exclusiveJoin(
      impl_->io.unixEventPort.onSignal(wopts.stop_signal)
        .then([&interrupted](siginfo_t) { interrupted = true; }));
  try {
    ended.wait(impl_->io.waitScope);
  } catch (const kj::Exception& e) {
    throw impl_->broken("watch", e);
  }
  if (st->error)
    std::rethrow_exception(st->error);
  if (disconnected && !st->cancel_reason)
    throw client_error(client_error::kind::broken,
                       "lost the connection to " + impl_->target.to_string()
                         + " while watching");
  out.value.last_revision = st->last_revision;
  if (st->cancel_reason) {
    out.st = *st->cancel_reason;
    out.value.why = watch_end::reason::canceled;
    return out;
  }
  out.value.why = interrupted ? watch_end::reason::interrupted
                              : watch_end::reason::stopped;
  // Best effort: tell the daemon at once rather than when the connection
  // goes. Dropping the handle cancels the watch anyway.
  try {
    impl_->await(handle->cancelRequest().send(), "watch cancel",
                 std::min(impl_->opts.call_timeout,
                          std::chrono::milliseconds(2000)));
  } catch (const client_error&) {
    // nop: the watch is over for us either way
  }
  return out;
}

outcome<monitor_status> connection::status() {
  auto resp =
    impl_->await(impl_->monitor_cap().statusRequest().send(), "status");
  return impl_->decode("status", [&] {
    return from_result<monitor_status>(resp.getResult(), [](auto ok) {
      return decode_status(ok);
    });
  });
}

outcome<std::vector<member_report>> connection::cluster_status() {
  auto resp = impl_->await(impl_->monitor_cap().clusterStatusRequest().send(),
                           "clusterStatus");
  return impl_->decode("clusterStatus", [&] {
    outcome<std::vector<member_report>> out;
    for (auto m : resp.getMembers()) {
      member_report rep;
      if (m.hasMember())
        rep.member = proto::from_capnp(m.getMember());
      if (m.isStatus())
        rep.status = decode_status(m.getStatus());
      else
        rep.unreachable = text_of(m.getUnreachable());
      out.value.push_back(std::move(rep));
    }
    return out;
  });
}

outcome<change_done> connection::add_member(const raft::member& m) {
  auto req = impl_->monitor_cap().addMemberRequest();
  proto::to_capnp(m, req.initMember());
  req.setHops(0);
  auto resp = impl_->await(req.send(), "addMember");
  return impl_->decode("addMember", [&] {
    return from_result<change_done>(resp.getResult(), [](auto ok) {
      return decode_change(ok);
    });
  });
}

outcome<change_done> connection::remove_member(const std::string& name) {
  auto req = impl_->monitor_cap().removeMemberRequest();
  req.setName(name);
  req.setHops(0);
  auto resp = impl_->await(req.send(), "removeMember");
  return impl_->decode("removeMember", [&] {
    return from_result<change_done>(resp.getResult(), [](auto ok) {
      return decode_change(ok);
    });
  });
}

outcome<leader_hint> connection::transfer_leader(const std::string& name) {
  auto req = impl_->monitor_cap().transferLeaderRequest();
  req.setName(name);
  req.setHops(0);
  auto resp = impl_->await(req.send(), "transferLeader");
  return impl_->decode("transferLeader", [&] {
    return from_result<leader_hint>(resp.getResult(), [](auto ok) {
      return proto::from_capnp(ok);
    });
  });
}

namespace {

/// Decodes a ClusterChangeResult.
outcome<cluster::change_done>
change_outcome(schema::ClusterChangeResult::Reader r) {
  return from_result<cluster::change_done>(r, [](auto ok) {
    return proto::from_capnp(ok);
  });
}

/// Decodes a list of `T` with proto::from_capnp.
template <class T, class List>
std::vector<T> decode_list(List list) {
  std::vector<T> out;
  out.reserve(list.size());
  for (auto x : list)
    out.push_back(proto::from_capnp(x));
  return out;
}

} // namespace

outcome<cluster::change_done>
connection::cluster_change(const cluster::command& c) {
  auto req = impl_->cluster_cap().changeRequest();
  proto::to_capnp(c, req.initCommand());
  req.setHops(0);
  auto resp = impl_->await(req.send(), "change");
  return impl_->decode("change",
                       [&] { return change_outcome(resp.getResult()); });
}

outcome<cluster::change_done> connection::peer_probe(const std::string& host) {
  auto req = impl_->cluster_cap().peerProbeRequest();
  req.setHost(host);
  auto resp = impl_->await(req.send(), "peerProbe");
  return impl_->decode("peerProbe",
                       [&] { return change_outcome(resp.getResult()); });
}

outcome<cluster::change_done> connection::peer_detach(const std::string& host,
                                                      bool force) {
  auto req = impl_->cluster_cap().peerDetachRequest();
  req.setHost(host);
  req.setForce(force);
  auto resp = impl_->await(req.send(), "peerDetach");
  return impl_->decode("peerDetach",
                       [&] { return change_outcome(resp.getResult()); });
}

outcome<std::vector<cluster::peer_info>> connection::peers() {
  auto resp =
    impl_->await(impl_->cluster_cap().peersRequest().send(), "peers");
  return impl_->decode("peers", [&] {
    return from_result<std::vector<cluster::peer_info>>(
      resp.getResult(),
      [](auto ok) { return decode_list<cluster::peer_info>(ok); });
  });
}

outcome<std::vector<cluster::volume_info>>
connection::volumes(const std::string& name) {
  auto req = impl_->cluster_cap().volumesRequest();
  req.setName(name);
  auto resp = impl_->await(req.send(), "volumes");
  return impl_->decode("volumes", [&] {
    return from_result<std::vector<cluster::volume_info>>(
      resp.getResult(),
      [](auto ok) { return decode_list<cluster::volume_info>(ok); });
  });
}

outcome<std::vector<cluster::role_assignment>> connection::roles() {
  auto resp = impl_->await(impl_->cluster_cap().rolesRequest().send(), "roles");
  return impl_->decode("roles", [&] {
    return from_result<std::vector<cluster::role_assignment>>(
      resp.getResult(),
      [](auto ok) { return decode_list<cluster::role_assignment>(ok); });
  });
}

outcome<std::vector<std::string>> connection::volume_names() {
  auto resp = impl_->await(impl_->cluster_cap().volumeNamesRequest().send(),
                           "volumeNames");
  return impl_->decode("volumeNames", [&] {
    return from_result<std::vector<std::string>>(resp.getResult(),
                                                 [](auto ok) {
      std::vector<std::string> names;
      names.reserve(ok.size());
      for (auto n : ok)
        names.push_back(text_of(n));
      return names;
    });
  });
}

outcome<std::vector<cluster::option_value>>
connection::volume_options(const std::string& name, const std::string& key) {
  auto req = impl_->cluster_cap().volumeOptionsRequest();
  req.setName(name);
  req.setKey(key);
  auto resp = impl_->await(req.send(), "volumeOptions");
  return impl_->decode("volumeOptions", [&] {
    return from_result<std::vector<cluster::option_value>>(
      resp.getResult(),
      [](auto ok) { return decode_list<cluster::option_value>(ok); });
  });
}

outcome<cluster::volfile> connection::volfile(const std::string& volume,
                                              const std::string& brick,
                                              bool client) {
  auto req = impl_->cluster_cap().volfileRequest();
  req.setName(volume);
  req.setBrick(brick);
  req.setClient(client);
  auto resp = impl_->await(req.send(), "volfile");
  return impl_->decode("volfile", [&] {
    return from_result<cluster::volfile>(resp.getResult(), [](auto ok) {
      return proto::from_capnp(ok);
    });
  });
}

} // namespace gd::client
