#pragma once

// What the Cap'n Proto services of a daemon share (KJ thread only): request
// deadlines, failure statuses, forwarding rules, and the two ways of asking
// the local config actor without an actor hop for the answer (ask_config for
// KV and cluster writes and KV reads, ask_model for reads of the cluster
// model).

#include <any>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include <caf/send.hpp>
#include <capnp/capability.h>
#include <kj/async.h>
#include <kj/common.h>

#include "actors/config/config_actor.hpp"
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

/// Sends `msg` straight to the config actor and returns its answer, which
/// comes back through the KJ loop (no actor hop, and bursts of answers share
/// one wakeup). Rejected if no answer arrives within `limit`: a dead or
/// stuck actor gives an error, never a hang.
template <class Reply, class Msg>
kj::Promise<Reply> ask_config(rpc_context& ctx, reply_table<Reply>& table,
                              Msg msg, std::chrono::milliseconds limit) {
  auto paf = kj::newPromiseAndFulfiller<Reply>();
  auto id = ++table.next_id;
  table.waiting.emplace(id, kj::mv(paf.fulfiller));
  auto* loop = &ctx.loop;
  auto* t = &table;
  msg.on_reply = [loop, t, id](Reply r) {
    // On the config actor's thread: hand the answer to the KJ thread.
    loop->post([t, id, r = std::move(r)]() mutable {
      auto it = t->waiting.find(id);
      if (it == t->waiting.end())
        return; // the caller gave up
      auto f = kj::mv(it->second);
      t->waiting.erase(it);
      f->fulfill(kj::mv(r));
    });
  };
  caf::anon_send(ctx.config, std::move(msg));
  return ctx.timer
    .timeoutAfter(static_cast<std::int64_t>(limit.count()) * kj::MILLISECONDS,
                  kj::mv(paf.promise))
    .attach(kj::defer([t, id]() { t->waiting.erase(id); }));
}

/// The answer of ask_model: `value` is meaningful only if st.ok().
template <class T>
struct model_result {
  gd::status st;
  T value{};
};

/// Runs `query(reader)` on the config actor's thread once a read of the
/// store is confirmed (linearizable unless `serializable`), and returns its
/// result on the KJ thread. `query` returns a copyable T and may throw
/// store::store_error or proto::decode_error (answered as `failed`). Never
/// rejects: a dead actor or a missed deadline gives a failure status.
/// Precondition: ctx.config is set.
template <class T, class Query>
kj::Promise<model_result<T>> ask_model(rpc_context& ctx, bool serializable,
                                       std::chrono::milliseconds timeout,
                                       Query query) {
  auto paf = kj::newPromiseAndFulfiller<model_answer>();
  auto& table = ctx.model_replies;
  auto id = ++table.next_id;
  table.waiting.emplace(id, kj::mv(paf.fulfiller));
  auto* loop = &ctx.loop;
  auto* t = &table;
  config::model_read r;
  r.serializable = serializable;
  r.timeout = timeout;
  r.run = [loop, t, id, query](const gd::status& st,
                               const config::store_reader* read) {
    model_answer a;
    a.st = st;
    if (read) {
      try {
        a.value = std::any(query(*read));
      } catch (const store::store_error& e) {
        a.st = failure(status_code::failed, e.what());
      } catch (const proto::decode_error& e) {
        a.st = failure(status_code::failed,
                       std::string("a stored record is corrupt: ") + e.what());
      }
    }
    loop->post([t, id, a = std::move(a)]() mutable {
      auto it = t->waiting.find(id);
      if (it == t->waiting.end())
        return;
      auto f = kj::mv(it->second);
      t->waiting.erase(it);
      f->fulfill(kj::mv(a));
    });
  };
  caf::anon_send(ctx.config, std::move(r));
  auto limit = timeout + bridge_slack;
  return ctx.timer
    .timeoutAfter(static_cast<std::int64_t>(limit.count()) * kj::MILLISECONDS,
                  kj::mv(paf.promise))
    .then(
      [](model_answer a) {
        model_result<T> out;
        out.st = std::move(a.st);
        if (out.st.ok())
          out.value = std::any_cast<T>(std::move(a.value));
        return out;
      },
      [](kj::Exception&& e) {
        model_result<T> out;
        out.st = bridge_failure(e, false);
        return out;
      })
    .attach(kj::defer([t, id]() { t->waiting.erase(id); }));
}

} // namespace gd::rpc
