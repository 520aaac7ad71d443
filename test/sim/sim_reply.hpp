#pragma once

// How test actors ask the config actor: its requests carry reply promises
// (actors/reply_promise.hpp), which here send the answer back to the asking
// actor as a tagged message, so it is handled in that actor's own turn.

#include <cstdint>
#include <utility>

#include <caf/actor.hpp>
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

} // namespace gd::sim

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::tagged_reply<gd::config::kv_write_reply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::tagged_reply<gd::config::kv_read_reply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::tagged_reply<gd::config::cluster_write_reply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::tagged_reply<gd::config::model_read_reply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::tagged_reply<gd::config::kv_watch_reply>)
