#include "actors/rpc/membership_service.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include <caf/send.hpp>
#include <kj/debug.h>

#include "actors/membership/proof_codec.hpp"
#include "actors/node/checkin_client.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "actors/rpc/rpc_context.hpp"
#include "actors/rpc/service_support.hpp"
#include "protocol/management.capnp.h"

namespace gd::rpc {

namespace schema = proto::schema;

namespace {

struct quiet_errors final : kj::TaskSet::ErrorHandler {
  void taskFailed(kj::Exception&&) override {
    // nop: a lost digest is resent with the next one
  }
};

quiet_errors digest_errors;

/// Wall clock, microseconds since the epoch (proof stamps).
std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Counts and logs (rate-limited) a refused membership call.
void note_refusal(rpc_context& ctx, const membership::refusal& r,
                  const char* call, const std::string& who,
                  const std::string& peer) {
  ++ctx.membership.counters.refused[r.kind];
  if (auto line = ctx.membership_log.admit(
        std::string("refused a ") + call + " from " + peer + " (claiming '"
        + who + "'): " + r.error))
    if (ctx.log)
      ctx.log(*line);
}

/// Sightings on the wire: ages from `now` (the receiver's clock is not the
/// sender's), clamped to what the field holds.
void write_sightings(capnp::List<schema::Sighting>::Builder l,
                     const std::vector<membership::seen>& seen,
                     membership::millis now) {
  for (unsigned i = 0; i < seen.size(); ++i) {
    l[i].setUuid(seen[i].uuid);
    l[i].setAgeMs(static_cast<std::uint32_t>(std::clamp<membership::millis>(
      now - seen[i].at, 0, std::numeric_limits<std::uint32_t>::max())));
    l[i].setMonitor(seen[i].monitor);
  }
}

/// Sightings from the wire, in this monitor's clock; one without the
/// monitor that took it is `sender`'s.
std::vector<membership::seen> read_sightings(
  capnp::List<schema::Sighting>::Reader l, membership::millis now,
  const std::string& sender) {
  std::vector<membership::seen> out;
  out.reserve(l.size());
  for (auto s : l) {
    auto by = text(s.getMonitor());
    out.push_back({text(s.getUuid()), now - s.getAgeMs(),
                   by.empty() ? sender : by});
  }
  return out;
}

class membership_service final : public schema::Membership::Server {
public:
  membership_service(rpc_context& ctx, std::string peer)
    : ctx_(ctx), peer_(std::move(peer)) {
    // nop
  }

protected:
  kj::Promise<void> checkIn(CheckInContext c) override {
    auto p = c.getParams();
    auto rep = c.getResults().initReply();
    auto& link = ctx_.membership;
    if (!link.board) {
      rep.setError("this daemon does not run a monitor");
      return kj::READY_NOW;
    }
    auto pr = membership::from_capnp(p.getProof());
    auto view = link.board->current();
    auto r = membership::check_checkin(*view, link.replays, pr,
                                       p.getIntervalMs(), ctx_.self.address,
                                       wall_us());
    rep.setMonitor(view->monitor_name);
    rep.setQuorum(view->quorum);
    rep.setRevision(view->revision);
    rep.setLeaseMs(static_cast<std::uint32_t>(view->lease));
    if (!r.ok()) {
      note_refusal(ctx_, r, "check-in", pr.who, peer_);
      rep.setError(r.error);
      return kj::READY_NOW;
    }
    ++link.counters.checkins;
    link.pending.emplace_back(pr.who, membership::steady_now());
    rep.setAccepted(true);
    if (const auto* a = view->find(pr.who))
      rep.setDown(a->down);
    const auto& ms = view->monitor_addresses;
    auto l = rep.initMonitors(static_cast<unsigned>(ms.size()));
    for (unsigned i = 0; i < ms.size(); ++i)
      l.set(i, ms[i]);
    return kj::READY_NOW;
  }

  kj::Promise<void> digest(DigestContext c) override {
    auto p = c.getParams();
    auto& link = ctx_.membership;
    if (!link.board || !link.has_monitor_key) {
      c.getResults().setError("this daemon does not run a monitor");
      return kj::READY_NOW;
    }
    auto pr = membership::from_capnp(p.getProof());
    auto r = membership::check_monitor_proof(
      link.monitor_key, link.replays, membership::purpose::digest, pr,
      ctx_.self.address, wall_us());
    if (!r.ok()) {
      note_refusal(ctx_, r, "digest", pr.who, peer_);
      c.getResults().setError(r.error);
      return kj::READY_NOW;
    }
    ++link.counters.digests;
    membership::digest_received d;
    d.from = pr.who;
    d.sightings = read_sightings(p.getSightings(), membership::steady_now(),
                                 pr.who);
    caf::anon_send(link.actor, std::move(d));
    if (p.getConfirm().size() == 0)
      return kj::READY_NOW;
    membership::confirm_query q;
    q.round = p.getRound();
    for (auto u : p.getConfirm())
      q.servers.push_back(text(u));
    // why: asked after the digest above was sent, so the answer includes
    // what this digest told (one mailbox, in order).
    return ask_actor<membership::confirm_answer>(ctx_, link.actor, std::move(q),
                                                 std::chrono::seconds(2))
      .then([c](membership::confirm_answer a) mutable {
        write_sightings(c.getResults().initAnswer(
                          static_cast<unsigned>(a.latest.size())),
                        a.latest, membership::steady_now());
      });
  }

private:
  rpc_context& ctx_;
  std::string peer_;
};

/// Sends this monitor's digest `d` to every other monitor.
void send_digest(rpc_context& ctx, const membership::digest_taken& d) {
  auto view = ctx.membership.board->current();
  // why: sent even when empty: the leader's confirmation round rides on
  // its digests (membership_config::digest_period).
  if (view->monitor_members.size() < 2)
    return;
  auto now = membership::steady_now();
  for (const auto& [name, address] : view->monitor_members) {
    if (name == view->monitor_name || address == ctx.self.address)
      continue;
    auto m = ctx.pool.management(address).membershipRequest().send()
               .getMembership();
    auto r = m.digestRequest();
    membership::to_capnp(monitor_proof(ctx, membership::purpose::digest,
                                       address),
                         r.initProof());
    write_sightings(r.initSightings(static_cast<unsigned>(d.sightings.size())),
                    d.sightings, now);
    if (d.round != 0) {
      r.setRound(d.round);
      auto cl = r.initConfirm(static_cast<unsigned>(d.confirm.size()));
      for (unsigned i = 0; i < d.confirm.size(); ++i)
        cl.set(i, d.confirm[i]);
    }
    auto* c = &ctx;
    auto round = d.round;
    auto from = name;
    ctx.membership.tasks.add(
      until_stopping(ctx, r.send().then([c, round, from](auto resp) {
        if (round == 0)
          return;
        membership::confirm_received got;
        got.from = from;
        got.round = round;
        got.latest = read_sightings(resp.getAnswer(), membership::steady_now(),
                                    from);
        caf::anon_send(c->membership.actor, std::move(got));
      })).catch_([c, address](kj::Exception&&) { c->pool.drop(address); }));
  }
}

} // namespace

membership_link::membership_link() : tasks(digest_errors) {
  // nop
}

membership_link::~membership_link() = default;

schema::Membership::Client make_membership_service(rpc_context& ctx,
                                                   std::string peer) {
  return kj::heap<membership_service>(ctx, std::move(peer));
}

membership::proof monitor_proof(rpc_context& ctx, membership::purpose p,
                                const std::string& target) {
  return membership::make_proof(ctx.membership.monitor_key, p, ctx.self.name,
                                ctx.membership.stamps.next(), target);
}

std::string check_server_session(rpc_context& ctx, const membership::proof& pr,
                                 const std::string& peer) {
  auto& link = ctx.membership;
  if (!link.board)
    return "this daemon does not run a monitor";
  auto r = membership::check_server_session(*link.board->current(),
                                            link.replays, pr,
                                            ctx.self.address, wall_us());
  if (!r.ok())
    note_refusal(ctx, r, "server session", pr.who, peer);
  return r.error;
}

membership::proof server_proof(rpc_context& ctx, const std::string& target) {
  return membership::make_proof(ctx.membership.credential,
                                membership::purpose::forward, ctx.self.uuid,
                                ctx.membership.stamps.next(), target);
}

std::string check_monitor_session(rpc_context& ctx, const membership::proof& pr,
                                  const std::string& peer) {
  auto& link = ctx.membership;
  if (!link.has_monitor_key)
    return "this daemon holds no cluster secret";
  auto r = membership::check_monitor_proof(link.monitor_key, link.replays,
                                           membership::purpose::forward, pr,
                                           ctx.self.address, wall_us());
  if (!r.ok())
    note_refusal(ctx, r, "monitor session", pr.who, peer);
  return r.error;
}

std::string check_raft_link(rpc_context& ctx, const membership::proof& pr,
                            const std::string& peer) {
  auto& link = ctx.membership;
  if (!link.has_monitor_key)
    return "this daemon holds no cluster secret";
  auto r = membership::check_monitor_proof(link.monitor_key, link.replays,
                                           membership::purpose::raft_link, pr,
                                           ctx.self.address, wall_us());
  if (!r.ok())
    note_refusal(ctx, r, "Raft link", pr.who, peer);
  return r.error;
}

kj::Promise<void> run_membership_exchange(rpc_context& ctx,
                                          kj::Duration period) {
  return ctx.timer.afterDelay(period).then([&ctx, period]() {
    auto& link = ctx.membership;
    if (!link.pending.empty()) {
      membership::checkins_taken t;
      t.checkins.swap(link.pending);
      caf::anon_send(link.actor, std::move(t));
    }
    auto* c = &ctx;
    auto pull = ask_actor<membership::digest_taken>(
                  ctx, link.actor, membership::digest_pull{},
                  std::chrono::seconds(1))
                  .then([c](membership::digest_taken d) { send_digest(*c, d); },
                        [](kj::Exception&&) {
                          // the actor is busy; the next period pulls again
                        });
    return pull.then([&ctx, period]() {
      return run_membership_exchange(ctx, period);
    });
  });
}

} // namespace gd::rpc
