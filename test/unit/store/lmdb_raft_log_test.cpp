// What only the LMDB log does: verify on open (refusing any damage), report a
// full map, write one transaction per sync. The contract itself is tested
// in raft_log_test.cpp.

#include "store/lmdb_raft_log.hpp"

#include <functional>

#include <boost/test/unit_test.hpp>

#include "store/bytes.hpp"
#include "store/checksum.hpp"
#include "store/lmdb.hpp"
#include "store_test_support.hpp"

namespace gd::store {

namespace {

using raft::entry;
using raft::entry_type;

entry ent(raft::log_index i, raft::term_t t) {
  return entry{i, t, entry_type::command,
               "payload of entry " + std::to_string(i)};
}

std::vector<entry> ents(raft::log_index from, raft::log_index to,
                        raft::term_t t) {
  std::vector<entry> es;
  for (auto i = from; i <= to; ++i)
    es.push_back(ent(i, t));
  return es;
}

/// The checksum the format defines for an entry, computed independently of
/// the implementation: XXH3-64 over big-endian index and term, the type byte
/// and the data.
std::uint64_t expected_checksum(raft::log_index i, raft::term_t t,
                                entry_type type, const std::string& data) {
  std::string buf;
  bytes::put_u64(buf, i);
  bytes::put_u64(buf, t);
  buf.push_back(static_cast<char>(type));
  buf += data;
  return xxh3_64(buf);
}

/// Opens the closed log in `dir` with plain LMDB and lets `f` change it.
void tamper(const std::string& dir,
            const std::function<void(lmdb::write_txn&, const lmdb::dbi& meta,
                                     const lmdb::dbi& entries)>& f) {
  lmdb::env_options o;
  o.max_dbs = 2;
  lmdb::env e("raw log", dir, o);
  lmdb::write_txn t(e);
  auto meta = t.open_dbi("meta");
  auto entries = t.open_dbi("entries");
  f(t, meta, entries);
  t.commit();
}

/// Returns the stored value of entry `i` after `f` changed it.
std::string tamper_entry(const std::string& dir, raft::log_index i,
                         const std::function<void(std::string&)>& f) {
  std::string result;
  tamper(dir, [&](lmdb::write_txn& t, const lmdb::dbi&,
                  const lmdb::dbi& entries) {
    auto key = bytes::u64_key(i);
    auto v = t.get(entries, key);
    BOOST_REQUIRE(v.has_value());
    result.assign(v->data(), v->size());
    f(result);
    t.put(entries, key, result);
  });
  return result;
}

/// A log directory.
struct log_dir {
  test::temp_dir dir;

  lmdb_raft_log_options options(std::size_t map_size = std::size_t{16} << 20) {
    lmdb_raft_log_options o;
    o.map_size = map_size;
    return o;
  }

  std::unique_ptr<lmdb_raft_log> open() {
    return std::make_unique<lmdb_raft_log>(dir.path(), options());
  }

  /// Writes entries 1..n of term 1 and closes the log.
  void write(raft::log_index n) {
    auto log = open();
    log->append(ents(1, n, 1));
    log->sync();
  }
};

const std::string refusal
  = "; refusing to start: the log is corrupt. Remove this member and add it "
    "back so it copies the log from its peers.";

} // namespace

BOOST_AUTO_TEST_SUITE(lmdb_raft_log_specific)

BOOST_AUTO_TEST_CASE(lmdb_raft_log_corrupt_middle_entry_refuses_to_open) {
  log_dir d;
  d.write(5);
  auto original = ent(3, 1);
  auto value = tamper_entry(d.dir.path(), 3,
                            [](std::string& v) { v.back() ^= 0x01; });
  // The stored checksum sits after format, term and type.
  auto stored = bytes::get_u64(value.data() + 10);
  BOOST_TEST(stored
             == expected_checksum(3, 1, entry_type::command, original.data));
  auto bad = original.data;
  bad.back() ^= 0x01;
  auto computed = expected_checksum(3, 1, entry_type::command, bad);
  auto what = test::error_of([&] { d.open(); }, store_errc::corrupt);
  BOOST_TEST(what
             == "raft log " + d.dir.path() + ": entry 3 fails its checksum "
                  "(stored " + to_hex(stored) + ", computed "
                  + to_hex(computed) + ")" + refusal);
  // Nothing was "repaired": it refuses again.
  test::error_of([&] { d.open(); }, store_errc::corrupt);
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_unparsable_middle_entry_refuses_to_open) {
  log_dir d;
  d.write(4);
  tamper_entry(d.dir.path(), 2, [](std::string& v) { v = "xy"; });
  auto what = test::error_of([&] { d.open(); }, store_errc::corrupt);
  BOOST_TEST(what
             == "raft log " + d.dir.path()
                  + ": entry 2 does not parse (its value is 2 bytes, shorter "
                    "than the 18-byte header)"
                  + refusal);
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_unknown_entry_format_refuses_to_open) {
  log_dir d;
  d.write(3);
  tamper_entry(d.dir.path(), 1, [](std::string& v) { v[0] = 7; });
  auto what = test::error_of([&] { d.open(); }, store_errc::corrupt);
  BOOST_TEST(what
             == "raft log " + d.dir.path()
                  + ": entry 1 does not parse (unknown entry format 7)"
                  + refusal);
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_missing_entry_refuses_to_open) {
  log_dir d;
  d.write(6);
  tamper(d.dir.path(), [](lmdb::write_txn& t, const lmdb::dbi&,
                          const lmdb::dbi& entries) {
    t.del(entries, bytes::u64_key(3));
    t.del(entries, bytes::u64_key(4));
  });
  auto what = test::error_of([&] { d.open(); }, store_errc::corrupt);
  BOOST_TEST(what
             == "raft log " + d.dir.path()
                  + ": entry 5 follows entry 2: entries 3 to 4 are missing"
                  + refusal);
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_entries_not_after_snapshot_refuse_to_open) {
  log_dir d;
  d.write(6);
  tamper(d.dir.path(), [](lmdb::write_txn& t, const lmdb::dbi&,
                          const lmdb::dbi& entries) {
    t.del(entries, bytes::u64_key(1));
  });
  auto what = test::error_of([&] { d.open(); }, store_errc::corrupt);
  BOOST_TEST(what
             == "raft log " + d.dir.path()
                  + ": the log starts at entry 2, but the snapshot ends at "
                    "index 0: entry 1 is missing"
                  + refusal);
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_corrupt_last_entries_refuse_to_open) {
  // LMDB commits are atomic: a bad tail is not a torn write but damage to
  // entries that may have been acknowledged. Dropping them could lose a
  // committed write, so the member must refuse to start.
  log_dir d;
  d.write(5);
  auto value = tamper_entry(d.dir.path(), 4,
                            [](std::string& v) { v.back() ^= 0x40; });
  tamper_entry(d.dir.path(), 5, [](std::string& v) { v.resize(9); });
  auto stored = bytes::get_u64(value.data() + 10);
  auto bad = ent(4, 1).data;
  bad.back() ^= 0x40;
  auto computed = expected_checksum(4, 1, entry_type::command, bad);
  auto what = test::error_of([&] { d.open(); }, store_errc::corrupt);
  BOOST_TEST(what
             == "raft log " + d.dir.path() + ": entry 4 fails its checksum "
                  "(stored " + to_hex(stored) + ", computed "
                  + to_hex(computed) + ")" + refusal);
  // Nothing was removed: it refuses again, naming the same entry.
  BOOST_TEST(test::error_of([&] { d.open(); }, store_errc::corrupt) == what);
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_corrupt_single_last_entry_refuses_to_open) {
  log_dir d;
  d.write(2);
  tamper_entry(d.dir.path(), 2, [](std::string& v) { v.resize(3); });
  auto what = test::error_of([&] { d.open(); }, store_errc::corrupt);
  BOOST_TEST(test::contains(what, "raft log " + d.dir.path()
                                    + ": entry 2 does not parse"));
  BOOST_TEST(test::contains(what, refusal));
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_map_full_sync_keeps_durable_state) {
  log_dir d;
  auto opts = d.options(64 * 1024);
  {
    lmdb_raft_log log(d.dir.path(), opts);
    log.set_hard_state({2, 7});
    log.append(ents(1, 2, 1));
    log.sync();
    // Far more than the map holds.
    std::vector<entry> big;
    for (raft::log_index i = 3; i <= 12; ++i)
      big.push_back(entry{i, 2, entry_type::command, std::string(16384, 'b')});
    log.append(big);
    log.set_hard_state({3, 7});
    auto what = test::error_of([&] { log.sync(); }, store_errc::map_full);
    BOOST_TEST(test::contains(what, "raft log " + d.dir.path()
                                      + " is full (map size 65536 bytes); "
                                        "raise the map size or compact ("));
    BOOST_TEST(test::contains(what, "MDB_MAP_FULL"));
    // The writes stay staged, and a retry fails the same way.
    BOOST_TEST(log.last_index() == 12u);
    BOOST_TEST(log.hard_state() == (raft::hard_state{3, 7}));
    test::error_of([&] { log.sync(); }, store_errc::map_full);
  }
  lmdb_raft_log log(d.dir.path(), opts);
  BOOST_TEST(log.last_index() == 2u);
  BOOST_TEST(log.at(1) == ent(1, 1));
  BOOST_TEST(log.at(2) == ent(2, 1));
  BOOST_TEST(log.hard_state() == (raft::hard_state{2, 7}));
  // Still usable for what fits.
  log.append({ent(3, 2)});
  log.sync();
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_many_writes_one_sync_one_transaction) {
  log_dir d;
  auto log = d.open();
  log->append(ents(1, 5, 1));
  log->sync();
  auto before = log->last_txn_id();
  for (raft::log_index i = 6; i <= 105; ++i)
    log->append({ent(i, 2)});
  log->truncate_suffix(101);
  log->compact_prefix({3, 1, {}});
  log->set_hard_state({2, 1});
  log->sync();
  BOOST_TEST(log->last_txn_id() == before + 1);
  // Nothing staged: no transaction at all.
  log->sync();
  BOOST_TEST(log->last_txn_id() == before + 1);
  log.reset();
  log = d.open();
  BOOST_TEST(log->first_index() == 4u);
  BOOST_TEST(log->last_index() == 100u);
  BOOST_TEST(log->at(100) == ent(100, 2));
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_other_format_version_throws_bad_layout) {
  log_dir d;
  d.write(1);
  tamper(d.dir.path(),
         [](lmdb::write_txn& t, const lmdb::dbi& meta, const lmdb::dbi&) {
           std::string v;
           bytes::put_u32(v, 2);
           t.put(meta, "format", v);
         });
  auto what = test::error_of([&] { d.open(); }, store_errc::bad_layout);
  BOOST_TEST(what
             == "raft log " + d.dir.path()
                  + ": the log has format version 2, but this build reads "
                    "only version 1");
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_corrupt_hard_state_refuses_to_open) {
  log_dir d;
  {
    auto log = d.open();
    log->set_hard_state({5, 9});
    log->sync();
  }
  tamper(d.dir.path(),
         [](lmdb::write_txn& t, const lmdb::dbi& meta, const lmdb::dbi&) {
           std::string v(t.get(meta, "hard_state").value());
           v[7] ^= 0x01;
           t.put(meta, "hard_state", v);
         });
  auto what = test::error_of([&] { d.open(); }, store_errc::corrupt);
  BOOST_TEST(what
             == "raft log " + d.dir.path()
                  + ": the hard state record fails its checksum" + refusal);
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_missing_directory_throws_bad_layout) {
  test::temp_dir dir;
  auto what = test::error_of(
    [&] { lmdb_raft_log log(dir.path() + "/nope"); }, store_errc::bad_layout);
  BOOST_TEST(what
             == "raft log " + dir.path()
                  + "/nope: the directory does not exist");
}

BOOST_AUTO_TEST_CASE(lmdb_raft_log_not_durable_still_reopens_synced_state) {
  test::temp_dir dir;
  lmdb_raft_log_options o;
  o.durable = false;
  o.map_size = std::size_t{16} << 20;
  {
    lmdb_raft_log log(dir.path(), o);
    log.append(ents(1, 3, 1));
    log.sync();
  }
  lmdb_raft_log log(dir.path(), o);
  BOOST_TEST(log.last_index() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gd::store
