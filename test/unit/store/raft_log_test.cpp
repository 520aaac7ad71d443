// The raft_log contract, written once and run against every implementation.

#include "store/raft_log.hpp"

#include <memory>
#include <random>
#include <vector>

#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include "store/lmdb_raft_log.hpp"
#include "store/memory_raft_log.hpp"
#include "store_test_support.hpp"

namespace gd::store {

namespace {

using raft::entry;
using raft::entry_type;
using raft::log_index;
using raft::term_t;

/// Opens logs of one kind, each time on the same durable state.
template <class Log>
struct log_backend;

template <>
struct log_backend<memory_raft_log> {
  std::shared_ptr<memory_log_image> image
    = std::make_shared<memory_log_image>();

  std::unique_ptr<raft_log> open() {
    return std::make_unique<memory_raft_log>(image);
  }
};

template <>
struct log_backend<lmdb_raft_log> {
  test::temp_dir dir;

  std::unique_ptr<raft_log> open() {
    lmdb_raft_log_options o;
    o.map_size = std::size_t{64} << 20;
    return std::make_unique<lmdb_raft_log>(dir.path(), o);
  }
};

template <class Log>
struct log_fixture {
  log_backend<Log> backend;
  std::unique_ptr<raft_log> log = backend.open();

  /// A crash and restart: drops the log (and whatever it staged) and opens
  /// its durable state again.
  void reopen() {
    log.reset();
    log = backend.open();
  }
};

using log_types = boost::mpl::list<memory_raft_log, lmdb_raft_log>;

entry ent(log_index i, term_t t, std::string data = {},
          entry_type type = entry_type::command) {
  if (data.empty() && type == entry_type::command)
    data = "entry-" + std::to_string(i);
  return entry{i, t, type, std::move(data)};
}

/// Entries from..to, all of term `t`.
std::vector<entry> ents(log_index from, log_index to, term_t t) {
  std::vector<entry> es;
  for (auto i = from; i <= to; ++i)
    es.push_back(ent(i, t));
  return es;
}

raft::configuration config_of(std::initializer_list<const char*> voters,
                              std::initializer_list<const char*> learners
                              = {}) {
  raft::configuration c;
  for (auto n : voters)
    c.voters.push_back({raft::member_id_of(n), n, std::string(n) + ":24008"});
  for (auto n : learners)
    c.learners.push_back(
      {raft::member_id_of(n), n, std::string(n) + ":24008"});
  return c;
}

raft::snapshot_meta meta(log_index i, term_t t,
                         raft::configuration c = config_of({"m1"})) {
  return raft::snapshot_meta{i, t, std::move(c)};
}

std::size_t data_bytes(const std::vector<entry>& es) {
  std::size_t n = 0;
  for (const auto& e : es)
    n += e.data.size();
  return n;
}

/// What a log should hold: a plain model of the contract.
struct model {
  raft::hard_state hard;
  raft::snapshot_meta snapshot;
  std::vector<entry> entries;

  log_index last() const { return snapshot.index + entries.size(); }
  term_t last_term() const {
    return entries.empty() ? snapshot.term : entries.back().term;
  }
};

/// Checks every observable of `log` against `m`.
void check_matches(const raft_log& log, const model& m) {
  BOOST_TEST(log.hard_state() == m.hard);
  BOOST_TEST(log.snapshot() == m.snapshot);
  BOOST_TEST(log.first_index() == m.snapshot.index + 1);
  BOOST_TEST(log.last_index() == m.last());
  BOOST_TEST(log.byte_size() == data_bytes(m.entries));
  BOOST_TEST(log.term_at(m.snapshot.index) == m.snapshot.term);
  for (const auto& e : m.entries) {
    BOOST_TEST(log.at(e.index) == e);
    BOOST_TEST(log.term_at(e.index) == e.term);
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(raft_log_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(raft_log_new_log_is_empty_at_index_zero, Log,
                              log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  BOOST_TEST(log.first_index() == 1u);
  BOOST_TEST(log.last_index() == 0u);
  BOOST_TEST(log.term_at(0) == 0u);
  BOOST_TEST(log.byte_size() == 0u);
  BOOST_TEST(log.hard_state() == raft::hard_state{});
  BOOST_TEST(log.snapshot() == raft::snapshot_meta{});
}

BOOST_AUTO_TEST_CASE_TEMPLATE(raft_log_append_entries_are_readable_by_index,
                              Log, log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  log.append({ent(1, 1), ent(2, 1, "", entry_type::noop)});
  log.append({ent(3, 2, "cfg", entry_type::config), ent(4, 3, "four")});
  BOOST_TEST(log.last_index() == 4u);
  BOOST_TEST(log.at(1) == ent(1, 1));
  BOOST_TEST(log.at(2) == ent(2, 1, "", entry_type::noop));
  BOOST_TEST(log.at(3) == ent(3, 2, "cfg", entry_type::config));
  BOOST_TEST(log.at(4) == ent(4, 3, "four"));
  BOOST_TEST(log.term_at(0) == 0u);
  BOOST_TEST(log.term_at(2) == 1u);
  BOOST_TEST(log.term_at(4) == 3u);
  BOOST_TEST(log.byte_size() == ent(1, 1).data.size() + 3 + 4);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(
  raft_log_append_bad_entries_throws_precondition_and_changes_nothing, Log,
  log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  log.append(ents(1, 3, 2));
  model m;
  m.entries = ents(1, 3, 2);
  // No entries.
  test::error_of([&] { log.append({}); }, store_errc::precondition);
  // A gap after the last index.
  auto what = test::error_of([&] { log.append({ent(5, 2)}); },
                             store_errc::precondition);
  BOOST_TEST(test::contains(what, "entry index 5 where 4 was expected"));
  // Overlapping the last index.
  test::error_of([&] { log.append({ent(3, 2)}); }, store_errc::precondition);
  // Not consecutive within the batch; the valid first entry is not kept.
  test::error_of([&] { log.append({ent(4, 2), ent(6, 2)}); },
                 store_errc::precondition);
  // A term below the last entry's.
  what = test::error_of([&] { log.append({ent(4, 1)}); },
                        store_errc::precondition);
  BOOST_TEST(test::contains(what, "entry 4 has term 1, lower than the term 2"));
  // Decreasing terms within the batch.
  test::error_of([&] { log.append({ent(4, 3), ent(5, 2)}); },
                 store_errc::precondition);
  check_matches(log, m);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(raft_log_reads_outside_log_throw_precondition,
                              Log, log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  test::error_of([&] { log.at(0); }, store_errc::precondition);
  test::error_of([&] { log.at(1); }, store_errc::precondition);
  test::error_of([&] { log.term_at(1); }, store_errc::precondition);
  log.append(ents(1, 10, 1));
  log.compact_prefix(meta(4, 1));
  // term_at covers the snapshot index, at() does not.
  BOOST_TEST(log.term_at(4) == 1u);
  auto what = test::error_of([&] { log.at(4); }, store_errc::precondition);
  BOOST_TEST(test::contains(what, "at(4) is outside [5, 10]"));
  test::error_of([&] { log.term_at(3); }, store_errc::precondition);
  test::error_of([&] { log.term_at(11); }, store_errc::precondition);
  test::error_of([&] { log.at(11); }, store_errc::precondition);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(raft_log_slice_over_max_bytes_stops_early,
                              Log, log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  // Entries of 10 bytes each.
  std::vector<entry> es;
  for (log_index i = 1; i <= 6; ++i)
    es.push_back(ent(i, 1, std::string(10, static_cast<char>('a' + i))));
  log.append(es);
  auto all = log.slice(1, 6, 1000);
  BOOST_TEST(all.size() == 6u);
  BOOST_TEST((all == es));
  // 25 bytes hold two whole entries; the third would exceed the budget.
  auto some = log.slice(2, 6, 25);
  BOOST_REQUIRE(some.size() == 2u);
  BOOST_TEST(some[0] == es[1]);
  BOOST_TEST(some[1] == es[2]);
  // Exactly at the budget: included.
  BOOST_TEST(log.slice(1, 6, 30).size() == 3u);
  // The first entry always comes back, even over budget.
  auto one = log.slice(3, 5, 0);
  BOOST_REQUIRE(one.size() == 1u);
  BOOST_TEST(one[0] == es[2]);
  BOOST_TEST(log.slice(6, 6, 1).size() == 1u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(raft_log_slice_bad_bounds_throws_precondition,
                              Log, log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  test::error_of([&] { log.slice(1, 1, 100); }, store_errc::precondition);
  log.append(ents(1, 5, 1));
  log.compact_prefix(meta(2, 1));
  test::error_of([&] { log.slice(2, 4, 100); }, store_errc::precondition);
  test::error_of([&] { log.slice(3, 6, 100); }, store_errc::precondition);
  test::error_of([&] { log.slice(4, 3, 100); }, store_errc::precondition);
  BOOST_TEST(log.slice(3, 5, 100).size() == 3u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(raft_log_truncate_suffix_removes_tail, Log,
                              log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  log.append(ents(1, 5, 1));
  log.truncate_suffix(6); // last_index() + 1: nothing to remove
  BOOST_TEST(log.last_index() == 5u);
  log.truncate_suffix(3);
  model m;
  m.entries = ents(1, 2, 1);
  check_matches(log, m);
  // The freed indexes take new entries, of a newer term.
  log.append(ents(3, 4, 2));
  m.entries.push_back(ent(3, 2));
  m.entries.push_back(ent(4, 2));
  check_matches(log, m);
  // Everything after a snapshot may go.
  log.compact_prefix(meta(2, 1));
  log.truncate_suffix(3);
  BOOST_TEST(log.last_index() == 2u);
  BOOST_TEST(log.byte_size() == 0u);
  BOOST_TEST(log.term_at(2) == 1u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(
  raft_log_truncate_suffix_outside_range_throws_precondition, Log,
  log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  log.append(ents(1, 5, 1));
  log.compact_prefix(meta(2, 1));
  auto what = test::error_of([&] { log.truncate_suffix(2); },
                             store_errc::precondition);
  BOOST_TEST(test::contains(what, "truncate_suffix(2) is outside [3, 6]"));
  test::error_of([&] { log.truncate_suffix(7); }, store_errc::precondition);
  BOOST_TEST(log.last_index() == 5u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(
  raft_log_compact_prefix_drops_entries_and_records_snapshot, Log,
  log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  log.append(ents(1, 3, 1));
  log.append(ents(4, 6, 2));
  auto m1 = meta(4, 2, config_of({"m1", "m2", "m3"}, {"m4"}));
  log.compact_prefix(m1);
  model m;
  m.snapshot = m1;
  m.entries = ents(5, 6, 2);
  check_matches(log, m);
  // Compacting to the current snapshot again changes nothing.
  log.compact_prefix(m1);
  check_matches(log, m);
  // Compacting everything leaves an empty log that continues after it.
  log.compact_prefix(meta(6, 2));
  BOOST_TEST(log.first_index() == 7u);
  BOOST_TEST(log.last_index() == 6u);
  BOOST_TEST(log.byte_size() == 0u);
  BOOST_TEST(log.term_at(6) == 2u);
  log.append({ent(7, 3)});
  BOOST_TEST(log.at(7) == ent(7, 3));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(
  raft_log_compact_prefix_bad_meta_throws_precondition, Log, log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  log.append(ents(1, 3, 1));
  log.append(ents(4, 6, 2));
  log.compact_prefix(meta(2, 1));
  // Beyond the last entry.
  test::error_of([&] { log.compact_prefix(meta(7, 2)); },
                 store_errc::precondition);
  // Before the current snapshot.
  test::error_of([&] { log.compact_prefix(meta(1, 1)); },
                 store_errc::precondition);
  // The wrong term for the index.
  auto what = test::error_of([&] { log.compact_prefix(meta(5, 1)); },
                             store_errc::precondition);
  BOOST_TEST(test::contains(what, "but the entry there has term 2"));
  BOOST_TEST(log.snapshot() == meta(2, 1));
  BOOST_TEST(log.last_index() == 6u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(raft_log_reset_restarts_log_after_snapshot,
                              Log, log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  log.append(ents(1, 5, 1));
  // A snapshot beyond the log replaces all of it.
  auto s = meta(20, 4, config_of({"m1", "m2"}));
  log.reset(s);
  model m;
  m.snapshot = s;
  check_matches(log, m);
  BOOST_TEST(log.last_index() == 20u);
  // The log continues after the snapshot, in terms no older than it.
  test::error_of([&] { log.append({ent(21, 3)}); }, store_errc::precondition);
  log.append({ent(21, 4), ent(22, 5)});
  m.entries = {ent(21, 4), ent(22, 5)};
  check_matches(log, m);
  // A snapshot inside the log also discards every entry.
  log.reset(meta(21, 4));
  BOOST_TEST(log.last_index() == 21u);
  BOOST_TEST(log.byte_size() == 0u);
  test::error_of([&] { log.at(21); }, store_errc::precondition);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(raft_log_hard_state_set_is_read_back, Log,
                              log_types) {
  log_fixture<Log> f;
  auto& log = *f.log;
  raft::hard_state hs{7, raft::member_id_of("m2")};
  log.set_hard_state(hs);
  BOOST_TEST(log.hard_state() == hs);
  log.set_hard_state({8, raft::no_member});
  BOOST_TEST(log.hard_state() == (raft::hard_state{8, raft::no_member}));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(
  raft_log_reopen_after_sync_sees_synced_state_not_staged_writes, Log,
  log_types) {
  log_fixture<Log> f;
  f.log->set_hard_state({3, raft::member_id_of("m1")});
  f.log->append(ents(1, 4, 2));
  f.log->compact_prefix(meta(1, 2, config_of({"m1", "m2", "m3"})));
  f.log->sync();
  model synced;
  synced.hard = {3, raft::member_id_of("m1")};
  synced.snapshot = meta(1, 2, config_of({"m1", "m2", "m3"}));
  synced.entries = ents(2, 4, 2);
  // Staged but never synced: every kind of write.
  f.log->set_hard_state({4, raft::no_member});
  f.log->truncate_suffix(3);
  f.log->append(ents(3, 6, 4));
  f.log->compact_prefix(meta(3, 4));
  BOOST_TEST(f.log->last_index() == 6u);
  f.reopen();
  check_matches(*f.log, synced);
  // A reset that was never synced is gone as well.
  f.log->reset(meta(50, 9));
  f.reopen();
  check_matches(*f.log, synced);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(raft_log_reopen_after_reset_sees_snapshot,
                              Log, log_types) {
  log_fixture<Log> f;
  f.log->append(ents(1, 5, 1));
  f.log->sync();
  auto s = meta(3, 1, config_of({"m1", "m2", "m3"}, {"m4", "m5"}));
  f.log->reset(s);
  f.log->append({ent(4, 2, "after")});
  f.log->sync();
  f.reopen();
  model m;
  m.snapshot = s;
  m.entries = {ent(4, 2, "after")};
  check_matches(*f.log, m);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(raft_log_random_writes_reopen_matches_model,
                              Log, log_types) {
  // Random writes, syncs and crash-restarts; after each step the log must
  // match the model, and after each restart the model's synced state.
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      log_fixture<Log> f;
      std::mt19937_64 rng(seed);
      auto pick = [&](std::uint64_t lo, std::uint64_t hi) {
        return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
      };
      model staged;
      model synced;
      for (int step = 0; step < 150; ++step) {
        auto op = pick(0, 99);
        if (op < 35) {
          auto n = pick(1, 4);
          auto t = staged.last_term() + (pick(0, 3) == 0 ? 1 : 0);
          std::vector<entry> es;
          for (std::uint64_t k = 1; k <= n; ++k)
            es.push_back(ent(staged.last() + k, t,
                             std::string(pick(0, 40), 'd')
                               + std::to_string(seed * 1000 + step)));
          f.log->append(es);
          staged.entries.insert(staged.entries.end(), es.begin(), es.end());
        } else if (op < 45 && !staged.entries.empty()) {
          auto from = pick(staged.snapshot.index + 1, staged.last() + 1);
          f.log->truncate_suffix(from);
          staged.entries.resize(from - staged.snapshot.index - 1);
        } else if (op < 55) {
          auto i = pick(staged.snapshot.index, staged.last());
          auto t = i == staged.snapshot.index
                     ? staged.snapshot.term
                     : staged.entries[i - staged.snapshot.index - 1].term;
          auto m = meta(i, t, config_of({"m1", i % 2 ? "m2" : "m3"}));
          f.log->compact_prefix(m);
          staged.entries.erase(staged.entries.begin(),
                               staged.entries.begin()
                                 + static_cast<long>(i
                                                     - staged.snapshot.index));
          staged.snapshot = m;
        } else if (op < 58) {
          auto i = pick(staged.snapshot.index, staged.last() + 10);
          auto m = meta(i, staged.last_term() + pick(0, 1));
          f.log->reset(m);
          staged.entries.clear();
          staged.snapshot = m;
        } else if (op < 65) {
          raft::hard_state hs{staged.hard.term + pick(0, 2), pick(0, 3)};
          f.log->set_hard_state(hs);
          staged.hard = hs;
        } else if (op < 90) {
          f.log->sync();
          synced = staged;
        } else {
          f.reopen();
          staged = synced;
        }
        check_matches(*f.log, staged);
      }
      f.log->sync();
      f.reopen();
      check_matches(*f.log, staged);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(memory_raft_log_specific)

BOOST_AUTO_TEST_CASE(memory_raft_log_sync_count_counts_only_real_writes) {
  memory_raft_log log;
  log.sync();
  BOOST_TEST(log.sync_count() == 0u);
  log.append(ents(1, 3, 1));
  log.set_hard_state({1, 0});
  log.sync();
  BOOST_TEST(log.sync_count() == 1u);
  log.sync();
  BOOST_TEST(log.sync_count() == 1u);
  BOOST_TEST(log.image()->entries.size() == 3u);
  // A log built from the image shares it: its syncs land there too.
  memory_raft_log next(log.image());
  BOOST_TEST(next.last_index() == 3u);
  next.truncate_suffix(2);
  next.sync();
  BOOST_TEST(log.image()->entries.size() == 1u);
  test::error_of([] { memory_raft_log bad(nullptr); },
                 store_errc::precondition);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gd::store
