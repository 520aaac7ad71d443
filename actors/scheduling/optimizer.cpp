#include "actors/scheduling/optimizer.hpp"

#include <algorithm>
#include <cassert>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <utility>

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/range/iterator_range.hpp>

namespace gd::scheduling {

namespace {

using cost_t = std::int64_t;

constexpr int no_slot = -1;

/// One feasible task, names replaced by dense indices.
struct item {
  const task* source;
  int kind;                  // dense kind index
  int volume;                // dense volume index
  std::vector<int> eligible; // server indices, ascending, no duplicates
  int current_slot;          // index into `eligible`, or no_slot
};

/// The problem in canonical order: servers by uuid, feasible tasks by id.
/// Everything after this point sees only indices, so the input's order
/// cannot leak into the answer.
struct indexed {
  std::vector<const server_info*> servers;
  std::vector<int> zone_of;     // server -> zone id ("" gets its own id)
  std::vector<item> items;
  int kinds = 0;
  std::vector<std::string> infeasible; // input order
};

indexed index_problem(const problem& p) {
  indexed in;
  for (const auto& s : p.servers)
    in.servers.push_back(&s);
  std::sort(in.servers.begin(), in.servers.end(),
            [](auto a, auto b) { return a->uuid < b->uuid; });
  std::map<std::string, int> server_at;
  for (std::size_t i = 0; i < in.servers.size(); ++i)
    if (!server_at.emplace(in.servers[i]->uuid, static_cast<int>(i)).second)
      throw std::invalid_argument("duplicate server uuid '"
                                  + in.servers[i]->uuid + "'");
  std::map<std::string, int> zone_ids;
  for (const auto* s : in.servers)
    if (!s->zone.empty())
      zone_ids.emplace(s->zone, 0);
  int next_zone = 0;
  for (auto& [name, id] : zone_ids)
    id = next_zone++;
  for (const auto* s : in.servers)
    in.zone_of.push_back(s->zone.empty() ? next_zone++ : zone_ids[s->zone]);

  std::vector<const task*> tasks;
  std::map<std::string, int> volumes;
  std::map<int, int> kinds;
  for (const auto& t : p.tasks) {
    tasks.push_back(&t);
    volumes.emplace(t.volume, 0);
    kinds.emplace(static_cast<int>(t.kind), 0);
  }
  std::sort(tasks.begin(), tasks.end(),
            [](auto a, auto b) { return a->id < b->id; });
  for (std::size_t i = 1; i < tasks.size(); ++i)
    if (tasks[i]->id == tasks[i - 1]->id)
      throw std::invalid_argument("duplicate task id '" + tasks[i]->id + "'");
  int next = 0;
  for (auto& [name, id] : volumes)
    id = next++;
  for (auto& [kind, id] : kinds)
    id = in.kinds++;

  std::vector<bool> feasible(p.tasks.size(), false);
  for (const auto* t : tasks) {
    item it{t, kinds[static_cast<int>(t->kind)], volumes[t->volume], {},
            no_slot};
    for (const auto& uuid : t->eligible)
      if (auto s = server_at.find(uuid); s != server_at.end())
        it.eligible.push_back(s->second);
    std::sort(it.eligible.begin(), it.eligible.end());
    it.eligible.erase(std::unique(it.eligible.begin(), it.eligible.end()),
                      it.eligible.end());
    if (it.eligible.empty())
      continue;
    feasible[static_cast<std::size_t>(t - p.tasks.data())] = true;
    if (auto c = p.current.find(t->id); c != p.current.end())
      if (auto s = server_at.find(c->second); s != server_at.end()) {
        auto pos = std::lower_bound(it.eligible.begin(), it.eligible.end(),
                                    s->second);
        if (pos != it.eligible.end() && *pos == s->second)
          it.current_slot = static_cast<int>(pos - it.eligible.begin());
      }
    in.items.push_back(std::move(it));
  }
  for (std::size_t i = 0; i < p.tasks.size(); ++i)
    if (!feasible[i])
      in.infeasible.push_back(p.tasks[i].id);
  return in;
}

/// The weights scaled so that one integer objective orders assignments by
/// (cost, moved): every cost is multiplied by `scale` (> the number of
/// tasks) and every move adds 1.
struct scaled {
  cost_t scale;
  cost_t move;    // scale * move + 1
  cost_t balance; // scale * balance
  cost_t zone;    // scale * zone
};

scaled scale_weights(const weights& w, const indexed& in) {
  if (w.move < 0 || w.balance < 0 || w.zone < 0)
    throw std::invalid_argument("weights must not be negative (move "
                                + std::to_string(w.move) + ", balance "
                                + std::to_string(w.balance) + ", zone "
                                + std::to_string(w.zone) + ")");
  // Potentials and path lengths stay within the optimal objective of a
  // kind plus one arc (see min_cost_flow), so a few times this bound of the
  // scaled objective must fit in 62 bits.
  long double n = static_cast<long double>(in.items.size());
  long double k = n + 1;
  long double bound = k * (n * (w.move + 1.0L) + w.balance * n * n
                           + w.zone * n + 1.0L);
  if (bound * 8 > static_cast<long double>(std::int64_t{1} << 62))
    throw std::invalid_argument(
      "weights too large for " + std::to_string(in.items.size())
      + " tasks: the objective would overflow 62 bits");
  cost_t s = static_cast<cost_t>(in.items.size()) + 1;
  return {s, s * w.move + 1, s * w.balance, s * w.zone};
}

cost_t move_cost(const item& it, int slot, const scaled& sw) {
  return slot == it.current_slot ? 0 : sw.move;
}

// ---- The exact part: one min-cost flow per kind ---------------------------

/// Boost.Graph residual network of one kind: vertex 0 is the sink (so that
/// it wins ties in Dijkstra's queue), then the kind's tasks [1, n], then all
/// servers [n + 1, n + S]. Every arc is stored
/// with its reverse; costs, residual capacities and reverses are exterior
/// properties indexed by the CSR edge index.
class min_cost_flow {
public:
  min_cost_flow(const indexed& in, const std::vector<int>& tasks,
                const scaled& sw)
    : in_(in), tasks_(tasks), n_(static_cast<vertex>(tasks.size())),
      vertices_(n_ + 1 + static_cast<vertex>(in.servers.size())) {
    std::vector<std::pair<vertex, vertex>> ends;
    std::vector<tag> tags;
    std::vector<cost_t> costs;
    auto add = [&](vertex u, vertex v, cost_t c) {
      auto id = static_cast<std::uint32_t>(costs.size());
      ends.emplace_back(u, v);
      tags.push_back({id});
      ends.emplace_back(v, u);
      tags.push_back({id + 1});
      costs.push_back(c);
      costs.push_back(-c);
    };
    std::vector<int> degree(in.servers.size(), 0);
    for (vertex t = 0; t < n_; ++t) {
      const auto& it = in.items[tasks[t]];
      for (std::size_t slot = 0; slot < it.eligible.size(); ++slot) {
        add(task_vertex(t), server_vertex(it.eligible[slot]),
            move_cost(it, static_cast<int>(slot), sw));
        ++degree[it.eligible[slot]];
      }
    }
    // The convex load cost as parallel unit arcs: the i-th task of this kind
    // on a server pays balance * i. A server never holds more tasks than are
    // eligible for it, so `degree` arcs suffice.
    for (std::size_t s = 0; s < degree.size(); ++s)
      for (int i = 0; i < degree[s]; ++i)
        add(server_vertex(static_cast<int>(s)), sink_, sw.balance * i);

    graph_ = graph(boost::edges_are_unsorted_multi_pass, ends.begin(),
                   ends.end(), tags.begin(), vertices_);
    auto m = costs.size();
    cost_.resize(m);
    residual_.resize(m);
    reverse_.resize(m);
    from_.resize(m);
    std::vector<std::uint32_t> at(m);
    for (auto e : boost::make_iterator_range(boost::edges(graph_)))
      at[graph_[e].id] = boost::get(boost::edge_index, graph_, e);
    for (auto e : boost::make_iterator_range(boost::edges(graph_))) {
      auto i = boost::get(boost::edge_index, graph_, e);
      auto id = graph_[e].id;
      cost_[i] = costs[id];
      residual_[i] = id % 2 == 0 ? 1 : 0; // forward arcs start empty
      reverse_[i] = at[id ^ 1];
      from_[i] = boost::source(e, graph_);
    }
    potential_.assign(vertices_, 0);
    dist_.assign(vertices_, infinity);
    pred_.assign(vertices_, 0);
    settled_.assign(vertices_, false);
    routed_.assign(vertices_, false);
    next_.resize(vertices_);
  }

  /// Routes every task and returns each task's slot. Tasks with an
  /// eligible current holder go first, one shortest path each (usually the
  /// arc to their holder and its load arc); the others go in phases (see
  /// route_batch): one search per task took 0.9 s on a cold start with
  /// 10,000 tasks, the phases take 30 ms.
  std::vector<int> solve() {
    std::vector<vertex> fresh;
    for (vertex t = 0; t < n_; ++t) {
      if (in_.items[tasks_[t]].current_slot == no_slot)
        fresh.push_back(task_vertex(t));
      else
        route(task_vertex(t));
    }
    route_batch(std::move(fresh));
    std::vector<int> slots(n_, no_slot);
    for (vertex t = 0; t < n_; ++t) {
      const auto& it = in_.items[tasks_[t]];
      for (auto e : boost::make_iterator_range(
             boost::out_edges(task_vertex(t), graph_)))
        if (residual_[boost::get(boost::edge_index, graph_, e)] == 0) {
          auto s = static_cast<int>(boost::target(e, graph_) - n_ - 1);
          slots[t] = static_cast<int>(
            std::lower_bound(it.eligible.begin(), it.eligible.end(), s)
            - it.eligible.begin());
        }
      assert(slots[t] != no_slot);
    }
    return slots;
  }

private:
  using vertex = std::uint32_t;
  struct tag {
    std::uint32_t id; // position in the build order; id ^ 1 is the reverse
  };
  using graph = boost::compressed_sparse_row_graph<
    boost::directedS, boost::no_property, tag, boost::no_property, vertex,
    std::uint32_t>;
  using arc_iterator = boost::graph_traits<graph>::out_edge_iterator;
  static constexpr cost_t infinity = std::numeric_limits<cost_t>::max();

  static constexpr vertex sink_ = 0;

  static vertex task_vertex(vertex t) {
    return t + 1;
  }

  vertex server_vertex(int s) const {
    return n_ + 1 + static_cast<vertex>(s);
  }

  std::uint32_t index(boost::graph_traits<graph>::edge_descriptor e) const {
    return boost::get(boost::edge_index, graph_, e);
  }

  cost_t reduced(std::uint32_t e, vertex u, vertex v) const {
    return cost_[e] + potential_[u] - potential_[v];
  }

  /// Gives a task about to be routed a potential that makes its own arcs'
  /// reduced costs >= 0 (nothing enters it yet, so this is always possible).
  void lift(vertex t) {
    cost_t top = std::numeric_limits<cost_t>::min();
    for (auto e : boost::make_iterator_range(boost::out_edges(t, graph_)))
      top = std::max(top,
                     potential_[boost::target(e, graph_)] - cost_[index(e)]);
    potential_[t] = top;
  }

  // Invariant (Johnson potentials): every residual arc has a reduced cost
  // >= 0, so the flow routed so far has no negative cycle, i.e. it is a
  // min-cost flow for the tasks routed so far, and Dijkstra applies.
  //
  // A search stops when the sink is settled at distance D; then every
  // vertex reached at d < D gets potential += d - D and the others keep
  // theirs (the usual "+ min(d, D)" shifted by -D). That keeps the
  // invariant and makes every shortest path's arcs tight (reduced cost 0),
  // so augmenting along tight arcs keeps it too. The sink's potential stays
  // 0 and no potential ever grows, so each D is at most the cost of the
  // path it finds and potentials stay within the kind's optimal cost (the
  // overflow check in scale_weights relies on it).

  /// Dijkstra from `sources` (vertex, initial distance) until the sink is
  /// settled; returns D and updates the potentials as above. Leaves `pred_`
  /// set along the shortest path.
  cost_t search(const std::vector<std::pair<vertex, cost_t>>& sources) {
    using entry = std::pair<cost_t, vertex>; // ties: lower vertex first
    std::priority_queue<entry, std::vector<entry>, std::greater<entry>> heap;
    touched_.clear();
    for (auto [v, d] : sources) {
      dist_[v] = d;
      pred_[v] = no_arc;
      touched_.push_back(v);
      heap.push({d, v});
    }
    while (!heap.empty()) {
      auto [d, u] = heap.top();
      heap.pop();
      if (settled_[u])
        continue;
      settled_[u] = true;
      if (u == sink_)
        break;
      for (auto e : boost::make_iterator_range(boost::out_edges(u, graph_))) {
        auto i = index(e);
        if (residual_[i] == 0)
          continue;
        auto v = boost::target(e, graph_);
        assert(reduced(i, u, v) >= 0);
        auto nd = d + reduced(i, u, v);
        if (nd < dist_[v]) {
          if (dist_[v] == infinity)
            touched_.push_back(v);
          dist_[v] = nd;
          pred_[v] = i;
          heap.push({nd, v});
        }
      }
    }
    // Every eligible server of an unrouted task still has a free load arc
    // (its degree counts the task), so the sink is always reached.
    assert(settled_[sink_]);
    cost_t reach = dist_[sink_];
    for (auto v : touched_) {
      if (dist_[v] < reach)
        potential_[v] += dist_[v] - reach;
      dist_[v] = infinity;
      settled_[v] = false;
    }
    return reach;
  }

  void push_unit(std::uint32_t arc) {
    --residual_[arc];
    ++residual_[reverse_[arc]];
  }

  /// Adds task `t` to the flow along one shortest residual path.
  void route(vertex t) {
    lift(t);
    search({{t, 0}});
    for (vertex v = sink_; v != t; v = from_[pred_[v]])
      push_unit(pred_[v]);
  }

  /// Adds `tasks` to the flow by the primal-dual method: a virtual source
  /// feeds every unrouted task; each phase runs one Dijkstra from it, then
  /// routes as many tasks as possible over tight arcs only (Dinic's
  /// blocking flow on the level graph, unit capacities), all at the same
  /// least cost. Phases are few (about the number of distinct path costs,
  /// e.g. the load levels), where one search per task would cross the whole
  /// network whenever the loads fill up a level.
  void route_batch(std::vector<vertex> tasks) {
    for (auto t : tasks)
      lift(t);
    std::vector<std::pair<vertex, cost_t>> sources;
    while (!tasks.empty()) {
      // The virtual source's potential: the highest task potential, so its
      // arcs (cost 0) have reduced costs >= 0.
      cost_t top = std::numeric_limits<cost_t>::min();
      for (auto t : tasks)
        top = std::max(top, potential_[t]);
      sources.clear();
      for (auto t : tasks)
        sources.push_back({t, top - potential_[t]});
      top -= search(sources);
      // Tight tasks (reduced source arc 0) start the level graph.
      std::vector<vertex> tight;
      for (auto t : tasks)
        if (potential_[t] == top)
          tight.push_back(t);
      while (level_graph(tight))
        for (auto t : tight)
          if (!routed_[t] && augment_tight(t))
            routed_[t] = true;
      tasks.erase(std::remove_if(tasks.begin(), tasks.end(),
                                 [&](vertex t) { return routed_[t]; }),
                  tasks.end());
    }
  }

  /// BFS levels over tight residual arcs from the unrouted `tight` tasks;
  /// true if the sink is reached.
  bool level_graph(const std::vector<vertex>& tight) {
    level_.assign(vertices_, -1);
    std::vector<vertex> queue;
    for (auto t : tight)
      if (!routed_[t]) {
        level_[t] = 0;
        queue.push_back(t);
      }
    for (std::size_t head = 0; head < queue.size(); ++head) {
      auto u = queue[head];
      if (u == sink_)
        continue;
      for (auto e : boost::make_iterator_range(boost::out_edges(u, graph_))) {
        auto i = index(e);
        auto v = boost::target(e, graph_);
        if (residual_[i] > 0 && level_[v] < 0 && reduced(i, u, v) == 0) {
          level_[v] = level_[u] + 1;
          queue.push_back(v);
        }
      }
    }
    for (vertex v = 0; v < vertices_; ++v)
      next_[v] = boost::out_edges(v, graph_).first;
    return level_[sink_] >= 0;
  }

  /// One augmenting path from `t` in the level graph (iterative DFS with
  /// current-arc pointers; dead ends leave the level graph).
  bool augment_tight(vertex t) {
    std::vector<vertex> stack{t};
    std::vector<std::uint32_t> path;
    while (!stack.empty()) {
      auto u = stack.back();
      if (u == sink_) {
        for (auto arc : path)
          push_unit(arc);
        return true;
      }
      auto end = boost::out_edges(u, graph_).second;
      for (; next_[u] != end; ++next_[u]) {
        auto i = index(*next_[u]);
        auto v = boost::target(*next_[u], graph_);
        if (residual_[i] > 0 && level_[v] == level_[u] + 1
            && reduced(i, u, v) == 0)
          break;
      }
      if (next_[u] != end) {
        path.push_back(index(*next_[u]));
        stack.push_back(boost::target(*next_[u], graph_));
        continue;
      }
      level_[u] = -1;
      stack.pop_back();
      if (!path.empty()) {
        path.pop_back();
        ++next_[stack.back()];
      }
    }
    return false;
  }

  static constexpr std::uint32_t no_arc =
    std::numeric_limits<std::uint32_t>::max();

  const indexed& in_;
  const std::vector<int>& tasks_;
  vertex n_;
  vertex vertices_;
  graph graph_;
  std::vector<cost_t> cost_;
  std::vector<int> residual_;
  std::vector<std::uint32_t> reverse_;
  std::vector<vertex> from_;
  std::vector<cost_t> potential_;
  std::vector<cost_t> dist_;
  std::vector<std::uint32_t> pred_;
  std::vector<bool> settled_;
  std::vector<vertex> touched_;
  std::vector<bool> routed_;         // by vertex: fed by the virtual source
  std::vector<int> level_;           // BFS level in the tight level graph
  std::vector<arc_iterator> next_;   // Dinic's current arc, by vertex
};

/// The exact optimum of the objective without the zone term: each task's
/// slot, by index into in.items.
std::vector<int> solve_flows(const indexed& in, const scaled& sw) {
  std::vector<std::vector<int>> by_kind(static_cast<std::size_t>(in.kinds));
  for (std::size_t i = 0; i < in.items.size(); ++i)
    by_kind[in.items[i].kind].push_back(static_cast<int>(i));
  std::vector<int> slots(in.items.size(), no_slot);
  for (const auto& tasks : by_kind) {
    if (tasks.empty())
      continue;
    auto kind_slots = min_cost_flow(in, tasks, sw).solve();
    for (std::size_t t = 0; t < tasks.size(); ++t)
      slots[tasks[t]] = kind_slots[t];
  }
  return slots;
}

// ---- The heuristic part: local search on the full objective --------------

/// An assignment with its loads and zone counts, for cheap cost deltas.
class search {
public:
  search(const indexed& in, const scaled& sw, std::vector<int> slots)
    : in_(in), sw_(sw), slot_(std::move(slots)),
      load_(in.servers.size() * static_cast<std::size_t>(in.kinds), 0),
      held_(in.servers.size()) {
    std::map<std::pair<int, int>, int> groups;
    for (const auto& it : in.items) {
      std::vector<int> ids;
      for (int s : it.eligible)
        ids.push_back(groups
                        .emplace(std::make_pair(it.volume, in.zone_of[s]),
                                 static_cast<int>(groups.size()))
                        .first->second);
      group_.push_back(std::move(ids));
    }
    members_.assign(groups.size(), 0);
    for (std::size_t t = 0; t < in.items.size(); ++t) {
      place(static_cast<int>(t), slot_[t], +1);
      held_[server(static_cast<int>(t))].push_back(static_cast<int>(t));
    }
  }

  /// Applies improving moves of conflicting tasks (those sharing a zone
  /// with another role of their volume) until none is left or `passes`
  /// passes ran: the best of moving the task to another eligible server,
  /// or that plus moving one task of the same kind off its new server
  /// (which includes swaps).
  void improve(int passes) {
    for (int pass = 0; pass < passes; ++pass) {
      bool improved = false;
      for (int t = 0; t < static_cast<int>(slot_.size()); ++t)
        if (members_[group_[t][slot_[t]]] >= 2)
          improved |= improve_task(t);
      if (!improved)
        return;
    }
  }

  /// The scaled objective of the current assignment.
  cost_t total() const {
    cost_t sum = 0;
    for (std::size_t t = 0; t < slot_.size(); ++t)
      sum += move_cost(in_.items[t], slot_[t], sw_);
    for (int l : load_)
      sum += sw_.balance * (cost_t{l} * (l - 1) / 2);
    for (int c : members_)
      sum += sw_.zone * std::max(c - 1, 0);
    return sum;
  }

  const std::vector<int>& slots() const {
    return slot_;
  }

private:
  int server(int t) const {
    return in_.items[t].eligible[slot_[t]];
  }

  int& load(int t, int s) {
    return load_[static_cast<std::size_t>(s) * in_.kinds + in_.items[t].kind];
  }

  void place(int t, int slot, int sign) {
    slot_[t] = slot;
    load(t, in_.items[t].eligible[slot]) += sign;
    members_[group_[t][slot]] += sign;
  }

  /// The change of the scaled objective if `t` moved to `to`.
  cost_t delta(int t, int to) {
    int from = slot_[t];
    if (to == from)
      return 0;
    const auto& it = in_.items[t];
    cost_t d = move_cost(it, to, sw_) - move_cost(it, from, sw_);
    d += sw_.balance
         * (load(t, it.eligible[to]) - (load(t, it.eligible[from]) - 1));
    int leave = group_[t][from];
    int join = group_[t][to];
    if (leave != join)
      d += (members_[join] >= 1 ? sw_.zone : 0)
           - (members_[leave] >= 2 ? sw_.zone : 0);
    return d;
  }

  void move(int t, int to) {
    place(t, slot_[t], -1);
    place(t, to, +1);
  }

  bool improve_task(int t) {
    struct step {
      cost_t gain = 0;
      int to = no_slot;
      int other = -1;
      int other_to = no_slot;
    } best;
    int from = slot_[t];
    const auto& it = in_.items[t];
    for (int to = 0; to < static_cast<int>(it.eligible.size()); ++to) {
      if (to == from)
        continue;
      cost_t first = delta(t, to);
      if (first < best.gain)
        best = {first, to, -1, no_slot};
      move(t, to); // tentative: `held_` does not see it
      for (int u : held_[it.eligible[to]]) {
        if (u == t || in_.items[u].kind != it.kind)
          continue;
        for (int c = 0; c < static_cast<int>(in_.items[u].eligible.size());
             ++c) {
          if (c == slot_[u])
            continue;
          cost_t both = first + delta(u, c);
          if (both < best.gain)
            best = {both, to, u, c};
        }
      }
      move(t, from);
    }
    if (best.to == no_slot)
      return false;
    commit(t, best.to);
    if (best.other >= 0)
      commit(best.other, best.other_to);
    return true;
  }

  void commit(int t, int to) {
    auto& old = held_[server(t)];
    old.erase(std::find(old.begin(), old.end(), t));
    move(t, to);
    held_[server(t)].push_back(t);
  }

  const indexed& in_;
  const scaled& sw_;
  std::vector<int> slot_;
  std::vector<int> load_;                // server * kinds + kind
  std::vector<std::vector<int>> group_;  // task, slot -> (volume, zone) id
  std::vector<int> members_;             // (volume, zone) id -> roles there
  std::vector<std::vector<int>> held_;   // server -> tasks (committed)
};

/// Passes of local search; each pass that improves lowers the objective.
/// Real instances settle in a handful; the cap bounds the worst case.
constexpr int max_passes = 32;

} // namespace

solution assign(const problem& p, const weights& w) {
  auto in = index_problem(p);
  auto sw = scale_weights(w, in);
  solution out;
  out.infeasible = std::move(in.infeasible);

  auto flow = solve_flows(in, sw);
  // Start 1: the exact zone-blind optimum. Start 2: everyone stays where
  // allowed (the others as in start 1), so the answer is never worse than
  // not moving.
  std::vector<int> stay = flow;
  for (std::size_t t = 0; t < in.items.size(); ++t)
    if (in.items[t].current_slot != no_slot)
      stay[t] = in.items[t].current_slot;
  search from_flow(in, sw, std::move(flow));
  search from_stay(in, sw, std::move(stay));
  if (w.zone > 0) {
    from_flow.improve(max_passes);
    from_stay.improve(max_passes);
  }
  const auto& best =
    from_stay.total() < from_flow.total() ? from_stay : from_flow;

  cost_t scaled_total = best.total();
  for (std::size_t t = 0; t < in.items.size(); ++t) {
    const auto& it = in.items[t];
    int slot = best.slots()[t];
    out.holder[it.source->id] = in.servers[it.eligible[slot]]->uuid;
    if (slot != it.current_slot)
      ++out.moved;
  }
  out.cost = (scaled_total - static_cast<cost_t>(out.moved)) / sw.scale;
  return out;
}

} // namespace gd::scheduling
