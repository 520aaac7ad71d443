#include "test/sim/sim_disk.hpp"

#include <cstdlib>
#include <iostream>

#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/raft/raft_actor.hpp"

namespace gd::sim {

namespace {

/// An fsync completing.
struct fsync_done {
  std::uint64_t sync = 0;
};

} // namespace

} // namespace gd::sim

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::fsync_done)

namespace gd::sim {

namespace {

using disk_ptr = caf::stateful_actor<disk_state>*;

caf::behavior disk_main(disk_ptr self, std::uint64_t seed) {
  self->state.rng = sim_random(seed);
  return {
    [self](raft::disk_sync& d) -> caf::result<bool> {
      auto& st = self->state;
      ++st.syncs;
      auto slot = st.slots.find(d.member);
      auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
      if (slot == st.slots.end() || slot->second.owner != sender) {
        if (std::getenv("GD_SIM_DEBUG"))
          std::cerr << "disk: sync of " << d.member << " from "
                    << caf::to_string(sender) << " owner "
                    << (slot == st.slots.end() ? std::string("none")
                                               : caf::to_string(slot->second.owner))
                    << "\n";
        return caf::make_error(caf::sec::request_receiver_down);
      }
      auto id = ++st.next_sync;
      auto& w = st.waiting[id];
      w.member = d.member;
      w.owner = sender;
      w.promise = self->make_response_promise();
      if (st.crash_during_sync && st.crash_during_sync(d.member)) {
        // It dies before the fsync completes: no completion is scheduled;
        // the harness's disk_crash fails the wait.
        ++st.crashes_in_sync;
        st.crashing.insert(d.member);
        return caf::delegated<bool>();
      }
      auto delay = std::chrono::milliseconds(st.rng.between(st.min_ms, st.max_ms));
      self->delayed_send(self, delay, fsync_done{id});
      return caf::delegated<bool>();
    },
    [self](fsync_done& f) {
      auto& st = self->state;
      auto w = st.waiting.find(f.sync);
      if (w == st.waiting.end())
        return; // its member crashed meanwhile: the sync is lost
      auto slot = st.slots.find(w->second.member);
      if (slot != st.slots.end() && slot->second.owner == w->second.owner) {
        *slot->second.durable = *slot->second.written;
        if (st.on_durable)
          st.on_durable(w->second.member, *slot->second.durable);
        w->second.promise.deliver(true);
      } else {
        // why: its member crashed (the disk_crash is still on its way):
        // the sync is lost, and the dead incarnation must not go on as if
        // it were durable.
        w->second.promise.deliver(
          caf::make_error(caf::sec::request_receiver_down));
      }
      st.waiting.erase(w);
    },
    [self](disk_crash& c) {
      // why: a member blocked in its fsync (an await) handles no exit
      // message until the wait ends; failing the wait lets the kill land.
      auto& st = self->state;
      for (auto it = st.waiting.begin(); it != st.waiting.end();) {
        if (it->second.member != c.member) {
          ++it;
          continue;
        }
        it->second.promise.deliver(
          caf::make_error(caf::sec::request_receiver_down));
        it = st.waiting.erase(it);
      }
    },
  };
}

} // namespace

caf::actor spawn_sim_disk(caf::actor_system& sys, std::uint64_t seed) {
  return sys.spawn(disk_main, seed);
}

disk_state& state_of_disk(const caf::actor& disk) {
  auto* ptr = caf::actor_cast<caf::abstract_actor*>(disk);
  return dynamic_cast<caf::stateful_actor<disk_state>&>(*ptr).state;
}

std::shared_ptr<store::memory_log_image>
start_incarnation(disk_state& d, raft::member_id id, caf::actor_addr owner) {
  auto& slot = d.slots[id];
  if (!slot.durable)
    slot.durable = std::make_shared<store::memory_log_image>();
  slot.written = std::make_shared<store::memory_log_image>(*slot.durable);
  slot.owner = std::move(owner);
  d.crashing.erase(id);
  return slot.written;
}

void crash_incarnation(disk_state& d, raft::member_id id) {
  auto it = d.slots.find(id);
  if (it != d.slots.end())
    it->second.owner = caf::actor_addr{};
}

} // namespace gd::sim
