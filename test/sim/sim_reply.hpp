#pragma once

// How test actors ask the config actor: its requests carry reply promises
// (actors/reply_promise.hpp), which here send the answer back to the asking
// actor as a tagged message, so it is handled in that actor's own turn.

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/send.hpp>

#include "actors/config/config_actor.hpp"
#include "actors/reply_promise.hpp"

namespace gd::sim {

/// An answer for the request the asker tagged `tag`.
template <class T>
struct tagged_reply {
  std::uint64_t tag = 0;
  T value;
};

/// A promise whose answer goes to `asker` as tagged_reply<T>{tag, answer}.
template <class T>
reply_promise<T> reply_to(caf::actor asker, std::uint64_t tag) {
  return reply_promise<T>([asker = std::move(asker), tag](T v) {
    caf::anon_send(asker, tagged_reply<T>{tag, std::move(v)});
  });
}

/// The continuations of an actor's requests in flight, by tag: ask() sends
/// a request whose answer comes back as a tagged_reply, and the actor's
/// handler for that message calls answer().
class reply_router {
public:
  /// Sends `req` (a request with a `reply` promise of Reply) to `target`;
  /// `k` runs with the answer, in the asking actor's turn.
  template <class Reply, class Self, class Req, class Target>
  void ask(Self* self, const Target& target, Req req,
           std::function<void(Reply&)> k) {
    auto tag = ++next_;
    waiting_.emplace(tag, [k = std::move(k)](void* r) {
      k(*static_cast<Reply*>(r));
    });
    req.reply = reply_to<Reply>(caf::actor_cast<caf::actor>(self), tag);
    caf::anon_send(target, std::move(req));
  }

  /// Runs the continuation of `tag` with `answer` (ignored if none).
  template <class Reply>
  void answer(tagged_reply<Reply>& r) {
    auto it = waiting_.find(r.tag);
    if (it == waiting_.end())
      return;
    auto k = std::move(it->second);
    waiting_.erase(it);
    k(&r.value);
  }

  std::size_t in_flight() const { return waiting_.size(); }

private:
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, std::function<void(void*)>> waiting_;
};

} // namespace gd::sim

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::tagged_reply<gd::config::kv_write_reply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::tagged_reply<gd::config::kv_read_reply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::tagged_reply<gd::config::cluster_write_reply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::tagged_reply<gd::config::model_read_reply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::tagged_reply<gd::config::kv_watch_reply>)
