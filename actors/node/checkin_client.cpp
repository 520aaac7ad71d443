#include "actors/node/checkin_client.hpp"

#include <algorithm>

#include <capnp/message.h>
#include <kj/debug.h>

#include "actors/membership/admission.hpp"
#include "actors/membership/proof_codec.hpp"
#include "actors/node/monitor_choice.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "protocol/management.capnp.h"

namespace gd::node {

namespace {

kj::Duration to_kj(std::chrono::milliseconds ms) {
  return static_cast<std::int64_t>(ms.count()) * kj::MILLISECONDS;
}

std::string str(capnp::Text::Reader t) {
  return {t.cStr(), t.size()};
}

} // namespace

checkin_client::checkin_client(kj::AsyncIoContext& io,
                               checkin_settings settings,
                               std::vector<std::string> monitors,
                               observer on_outcome)
  : io_(io),
    settings_(std::move(settings)),
    order_(monitor_order(settings_.uuid, std::move(monitors))),
    on_fallback_since_(io.provider->getTimer().now()),
    on_outcome_(std::move(on_outcome)),
    pool_(std::make_unique<rpc::peer_pool>(io, capnp::ReaderOptions())) {
  KJ_REQUIRE(!order_.empty(), "a check-in needs at least one monitor");
}

checkin_client::~checkin_client() = default;

void checkin_client::set_monitors(std::vector<std::string> monitors) {
  auto order = monitor_order(settings_.uuid, std::move(monitors));
  if (order.empty() || order == order_)
    return;
  auto now_using = order_[current_];
  auto it = std::find(order.begin(), order.end(), now_using);
  order_ = std::move(order);
  if (it != order_.end()) {
    current_ = static_cast<std::size_t>(it - order_.begin());
  } else {
    pool_->drop(now_using);
    membership_.reset();
    current_ = 0;
  }
}

void checkin_client::move_to(std::size_t index) {
  index %= order_.size();
  if (index == current_)
    return;
  pool_->drop(order_[current_]);
  membership_.reset();
  current_ = index;
  ++counters_.failovers;
  if (current_ != 0)
    on_fallback_since_ = io_.provider->getTimer().now();
}

std::chrono::milliseconds checkin_client::call_timeout() const {
  // why: a lost check-in plus the retry must fit in the lease: at most half
  // of what the lease leaves after one interval (750 ms with the defaults).
  auto t = settings_.call_timeout;
  if (lease_.count() > 0) {
    auto room = (lease_ - settings_.interval) / 2;
    t = std::min(t, std::max(room, std::chrono::milliseconds(100)));
  }
  return t;
}

kj::Promise<void> checkin_client::run() {
  auto& timer = io_.provider->getTimer();
  return timer.afterDelay(to_kj(settings_.first_delay)).then([this]() {
    return once();
  });
}

kj::Promise<void> checkin_client::once() {
  auto& timer = io_.provider->getTimer();
  auto started = timer.now();
  // Back to the preferred monitor after a while on a fallback one (it may
  // be back: the fleet's spread depends on it).
  if (current_ != 0
      && started - on_fallback_since_ >= to_kj(settings_.prefer_again)) {
    pool_->drop(order_[current_]);
    membership_.reset();
    current_ = 0;
  }
  auto address = order_[current_];
  // why: one Membership capability per connection, not one call for it per
  // check-in (half the round trips and allocations at fleet scale).
  if (membership_address_ != address || !membership_) {
    membership_ = pool_->management(address).membershipRequest().send()
                    .getMembership();
    membership_address_ = address;
  }
  auto membership = *membership_;
  // why: a size hint: without one, every message starts with an 8 KiB
  // zeroed segment.
  auto r = membership.checkInRequest(capnp::MessageSize{48, 0});
  membership::to_capnp(
    membership::make_proof(settings_.credential, membership::purpose::check_in,
                           settings_.uuid, stamps_.next(), address),
    r.initProof());
  r.setIntervalMs(static_cast<std::uint32_t>(settings_.interval.count()));
  ++counters_.sent;
  return timer.timeoutAfter(to_kj(call_timeout()), r.send())
    .then(
      [this, address](capnp::Response<proto::schema::Membership::CheckInResults>&& resp) {
        auto rep = resp.getReply();
        checkin_outcome o;
        o.monitor_address = address;
        o.accepted = rep.getAccepted();
        o.error = str(rep.getError());
        o.monitor_name = str(rep.getMonitor());
        o.lease_ms = rep.getLeaseMs();
        o.quorum = rep.getQuorum();
        o.down = rep.getDown();
        o.revision = rep.getRevision();
        for (auto m : rep.getMonitors())
          o.monitors.push_back(str(m));
        if (o.accepted)
          ++counters_.accepted;
        else
          ++counters_.refused;
        if (o.accepted && !o.monitors.empty())
          set_monitors(o.monitors);
        if (o.lease_ms > 0)
          lease_ = std::chrono::milliseconds(o.lease_ms);
        if (!o.accepted && o.error == membership::not_ready_message) {
          // why: a monitor that just started has no pool yet; another one
          // takes the check-in now rather than after the lease ran out.
          o.lost = true;
          move_to(current_ + 1);
        }
        return o;
      },
      [this, address](kj::Exception&& e) {
        ++counters_.lost;
        checkin_outcome o;
        o.monitor_address = address;
        o.lost = true;
        o.error = "the monitor at " + address
                  + " did not answer: " + e.getDescription().cStr();
        // why: a monitor that does not answer is gone for this agent; the
        // next in its order takes over at once (no check-in is skipped).
        move_to(current_ + 1);
        return o;
      })
    .then([this, started](checkin_outcome o) {
      bool lost = o.lost;
      last_ = std::move(o);
      if (on_outcome_)
        on_outcome_(last_);
      auto& timer = io_.provider->getTimer();
      // A lost monitor: the next one at once (the lease has no room for a
      // skipped interval), but never a tight loop.
      auto floor = timer.now() + 10 * kj::MILLISECONDS;
      if (lost)
        return timer.atTime(floor);
      return timer.atTime(std::max(started + to_kj(settings_.interval), floor));
    })
    .then([this]() { return once(); });
}

} // namespace gd::node
