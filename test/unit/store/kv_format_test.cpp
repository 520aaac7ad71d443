#include <boost/test/unit_test.hpp>

// The state store's on-disk format: checksummed values (format 2), and
// stores of format 1 read and migrated.

#include "store/bytes.hpp"
#include "store/kv_store.hpp"
#include "store/lmdb.hpp"
#include "store_test_support.hpp"
#include "test/support/store_damage.hpp"

namespace gd::store {

namespace {

lmdb::env_options raw_options() {
  lmdb::env_options o;
  o.max_dbs = 3;
  o.map_size = std::size_t{64} << 20;
  return o;
}

std::uint32_t format_on_disk(const std::string& dir) {
  lmdb::env env("raw", dir, raw_options());
  lmdb::read_txn t(env);
  auto meta = t.open_dbi("meta");
  auto v = t.get(meta, "format");
  BOOST_REQUIRE(v && v->size() == 4);
  return bytes::get_u32(v->data());
}

/// Writes, with raw LMDB, a store of format 1 (no checksums) holding
/// key "a" = "one" (revision 2) and "b" = "two" (revision 3), applied
/// through index 7 term 2, with their history.
void write_format_1(const std::string& dir) {
  lmdb::env env("raw", dir, raw_options());
  lmdb::write_txn t(env);
  auto meta = t.open_dbi("meta", MDB_CREATE);
  auto kvs = t.open_dbi("kv", MDB_CREATE);
  auto history = t.open_dbi("history", MDB_CREATE);
  std::string v;
  bytes::put_u32(v, 1);
  t.put(meta, "format", v);
  std::string applied;
  bytes::put_u64(applied, 7);
  bytes::put_u64(applied, 2);
  bytes::put_u64(applied, 3);
  bytes::put_u64(applied, 0);
  t.put(meta, "applied", applied);
  auto put = [&](const std::string& key, const std::string& value,
                 std::uint64_t rev) {
    std::string r;
    bytes::put_u64(r, rev);
    bytes::put_u64(r, rev);
    bytes::put_u64(r, 1);
    r += value;
    t.put(kvs, key, r);
    std::string hk;
    bytes::put_u64(hk, rev);
    bytes::put_u64(hk, 0);
    std::string e;
    e.push_back(1); // put
    bytes::put_u64(e, rev);
    bytes::put_u64(e, rev);
    bytes::put_u64(e, 1);
    bytes::put_u32(e, static_cast<std::uint32_t>(key.size()));
    e += key;
    e += value;
    t.put(history, hk, e);
  };
  put("a", "one", 2);
  put("b", "two", 3);
  t.commit();
  env.sync();
}

} // namespace

BOOST_AUTO_TEST_SUITE(kv_format)

BOOST_AUTO_TEST_CASE(a_flipped_bit_in_a_value_is_corruption_not_data) {
  test::temp_dir tmp;
  {
    kv_store s(tmp.path(), test::fast_kv_options());
    auto b = s.begin();
    b.put({"vol/\x01name", "replicate", false});
    b.put({"other", "fine", false});
    b.set_applied(1, 1);
    b.commit();
  }
  // Same size, decodes fine: only the checksum can tell.
  BOOST_REQUIRE(gd::test::flip_value_bit(tmp.path(), "vol/\x01name"));
  kv_store s(tmp.path(), test::fast_kv_options());
  auto read = test::error_of([&] { s.range({{"vol/\x01name", {}}}); },
                             store_errc::corrupt);
  BOOST_TEST(test::contains(read, "the record of key 'vol/\\x01name' fails "
                                  "its checksum"), read);
  BOOST_TEST(test::contains(read, "damaged on disk"), read);
  // A range over it, and a write that reads it first: the same.
  test::error_of([&] { s.range({{"", std::string(1, '\0')}}); },
                 store_errc::corrupt);
  test::error_of(
    [&] {
      auto b = s.begin();
      b.put({"vol/\x01name", "w", false});
    },
    store_errc::corrupt);
  // The other keys are served.
  auto ok = s.range({{"other", {}}});
  BOOST_REQUIRE(ok.kvs.size() == 1u);
  BOOST_TEST(ok.kvs[0].value == "fine");
}

BOOST_AUTO_TEST_CASE(a_format_1_store_is_read_and_migrated) {
  test::temp_dir tmp;
  write_format_1(tmp.path());
  {
    kv_store s(tmp.path(), test::fast_kv_options());
    BOOST_TEST(s.applied().index == 7u);
    BOOST_TEST(s.applied().revision == 3);
    auto all = s.range({{"", std::string(1, '\0')}});
    BOOST_REQUIRE(all.kvs.size() == 2u);
    BOOST_TEST(all.kvs[0].value == "one");
    BOOST_TEST(all.kvs[1].value == "two");
    auto ev = s.events(2, {"", std::string(1, '\0')}, 100);
    BOOST_REQUIRE(ev.events.size() == 2u);
    BOOST_TEST(ev.events[1].kv.key == "b");
  }
  BOOST_TEST(format_on_disk(tmp.path()) == 2u);
  // Migrated values carry checksums: a flipped bit is caught.
  BOOST_REQUIRE(gd::test::flip_value_bit(tmp.path(), "a"));
  kv_store s(tmp.path(), test::fast_kv_options());
  test::error_of([&] { s.range({{"a", {}}}); }, store_errc::corrupt);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gd::store
