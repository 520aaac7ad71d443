#include "store/lmdb.hpp"

#include <cerrno>
#include <cstdio>

#include <boost/test/unit_test.hpp>

#include "store_test_support.hpp"

namespace gd::store {

namespace {

lmdb::env_options small_env(std::size_t map_size = std::size_t{1} << 20) {
  lmdb::env_options o;
  o.map_size = map_size;
  o.max_dbs = 2;
  o.flags = MDB_NOSYNC;
  return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(lmdb_wrappers)

BOOST_AUTO_TEST_CASE(store_error_codes_have_names_and_lmdb_codes_map) {
  BOOST_TEST(std::string(to_string(store_errc::io)) == "io");
  BOOST_TEST(std::string(to_string(store_errc::map_full)) == "map_full");
  BOOST_TEST(std::string(to_string(store_errc::corrupt)) == "corrupt");
  BOOST_TEST(std::string(to_string(store_errc::bad_layout)) == "bad_layout");
  BOOST_TEST(std::string(to_string(store_errc::precondition))
             == "precondition");
  BOOST_TEST(lmdb::errc_of(MDB_MAP_FULL) == store_errc::map_full);
  BOOST_TEST(lmdb::errc_of(MDB_CORRUPTED) == store_errc::corrupt);
  BOOST_TEST(lmdb::errc_of(MDB_PAGE_NOTFOUND) == store_errc::corrupt);
  BOOST_TEST(lmdb::errc_of(MDB_VERSION_MISMATCH) == store_errc::bad_layout);
  BOOST_TEST(lmdb::errc_of(ENOENT) == store_errc::bad_layout);
  BOOST_TEST(lmdb::errc_of(MDB_READERS_FULL) == store_errc::io);
  BOOST_TEST(lmdb::errc_of(ENOSPC) == store_errc::io);
}

BOOST_AUTO_TEST_CASE(lmdb_env_missing_directory_throws_bad_layout) {
  test::temp_dir dir;
  auto path = dir.path() + "/absent";
  auto what = test::error_of([&] { lmdb::env e("test store", path, {}); },
                             store_errc::bad_layout);
  BOOST_TEST(what == "test store " + path + ": the directory does not exist");
}

BOOST_AUTO_TEST_CASE(lmdb_garbage_file_throws_corrupt_with_lmdb_text) {
  test::temp_dir dir;
  {
    std::FILE* f = std::fopen((dir.path() + "/data.mdb").c_str(), "wb");
    BOOST_REQUIRE(f != nullptr);
    std::string junk(16384, 'j');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
  }
  auto what = test::error_of(
    [&] { lmdb::env e("test store", dir.path(), small_env()); },
    store_errc::corrupt);
  BOOST_TEST(what
             == "test store " + dir.path()
                  + ": opening the LMDB environment failed: MDB_INVALID: "
                    "File is not an LMDB file");
}

BOOST_AUTO_TEST_CASE(lmdb_put_beyond_map_size_throws_map_full_and_aborts) {
  test::temp_dir dir;
  lmdb::env e("test store", dir.path(), small_env(64 * 1024));
  lmdb::dbi d;
  {
    lmdb::write_txn t(e);
    d = t.open_dbi("data", MDB_CREATE);
    t.put(d, "kept", "value");
    t.commit();
  }
  {
    lmdb::write_txn t(e);
    auto what = test::error_of(
      [&] {
        for (int i = 0; i < 100; ++i)
          t.put(d, "key" + std::to_string(i), std::string(8192, 'v'));
      },
      store_errc::map_full);
    BOOST_TEST(what
               == "test store " + dir.path()
                    + " is full (map size 65536 bytes); raise the map size or "
                      "compact (putting a key into 'data': MDB_MAP_FULL: "
                      "Environment mapsize limit reached)");
    // Destroying the failed transaction aborts it.
  }
  lmdb::read_txn r(e);
  BOOST_TEST(r.count(d) == 1u);
  BOOST_TEST(r.get(d, "kept").value() == "value");
}

BOOST_AUTO_TEST_CASE(lmdb_committed_txn_rejects_further_use) {
  test::temp_dir dir;
  lmdb::env e("test store", dir.path(), small_env());
  lmdb::write_txn t(e);
  auto d = t.open_dbi("data", MDB_CREATE);
  t.commit();
  BOOST_TEST(!t.is_open());
  auto what = test::error_of([&] { t.put(d, "k", "v"); },
                             store_errc::precondition);
  BOOST_TEST(test::contains(what, "has ended"));
  t.abort(); // a no-op on an ended transaction
}

BOOST_AUTO_TEST_CASE(lmdb_cursor_del_then_next_visits_following_key) {
  test::temp_dir dir;
  lmdb::env e("test store", dir.path(), small_env());
  lmdb::write_txn t(e);
  auto d = t.open_dbi("data", MDB_CREATE);
  for (int i = 0; i < 2000; ++i) {
    char key[8];
    std::snprintf(key, sizeof(key), "k%05d", i);
    t.put(d, key, std::string(40, 'v'));
  }
  // Delete every key in [k00100, k01900) with del + next, crossing pages.
  {
    lmdb::cursor c(t, d);
    for (bool ok = c.seek("k00100"); ok && c.key() < "k01900"; ok = c.next())
      c.del();
  }
  BOOST_TEST(t.count(d) == 200u);
  lmdb::cursor c(t, d);
  BOOST_REQUIRE(c.seek("k00099"));
  BOOST_TEST(c.key() == "k00099");
  BOOST_REQUIRE(c.next());
  BOOST_TEST(c.key() == "k01900");
  // Deleting up to the end leaves an empty tail.
  for (bool ok = c.seek("k01000"); ok; ok = c.next())
    c.del();
  BOOST_TEST(t.count(d) == 100u);
  BOOST_REQUIRE(c.last());
  BOOST_TEST(c.key() == "k00099");
}

BOOST_AUTO_TEST_CASE(lmdb_seek_longer_than_max_key_finds_next_key) {
  test::temp_dir dir;
  lmdb::env e("test store", dir.path(), small_env());
  auto max = e.max_key_size();
  BOOST_TEST(max == 511u);
  lmdb::write_txn t(e);
  auto d = t.open_dbi("data", MDB_CREATE);
  std::string p(max, 'a');
  t.put(d, p, "prefix itself");
  t.put(d, std::string(max - 1, 'a') + "b", "after");
  lmdb::cursor c(t, d);
  // p + "x" sorts after p and before "aaa...ab".
  BOOST_REQUIRE(c.seek(p + "x"));
  BOOST_TEST(c.value() == "after");
  BOOST_TEST(!c.seek(std::string(max - 1, 'a') + "c" + "tail"));
  BOOST_REQUIRE(c.seek(""));
  BOOST_TEST(c.value() == "prefix itself");
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gd::store
