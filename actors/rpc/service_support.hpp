#pragma once

// What the Cap'n Proto services of a daemon share (KJ thread only): request
// deadlines, failure statuses, forwarding rules, and asking the local config
// actor without an actor hop for the answer (ask_config for any request that
// carries a reply promise, ask_query for named reads of the cluster model).

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include <caf/send.hpp>
#include <capnp/capability.h>
#include <kj/async.h>
#include <kj/common.h>

#include "actors/config/config_actor.hpp"
#include "actors/rpc/actor_bridge.hpp"
#include "actors/rpc/kj_loop.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "actors/rpc/rpc_context.hpp"
#include "protocol/records_codec.hpp"
#include "store/store_error.hpp"

namespace gd::rpc {

using namespace std::chrono_literals;

/// A request forwarded this many times is not forwarded again.
inline constexpr std::uint8_t max_hops = 2;
/// Slack on top of a request's own timeout before the bridge gives up.
inline constexpr auto bridge_slack = 5s;

/// A request's timeout: `ms`, 10 s if 0, at most 120 s.
inline std::chrono::milliseconds request_timeout(std::uint32_t ms) {
  if (ms == 0)
    return 10s;
  return std::chrono::milliseconds(std::min<std::uint32_t>(ms, 120000));
}

inline std::string text(capnp::Text::Reader t) {
  return {t.cStr(), t.size()};
}

inline std::string bytes(capnp::Data::Reader d) {
  return {reinterpret_cast<const char*>(d.begin()), d.size()};
}

inline gd::status failure(status_code c, std::string msg) {
  return gd::status::error(c, std::move(msg));
}

/// True if a request that failed with `st` should go on to the leader.
inline bool should_forward(const rpc_context& ctx, const gd::status& st,
                           std::uint8_t hops) {
  return st.code == status_code::not_leader && !st.leader.address.empty()
         && st.leader.address != ctx.self.address && hops < max_hops;
}

/// A request forwarded to the leader at `address` failed with `e`.
inline gd::status unreachable_leader(const std::string& address,
                                     const kj::Exception& e) {
  if (never_connected(e))
    return failure(status_code::no_quorum,
                   "the leader at " + address
                     + " cannot be reached (an election is probably under "
                       "way; retry shortly): "
                     + e.getDescription().cStr());
  return failure(status_code::unknown_outcome,
                 "lost the connection to the leader at " + address
                   + " while forwarding: " + e.getDescription().cStr());
}

/// Rejected bridge promises (actor gone, timeout) become a failure reply:
/// the RPC caller sees a result union, never a hang.
inline gd::status bridge_failure(const kj::Exception& e, bool write) {
  return failure(write ? status_code::unknown_outcome : status_code::failed,
                 std::string("internal error: ") + e.getDescription().cStr());
}

/// A reply promise whose answer comes back to the KJ thread: it fulfills
/// the entry `id` of `table` (if the caller still waits). Safe whatever the
/// actor does with it, even after the loop is gone (kj_loop::poster).
template <class Reply>
reply_promise<Reply> reply_via_loop(rpc_context& ctx, reply_table<Reply>& table,
                                    kj::Own<kj::PromiseFulfiller<Reply>> f) {
  auto id = ++table.next_id;
  table.waiting.emplace(id, kj::mv(f));
  auto* t = &table;
  return reply_promise<Reply>(
    [post = ctx.loop.make_poster(), t, id](Reply r) {
      // On the actor's thread: hand the answer to the KJ thread, where the
      // table lives (posted work runs only while it does).
      post([t, id, r = std::move(r)]() mutable {
        auto it = t->waiting.find(id);
        if (it == t->waiting.end())
          return; // the caller gave up
        auto f = kj::mv(it->second);
        t->waiting.erase(it);
        f->fulfill(kj::mv(r));
      });
    });
}

/// Sends `msg` (a request with a `reply` promise) straight to the config
/// actor and returns its answer, which comes back through the KJ loop (no
/// actor hop, and bursts of answers share one wakeup). Rejected if no answer
/// arrives within `limit`; a request the actor drops is answered as failed
/// by its promise at once.
template <class Reply, class Msg>
kj::Promise<Reply> ask_config(rpc_context& ctx, reply_table<Reply>& table,
                              Msg msg, std::chrono::milliseconds limit) {
  auto paf = kj::newPromiseAndFulfiller<Reply>();
  msg.reply = reply_via_loop(ctx, table, kj::mv(paf.fulfiller));
  auto id = table.next_id;
  auto* t = &table;
  caf::anon_send(ctx.config, std::move(msg));
  return until_stopping(
           ctx, ctx.timer.timeoutAfter(
                  static_cast<std::int64_t>(limit.count()) * kj::MILLISECONDS,
                  kj::mv(paf.promise)))
    .attach(kj::defer([t, id]() { t->waiting.erase(id); }));
}

/// Asks the CAF actor `target` through the bridge (see actor_bridge::ask);
/// also rejected once the daemon starts to stop.
template <class Reply, class Handle, class Msg>
kj::Promise<Reply> ask_actor(rpc_context& ctx, Handle target, Msg msg,
                             std::chrono::milliseconds timeout) {
  return until_stopping(ctx, ctx.bridge.ask<Reply>(std::move(target),
                                                   std::move(msg), timeout));
}

/// The answer of a model query: `value` is meaningful only if st.ok().
template <class T>
struct model_result {
  gd::status st;
  T value{};
};

/// Runs the named query `q` on the config actor (linearizable unless
/// `serializable`) and returns its answer, of type T (the alternative of
/// cluster::model_answer that `q` gives). Never rejects: a dead actor or a
/// missed deadline gives a failure status. Precondition: ctx.config is set.
template <class T>
kj::Promise<model_result<T>> ask_query(rpc_context& ctx, cluster::model_query q,
                                       bool serializable,
                                       std::chrono::milliseconds timeout) {
  config::model_read r;
  r.query = std::move(q);
  r.serializable = serializable;
  r.timeout = timeout;
  return ask_config(ctx, ctx.model_replies, std::move(r), timeout + bridge_slack)
    .then(
      [](config::model_read_reply a) {
        model_result<T> out;
        out.st = std::move(a.st);
        if (!out.st.ok())
          return out;
        if (auto* v = std::get_if<T>(&a.value))
          out.value = std::move(*v);
        else
          out.st = failure(status_code::failed,
                           "internal error: the model query answered with "
                           "the wrong kind of value");
        return out;
      },
      [](kj::Exception&& e) {
        model_result<T> out;
        out.st = bridge_failure(e, false);
        return out;
      });
}

} // namespace gd::rpc
