#pragma once

// The monitor leader's role assignment: which up server runs each self-heal,
// rebalance and leader role. Pure (no CAF, no I/O, no clock): the scheduler
// gathers the servers and the eligible holders of every task, calls assign()
// and commits the answer.
//
// Objective (all weights >= 0), summed over the feasible tasks:
//   move    for every task not left on its current holder (a task without a
//           current holder, or whose holder is gone or no longer eligible,
//           pays it wherever it goes);
//   balance * i for the i-th task (i from 0) of a kind on one server, that
//           is balance * n(n-1)/2 for n tasks of that kind there;
//   zone    for every extra role of one volume (any kind) in a failure zone
//           that already holds a role of that volume: c roles of volume v in
//           zone z cost zone * (c - 1). Zone "" is the server's own zone.
// Among assignments of equal cost, fewer moved tasks is better.
//
// What is exactly optimal and what is heuristic:
// * Without the zone term the problem is a min-cost flow (task -> eligible
//   server -> per-kind server load arcs of cost balance * i -> sink); the
//   kinds do not interact, so each kind is one flow, solved exactly by
//   successive shortest paths on a Boost.Graph network. With
//   weights.zone == 0 assign() returns a global optimum, and among the
//   optima one that moves the fewest tasks. It is also exact whenever the
//   zone term of that flow optimum is 0 (the term is never negative).
// * The zone term couples tasks of a volume across servers and kinds and is
//   not a flow (eligibility is per server, the penalty per zone). assign()
//   then improves the flow optimum by local search on the full objective
//   (move one conflicting task, or move it and shift one task of the same
//   kind off its new server), and also searches from "everyone stays". The
//   answer is never costlier than the zone-blind flow optimum nor than
//   leaving every task on its current holder where that holder is eligible,
//   but it may miss the global optimum.
//
// Guarantees that follow (k = any role kind):
// * Balance: with zone == 0, balance > 0 and every task paying `move`
//   anyway (fresh placement, or move == 0), no task of kind k can be
//   shifted, directly or along a chain of shifts between eligible servers,
//   to a server holding 2 or more fewer tasks of kind k. With every server
//   eligible for every task that is max - min <= 1 per kind.
// * Stickiness: compared with leaving every task on its eligible current
//   holder, the extra moves of the answer pay for themselves (they save
//   more than `move` each on average). So with the defaults a server may
//   hold up to move / balance + 1 = 101 more tasks of a kind than another
//   before one is shifted; new and orphaned tasks go where they cost least.
// * If every task's current holder is up and eligible, the current loads
//   have the least balance cost possible (e.g. per kind within 1 of each
//   other on every up server) and move > zone, nothing moves.
// * With zone == 0: re-running on the answer (current = holder) moves
//   nothing, and a failed server moves exactly the tasks it held whenever
//   some assignment that moves only those has the least balance cost. With
//   zones, a re-run moves tasks only to a strictly cheaper assignment.
//
// Deterministic: the answer depends only on the input's contents, not on
// the order of `servers`, `tasks` or `eligible`; ties go to the lower uuid.
// Cost: tasks that keep an eligible holder are routed one shortest path
// each, the others by primal-dual phases (one Dijkstra, then a blocking
// flow over the tight arcs). 1,000 servers and 10,000 tasks take 30-60 ms
// cold and about 30 ms warm at -O2 on 2 cores (the local search and the
// string indexing included); see test/unit/scheduling/optimizer_test.cpp.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "protocol/cluster_types.hpp"

namespace gd::scheduling {

/// What a role does (the model's kinds; to_string names them).
using role_kind = cluster::role_kind;
using cluster::to_string;

/// An up server. `zone` is its failure zone; "" means a zone of its own.
struct server_info {
  std::string uuid;
  std::string zone;
};

/// One role to place. `eligible` names the servers that may hold it (the
/// caller has filtered: up, holds a brick of the set, not draining); names
/// that are not in problem::servers and duplicates are ignored.
struct task {
  std::string id;
  role_kind kind;
  std::string volume;
  std::vector<std::string> eligible;
};

/// The input of assign(). Server uuids and task ids must be unique.
struct problem {
  std::vector<server_info> servers;
  std::vector<task> tasks;
  /// Task id -> current holder uuid. The holder may be gone (absent from
  /// `servers`); ids of unknown tasks are ignored.
  std::map<std::string, std::string> current;
};

/// The prices of the objective, see the top of this file. All must be >= 0.
struct weights {
  /// Paid by every task not left on its current holder.
  std::int64_t move = 1000;
  /// The i-th task of a kind on one server (i from 0) costs balance * i.
  std::int64_t balance = 10;
  /// Paid for every extra role of a volume in an already used zone.
  std::int64_t zone = 100;
};

/// The output of assign().
struct solution {
  /// Task id -> holder uuid, for every feasible task.
  std::map<std::string, std::string> holder;
  /// Ids of the tasks with no eligible up server, in input order.
  std::vector<std::string> infeasible;
  /// Feasible tasks whose holder differs from problem::current (a task
  /// without a current holder counts as moved).
  std::size_t moved = 0;
  /// The objective of `holder`.
  std::int64_t cost = 0;
};

/// Places every feasible task of `p` on one of its eligible up servers,
/// minimising the objective above (exactly when `w.zone == 0`, see the top
/// of this file). Throws std::invalid_argument, naming the culprit, for a
/// duplicate server uuid or task id, a negative weight, or weights so large
/// that the costs of this problem would overflow 62 bits.
solution assign(const problem& p, const weights& w = {});

} // namespace gd::scheduling
