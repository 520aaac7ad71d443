#include "actors/rpc/services.hpp"
#include "actors/rpc/watch_stream.hpp"

#include <deque>

#include <caf/send.hpp>
#include <kj/common.h>
#include <kj/debug.h>

#include "actors/rpc/actor_bridge.hpp"
#include "actors/node/brick_agent.hpp"
#include "actors/node/brick_prep.hpp"
#include "actors/node/heal_index.hpp"
#include "actors/rpc/brick_api_service.hpp"
#include "actors/rpc/cluster_service.hpp"
#include "actors/membership/proof_codec.hpp"
#include "actors/rpc/kj_loop.hpp"
#include "actors/node/agent_membership.hpp"
#include "actors/rpc/membership_service.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "actors/rpc/raft_sender.hpp"
#include "actors/rpc/service_support.hpp"
#include "protocol/kv_capnp.hpp"
#include "protocol/management.capnp.h"
#include "protocol/monitor.capnp.h"
#include "protocol/raft_capnp.hpp"
#include "protocol/records_capnp.hpp"
#include "protocol/uuid.hpp"

namespace gd::rpc {

namespace schema = proto::schema;
using namespace std::chrono_literals;

namespace {

// -- watches --------------------------------------------------------------------

/// Hands a watch's events to the KJ thread. `ctx` is touched only there,
/// by posted work, which runs only while the context lives; the poster is
/// safe to use after the loop is gone.
caf::behavior watch_sink(caf::event_based_actor* self, kj_loop::poster post,
                         rpc_context* ctx, std::uint64_t id) {
  (void)self;
  return {
    [post, ctx, id](config::watch_events& ev) {
      post([ctx, id, ev = std::move(ev)]() mutable {
        deliver_watch_events(*ctx, id, std::move(ev));
      });
    },
  };
}

} // namespace

void deliver_watch_events(rpc_context& ctx, std::uint64_t id,
                          config::watch_events ev) {
  auto it = ctx.watches.find(id);
  if (it != ctx.watches.end())
    it->second->push(std::move(ev));
}

namespace {

class watch_handle_service final : public schema::WatchHandle::Server {
public:
  watch_handle_service(rpc_context& ctx, std::uint64_t id)
    : ctx_(ctx), id_(id) {
    // nop
  }

  ~watch_handle_service() {
    // why: the client dropped its last reference: the watch ends.
    ctx_.watches.erase(id_);
  }

protected:
  kj::Promise<void> cancel(CancelContext) override {
    ctx_.watches.erase(id_);
    return kj::READY_NOW;
  }

private:
  rpc_context& ctx_;
  std::uint64_t id_;
};

// -- KV -----------------------------------------------------------------------

class kv_service final : public schema::Kv::Server {
public:
  explicit kv_service(rpc_context& ctx) : ctx_(ctx) {
    // nop
  }

protected:
  kj::Promise<void> put(PutContext c) override {
    auto p = c.getParams();
    auto o = p.getOptions();
    return write(proto::from_capnp(p.getRequest()), o.getTimeoutMs(), o.getHops())
      .then([c](config::kv_write_reply r) mutable {
        auto res = c.getResults().initResult();
        if (r.st.ok())
          proto::to_capnp(std::get<kv::put_result>(r.result), res.initOk());
        else
          proto::to_capnp(r.st, res.initFailure());
      });
  }

  kj::Promise<void> delete_(DeleteContext c) override {
    auto p = c.getParams();
    auto o = p.getOptions();
    return write(proto::from_capnp(p.getRequest()), o.getTimeoutMs(), o.getHops())
      .then([c](config::kv_write_reply r) mutable {
        auto res = c.getResults().initResult();
        if (r.st.ok())
          proto::to_capnp(std::get<kv::delete_result>(r.result), res.initOk());
        else
          proto::to_capnp(r.st, res.initFailure());
      });
  }

  kj::Promise<void> txn(TxnContext c) override {
    auto p = c.getParams();
    auto o = p.getOptions();
    kv::txn_request req;
    try {
      req = proto::from_capnp(p.getRequest());
    } catch (const proto::decode_error& e) {
      proto::to_capnp(failure(status_code::invalid, e.what()),
                      c.getResults().initResult().initFailure());
      return kj::READY_NOW;
    }
    return write(std::move(req), o.getTimeoutMs(), o.getHops())
      .then([c](config::kv_write_reply r) mutable {
        auto res = c.getResults().initResult();
        if (r.st.ok())
          proto::to_capnp(std::get<kv::txn_result>(r.result), res.initOk());
        else
          proto::to_capnp(r.st, res.initFailure());
      });
  }

  kj::Promise<void> compact(CompactContext c) override {
    auto p = c.getParams();
    auto o = p.getOptions();
    return write(kv::compact_request{p.getRevision()}, o.getTimeoutMs(),
                 o.getHops())
      .then([c](config::kv_write_reply r) mutable {
        auto res = c.getResults().initResult();
        if (r.st.ok())
          res.initOk().setHeaderRevision(
            std::get<kv::compact_result>(r.result).header_revision);
        else
          proto::to_capnp(r.st, res.initFailure());
      });
  }

  kj::Promise<void> range(RangeContext c) override {
    auto p = c.getParams();
    auto o = p.getOptions();
    auto req = proto::from_capnp(p.getRequest());
    auto fill = [c](config::kv_read_reply r) mutable {
      auto res = c.getResults().initResult();
      if (r.st.ok())
        proto::to_capnp(r.result, res.initOk());
      else
        proto::to_capnp(r.st, res.initFailure());
    };
    if (!ctx_.config) {
      fill({not_a_monitor(), {}});
      return kj::READY_NOW;
    }
    config::kv_read r;
    r.req = std::move(req);
    r.serializable = o.getSerializable();
    r.timeout = request_timeout(o.getTimeoutMs());
    auto limit = r.timeout + bridge_slack;
    return ask_config(ctx_, ctx_.read_replies, std::move(r), limit)
      .then(
        [](config::kv_read_reply rep) { return rep; },
        [](kj::Exception&& e) {
          return config::kv_read_reply{bridge_failure(e, false), {}};
        })
      .then(kj::mv(fill));
  }

  kj::Promise<void> watch(WatchContext c) override {
    auto p = c.getParams();
    auto range_reader = p.getRange();
    kv::key_range range{bytes(range_reader.getKey()),
                        bytes(range_reader.getRangeEnd())};
    if (!ctx_.config) {
      proto::to_capnp(not_a_monitor(), c.getResults().initResult().initFailure());
      return kj::READY_NOW;
    }
    auto id = ++ctx_.next_watch_id;
    auto sink = ctx_.sys.spawn(watch_sink, ctx_.loop.make_poster(), &ctx_, id);
    ctx_.watches.emplace(id, kj::heap<watch_stream>(ctx_, id, p.getWatcher(),
                                                    sink));
    config::kv_watch w;
    w.watch_id = id;
    w.range = std::move(range);
    w.start = p.getStartRevision();
    w.sink = sink;
    auto* ctx = &ctx_;
    return ask_config(ctx_, ctx_.watch_replies, std::move(w), 10s)
      .then(
        [](config::kv_watch_reply rep) { return rep; },
        [](kj::Exception&& e) {
          return config::kv_watch_reply{bridge_failure(e, false), 0};
        })
      .then([c, ctx, id](config::kv_watch_reply rep) mutable {
        auto res = c.getResults().initResult();
        if (!rep.st.ok()) {
          ctx->watches.erase(id);
          proto::to_capnp(rep.st, res.initFailure());
          return;
        }
        auto ok = res.initOk();
        ok.setHandle(kj::heap<watch_handle_service>(*ctx, id));
        ok.setHeaderRevision(rep.header_revision);
      });
  }

private:
  gd::status not_a_monitor() const {
    std::string monitors;
    for (const auto& m : ctx_.monitors)
      monitors += (monitors.empty() ? "" : ", ") + m;
    return failure(status_code::invalid,
                   "this daemon runs no monitor and serves no KV requests; "
                   "ask a monitor"
                     + (monitors.empty() ? std::string()
                                         : " (" + monitors + ")"));
  }

  kj::Promise<config::kv_write_reply> write(kv::write_request req,
                                            std::uint32_t timeout_ms,
                                            std::uint8_t hops) {
    if (!ctx_.config)
      return config::kv_write_reply{not_a_monitor(), {}};
    config::kv_write w;
    w.req = req;
    w.timeout = request_timeout(timeout_ms);
    auto timeout = w.timeout;
    return ask_config(ctx_, ctx_.write_replies, std::move(w),
                      timeout + bridge_slack)
      .then(
        [](config::kv_write_reply rep) { return rep; },
        [](kj::Exception&& e) {
          return config::kv_write_reply{bridge_failure(e, true), {}};
        })
      .then([this, req = std::move(req), timeout_ms,
             hops](config::kv_write_reply rep) mutable
            -> kj::Promise<config::kv_write_reply> {
        if (should_forward(ctx_, rep.st, hops))
          return forward(rep.st.leader.address, std::move(req), timeout_ms,
                         hops + 1);
        return kj::mv(rep);
      });
  }

  /// Sends the write to the daemon at `address` (the leader) and returns
  /// its answer.
  kj::Promise<config::kv_write_reply> forward(const std::string& address,
                                              kv::write_request req,
                                              std::uint32_t timeout_ms,
                                              std::uint8_t hops) {
    auto kv = ctx_.pool.management(address).kvRequest().send().getKv();
    auto set_options = [timeout_ms, hops](schema::WriteOptions::Builder o) {
      o.setTimeoutMs(timeout_ms);
      o.setHops(hops);
    };
    auto to_reply = [](auto res) {
      config::kv_write_reply out;
      if (res.isOk())
        out.result = proto::from_capnp(res.getOk());
      else
        out.st = proto::from_capnp(res.getFailure());
      return out;
    };
    kj::Promise<config::kv_write_reply> sent = nullptr;
    if (auto p = std::get_if<kv::put_request>(&req)) {
      auto r = kv.putRequest();
      proto::to_capnp(*p, r.initRequest());
      set_options(r.initOptions());
      sent = r.send().then([to_reply](auto resp) { return to_reply(resp.getResult()); });
    } else if (auto d = std::get_if<kv::delete_request>(&req)) {
      auto r = kv.deleteRequest();
      proto::to_capnp(*d, r.initRequest());
      set_options(r.initOptions());
      sent = r.send().then([to_reply](auto resp) { return to_reply(resp.getResult()); });
    } else if (auto t = std::get_if<kv::txn_request>(&req)) {
      auto r = kv.txnRequest();
      proto::to_capnp(*t, r.initRequest());
      set_options(r.initOptions());
      sent = r.send().then([to_reply](auto resp) { return to_reply(resp.getResult()); });
    } else {
      auto r = kv.compactRequest();
      r.setRevision(std::get<kv::compact_request>(req).rev);
      set_options(r.initOptions());
      sent = r.send().then([](auto resp) {
        config::kv_write_reply out;
        auto res = resp.getResult();
        if (res.isOk())
          out.result = kv::compact_result{res.getOk().getHeaderRevision()};
        else
          out.st = proto::from_capnp(res.getFailure());
        return out;
      });
    }
    return sent.catch_([this, address](kj::Exception&& e) {
      ctx_.pool.drop(address);
      return config::kv_write_reply{unreachable_leader(address, e), {}};
    });
  }

  rpc_context& ctx_;
};

// -- monitor ------------------------------------------------------------------

void fill_status(schema::MonitorStatus::Builder b, const raft::raft_status& s,
                 const store::applied_state& a, const node_identity& self) {
  b.setId(s.id);
  b.setName(s.name);
  b.setAddress(self.address);
  b.setRole(raft::to_string(s.current_role));
  b.setTerm(s.term);
  proto::to_capnp(s.leader, b.initLeader());
  b.setCommitIndex(s.commit);
  b.setAppliedIndex(std::max(s.applied, a.index));
  b.setLastIndex(s.last_index);
  b.setSnapshotIndex(s.snapshot_index);
  b.setClusterId(self.cluster_id);
  proto::to_capnp(s.config, b.initConfig());
  auto prog = b.initProgress(static_cast<unsigned>(s.peers.size()));
  for (unsigned i = 0; i < s.peers.size(); ++i) {
    const auto& p = s.peers[i];
    prog[i].setId(p.id);
    prog[i].setVoter(p.voter);
    prog[i].setMatch(p.match);
    prog[i].setNext(p.next);
    prog[i].setState(raft::to_string(p.state));
    prog[i].setRecentActive(p.recent_active);
  }
  b.setRevision(a.revision);
}

/// One member's report while gathering cluster status.
struct report {
  raft::member member;
  kj::Own<capnp::MallocMessageBuilder> status; // root: MonitorStatus
  std::string error;
};

class monitor_service final : public schema::Monitor::Server {
public:
  explicit monitor_service(rpc_context& ctx) : ctx_(ctx) {
    // nop
  }

protected:
  kj::Promise<void> status(StatusContext c) override {
    return local_status().then([c](report r) mutable {
      auto res = c.getResults().initResult();
      if (r.status)
        res.setOk(r.status->getRoot<schema::MonitorStatus>().asReader());
      else
        proto::to_capnp(failure(status_code::invalid, r.error), res.initFailure());
    });
  }

  kj::Promise<void> clusterStatus(ClusterStatusContext c) override {
    return local_status().then([this, c](report self) mutable {
      if (!self.status) {
        auto list = c.getResults().initMembers(1);
        list[0].initMember().setName(ctx_.self.name);
        list[0].getMember().setAddress(ctx_.self.address);
        list[0].setUnreachable(self.error);
        return kj::Promise<void>(kj::READY_NOW);
      }
      auto config = proto::from_capnp(
        self.status->getRoot<schema::MonitorStatus>().getConfig().asReader());
      auto members = config.voters;
      for (auto& m : config.learners)
        members.push_back(m);
      auto reports = kj::heapArrayBuilder<kj::Promise<report>>(members.size());
      auto own_self = kj::heap<report>(kj::mv(self));
      for (auto& m : members) {
        if (m.id == ctx_.self.id) {
          report r;
          r.member = m;
          r.status = kj::heap<capnp::MallocMessageBuilder>();
          r.status->setRoot(
            own_self->status->getRoot<schema::MonitorStatus>().asReader());
          reports.add(kj::mv(r));
        } else {
          reports.add(remote_status(m));
        }
      }
      return kj::joinPromises(reports.finish())
        .then([c](kj::Array<report> all) mutable {
          auto list = c.getResults().initMembers(static_cast<unsigned>(all.size()));
          for (unsigned i = 0; i < all.size(); ++i) {
            proto::to_capnp(all[i].member, list[i].initMember());
            if (all[i].status)
              list[i].setStatus(
                all[i].status->getRoot<schema::MonitorStatus>().asReader());
            else
              list[i].setUnreachable(all[i].error);
          }
        })
        .attach(kj::mv(own_self));
    });
  }

  kj::Promise<void> addMember(AddMemberContext c) override {
    auto p = c.getParams();
    raft::member_change ch;
    ch.kind = raft::member_change::op::add;
    ch.m = proto::from_capnp(p.getMember());
    if (ch.m.name.empty() || ch.m.address.empty()) {
      proto::to_capnp(failure(status_code::invalid,
                              "a new monitor needs a name and an address"),
                      c.getResults().initResult().initFailure());
      return kj::READY_NOW;
    }
    ch.m.id = raft::member_id_of(ch.m.name);
    auto hops = p.getHops();
    return change(ch, hops, [ch](schema::Monitor::Client m, std::uint8_t h) {
      auto r = m.addMemberRequest();
      proto::to_capnp(ch.m, r.initMember());
      r.setHops(h);
      return r.send().then([](auto resp) {
        return copy_result(resp.getResult());
      });
    }).then([c](kj::Own<capnp::MallocMessageBuilder> msg) mutable {
      c.getResults().setResult(msg->getRoot<schema::ChangeResult>().asReader());
    });
  }

  kj::Promise<void> removeMember(RemoveMemberContext c) override {
    auto p = c.getParams();
    raft::member_change ch;
    ch.kind = raft::member_change::op::remove;
    ch.m.name = text(p.getName());
    auto name = ch.m.name;
    return change(ch, p.getHops(), [name](schema::Monitor::Client m, std::uint8_t h) {
      auto r = m.removeMemberRequest();
      r.setName(name);
      r.setHops(h);
      return r.send().then([](auto resp) {
        return copy_result(resp.getResult());
      });
    }).then([c](kj::Own<capnp::MallocMessageBuilder> msg) mutable {
      c.getResults().setResult(msg->getRoot<schema::ChangeResult>().asReader());
    });
  }

  kj::Promise<void> transferLeader(TransferLeaderContext c) override {
    auto p = c.getParams();
    auto name = text(p.getName());
    auto hops = p.getHops();
    if (!ctx_.raft) {
      proto::to_capnp(failure(status_code::invalid, "this daemon is not a monitor"),
                      c.getResults().initResult().initFailure());
      return kj::READY_NOW;
    }
    raft::transfer_cmd t{raft::member_id_of(name)};
    return ask_actor<gd::status>(ctx_, ctx_.raft, t, 30s)
      .catch_([](kj::Exception&& e) { return bridge_failure(e, false); })
      .then([this, c, name, hops](gd::status st) mutable -> kj::Promise<void> {
        if (should_forward(ctx_, st, hops)) {
          auto r = ctx_.pool.management(st.leader.address)
                     .monitorRequest().send().getMonitor()
                     .transferLeaderRequest();
          r.setName(name);
          r.setHops(hops + 1);
          auto address = st.leader.address;
          return r.send().then([c](auto resp) mutable {
            c.getResults().setResult(resp.getResult());
          }, [this, c, address](kj::Exception&& e) mutable {
            ctx_.pool.drop(address);
            proto::to_capnp(unreachable_leader(address, e),
                            c.getResults().initResult().initFailure());
          });
        }
        auto res = c.getResults().initResult();
        if (st.ok())
          proto::to_capnp(st.leader, res.initOk());
        else
          proto::to_capnp(st, res.initFailure());
        return kj::READY_NOW;
      });
  }

private:
  template <class Reader>
  static kj::Own<capnp::MallocMessageBuilder> copy_result(Reader r) {
    auto msg = kj::heap<capnp::MallocMessageBuilder>();
    msg->setRoot(r);
    return msg;
  }

  /// Proposes a membership change locally; forwards it to the leader with
  /// `remote` if this monitor is not the leader.
  template <class Remote>
  kj::Promise<kj::Own<capnp::MallocMessageBuilder>>
  change(raft::member_change ch, std::uint8_t hops, Remote remote) {
    auto out = kj::heap<capnp::MallocMessageBuilder>();
    if (!ctx_.raft) {
      proto::to_capnp(failure(status_code::invalid, "this daemon is not a monitor"),
                      out->initRoot<schema::ChangeResult>().initFailure());
      return kj::mv(out);
    }
    return ask_actor<raft::member_change_result>(ctx_, ctx_.raft, ch, 60s)
      .catch_([](kj::Exception&& e) {
        raft::member_change_result r;
        r.st = bridge_failure(e, true);
        return r;
      })
      .then([this, hops, remote](raft::member_change_result r) mutable
            -> kj::Promise<kj::Own<capnp::MallocMessageBuilder>> {
        if (should_forward(ctx_, r.st, hops)) {
          auto address = r.st.leader.address;
          auto m = ctx_.pool.management(address)
                     .monitorRequest().send().getMonitor();
          return remote(m, hops + 1).catch_([this, address](kj::Exception&& e) {
            ctx_.pool.drop(address);
            auto msg = kj::heap<capnp::MallocMessageBuilder>();
            proto::to_capnp(unreachable_leader(address, e),
                            msg->initRoot<schema::ChangeResult>().initFailure());
            return msg;
          });
        }
        auto msg = kj::heap<capnp::MallocMessageBuilder>();
        auto res = msg->initRoot<schema::ChangeResult>();
        if (r.st.ok()) {
          auto ok = res.initOk();
          ok.setIndex(r.index);
          proto::to_capnp(r.config, ok.initConfig());
        } else {
          proto::to_capnp(r.st, res.initFailure());
        }
        return kj::mv(msg);
      });
  }

  kj::Promise<report> local_status() {
    if (!ctx_.raft) {
      report r;
      r.error = "this daemon is not a monitor";
      return kj::mv(r);
    }
    auto raft_part = ask_actor<raft::raft_status>(ctx_, ctx_.raft,
                                                        raft::status_query{}, 5s);
    auto applied_part = ask_actor<store::applied_state>(ctx_, 
      ctx_.config, config::applied_query{}, 5s);
    auto* ctx = &ctx_;
    return raft_part.then([applied_part = kj::mv(applied_part), ctx](
                            raft::raft_status s) mutable {
      return applied_part.then([s = std::move(s), ctx](store::applied_state a) {
        report r;
        r.member = {s.id, s.name, ctx->self.address};
        r.status = kj::heap<capnp::MallocMessageBuilder>();
        fill_status(r.status->initRoot<schema::MonitorStatus>(), s, a,
                    ctx->self);
        return r;
      });
    }).catch_([](kj::Exception&& e) {
      report r;
      r.error = std::string("the local monitor did not answer: ")
                + e.getDescription().cStr();
      return r;
    });
  }

  kj::Promise<report> remote_status(const raft::member& m) {
    auto call = ctx_.pool.management(m.address)
                  .monitorRequest().send().getMonitor()
                  .statusRequest().send();
    return ctx_.timer.timeoutAfter(2 * kj::SECONDS, kj::mv(call))
      .then([m](auto resp) {
        report r;
        r.member = m;
        auto res = resp.getResult();
        if (res.isOk()) {
          r.status = kj::heap<capnp::MallocMessageBuilder>();
          r.status->setRoot(res.getOk());
        } else {
          r.error = text(res.getFailure().getMessage());
        }
        return r;
      }, [m](kj::Exception&& e) {
        report r;
        r.member = m;
        r.error = e.getDescription().cStr();
        return r;
      });
  }

  rpc_context& ctx_;
};

// -- raft peers -----------------------------------------------------------------

class raft_peer_service final : public schema::RaftPeer::Server {
public:
  raft_peer_service(rpc_context& ctx, raft::member_id from,
                    std::string from_address, std::string from_name)
    : ctx_(ctx),
      from_(from),
      from_address_(std::move(from_address)),
      from_name_(std::move(from_name)) {
    // nop
  }

protected:
  kj::Promise<void> deliver(DeliverContext c) override {
    raft::peer_batch b;
    try {
      b = proto::from_capnp(c.getParams().getBatch());
    } catch (const proto::decode_error& e) {
      refuse(std::string("malformed: ") + e.what());
    }
    if (b.from != from_)
      refuse("it names sender " + std::to_string(b.from)
             + ", not the link's " + std::to_string(from_));
    if (b.to != ctx_.self.id)
      refuse("it is addressed to member " + std::to_string(b.to)
             + ", not this one (" + std::to_string(ctx_.self.id) + ")");
    b.from_address = from_address_;
    b.from_name = from_name_;
    if (ctx_.raft)
      caf::anon_send(ctx_.raft, std::move(b));
    return kj::READY_NOW;
  }

private:
  /// Counts and logs (rate-limited) a batch that cannot be taken, then
  /// fails the call with `why`.
  [[noreturn]] void refuse(const std::string& why) {
    ++ctx_.counters.malformed_raft_batches;
    if (auto line = ctx_.raft_input_log.admit(
          "refused a Raft batch from '" + from_name_ + "' at "
          + from_address_ + ": " + why))
      if (ctx_.log)
        ctx_.log(*line);
    KJ_FAIL_REQUIRE("refused a Raft batch", why);
  }

  rpc_context& ctx_;
  raft::member_id from_;
  std::string from_address_;
  std::string from_name_;
};

// -- bootstrap ------------------------------------------------------------------

/// The most paths one checkBricks call may name.
constexpr unsigned max_checked_bricks = 4096;

class management_service final : public schema::Management::Server {
public:
  management_service(rpc_context& ctx, std::string peer)
    : ctx_(ctx),
      peer_(std::move(peer)),
      kv_(kj::heap<kv_service>(ctx)),
      monitor_(kj::heap<monitor_service>(ctx)),
      cluster_(make_cluster_service(ctx)) {
    // nop
  }

protected:
  kj::Promise<void> info(InfoContext c) override {
    auto i = c.getResults().initInfo();
    i.setName(ctx_.self.name);
    i.setId(ctx_.self.id);
    i.setAddress(ctx_.self.address);
    i.setClusterId(ctx_.self.cluster_id);
    i.setMonitor(ctx_.self.monitor);
    i.setVersion(ctx_.self.version);
    i.setUuid(ctx_.self.uuid);
    auto l = i.initMonitors(static_cast<unsigned>(ctx_.monitors.size()));
    for (unsigned k = 0; k < ctx_.monitors.size(); ++k)
      l.set(k, ctx_.monitors[k]);
    return kj::READY_NOW;
  }

  kj::Promise<void> cluster(ClusterContext c) override {
    c.getResults().setCluster(cluster_);
    return kj::READY_NOW;
  }

  kj::Promise<void> adopt(AdoptContext c) override {
    auto p = c.getParams();
    std::vector<std::string> monitors;
    for (auto m : p.getMonitors())
      monitors.push_back(text(m));
    auto credential = p.getCredential();
    std::optional<membership::key> key;
    if (credential.size() == membership::key{}.size()) {
      key.emplace();
      std::copy(credential.begin(), credential.end(), key->begin());
    }
    auto err = node::join_cluster(ctx_, p.getClusterId(), monitors, key);
    if (!err.empty() && ctx_.log)
      ctx_.log("refused to join cluster " + std::to_string(p.getClusterId())
               + " (asked by " + peer_ + "): " + err);
    c.getResults().setError(err);
    return kj::READY_NOW;
  }

  kj::Promise<void> membership(MembershipContext c) override {
    c.getResults().setMembership(make_membership_service(ctx_, peer_));
    return kj::READY_NOW;
  }

  kj::Promise<void> serverSession(ServerSessionContext c) override {
    auto pr = membership::from_capnp(c.getParams().getProof());
    // why: a server proves a credential bound to its UUID; a monitor proves
    // the monitors' key under its member name (never a UUID).
    cluster_caller caller;
    std::string err;
    if (valid_uuid(pr.who)) {
      err = check_server_session(ctx_, pr, peer_);
      caller = {cluster_caller::kind::server, pr.who};
    } else {
      err = check_monitor_session(ctx_, pr, peer_);
      caller = {cluster_caller::kind::monitor, {}};
    }
    KJ_REQUIRE(err.empty(), "refused the server session", err);
    c.getResults().setCluster(make_cluster_service(ctx_, std::move(caller)));
    return kj::READY_NOW;
  }

  kj::Promise<void> checkBricks(CheckBricksContext c) override {
    auto p = c.getParams();
    auto res = c.getResults();
    auto paths = p.getPaths();
    KJ_REQUIRE(paths.size() <= max_checked_bricks,
               "checkBricks: too many paths", paths.size());
    auto errors = res.initErrors(paths.size());
    bool supervised = ctx_.bricks && ctx_.bricks->supervisor() != nullptr;
    res.setSupervised(supervised);
    if (!supervised)
      return kj::READY_NOW;
    auto volume_id = text(p.getVolumeId());
    for (unsigned i = 0; i < paths.size(); ++i)
      errors.set(i, node::check_brick(ctx_.self.name, text(paths[i]),
                                      volume_id, p.getForce()));
    return kj::READY_NOW;
  }

  kj::Promise<void> healInfo(HealInfoContext c) override {
    auto paths = c.getParams().getPaths();
    KJ_REQUIRE(paths.size() <= max_checked_bricks,
               "healInfo: too many paths", paths.size());
    auto out = c.getResults().initBricks(paths.size());
    for (unsigned i = 0; i < paths.size(); ++i) {
      auto idx = node::read_heal_index(text(paths[i]));
      out[i].setError(idx.error);
      auto l = out[i].initEntries(static_cast<unsigned>(idx.entries.size()));
      for (unsigned k = 0; k < idx.entries.size(); ++k)
        l.set(k, idx.entries[k]);
    }
    return kj::READY_NOW;
  }

  kj::Promise<void> brick(BrickContext c) override {
    c.getResults().setBrick(make_brick_api(ctx_, peer_));
    return kj::READY_NOW;
  }

  kj::Promise<void> joinInfo(JoinInfoContext c) override {
    auto token = text(c.getParams().getToken());
    auto res = c.getResults();
    auto& link = ctx_.membership;
    if (!ctx_.self.monitor || !link.has_secret) {
      res.setError("this daemon is not a monitor of a cluster: ask a monitor "
                   "for a join token");
      return kj::READY_NOW;
    }
    auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    auto err = membership::verify_join_token(link.secret, ctx_.self.cluster_id,
                                             token, now_s);
    if (!err.empty()) {
      ++link.counters.refused["join-token"];
      if (auto line = ctx_.membership_log.admit(
            "refused a monitor join from " + peer_ + ": " + err))
        if (ctx_.log)
          ctx_.log(*line);
      res.setError(err);
      return kj::READY_NOW;
    }
    if (ctx_.log)
      ctx_.log("gave the cluster secret to a joining monitor at " + peer_
               + " (valid join token)");
    res.setClusterId(ctx_.self.cluster_id);
    res.setSecret(kj::arrayPtr(link.secret.data(), link.secret.size()));
    return kj::READY_NOW;
  }

  kj::Promise<void> release(ReleaseContext c) override {
    auto err = node::leave_cluster(ctx_, c.getParams().getClusterId());
    KJ_REQUIRE(err.empty(), "cannot save leaving the cluster", err);
    return kj::READY_NOW;
  }

  kj::Promise<void> kv(KvContext c) override {
    c.getResults().setKv(kv_);
    return kj::READY_NOW;
  }

  kj::Promise<void> monitor(MonitorContext c) override {
    c.getResults().setMonitor(monitor_);
    return kj::READY_NOW;
  }

  kj::Promise<void> raftPeer(RaftPeerContext c) override {
    auto p = c.getParams();
    KJ_REQUIRE(ctx_.self.monitor, "this daemon is not a monitor");
    KJ_REQUIRE(p.getClusterId() == ctx_.self.cluster_id,
               "cluster id mismatch: the caller belongs to another cluster",
               p.getClusterId(), ctx_.self.cluster_id);
    KJ_REQUIRE(p.getFrom() != raft::no_member, "a peer needs a member id");
    // why: a member id in a message is not proof; holding the monitors'
    // key is (actors/membership/credentials.hpp).
    auto err = check_raft_link(ctx_, membership::from_capnp(p.getProof()),
                               peer_);
    KJ_REQUIRE(err.empty(), "refused the Raft link", err);
    if (p.hasFromAddress())
      ctx_.sender.learn(p.getFrom(), text(p.getFromAddress()));
    c.getResults().setPeer(kj::heap<raft_peer_service>(
      ctx_, p.getFrom(), text(p.getFromAddress()), text(p.getFromName())));
    return kj::READY_NOW;
  }

private:
  rpc_context& ctx_;
  /// The caller's address (HOST:PORT).
  std::string peer_;
  schema::Kv::Client kv_;
  schema::Monitor::Client monitor_;
  schema::Cluster::Client cluster_;
};

} // namespace

capnp::Capability::Client make_bootstrap(rpc_context& ctx, std::string peer) {
  return kj::heap<management_service>(ctx, std::move(peer));
}

} // namespace gd::rpc
