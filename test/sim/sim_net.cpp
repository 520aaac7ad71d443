#include "test/sim/sim_net.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace gd::sim {

namespace {

/// A batch arriving at its addressee's host after its delay.
struct arrival {
  raft::peer_batch batch;
};

} // namespace

} // namespace gd::sim

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gd::sim::arrival)

namespace gd::sim {

namespace {

using net_actor = raft::transport_actor::extend<caf::reacts_to<arrival>>;
using self_ptr = net_actor::stateful_pointer<net_state>;

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

net_actor::behavior_type net_main(self_ptr self, net_faults faults,
                                  std::uint64_t seed) {
  self->state.faults = faults;
  self->state.rng = sim_random(seed);
  return {
    [self](raft::peer_batch& b) {
      auto& st = self->state;
      if (st.on_send)
        st.on_send(b);
      if (st.nodes.count(b.to) == 0 || st.nodes.count(b.from) == 0
          || !st.link_up(b.from, b.to)) {
        ++st.dropped;
        return;
      }
      lose_some(st, b);
      if (b.empty())
        return;
      int copies = st.rng.chance(st.faults.duplicate) ? 2 : 1;
      for (int i = 0; i < copies; ++i) {
        auto delay = std::chrono::milliseconds(
          st.rng.chance(st.faults.long_delay)
            ? st.rng.between(200, 1500)
            : st.rng.between(st.faults.min_delay_ms, st.faults.max_delay_ms));
        mix(st.trace, static_cast<std::uint64_t>(delay.count()));
        self->delayed_send(self, delay, arrival{b});
      }
    },
    [self](arrival& a) {
      auto& st = self->state;
      auto to = st.nodes.find(a.batch.to);
      // why: a partition that began while the batch was on its way stops it
      // too; otherwise it reaches whoever runs there now.
      if (to == st.nodes.end() || !st.link_up(a.batch.from, a.batch.to)) {
        ++st.dropped;
        return;
      }
      trace_batch(st, a.batch);
      ++st.delivered;
      self->send(to->second, std::move(a.batch));
    },
    [](raft::peer_directory&) {
      // The simulated network knows everybody already.
    },
  };
}

} // namespace

bool net_state::link_up(raft::member_id from, raft::member_id to) const {
  auto g = [this](raft::member_id m) {
    auto it = group.find(m);
    return it == group.end() ? 0 : it->second;
  };
  return g(from) == g(to) && cut.count({from, to}) == 0;
}

void mix(std::uint64_t& trace, std::uint64_t x) {
  for (int i = 0; i < 8; ++i) {
    trace ^= (x >> (8 * i)) & 0xff;
    trace *= 0x100000001b3ULL;
  }
}

raft::transport_actor spawn_sim_net(caf::actor_system& sys, net_faults faults,
                                    std::uint64_t seed) {
  return caf::actor_cast<raft::transport_actor>(
    sys.spawn(net_main, faults, seed));
}

net_state& state_of(const raft::transport_actor& net) {
  auto* ptr = caf::actor_cast<caf::abstract_actor*>(net);
  return dynamic_cast<net_actor::stateful_base<net_state>&>(*ptr).state;
}

} // namespace gd::sim
