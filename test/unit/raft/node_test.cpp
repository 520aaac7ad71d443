#define BOOST_TEST_MODULE raft
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "actors/raft/node.hpp"
#include "store/memory_raft_log.hpp"
#include "test/support/raft_printers.hpp"
#include "test/unit/raft/core_cluster.hpp"

using namespace gd;
using namespace gd::raft;
using gd::test::core_cluster;

namespace {

std::string join(const std::vector<std::string>& xs) {
  std::string s;
  for (const auto& x : xs)
    s += x + "\n";
  return s;
}

/// Every test ends by checking the invariants of every member.
struct cluster_fixture {
  explicit cluster_fixture(std::size_t n = 3, node_options base = {})
    : c(n, base) {
    // nop
  }
  ~cluster_fixture() {
    auto errors = c.check_invariants();
    BOOST_CHECK_MESSAGE(errors.empty(), join(errors));
  }
  core_cluster c;
};

struct three : cluster_fixture {
  three() : cluster_fixture(3) {
    // nop
  }
};

struct five : cluster_fixture {
  five() : cluster_fixture(5) {
    // nop
  }
};

std::size_t count(const std::vector<message>& ms,
                  const std::function<bool(const message&)>& pred) {
  return static_cast<std::size_t>(std::count_if(ms.begin(), ms.end(), pred));
}

message vote_request(member_id from, member_id to, term_t term,
                     log_index last, term_t last_term) {
  message m;
  m.type = message_type::vote;
  m.from = from;
  m.to = to;
  m.term = term;
  m.last_log_index = last;
  m.last_log_term = last_term;
  return m;
}

/// The messages a lone node emits for one input.
std::vector<message> outputs(raft::node& n, store::raft_log& log) {
  auto r = n.take_ready();
  if (r.must_sync) {
    log.sync();
    n.synced();
  }
  auto out = std::move(r.early);
  out.insert(out.end(), r.messages.begin(), r.messages.end());
  return out;
}

} // namespace

// -- elections ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(election_single_member_becomes_leader_and_commits_noop) {
  cluster_fixture f(1);
  BOOST_TEST(f.c.elect(0));
  BOOST_TEST(f.c.node(0).term() == 1u);
  // The no-op of the new term commits as soon as it is synced.
  BOOST_TEST(f.c.node(0).commit_index() == 1u);
  BOOST_TEST(f.c.log(0).at(1).type == entry_type::noop);
}

BOOST_FIXTURE_TEST_CASE(election_three_members_elect_exactly_one_leader, three) {
  c.tick_all(40);
  auto l = c.leader();
  BOOST_REQUIRE(l.has_value());
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST(c.node(i).leader() == c.id(*l));
    BOOST_TEST(c.node(i).term() == c.node(*l).term());
  }
}

BOOST_FIXTURE_TEST_CASE(election_campaigner_wins_and_followers_commit_noop,
                        three) {
  BOOST_REQUIRE(c.elect(0));
  c.tick(0); // a heartbeat carries the commit index
  for (std::size_t i = 0; i < 3; ++i)
    BOOST_TEST(c.node(i).commit_index() == 1u);
}

BOOST_FIXTURE_TEST_CASE(election_vote_granted_once_per_term, three) {
  auto& n = c.node(2);
  n.step(vote_request(c.id(0), c.id(2), 1, 0, 0));
  auto out = outputs(n, c.log(2));
  BOOST_REQUIRE(out.size() == 1u);
  BOOST_TEST(!out[0].reject);
  BOOST_TEST(n.voted_for() == c.id(0));
  n.step(vote_request(c.id(1), c.id(2), 1, 0, 0));
  out = outputs(n, c.log(2));
  BOOST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].reject);
  BOOST_TEST(n.voted_for() == c.id(0));
}

BOOST_AUTO_TEST_CASE(election_single_voter_sends_nothing_before_its_term_is_synced) {
  // A lone voter with a learner (a cluster growing from 1 to 3 monitors)
  // wins an election without a vote round. If its appends left before its
  // new term reached the disk, a crash could make it win the same term
  // again and send different entries under it: the learner would keep the
  // first ones at the same (index, term).
  cluster_fixture f(1);
  auto& c = f.c;
  BOOST_REQUIRE(c.elect(0));
  auto learner = c.add_blank_member("m2");
  // Settle without ticks: the learner catches up, but only a tick of the
  // leader would promote it, so it stays a learner.
  BOOST_REQUIRE(c.node(0).propose_add_member(c.member(learner)).ok);
  c.settle();
  BOOST_REQUIRE(c.node(0).config().is_learner(c.id(learner)));
  BOOST_REQUIRE(c.node(learner).last_index() == c.node(0).last_index());
  c.restart(0);
  auto term_before = c.node(0).term();
  while (c.node(0).current_role() != role::leader)
    c.node(0).tick(); // no settle: stop right after the election
  BOOST_REQUIRE(c.node(0).propose("first").ok);
  auto peek = c.node(0).take_ready();
  BOOST_TEST(peek.must_sync);
  BOOST_TEST(peek.early.empty()); // the new term is not on disk yet
  BOOST_TEST(!peek.messages.empty());
  // Put the outputs back as if untaken, and crash before the sync.
  c.restart(0);
  BOOST_TEST(c.node(0).term() == term_before);
  while (c.node(0).current_role() != role::leader)
    c.node(0).tick();
  BOOST_TEST(c.node(0).term() == term_before + 1);
  BOOST_REQUIRE(c.node(0).propose("second").ok);
  c.settle();
  c.tick_all(3);
  BOOST_TEST(c.applied_index(learner) == c.applied_index(0));
  // The fixture checks that both applied the same entries at every index.
}

BOOST_AUTO_TEST_CASE(election_crash_between_early_send_and_sync_keeps_logs_matching) {
  // Same scenario through the harness's crash point: whatever leaves before
  // the sync must be consistent with what the member remembers after it.
  cluster_fixture f(1);
  auto& c = f.c;
  BOOST_REQUIRE(c.elect(0));
  auto learner = c.add_blank_member("m2");
  BOOST_REQUIRE(c.node(0).propose_add_member(c.member(learner)).ok);
  c.settle(); // caught up, not promoted (no tick)
  BOOST_REQUIRE(c.node(learner).last_index() == c.node(0).last_index());
  c.restart(0);
  while (c.node(0).current_role() != role::leader)
    c.node(0).tick();
  BOOST_REQUIRE(c.node(0).propose("first").ok);
  c.crash_before_sync(0);
  // The learner's answers would teach the restarted member the lost term;
  // they can be lost too.
  auto learner_id = c.id(learner);
  c.filter = [learner_id](const message& m) { return m.from != learner_id; };
  c.settle();
  while (c.node(0).current_role() != role::leader) {
    c.node(0).tick();
    c.settle();
  }
  c.filter = nullptr;
  BOOST_REQUIRE(c.node(0).propose("second").ok);
  c.settle();
  c.tick_all(3);
  BOOST_TEST(c.applied_index(learner) == c.applied_index(0));
  auto holds = [&](std::size_t i, const std::string& data) {
    const auto& es = c.applied(i);
    return std::any_of(es.begin(), es.end(),
                       [&](const entry& e) { return e.data == data; });
  };
  BOOST_TEST(holds(learner, "second"));
  BOOST_TEST(!holds(learner, "first")); // lost with the crash, everywhere
}

BOOST_FIXTURE_TEST_CASE(election_vote_leaves_only_after_its_sync, three) {
  // A vote granted before it is durable could be granted again to another
  // candidate after a crash: two leaders in one term.
  c.node(2).step(vote_request(c.id(0), c.id(2), 1, 0, 0));
  auto r = c.node(2).take_ready();
  BOOST_TEST(r.must_sync);
  BOOST_TEST(r.early.empty());
  BOOST_REQUIRE(r.messages.size() == 1u);
  BOOST_TEST(r.messages[0].type == message_type::vote_reply);
  BOOST_TEST(!r.messages[0].reject);
}

BOOST_FIXTURE_TEST_CASE(election_vote_survives_restart, three) {
  c.node(2).step(vote_request(c.id(0), c.id(2), 1, 0, 0));
  outputs(c.node(2), c.log(2)); // syncs the vote
  c.restart(2);
  BOOST_TEST(c.node(2).voted_for() == c.id(0));
  c.node(2).step(vote_request(c.id(1), c.id(2), 1, 0, 0));
  auto out = outputs(c.node(2), c.log(2));
  BOOST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].reject);
}

BOOST_FIXTURE_TEST_CASE(election_vote_for_stale_log_not_granted, three) {
  BOOST_REQUIRE(c.elect(0));
  c.propose(0, "x");
  // m3 stops hearing from the leader, so its lease runs out.
  c.isolate(2);
  c.tick(2, 2 * c.node(2).options().election_ticks);
  // m2 asks with an empty log in a later term: m3 adopts the term but
  // refuses the vote.
  c.node(2).step(vote_request(c.id(1), c.id(2), 5, 0, 0));
  auto out = outputs(c.node(2), c.log(2));
  BOOST_TEST(c.node(2).term() == 5u);
  BOOST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].reject);
  BOOST_TEST(c.node(2).voted_for() == no_member);
}

BOOST_FIXTURE_TEST_CASE(prevote_isolated_member_does_not_raise_term, three) {
  BOOST_REQUIRE(c.elect(0));
  auto term = c.node(0).term();
  c.isolate(2);
  c.tick(2, 100);
  BOOST_TEST(c.node(2).term() == term);
  BOOST_TEST(c.node(2).current_role() == role::pre_candidate);
  c.heal();
  c.tick_all(5);
  // Rejoining disrupted nobody: same leader, same term.
  BOOST_TEST(c.node(0).current_role() == role::leader);
  BOOST_TEST(c.node(0).term() == term);
  BOOST_TEST(c.node(2).leader() == c.id(0));
}

BOOST_AUTO_TEST_CASE(prevote_disabled_isolated_member_raises_term) {
  node_options o;
  o.pre_vote = false;
  o.check_quorum = false;
  cluster_fixture f(3, o);
  BOOST_REQUIRE(f.c.elect(0));
  auto term = f.c.node(0).term();
  f.c.isolate(2);
  f.c.tick(2, 100);
  // Without pre-vote the cut-off member inflates its term: the contrast
  // that shows what pre-vote prevents.
  BOOST_TEST(f.c.node(2).term() > term);
}

BOOST_FIXTURE_TEST_CASE(check_quorum_isolated_leader_steps_down, three) {
  BOOST_REQUIRE(c.elect(0));
  c.isolate(0);
  // why two timeouts: the first check still counts the acks that arrived
  // before the cut.
  c.tick(0, 2 * c.node(0).options().election_ticks);
  BOOST_TEST(c.node(0).current_role() == role::follower);
  c.tick_all(40);
  auto l = c.leader();
  BOOST_REQUIRE(l.has_value());
  BOOST_TEST(*l != 0u);
}

BOOST_FIXTURE_TEST_CASE(lease_member_ignores_vote_while_hearing_leader, three) {
  BOOST_REQUIRE(c.elect(0));
  auto term = c.node(2).term();
  c.node(2).step(vote_request(c.id(1), c.id(2), term + 1, 100, term));
  auto out = outputs(c.node(2), c.log(2));
  BOOST_TEST(out.empty());
  BOOST_TEST(c.node(2).term() == term);
}

// -- replication ----------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(replication_proposal_commits_everywhere, three) {
  BOOST_REQUIRE(c.elect(0));
  auto out = c.propose(0, "hello");
  BOOST_TEST(out.ok);
  BOOST_TEST(out.index == 2u);
  BOOST_TEST(c.node(0).commit_index() == 2u);
  c.tick(0);
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_REQUIRE(c.applied(i).size() == 2u);
    BOOST_TEST(c.applied(i)[1].data == "hello");
  }
}

BOOST_FIXTURE_TEST_CASE(replication_follower_refuses_proposal_with_hint,
                        three) {
  BOOST_REQUIRE(c.elect(0));
  auto out = c.node(1).propose("x");
  BOOST_TEST(!out.ok);
  BOOST_TEST(out.error == propose_errc::not_leader);
  BOOST_TEST(out.leader_hint == c.id(0));
}

BOOST_FIXTURE_TEST_CASE(replication_batches_proposals_into_one_append, three) {
  BOOST_REQUIRE(c.elect(0));
  c.clear_delivered();
  for (int i = 0; i < 10; ++i)
    BOOST_TEST(c.node(0).propose("p" + std::to_string(i)).ok);
  c.settle();
  auto appends = count(c.delivered(), [&](const message& m) {
    return m.type == message_type::append && !m.entries.empty();
  });
  BOOST_TEST(appends == 2u); // one per follower, carrying all ten
  BOOST_TEST(c.node(0).commit_index() == 11u);
}

BOOST_FIXTURE_TEST_CASE(replication_pipelines_without_waiting_for_acks, three) {
  BOOST_REQUIRE(c.elect(0));
  c.propose(0, "warm-up"); // followers are now in replicate state
  c.clear_delivered();
  c.filter = [](const message& m) {
    return m.type != message_type::append_reply;
  };
  for (int i = 0; i < 3; ++i)
    c.propose(0, "p" + std::to_string(i));
  auto to_m2 = count(c.delivered(), [&](const message& m) {
    return m.type == message_type::append && m.to == c.id(1)
           && !m.entries.empty();
  });
  BOOST_TEST(to_m2 == 3u); // three appends in flight, none acknowledged
  BOOST_TEST(c.node(0).commit_index() == 2u);
  c.filter = nullptr;
  c.tick(0);
  BOOST_TEST(c.node(0).commit_index() == 5u);
}

BOOST_AUTO_TEST_CASE(replication_inflight_limit_pauses_follower) {
  node_options o;
  o.max_inflight = 2;
  cluster_fixture f(3, o);
  auto& c = f.c;
  BOOST_REQUIRE(c.elect(0));
  c.propose(0, "warm-up");
  c.clear_delivered();
  c.filter = [](const message& m) {
    return m.type != message_type::append_reply;
  };
  for (int i = 0; i < 5; ++i)
    c.propose(0, "p" + std::to_string(i));
  auto to_m2 = count(c.delivered(), [&](const message& m) {
    return m.type == message_type::append && m.to == c.id(1)
           && !m.entries.empty();
  });
  BOOST_TEST(to_m2 == 2u);
  c.filter = nullptr;
  c.tick(0, 3);
  BOOST_TEST(c.node(0).commit_index() == 7u);
  BOOST_TEST(c.node(1).last_index() == 7u);
}

BOOST_FIXTURE_TEST_CASE(replication_lost_appends_are_resent, three) {
  BOOST_REQUIRE(c.elect(0));
  c.propose(0, "warm-up");
  int dropped = 0;
  c.filter = [&](const message& m) {
    if (m.type == message_type::append && !m.entries.empty() && dropped < 4) {
      ++dropped;
      return false;
    }
    return true;
  };
  c.propose(0, "a");
  c.propose(0, "b");
  c.tick_all(5);
  BOOST_TEST(dropped == 4);
  BOOST_TEST(c.node(0).commit_index() == 4u);
  for (std::size_t i = 0; i < 3; ++i)
    BOOST_TEST(c.applied_index(i) == 4u);
}

BOOST_FIXTURE_TEST_CASE(replication_conflicting_suffix_is_replaced, three) {
  BOOST_REQUIRE(c.elect(0));
  c.propose(0, "committed");
  c.isolate(0);
  // The old leader appends entries nobody else sees.
  c.node(0).propose("lost-1");
  c.node(0).propose("lost-2");
  c.settle();
  BOOST_TEST(c.node(0).last_index() == 4u);
  c.tick_all(40); // m2 and m3 elect a new leader; m1 steps down
  auto l = c.leader();
  BOOST_REQUIRE(l.has_value());
  BOOST_REQUIRE(*l != 0u);
  c.propose(*l, "winner");
  c.heal();
  c.tick_all(5);
  BOOST_TEST(c.node(0).current_role() == role::follower);
  BOOST_TEST(c.node(0).last_index() == c.node(*l).last_index());
  for (auto i = c.log(0).first_index(); i <= c.log(0).last_index(); ++i)
    BOOST_TEST(c.log(0).at(i) == c.log(*l).at(i));
  BOOST_TEST(c.log(0).at(4).data == "winner");
}

BOOST_AUTO_TEST_CASE(commit_needs_an_entry_of_the_leaders_term) {
  node_options o;
  o.max_append_entries = 1;
  cluster_fixture f(3, o);
  auto& c = f.c;
  BOOST_REQUIRE(c.elect(0));        // term 1, no-op at index 1
  c.isolate(0);
  c.node(0).propose("old");         // index 2, term 1: reaches nobody
  c.settle();
  // Everybody is cut off: m1 steps down (check-quorum) and the others'
  // leases run out, all without a term change (pre-votes are lost).
  c.isolate(1);
  c.isolate(2);
  c.tick_all(30);
  BOOST_TEST(c.node(0).current_role() == role::follower);
  c.heal();
  // m1 wins term 2 (its log is the longest). Index 2 (term 1) reaches m2,
  // but m1's entry of term 2 (index 3) reaches nobody: index 2 then sits on
  // a majority, yet it must not commit before an entry of term 2 does.
  c.filter = [&](const message& m) {
    if (m.type != message_type::append || m.from != c.id(0))
      return true;
    if (m.to == c.id(2))
      return false;
    bool carries_3 = std::any_of(m.entries.begin(), m.entries.end(),
                                 [](const entry& e) { return e.index >= 3; });
    return !(carries_3 && c.node(1).last_index() >= 2);
  };
  BOOST_REQUIRE(c.elect(0));
  BOOST_TEST(c.node(0).term() == 2u);
  c.tick(0, 3);
  BOOST_TEST(c.node(1).last_index() == 2u);
  BOOST_TEST(c.log(1).term_at(2) == 1u);
  BOOST_TEST(c.node(0).commit_index() == 1u);
  c.filter = nullptr;
  c.tick(0, 3);
  BOOST_TEST(c.node(0).commit_index() == 3u);
}

BOOST_AUTO_TEST_CASE(busy_when_uncommitted_bytes_exceed_the_limit) {
  node_options o;
  o.max_uncommitted_bytes = 100;
  cluster_fixture f(3, o);
  auto& c = f.c;
  BOOST_REQUIRE(c.elect(0));
  c.isolate(0);
  BOOST_TEST(c.propose(0, std::string(60, 'a')).ok);
  auto out = c.propose(0, std::string(60, 'b'));
  BOOST_TEST(!out.ok);
  BOOST_TEST(out.error == propose_errc::busy);
}

BOOST_FIXTURE_TEST_CASE(propose_refused_once_quorum_is_silent, three) {
  BOOST_REQUIRE(c.elect(0));
  c.isolate(0);
  c.tick(0, c.node(0).options().election_ticks + 1);
  // Still leader (check-quorum needs two timeouts), but it knows it could
  // not commit: refuse at once rather than accept a doomed write.
  BOOST_REQUIRE(c.node(0).current_role() == role::leader);
  auto out = c.propose(0, "x");
  BOOST_TEST(!out.ok);
  BOOST_TEST(out.error == propose_errc::no_quorum);
  auto change = c.node(0).propose_remove_member(c.id(2));
  BOOST_TEST(change.error == propose_errc::no_quorum);
}

BOOST_FIXTURE_TEST_CASE(append_with_malformed_entries_is_dropped, three) {
  BOOST_REQUIRE(c.elect(0));
  message m;
  m.type = message_type::append;
  m.from = c.id(0);
  m.to = c.id(1);
  m.term = c.node(0).term();
  m.prev_index = 1;
  m.prev_term = 1;
  m.entries.push_back({5, 1, entry_type::command, "gap"}); // should be 2
  auto before = c.node(1).last_index();
  c.node(1).step(m);
  auto out = outputs(c.node(1), c.log(1));
  BOOST_TEST(out.empty());
  BOOST_TEST(c.node(1).last_index() == before);
}

BOOST_FIXTURE_TEST_CASE(restart_all_members_keeps_committed_entries, three) {
  BOOST_REQUIRE(c.elect(0));
  for (int i = 0; i < 5; ++i)
    c.propose(0, "v" + std::to_string(i));
  for (std::size_t i = 0; i < 3; ++i)
    c.restart(i);
  c.tick_all(40);
  auto l = c.leader();
  BOOST_REQUIRE(l.has_value());
  c.tick_all(2);
  BOOST_TEST(c.node(*l).commit_index() >= 6u);
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_REQUIRE(c.applied(i).size() >= 6u);
    BOOST_TEST(c.applied(i)[5].data == "v4");
  }
}

// -- ReadIndex ------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(read_index_leader_confirms_with_a_quorum, three) {
  BOOST_REQUIRE(c.elect(0));
  c.propose(0, "x");
  c.clear_delivered();
  c.node(0).read_index(7);
  BOOST_TEST(c.reads(0).empty());
  c.settle();
  BOOST_REQUIRE(c.reads(0).size() == 1u);
  BOOST_TEST(c.reads(0)[0].context == 7u);
  BOOST_TEST(c.reads(0)[0].index == 2u);
  auto heartbeats = count(c.delivered(), [](const message& m) {
    return m.type == message_type::heartbeat;
  });
  BOOST_TEST(heartbeats == 2u); // one confirmation round
}

BOOST_FIXTURE_TEST_CASE(read_index_batches_reads_into_one_round, three) {
  BOOST_REQUIRE(c.elect(0));
  c.clear_delivered();
  for (std::uint64_t k = 1; k <= 20; ++k)
    c.node(0).read_index(k);
  c.settle();
  BOOST_TEST(c.reads(0).size() == 20u);
  auto heartbeats = count(c.delivered(), [](const message& m) {
    return m.type == message_type::heartbeat;
  });
  BOOST_TEST(heartbeats == 2u);
}

BOOST_FIXTURE_TEST_CASE(read_index_cut_off_leader_cannot_confirm, three) {
  BOOST_REQUIRE(c.elect(0));
  c.isolate(0);
  c.node(0).read_index(3);
  c.settle();
  BOOST_TEST(c.reads(0).empty());
  c.tick(0, 2 * c.node(0).options().election_ticks);
  BOOST_TEST(c.node(0).current_role() == role::follower);
  BOOST_REQUIRE(c.failed_reads(0).size() == 1u);
  BOOST_TEST(c.failed_reads(0)[0] == 3u);
}

BOOST_FIXTURE_TEST_CASE(read_index_follower_forwards_to_leader, three) {
  BOOST_REQUIRE(c.elect(0));
  c.propose(0, "x");
  c.node(2).read_index(9);
  c.settle();
  BOOST_REQUIRE(c.reads(2).size() == 1u);
  BOOST_TEST(c.reads(2)[0].context == 9u);
  BOOST_TEST(c.reads(2)[0].index == 2u);
}

BOOST_FIXTURE_TEST_CASE(read_index_forwarded_to_dead_leader_fails_on_change,
                        three) {
  BOOST_REQUIRE(c.elect(0));
  c.isolate(0); // the leader "dies": m3's forwarded read is lost
  c.node(2).read_index(11);
  c.settle();
  BOOST_TEST(c.reads(2).empty());
  BOOST_TEST(c.failed_reads(2).empty());
  c.tick_all(40); // m2 and m3 elect a new leader
  BOOST_REQUIRE(c.failed_reads(2).size() == 1u);
  BOOST_TEST(c.failed_reads(2)[0] == 11u);
}

BOOST_FIXTURE_TEST_CASE(read_index_delayed_answer_to_previous_incarnation_ignored,
                        three) {
  BOOST_REQUIRE(c.elect(0));
  // The leader's answer to a forwarded read is held back in the network.
  std::vector<message> held;
  c.filter = [&](const message& m) {
    if (m.type != message_type::read_index_reply)
      return true;
    held.push_back(m);
    return false;
  };
  c.node(1).read_index(7);
  c.settle();
  BOOST_REQUIRE(held.size() == 1u);
  // The follower restarts (same term, same leader) and its owner, counting
  // from scratch again, asks a read with the same context after new writes.
  c.restart(1);
  c.tick(0); // a heartbeat: the follower knows the leader again
  BOOST_REQUIRE(c.node(1).leader() == c.id(0));
  c.propose(0, "later");
  c.tick(0);
  c.node(1).read_index(7);
  c.settle(); // its new answer is held back too
  // The old answer arrives: it is for another life and must not confirm the
  // new read at the old index.
  c.filter = nullptr;
  c.node(1).step(held.front());
  c.settle();
  for (const auto& r : c.reads(1))
    BOOST_TEST(r.index >= c.node(0).commit_index());
  // The new one arrives and confirms it at a current index.
  c.node(1).step(held.back());
  c.settle();
  BOOST_REQUIRE(c.reads(1).size() == 1u);
  BOOST_TEST(c.reads(1)[0].context == 7u);
  BOOST_TEST(c.reads(1)[0].index == c.node(0).commit_index());
}

BOOST_FIXTURE_TEST_CASE(read_index_without_leader_fails_at_once, three) {
  c.node(1).read_index(4);
  c.settle();
  BOOST_REQUIRE(c.failed_reads(1).size() == 1u);
  BOOST_TEST(c.failed_reads(1)[0] == 4u);
}

BOOST_FIXTURE_TEST_CASE(read_index_waits_for_first_commit_of_term, three) {
  c.filter = [](const message& m) { return m.type != message_type::append; };
  BOOST_REQUIRE(c.elect(0));
  BOOST_TEST(c.node(0).commit_index() == 0u);
  c.node(0).read_index(5);
  c.settle();
  BOOST_TEST(c.reads(0).empty());
  c.filter = nullptr;
  c.tick(0, 2);
  BOOST_REQUIRE(c.reads(0).size() == 1u);
  BOOST_TEST(c.reads(0)[0].index == 1u);
}

// -- leadership transfer --------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(transfer_hands_leadership_over, three) {
  BOOST_REQUIRE(c.elect(0));
  c.propose(0, "x");
  auto term = c.node(0).term();
  BOOST_TEST(c.node(0).transfer_leadership(c.id(1)) == "");
  auto refused = c.node(0).propose("during");
  BOOST_TEST(!refused.ok);
  BOOST_TEST(refused.error == propose_errc::transferring);
  c.settle();
  BOOST_TEST(c.node(1).current_role() == role::leader);
  BOOST_TEST(c.node(1).term() == term + 1);
  BOOST_TEST(c.node(0).current_role() == role::follower);
}

BOOST_FIXTURE_TEST_CASE(transfer_to_lagging_member_catches_it_up_first, three) {
  BOOST_REQUIRE(c.elect(0));
  c.cut(0, 2);
  for (int i = 0; i < 5; ++i)
    c.propose(0, "v" + std::to_string(i));
  c.heal();
  BOOST_TEST(c.node(2).last_index() < c.node(0).last_index());
  BOOST_TEST(c.node(0).transfer_leadership(c.id(2)) == "");
  c.settle();
  BOOST_TEST(c.node(2).current_role() == role::leader);
  BOOST_TEST(c.node(2).last_index() >= 6u);
}

BOOST_FIXTURE_TEST_CASE(transfer_to_unreachable_member_times_out, three) {
  BOOST_REQUIRE(c.elect(0));
  c.isolate(1);
  BOOST_TEST(c.node(0).transfer_leadership(c.id(1)) == "");
  BOOST_TEST(!c.node(0).propose("x").ok);
  c.tick(0, c.node(0).options().election_ticks);
  BOOST_TEST(c.node(0).transfer_target() == no_member);
  BOOST_TEST(c.propose(0, "after").ok);
}

BOOST_FIXTURE_TEST_CASE(transfer_to_non_voter_refused, three) {
  BOOST_REQUIRE(c.elect(0));
  BOOST_TEST(c.node(0).transfer_leadership(member_id_of("nobody"))
             != "");
  BOOST_TEST(c.node(1).transfer_leadership(c.id(2))
             == "this monitor is not the leader");
}

// -- snapshots and compaction ---------------------------------------------------

BOOST_FIXTURE_TEST_CASE(compact_discards_prefix_keeps_terms_and_config, three) {
  BOOST_REQUIRE(c.elect(0));
  for (int i = 0; i < 10; ++i)
    c.propose(0, "v" + std::to_string(i));
  auto cfg = c.node(0).config();
  c.node(0).compact(8);
  c.settle();
  BOOST_TEST(c.log(0).snapshot().index == 8u);
  BOOST_TEST(c.log(0).first_index() == 9u);
  BOOST_TEST(c.log(0).term_at(8) == 1u);
  BOOST_TEST((c.node(0).config() == cfg));
  BOOST_CHECK_THROW(c.node(0).compact(100), std::logic_error);
}

BOOST_FIXTURE_TEST_CASE(snapshot_sent_to_follower_behind_compaction, three) {
  BOOST_REQUIRE(c.elect(0));
  c.isolate(2);
  for (int i = 0; i < 20; ++i)
    c.propose(0, "v" + std::to_string(i));
  c.node(0).compact(c.node(0).commit_index());
  c.node(1).compact(c.node(1).commit_index());
  c.settle();
  c.heal();
  c.clear_delivered();
  c.tick_all(5);
  auto snaps = count(c.delivered(), [&](const message& m) {
    return m.type == message_type::install_snapshot && m.to == c.id(2);
  });
  BOOST_TEST(snaps == 1u);
  BOOST_TEST(c.log(2).snapshot().index == 21u);
  BOOST_TEST(c.node(2).commit_index() == 21u);
  c.propose(0, "after");
  c.tick_all(2);
  BOOST_TEST(c.applied_index(2) == 22u);
  BOOST_TEST(c.applied(2).back().data == "after");
}

BOOST_FIXTURE_TEST_CASE(snapshot_failure_is_retried, three) {
  BOOST_REQUIRE(c.elect(0));
  c.isolate(2);
  for (int i = 0; i < 5; ++i)
    c.propose(0, "v" + std::to_string(i));
  c.node(0).compact(c.node(0).commit_index());
  c.settle();
  c.heal();
  int dropped = 0;
  c.filter = [&](const message& m) {
    if (m.type == message_type::install_snapshot && dropped == 0) {
      ++dropped;
      c.node(0).report_snapshot(m.to, false);
      return false;
    }
    return true;
  };
  c.tick_all(5);
  BOOST_TEST(dropped == 1);
  BOOST_TEST(c.node(2).commit_index() == c.node(0).commit_index());
}

BOOST_FIXTURE_TEST_CASE(snapshot_of_prefix_already_held_only_moves_commit,
                        three) {
  BOOST_REQUIRE(c.elect(0));
  c.propose(0, "x");
  snapshot_meta s;
  s.index = 2;
  s.term = 1;
  s.config = c.node(1).config();
  BOOST_TEST(!c.node(1).would_install(1, s));
  message m;
  m.type = message_type::install_snapshot;
  m.from = c.id(0);
  m.to = c.id(1);
  m.term = 1;
  m.snapshot = s;
  c.node(1).step(m);
  auto r = c.node(1).take_ready();
  BOOST_TEST(!r.restored.has_value());
  BOOST_TEST(c.node(1).commit_index() == 2u);
  BOOST_TEST(c.log(1).snapshot().index == 0u);
}

// -- membership -------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(membership_learner_catches_up_then_is_promoted, three) {
  BOOST_REQUIRE(c.elect(0));
  for (int i = 0; i < 5; ++i)
    c.propose(0, "v" + std::to_string(i));
  auto n = c.add_blank_member("m4");
  auto out = c.node(0).propose_add_member(c.member(n));
  BOOST_TEST(out.ok);
  c.settle();
  BOOST_TEST(c.node(0).config().is_learner(c.id(n)));
  c.tick_all(5);
  BOOST_TEST(c.node(0).config().is_voter(c.id(n)));
  BOOST_TEST(c.node(0).config().voters.size() == 4u);
  BOOST_TEST(c.node(n).config().is_voter(c.id(n)));
  c.tick_all(2);
  BOOST_TEST(c.applied_index(n) == c.applied_index(0));
}

BOOST_FIXTURE_TEST_CASE(membership_learner_behind_compaction_gets_snapshot,
                        three) {
  BOOST_REQUIRE(c.elect(0));
  for (int i = 0; i < 5; ++i)
    c.propose(0, "v" + std::to_string(i));
  c.node(0).compact(c.node(0).commit_index());
  c.settle();
  auto n = c.add_blank_member("m4");
  BOOST_TEST(c.node(0).propose_add_member(c.member(n)).ok);
  c.tick_all(6);
  BOOST_TEST(c.log(n).snapshot().index == 6u);
  BOOST_TEST(c.node(0).config().is_voter(c.id(n)));
}

BOOST_FIXTURE_TEST_CASE(membership_one_change_at_a_time, three) {
  BOOST_REQUIRE(c.elect(0));
  auto a = c.add_blank_member("m4");
  auto b = c.add_blank_member("m5");
  BOOST_TEST(c.node(0).propose_add_member(c.member(a)).ok);
  auto out = c.node(0).propose_add_member(c.member(b));
  BOOST_TEST(!out.ok);
  BOOST_TEST(out.error == propose_errc::change_in_progress);
}

BOOST_FIXTURE_TEST_CASE(membership_new_leader_not_ready_before_first_commit,
                        three) {
  c.filter = [](const message& m) { return m.type != message_type::append; };
  BOOST_REQUIRE(c.elect(0));
  auto n = c.add_blank_member("m4");
  auto out = c.node(0).propose_add_member(c.member(n));
  BOOST_TEST(!out.ok);
  BOOST_TEST(out.error == propose_errc::not_ready);
}

BOOST_FIXTURE_TEST_CASE(membership_duplicate_or_unknown_member_refused, three) {
  BOOST_REQUIRE(c.elect(0));
  auto dup = c.node(0).propose_add_member(c.member(1));
  BOOST_TEST(!dup.ok);
  BOOST_TEST(dup.error == propose_errc::exists);
  BOOST_TEST(dup.message == "member 'm2' is already in the configuration");
  auto gone = c.node(0).propose_remove_member(member_id_of("nobody"));
  BOOST_TEST(!gone.ok);
  BOOST_TEST(gone.error == propose_errc::invalid);
}

BOOST_FIXTURE_TEST_CASE(membership_remove_follower_shrinks_quorum, three) {
  BOOST_REQUIRE(c.elect(0));
  BOOST_TEST(c.node(0).propose_remove_member(c.id(2)).ok);
  c.settle();
  BOOST_TEST(c.node(0).config().voters.size() == 2u);
  c.isolate(2);
  BOOST_TEST(c.propose(0, "without-m3").ok);
  BOOST_TEST(c.node(0).commit_index() == c.node(0).last_index());
}

BOOST_FIXTURE_TEST_CASE(membership_leader_removing_itself_steps_down, three) {
  BOOST_REQUIRE(c.elect(0));
  BOOST_TEST(c.node(0).propose_remove_member(c.id(0)).ok);
  c.settle();
  BOOST_TEST(c.node(0).current_role() == role::follower);
  c.tick_all(40);
  auto l = c.leader();
  BOOST_REQUIRE(l.has_value());
  BOOST_TEST(*l != 0u);
  BOOST_TEST(c.node(*l).config().voters.size() == 2u);
}

BOOST_AUTO_TEST_CASE(membership_removing_last_voter_refused) {
  cluster_fixture f(1);
  BOOST_REQUIRE(f.c.elect(0));
  auto out = f.c.node(0).propose_remove_member(f.c.id(0));
  BOOST_TEST(!out.ok);
  BOOST_TEST(out.message == "cannot remove the last voter");
}

BOOST_AUTO_TEST_CASE(options_inconsistent_timeouts_rejected) {
  store::memory_raft_log log;
  node_options o;
  o.id = 1;
  o.election_ticks = 1;
  o.heartbeat_ticks = 1;
  BOOST_CHECK_THROW(raft::node(o, log), std::invalid_argument);
  o.election_ticks = 10;
  o.id = no_member;
  BOOST_CHECK_THROW(raft::node(o, log), std::invalid_argument);
}
