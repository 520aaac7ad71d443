#include "test/sim/sim_net.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace gd::sim {

namespace {

using self_ptr = raft::transport_actor::stateful_pointer<net_state>;

void trace_batch(net_state& st, const raft::peer_batch& b) {
  mix(st.trace, b.from);
  mix(st.trace, b.to);
  for (const auto& m : b.messages) {
    mix(st.trace, static_cast<std::uint64_t>(m.type));
    mix(st.trace, m.term);
    mix(st.trace, m.index);
    mix(st.trace, m.prev_index);
    mix(st.trace, m.commit);
    mix(st.trace, m.entries.size());
    mix(st.trace, m.reject ? 1 : 0);
  }
  for (const auto& c : b.chunks)
    mix(st.trace, c.offset + 0x100000000ULL * c.transfer_id);
  for (const auto& a : b.acks)
    mix(st.trace, a.next_offset + (a.done ? 1ULL << 63 : 0));
}

/// Drops each item of `b` with the fault probability.
void lose_some(net_state& st, raft::peer_batch& b) {
  auto keep = [&st](auto& items) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (st.rng.chance(st.faults.drop)) {
        ++st.dropped;
        continue;
      }
      // why: never self-move: a self-moved vector may come out empty.
      if (kept != i)
        items[kept] = std::move(items[i]);
      ++kept;
    }
    items.resize(kept);
  };
  keep(b.messages);
  keep(b.chunks);
  keep(b.acks);
}

raft::transport_actor::behavior_type net_main(self_ptr self, net_faults faults,
                                              std::uint64_t seed) {
  self->state.faults = faults;
  self->state.rng = sim_random(seed);
  return {
    [self](raft::peer_batch& b) {
      auto& st = self->state;
      auto to = st.nodes.find(b.to);
      if (to == st.nodes.end() || st.nodes.count(b.from) == 0
          || st.group[b.from] != st.group[b.to]) {
        ++st.dropped;
        return;
      }
      lose_some(st, b);
      if (b.empty())
        return;
      int copies = st.rng.chance(st.faults.duplicate) ? 2 : 1;
      for (int i = 0; i < copies; ++i) {
        auto delay = std::chrono::milliseconds(
          st.rng.between(st.faults.min_delay_ms, st.faults.max_delay_ms));
        mix(st.trace, static_cast<std::uint64_t>(delay.count()));
        trace_batch(st, b);
        ++st.delivered;
        self->delayed_send(to->second, delay, b);
      }
    },
    [](raft::peer_directory&) {
      // The simulated network knows everybody already.
    },
  };
}

} // namespace

void mix(std::uint64_t& trace, std::uint64_t x) {
  for (int i = 0; i < 8; ++i) {
    trace ^= (x >> (8 * i)) & 0xff;
    trace *= 0x100000001b3ULL;
  }
}

raft::transport_actor spawn_sim_net(caf::actor_system& sys, net_faults faults,
                                    std::uint64_t seed) {
  return sys.spawn(net_main, faults, seed);
}

net_state& state_of(const raft::transport_actor& net) {
  auto* ptr = caf::actor_cast<caf::abstract_actor*>(net);
  return dynamic_cast<raft::transport_actor::stateful_base<net_state>&>(*ptr)
    .state;
}

} // namespace gd::sim
