#include "actors/node/model_mirror.hpp"

#include <algorithm>

#include <capnp/capability.h>
#include <kj/debug.h>

#include "actors/rpc/peer_pool.hpp"
#include "protocol/kv_capnp.hpp"
#include "protocol/management.capnp.h"
#include "protocol/records_capnp.hpp"

namespace gd::node {

namespace schema = proto::schema;

// -- mirror_store ----------------------------------------------------------

void mirror_store::load(const std::string& prefix,
                        const std::vector<kv::key_value>& kvs) {
  auto end = kv::prefix_end(prefix);
  auto first = kvs_.lower_bound(prefix);
  auto last = end.empty() ? kvs_.end() : kvs_.lower_bound(end);
  kvs_.erase(first, last);
  for (const auto& kv : kvs)
    kvs_[kv.key] = kv;
}

void mirror_store::apply(const std::vector<kv::event>& events) {
  for (const auto& e : events) {
    if (e.type == kv::event::kind::del)
      kvs_.erase(e.kv.key);
    else
      kvs_[e.kv.key] = e.kv;
  }
}

kv::range_result mirror_store::range(const kv::range_request& r) const {
  kv::range_result out;
  auto add = [&](const kv::key_value& kv) {
    ++out.count;
    if (r.count_only)
      return;
    if (r.limit > 0 && static_cast<std::int64_t>(out.kvs.size()) >= r.limit) {
      out.more = true;
      return;
    }
    out.kvs.push_back(kv);
    if (r.keys_only)
      out.kvs.back().value.clear();
  };
  if (r.range.range_end.empty()) {
    if (auto it = kvs_.find(r.range.key); it != kvs_.end())
      add(it->second);
    return out;
  }
  for (auto it = kvs_.lower_bound(r.range.key); it != kvs_.end(); ++it) {
    if (!r.range.contains(it->first))
      break;
    add(it->second);
  }
  return out;
}

cluster::model_reader mirror_store::reader() const {
  return cluster::model_reader(
    [this](const kv::range_request& r) { return range(r); });
}

// -- model_mirror ------------------------------------------------------------

namespace {

/// Receives one prefix's watch events.
class mirror_watcher final : public schema::Watcher::Server {
public:
  using events_fn = std::function<void(const std::vector<kv::event>&)>;
  using end_fn = std::function<void(const std::string&)>;

  mirror_watcher(events_fn on_events, end_fn on_end)
    : on_events_(std::move(on_events)), on_end_(std::move(on_end)) {
    // nop
  }

protected:
  kj::Promise<void> events(EventsContext c) override {
    std::vector<kv::event> evs;
    try {
      for (auto e : c.getParams().getEvents())
        evs.push_back(proto::from_capnp(e));
    } catch (const std::exception& e) {
      on_end_(std::string("an event did not decode: ") + e.what());
      return kj::READY_NOW;
    }
    on_events_(evs);
    return kj::READY_NOW;
  }

  kj::Promise<void> canceled(CanceledContext c) override {
    on_end_("the monitor ended the watch: "
            + proto::from_capnp(c.getParams().getReason()).message);
    return kj::READY_NOW;
  }

private:
  events_fn on_events_;
  end_fn on_end_;
};

} // namespace

/// One monitor's copy: its Kv capability and running watches.
struct model_mirror::session {
  std::string address;
  schema::Kv::Client kv;
  std::vector<schema::WatchHandle::Client> handles;
  /// Fulfilled with why a watch ended; the session is then over.
  kj::Own<kj::PromiseFulfiller<void>> ended;
  kj::ForkedPromise<void> ended_promise = nullptr;
  std::string why;

  session(std::string a, schema::Kv::Client k)
    : address(std::move(a)), kv(kj::mv(k)) {
    auto paf = kj::newPromiseAndFulfiller<void>();
    ended = kj::mv(paf.fulfiller);
    ended_promise = paf.promise.fork();
  }
  void end(const std::string& reason) {
    if (ended->isWaiting()) {
      why = reason;
      ended->fulfill();
    }
  }
};

model_mirror::model_mirror(rpc::peer_pool& pool, mirror_settings settings,
                           monitors_fn monitors, changed_fn on_change,
                           log_fn log)
  : pool_(pool),
    settings_(std::move(settings)),
    monitors_(std::move(monitors)),
    on_change_(std::move(on_change)),
    log_(std::move(log)) {
  // nop
}

model_mirror::~model_mirror() = default;

kj::Promise<void> model_mirror::run() {
  return follow(0);
}

kj::Promise<void> model_mirror::follow(std::size_t attempt) {
  auto monitors = monitors_();
  if (monitors.empty())
    return pool_.timer().afterDelay(settings_.retry.count() * 8 * kj::MILLISECONDS)
      .then([this, attempt]() { return follow(attempt); });
  auto address = monitors[next_monitor_ % monitors.size()];
  auto loaded_before = ready_;
  return load_and_watch(address)
    .catch_([this, address](kj::Exception&& e) {
      std::string what = e.getDescription().cStr();
      if (session_ && !session_->why.empty())
        what = session_->why;
      if (log_)
        log_("model copy: lost the monitor at " + address + " (" + what
             + "); trying the next one");
      pool_.drop(address);
    })
    .then([this, attempt, loaded_before]() {
      session_.reset();
      ++generation_;
      ++next_monitor_;
      auto next = loaded_before || !ready_ ? attempt + 1 : 0;
      auto factor = std::min<std::size_t>(std::size_t{1} << std::min<std::size_t>(next, 3), 8);
      auto delay = settings_.retry.count() * static_cast<long>(factor);
      return pool_.timer().afterDelay(delay * kj::MILLISECONDS)
        .then([this, next]() { return follow(next); });
    });
}

kj::Promise<void> model_mirror::load_and_watch(const std::string& address) {
  auto kv = pool_.management(address).kvRequest().send().getKv();
  session_ = std::make_unique<session>(address, kv);
  auto gen = ++generation_;
  auto* s = session_.get();

  // Loads and watches the prefixes one after another.
  auto chain = kj::Promise<void>(kj::READY_NOW);
  for (const auto& prefix : settings_.prefixes) {
    chain = chain.then([this, s, gen, prefix]() {
      auto req = s->kv.rangeRequest();
      kv::range_request r;
      r.range.key = prefix;
      r.range.range_end = kv::prefix_end(prefix);
      proto::to_capnp(r, req.initRequest());
      req.initOptions().setSerializable(true);
      return req.send().then([this, s, gen, prefix](auto resp) {
        auto res = resp.getResult();
        if (res.isFailure())
          KJ_FAIL_REQUIRE("range read refused",
                          proto::from_capnp(res.getFailure()).message);
        auto got = proto::from_capnp(res.getOk());
        store_.load(prefix, got.kvs);
        auto w = s->kv.watchRequest();
        auto range = w.initRange();
        range.setKey(capnp::Data::Reader(
          reinterpret_cast<const kj::byte*>(prefix.data()), prefix.size()));
        auto end = kv::prefix_end(prefix);
        range.setRangeEnd(capnp::Data::Reader(
          reinterpret_cast<const kj::byte*>(end.data()), end.size()));
        w.setStartRevision(got.header_revision + 1);
        w.setWatcher(kj::heap<mirror_watcher>(
          [this, gen](const std::vector<kv::event>& evs) { on_events(gen, evs); },
          [s](const std::string& why) { s->end(why); }));
        return w.send().then([s](auto started) {
          auto r = started.getResult();
          if (r.isFailure())
            KJ_FAIL_REQUIRE("watch refused",
                            proto::from_capnp(r.getFailure()).message);
          s->handles.push_back(r.getOk().getHandle());
        });
      });
    });
  }
  return chain.then([this, s, address]() -> kj::Promise<void> {
    bool first = !ready_;
    ready_ = true;
    ++changes_;
    source_ = address;
    if (log_ && first)
      log_("model copy: loaded " + std::to_string(store_.size())
           + " keys from the monitor at " + address);
    if (on_change_)
      on_change_();
    // Until a watch ends or a probe fails.
    return s->ended_promise.addBranch().exclusiveJoin(probe(s));
  });
}

kj::Promise<void> model_mirror::probe(session* s) {
  return pool_.timer().afterDelay(settings_.probe_interval.count()
                                  * kj::MILLISECONDS)
    .then([this, s]() {
      auto req = s->kv.rangeRequest();
      kv::range_request r;
      r.range.key = settings_.prefixes.front();
      r.range.range_end = kv::prefix_end(r.range.key);
      r.count_only = true;
      proto::to_capnp(r, req.initRequest());
      req.initOptions().setSerializable(true);
      return pool_.timer()
        .timeoutAfter(settings_.probe_interval.count() * kj::MILLISECONDS,
                      req.send().ignoreResult())
        .then([this, s]() { return probe(s); });
    });
}

void model_mirror::on_events(std::uint64_t generation,
                             const std::vector<kv::event>& evs) {
  if (generation != generation_ || evs.empty())
    return;
  store_.apply(evs);
  ++changes_;
  if (on_change_)
    on_change_();
}

} // namespace gd::node
