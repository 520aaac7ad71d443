#include <filesystem>
#include <fstream>

#include <boost/test/unit_test.hpp>

#include "store/kv_store.hpp"
#include "store_test_support.hpp"
#include "test/support/store_damage.hpp"

namespace gd::store {

namespace {

namespace stdfs = std::filesystem;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

/// A store elsewhere with `n` keys and applied index `index`, copied into
/// `target`.
applied_state make_snapshot(const std::string& target, int n,
                            raft::log_index index) {
  test::temp_dir src;
  kv_store s(src.path(), test::fast_kv_options());
  auto b = s.begin();
  for (int i = 0; i < n; ++i)
    b.put({"snap/" + std::to_string(i), "from a peer", false});
  b.set_applied(index, 4);
  b.commit();
  return s.copy_to(target);
}

void put(kv_store& s, const std::string& k, const std::string& v,
         raft::log_index index) {
  auto b = s.begin();
  b.put({k, v, false});
  b.set_applied(index, 1);
  b.commit();
}

} // namespace

BOOST_AUTO_TEST_SUITE(state_root_tests)

BOOST_AUTO_TEST_CASE(state_root_first_use_creates_empty_live_store) {
  test::temp_dir tmp;
  auto root = tmp.path() + "/state";
  state_root sr(root);
  BOOST_TEST(sr.root() == root);
  BOOST_TEST(read(root + "/CURRENT") == "none\n");
  {
    auto s = sr.open_current(test::fast_kv_options());
    BOOST_TEST(s->dir() == root + "/state-1");
    BOOST_TEST(s->applied().revision == 1);
    put(*s, "k", "v", 1);
  }
  BOOST_TEST(read(root + "/CURRENT") == "state-1\n");
  BOOST_TEST(!stdfs::exists(root + "/incoming"));
  // Reopening finds the same store.
  state_root again(root);
  auto s = again.open_current(test::fast_kv_options());
  BOOST_TEST(s->dir() == root + "/state-1");
  BOOST_TEST(s->applied().index == 1u);
}

BOOST_AUTO_TEST_CASE(state_root_install_incoming_swaps_store_atomically) {
  test::temp_dir tmp;
  state_root sr(tmp.path());
  {
    auto s = sr.open_current(test::fast_kv_options());
    put(*s, "old", "value", 3);
  }
  auto incoming = sr.prepare_incoming();
  BOOST_TEST(incoming == tmp.path() + "/incoming");
  auto sent = make_snapshot(incoming, 20, 99);
  auto installed = sr.install_incoming(test::fast_kv_options());
  BOOST_TEST(installed.index == 99u);
  BOOST_TEST(installed.revision == sent.revision);
  BOOST_TEST(read(tmp.path() + "/CURRENT") == "state-2\n");
  BOOST_TEST(!stdfs::exists(tmp.path() + "/state-1"));
  BOOST_TEST(!stdfs::exists(tmp.path() + "/incoming"));
  BOOST_TEST(!stdfs::exists(tmp.path() + "/CURRENT.tmp"));
  auto s = sr.open_current(test::fast_kv_options());
  BOOST_TEST(s->dir() == tmp.path() + "/state-2");
  BOOST_TEST(s->applied().index == 99u);
  BOOST_TEST(s->range({{"old", {}}}).kvs.empty());
  BOOST_TEST(s->range({{"snap/", kv::prefix_end("snap/")}}).count == 20);
}

BOOST_AUTO_TEST_CASE(state_root_install_announced_records_configuration) {
  test::temp_dir tmp;
  state_root sr(tmp.path());
  sr.open_current(test::fast_kv_options());
  auto incoming = sr.prepare_incoming();
  make_snapshot(incoming, 3, 42); // its own store names no configuration
  raft::snapshot_meta meta;
  meta.index = 42;
  meta.term = 4;
  meta.config.voters.push_back({raft::member_id_of("m1"), "m1", "h:1"});
  meta.config.voters.push_back({raft::member_id_of("m2"), "m2", "h:2"});
  auto installed = sr.install_incoming(test::fast_kv_options(), meta);
  BOOST_TEST(installed.index == 42u);
  auto s = sr.open_current(test::fast_kv_options());
  BOOST_TEST(s->applied().index == 42u);
  BOOST_TEST(s->config().voters.size() == 2u);
  BOOST_TEST(s->config().voters[1].name == "m2");
}

BOOST_AUTO_TEST_CASE(state_root_install_announced_mismatch_refused_keeps_old) {
  test::temp_dir tmp;
  state_root sr(tmp.path());
  {
    auto s = sr.open_current(test::fast_kv_options());
    put(*s, "old", "value", 3);
  }
  auto incoming = sr.prepare_incoming();
  make_snapshot(incoming, 3, 42);
  raft::snapshot_meta meta;
  meta.index = 43;
  meta.term = 4;
  auto what = test::error_of(
    [&] { sr.install_incoming(test::fast_kv_options(), meta); },
    store_errc::corrupt);
  BOOST_TEST(test::contains(what, "it holds index 42 of term 4, but was "
                                  "announced as index 43 of term 4"));
  BOOST_TEST(read(tmp.path() + "/CURRENT") == "state-1\n");
  auto s = sr.open_current(test::fast_kv_options());
  BOOST_TEST(s->applied().index == 3u);
}

BOOST_AUTO_TEST_CASE(state_root_garbage_incoming_throws_corrupt_keeps_old) {
  test::temp_dir tmp;
  state_root sr(tmp.path());
  {
    auto s = sr.open_current(test::fast_kv_options());
    put(*s, "old", "value", 3);
  }
  auto incoming = sr.prepare_incoming();
  write(incoming + "/data.mdb", std::string(20000, 'g'));
  auto what = test::error_of(
    [&] { sr.install_incoming(test::fast_kv_options()); },
    store_errc::corrupt);
  BOOST_TEST(test::contains(what, "state root " + tmp.path()
                                    + ": the incoming store is not a valid "
                                      "kv store, so it was not installed: "));
  BOOST_TEST(test::contains(what, "MDB_INVALID"));
  BOOST_TEST(read(tmp.path() + "/CURRENT") == "state-1\n");
  auto s = sr.open_current(test::fast_kv_options());
  BOOST_TEST(s->applied().index == 3u);
  BOOST_TEST(s->range({{"old", {}}}).count == 1);
}

BOOST_AUTO_TEST_CASE(state_root_empty_or_truncated_incoming_throws_corrupt) {
  test::temp_dir tmp;
  state_root sr(tmp.path());
  sr.open_current(test::fast_kv_options());
  // Nothing was received.
  sr.prepare_incoming();
  auto what = test::error_of(
    [&] { sr.install_incoming(test::fast_kv_options()); },
    store_errc::corrupt);
  BOOST_TEST(test::contains(what, "data.mdb"));
  // A copy cut short.
  auto incoming = sr.prepare_incoming();
  make_snapshot(incoming, 500, 7);
  auto size = stdfs::file_size(incoming + "/data.mdb");
  stdfs::resize_file(incoming + "/data.mdb", size / 2);
  what = test::error_of([&] { sr.install_incoming(test::fast_kv_options()); },
                        store_errc::corrupt);
  BOOST_TEST(test::contains(what, "it is truncated"));
  BOOST_TEST(read(tmp.path() + "/CURRENT") == "state-1\n");
  // Without prepare_incoming there is nothing to install.
  stdfs::remove_all(incoming);
  test::error_of([&] { sr.install_incoming(test::fast_kv_options()); },
                 store_errc::precondition);
}

BOOST_AUTO_TEST_CASE(state_root_construction_removes_install_leftovers) {
  test::temp_dir tmp;
  {
    state_root sr(tmp.path());
    auto s = sr.open_current(test::fast_kv_options());
    put(*s, "live", "yes", 5);
  }
  // What a crash in the middle of an install leaves behind.
  stdfs::create_directories(tmp.path() + "/incoming");
  write(tmp.path() + "/incoming/data.mdb", "partial");
  stdfs::create_directories(tmp.path() + "/state-2");
  write(tmp.path() + "/state-2/data.mdb", "renamed, not yet named");
  write(tmp.path() + "/CURRENT.tmp", "state-2\n");
  stdfs::create_directories(tmp.path() + "/state-0007");
  state_root sr(tmp.path());
  BOOST_TEST(!stdfs::exists(tmp.path() + "/incoming"));
  BOOST_TEST(!stdfs::exists(tmp.path() + "/state-2"));
  BOOST_TEST(!stdfs::exists(tmp.path() + "/state-0007"));
  BOOST_TEST(!stdfs::exists(tmp.path() + "/CURRENT.tmp"));
  BOOST_TEST(read(tmp.path() + "/CURRENT") == "state-1\n");
  auto s = sr.open_current(test::fast_kv_options());
  BOOST_TEST(s->applied().index == 5u);
}

BOOST_AUTO_TEST_CASE(state_root_store_without_current_throws_bad_layout) {
  test::temp_dir tmp;
  {
    state_root sr(tmp.path());
    sr.open_current(test::fast_kv_options());
  }
  stdfs::remove(tmp.path() + "/CURRENT");
  auto what = test::error_of([&] { state_root sr(tmp.path()); },
                             store_errc::bad_layout);
  BOOST_TEST(test::contains(what, "holds state-1 but no CURRENT file"));
  // Nothing was removed.
  BOOST_TEST(stdfs::exists(tmp.path() + "/state-1/data.mdb"));
}

BOOST_AUTO_TEST_CASE(state_root_current_naming_missing_store_throws) {
  test::temp_dir tmp;
  { state_root sr(tmp.path()); }
  write(tmp.path() + "/CURRENT", "state-4\n");
  auto what = test::error_of([&] { state_root sr(tmp.path()); },
                             store_errc::bad_layout);
  BOOST_TEST(what
             == "state root " + tmp.path() + ": " + tmp.path()
                  + "/CURRENT names state-4, which does not exist: the live "
                    "store is missing");
  write(tmp.path() + "/CURRENT", "garbage\n");
  what = test::error_of([&] { state_root sr(tmp.path()); },
                        store_errc::bad_layout);
  BOOST_TEST(test::contains(what, "holds 'garbage', not a store name"));
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gd::store

// -- power cuts (MDB_NOMETASYNC) ------------------------------------------------

namespace gd::store {

BOOST_AUTO_TEST_SUITE(power_cut_tests)

namespace {

kv_store_options production_options() {
  kv_store_options o;
  o.map_size = std::size_t{16} << 20;
  o.flush_commits = true; // MDB_NOMETASYNC, as the daemon runs it
  return o;
}

void apply_put(kv_store& s, raft::log_index index) {
  auto b = s.begin();
  b.put({"k", "v" + std::to_string(index), false});
  b.set_applied(index, 1);
  b.commit();
}

} // namespace

BOOST_AUTO_TEST_CASE(power_cut_undoes_only_an_unflushed_last_commit) {
  test::temp_dir tmp;
  {
    kv_store s(tmp.path(), production_options());
    BOOST_TEST(!s.unflushed_commit()); // opening flushes
    apply_put(s, 1);
    s.flush();
    BOOST_TEST(!s.unflushed_commit());
    apply_put(s, 2);
    BOOST_TEST(s.unflushed_commit());
  }
  BOOST_REQUIRE(gd::test::undo_last_commit(tmp.path() + "/data.mdb"));
  kv_store s(tmp.path(), production_options());
  BOOST_TEST(s.applied().index == 1u);
  BOOST_TEST(s.range({{"k", {}}}).kvs.at(0).value == "v1");
}

BOOST_AUTO_TEST_CASE(power_cut_after_reopening_loses_nothing_reported) {
  // What a store reports right after opening is durable: the Raft log may be
  // compacted up to it at once (issue 8, defect 5).
  test::temp_dir tmp;
  {
    kv_store s(tmp.path(), production_options());
    apply_put(s, 1);
    apply_put(s, 2); // unflushed when the process dies
  }
  kv_store again(tmp.path(), production_options());
  BOOST_TEST(again.applied().index == 2u);
  BOOST_TEST(!again.unflushed_commit());
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gd::store

namespace gd::store {

BOOST_AUTO_TEST_SUITE(damaged_record_tests)

BOOST_AUTO_TEST_CASE(damaged_record_is_corruption_naming_its_key) {
  test::temp_dir tmp;
  {
    kv_store s(tmp.path(), test::fast_kv_options());
    auto b = s.begin();
    b.put({"vol/\x01name", "v", false});
    b.set_applied(1, 1);
    b.commit();
  }
  BOOST_REQUIRE(gd::test::damage_kv_record(tmp.path(), "vol/\x01name"));
  kv_store s(tmp.path(), test::fast_kv_options());
  auto read = test::error_of([&] { s.range({{"vol/\x01name", {}}}); },
                             store_errc::corrupt);
  BOOST_TEST(test::contains(read, "the record of key 'vol/\\x01name' is 3 "
                                  "bytes, too short for its checksum"));
  // A write over it reads it first: the same error, nothing written.
  auto write = test::error_of(
    [&] {
      auto b = s.begin();
      b.put({"vol/\x01name", "w", false});
    },
    store_errc::corrupt);
  BOOST_TEST(test::contains(write, "'vol/\\x01name'"));
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gd::store
