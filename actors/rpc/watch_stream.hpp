#pragma once

// Streams one watch's events to its client (KJ thread), with the client's
// flow control (Cap'n Proto streaming) and a bound on what it buffers: a
// watcher that falls too far behind is canceled, with the revision to
// resume from.

#include <cstdint>
#include <deque>

#include <caf/actor.hpp>
#include <kj/async.h>

#include "actors/config/config_actor.hpp"
#include "actors/rpc/rpc_context.hpp"
#include "protocol/kv.capnp.h"

namespace gd::rpc {

class watch_stream {
public:
  /// Events buffered for a slow watcher before the watch is canceled.
  static constexpr std::size_t max_buffered_events = 100000;

  watch_stream(rpc_context& ctx, std::uint64_t id,
               proto::schema::Watcher::Client watcher, caf::actor sink);

  /// Tells the config actor to stop the watch and stops its sink actor.
  ~watch_stream();

  watch_stream(const watch_stream&) = delete;
  watch_stream& operator=(const watch_stream&) = delete;

  /// Queues events (or a cancellation) for the watcher.
  void push(config::watch_events ev);

private:
  struct quiet : kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&&) override {
      // nop: failures are handled where the tasks are made
    }
  };

  kv::revision first_unsent_revision() const;
  void pump();
  void end(const gd::status& why);
  void remove_later();

  rpc_context& ctx_;
  std::uint64_t id_;
  proto::schema::Watcher::Client watcher_;
  caf::actor sink_;
  std::deque<config::watch_events> pending_;
  std::size_t buffered_ = 0;
  kv::revision last_revision_ = 0;
  bool sending_ = false;
  bool ended_ = false;
  quiet errors_;
  kj::TaskSet tasks_;
};

} // namespace gd::rpc
