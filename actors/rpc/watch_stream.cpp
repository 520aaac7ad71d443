#include "actors/rpc/watch_stream.hpp"

#include <caf/send.hpp>

#include "actors/rpc/kj_loop.hpp"
#include "protocol/kv_capnp.hpp"

namespace gd::rpc {

watch_stream::watch_stream(rpc_context& ctx, std::uint64_t id,
                           proto::schema::Watcher::Client watcher,
                           caf::actor sink)
  : ctx_(ctx),
    id_(id),
    watcher_(kj::mv(watcher)),
    sink_(std::move(sink)),
    tasks_(errors_) {
  // nop
}

watch_stream::~watch_stream() {
  if (ctx_.config)
    caf::anon_send(ctx_.config, config::kv_unwatch{id_, sink_});
  caf::anon_send_exit(sink_, caf::exit_reason::user_shutdown);
}

void watch_stream::push(config::watch_events ev) {
  if (ended_)
    return;
  if (ev.canceled) {
    end(ev.reason);
    return;
  }
  if (ev.events.empty())
    return;
  last_revision_ = ev.events.back().kv.mod_revision;
  buffered_ += ev.events.size();
  pending_.push_back(std::move(ev));
  if (buffered_ > max_buffered_events) {
    end(gd::status::error(
      status_code::busy,
      "the watcher fell too far behind (" + std::to_string(buffered_)
        + " events buffered); watch again from revision "
        + std::to_string(first_unsent_revision())));
    return;
  }
  pump();
}

kv::revision watch_stream::first_unsent_revision() const {
  if (pending_.empty() || pending_.front().events.empty())
    return last_revision_ + 1;
  return pending_.front().events.front().kv.mod_revision;
}

void watch_stream::pump() {
  while (!sending_ && !pending_.empty() && !ended_) {
    auto ev = std::move(pending_.front());
    pending_.pop_front();
    buffered_ -= ev.events.size();
    auto req = watcher_.eventsRequest();
    auto list = req.initEvents(static_cast<unsigned>(ev.events.size()));
    for (unsigned i = 0; i < ev.events.size(); ++i)
      proto::to_capnp(ev.events[i], list[i]);
    req.setHeaderRevision(ev.header_revision);
    sending_ = true;
    tasks_.add(req.send().then(
      [this]() {
        sending_ = false;
        pump();
      },
      [this](kj::Exception&&) {
        // The watcher is gone: forget the watch.
        ended_ = true;
        remove_later();
      }));
  }
}

void watch_stream::end(const gd::status& why) {
  ended_ = true;
  auto req = watcher_.canceledRequest();
  proto::to_capnp(why, req.initReason());
  tasks_.add(req.send().ignoreResult().then([this]() { remove_later(); },
                                             [this](kj::Exception&&) {
                                               remove_later();
                                             }));
}

void watch_stream::remove_later() {
  auto* ctx = &ctx_;
  auto id = id_;
  // why: erasing destroys this object; never do that from inside it.
  ctx_.loop.post([ctx, id]() { ctx->watches.erase(id); });
}

} // namespace gd::rpc
