#include "store/kv_store.hpp"

#include <optional>

#include <boost/test/unit_test.hpp>

#include "store/bytes.hpp"
#include "store/lmdb.hpp"
#include "store_test_support.hpp"

namespace gd::store {

namespace {

using kv::compare_result;
using kv::compare_target;

const std::string to_the_end(1, '\0');

struct kv_fixture {
  test::temp_dir dir;
  std::unique_ptr<kv_store> store
    = std::make_unique<kv_store>(dir.path(), test::fast_kv_options());

  void reopen() {
    store.reset();
    store = std::make_unique<kv_store>(dir.path(), test::fast_kv_options());
  }

  kv::put_result put(const std::string& k, const std::string& v) {
    auto b = store->begin();
    auto r = b.put({k, v, true});
    b.commit();
    return r;
  }

  kv::delete_result del(const std::string& k, const std::string& end = {}) {
    auto b = store->begin();
    auto r = b.del({{k, end}, true});
    b.commit();
    return r;
  }

  kv::txn_result txn(const kv::txn_request& t) {
    auto b = store->begin();
    auto r = b.txn(t);
    b.commit();
    return r;
  }

  std::optional<kv::key_value> get(const std::string& k) const {
    auto r = store->range({{k, {}}});
    if (r.kvs.empty())
      return std::nullopt;
    return r.kvs.front();
  }

  kv::revision revision() const { return store->applied().revision; }

  std::vector<std::string> keys(const kv::range_request& r) const {
    std::vector<std::string> ks;
    for (const auto& kv : store->range(r).kvs)
      ks.push_back(kv.key);
    return ks;
  }
};

kv::key_value kv_of(std::string k, std::string v, kv::revision create,
                    kv::revision mod, std::int64_t version) {
  return kv::key_value{std::move(k), std::move(v), create, mod, version};
}

kv::compare cmp_value(std::string key, compare_result r, std::string v) {
  kv::compare c;
  c.key = std::move(key);
  c.target = compare_target::value;
  c.result = r;
  c.value = std::move(v);
  return c;
}

kv::compare cmp_number(std::string key, compare_target t, compare_result r,
                       std::int64_t n) {
  kv::compare c;
  c.key = std::move(key);
  c.target = t;
  c.result = r;
  c.number = n;
  return c;
}

/// Runs a txn with only `c` as compare; returns whether it succeeded.
bool holds(kv_fixture& f, const kv::compare& c) {
  kv::txn_request t;
  t.compares.push_back(c);
  return f.txn(t).succeeded;
}

raft::configuration three_monitors() {
  raft::configuration c;
  for (auto n : {"m1", "m2", "m3"})
    c.voters.push_back({raft::member_id_of(n), n, std::string(n) + ":24008"});
  return c;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(kv_store_tests, kv_fixture)

BOOST_AUTO_TEST_CASE(kv_store_new_store_is_empty_at_revision_one) {
  auto a = store->applied();
  BOOST_TEST(a.index == 0u);
  BOOST_TEST(a.term == 0u);
  BOOST_TEST(a.revision == 1);
  BOOST_TEST(a.compact_revision == 0);
  BOOST_TEST(store->config() == raft::configuration{});
  auto r = store->range({{"", to_the_end}});
  BOOST_TEST(r.kvs.empty());
  BOOST_TEST(r.count == 0);
  BOOST_TEST(r.header_revision == 1);
  BOOST_TEST(store->dir() == dir.path());
  BOOST_TEST(store->map_size() == std::size_t{64} << 20);
  BOOST_TEST(store->used_bytes() > 0u);
}

BOOST_AUTO_TEST_CASE(kv_store_put_new_key_sets_create_mod_version_one) {
  auto r = put("a", "1");
  BOOST_TEST(r.header_revision == 2);
  BOOST_TEST(!r.prev_kv.has_value());
  BOOST_TEST(get("a").value() == kv_of("a", "1", 2, 2, 1));
  BOOST_TEST(revision() == 2);
}

BOOST_AUTO_TEST_CASE(kv_store_put_existing_key_keeps_create_bumps_version) {
  put("a", "1");
  put("b", "x");
  auto r = put("a", "2");
  BOOST_TEST(r.header_revision == 4);
  BOOST_TEST(r.prev_kv.value() == kv_of("a", "1", 2, 2, 1));
  BOOST_TEST(get("a").value() == kv_of("a", "2", 2, 4, 2));
  // The same value again is still a write.
  put("a", "2");
  BOOST_TEST(get("a").value() == kv_of("a", "2", 2, 5, 3));
  // prev_kv only when asked for.
  auto b = store->begin();
  BOOST_TEST(!b.put({"a", "3", false}).prev_kv.has_value());
}

BOOST_AUTO_TEST_CASE(kv_store_delete_missing_key_does_not_bump_revision) {
  put("a", "1");
  auto r = del("zzz");
  BOOST_TEST(r.deleted == 0);
  BOOST_TEST(r.prev_kvs.empty());
  BOOST_TEST(r.header_revision == 2);
  BOOST_TEST(revision() == 2);
  r = del("b", "c"); // an empty range
  BOOST_TEST(r.deleted == 0);
  BOOST_TEST(revision() == 2);
  BOOST_TEST(store->events(1, {"", to_the_end}, 100).events.size() == 1u);
}

BOOST_AUTO_TEST_CASE(kv_store_delete_then_recreate_restarts_key_lifetime) {
  put("a", "1");
  put("a", "2");
  auto d = del("a");
  BOOST_TEST(d.deleted == 1);
  BOOST_TEST(d.header_revision == 4);
  BOOST_REQUIRE(d.prev_kvs.size() == 1u);
  BOOST_TEST(d.prev_kvs[0] == kv_of("a", "2", 2, 3, 2));
  BOOST_TEST(!get("a").has_value());
  put("a", "3");
  BOOST_TEST(get("a").value() == kv_of("a", "3", 5, 5, 1));
}

BOOST_AUTO_TEST_CASE(kv_store_range_prefix_returns_keys_in_order) {
  for (auto k : {"vol/b", "vol/a", "vol", "vol0", "volume/x", "vom", "a"})
    put(k, "v");
  BOOST_TEST(kv::prefix_end("vol/") == "vol0");
  auto ks = keys({{"vol/", kv::prefix_end("vol/")}});
  BOOST_TEST(ks == (std::vector<std::string>{"vol/a", "vol/b"}));
  ks = keys({{"vol", kv::prefix_end("vol")}});
  BOOST_TEST(ks
             == (std::vector<std::string>{"vol", "vol/a", "vol/b", "vol0",
                                          "volume/x"}));
  // [key, end): the end is excluded.
  ks = keys({{"vol/a", "vol0"}});
  BOOST_TEST(ks == (std::vector<std::string>{"vol/a", "vol/b"}));
}

BOOST_AUTO_TEST_CASE(kv_store_range_to_the_end_returns_all_keys_from_key) {
  for (auto k : {"b", "a", "c", "\xff\xff"})
    put(k, "v");
  BOOST_TEST(keys({{"b", to_the_end}})
             == (std::vector<std::string>{"b", "c", "\xff\xff"}));
  // All keys: empty key, "\0" end (what prefix_end("") gives).
  BOOST_TEST(kv::prefix_end("") == to_the_end);
  BOOST_TEST(keys({{"", to_the_end}}).size() == 4u);
  BOOST_TEST(keys({{"\xff\xff", to_the_end}}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(kv_store_range_limit_sets_more_and_full_count) {
  for (int i = 0; i < 10; ++i)
    put("k" + std::to_string(i), "v" + std::to_string(i));
  kv::range_request r{{"k", kv::prefix_end("k")}, 3};
  auto res = store->range(r);
  BOOST_TEST(res.kvs.size() == 3u);
  BOOST_TEST(res.kvs[2].key == "k2");
  BOOST_TEST(res.more);
  BOOST_TEST(res.count == 10);
  BOOST_TEST(res.header_revision == 11);
  r.limit = 10;
  res = store->range(r);
  BOOST_TEST(res.kvs.size() == 10u);
  BOOST_TEST(!res.more);
  r.limit = 0; // no limit
  BOOST_TEST(store->range(r).kvs.size() == 10u);
  BOOST_TEST(!store->range(r).more);
}

BOOST_AUTO_TEST_CASE(kv_store_range_keys_only_and_count_only) {
  put("a", "1");
  put("b", "2");
  kv::range_request r{{"a", to_the_end}};
  r.keys_only = true;
  auto res = store->range(r);
  BOOST_REQUIRE(res.kvs.size() == 2u);
  BOOST_TEST(res.kvs[1] == kv_of("b", "", 3, 3, 1));
  r.keys_only = false;
  r.count_only = true;
  res = store->range(r);
  BOOST_TEST(res.kvs.empty());
  BOOST_TEST(res.count == 2);
  BOOST_TEST(!res.more);
  // A single missing key.
  res = store->range({{"nope", {}}});
  BOOST_TEST(res.kvs.empty());
  BOOST_TEST(res.count == 0);
}

BOOST_AUTO_TEST_CASE(kv_store_delete_range_returns_prev_kvs_one_revision) {
  put("d/1", "a");
  put("d/2", "b");
  put("d/3", "c");
  put("e", "keep");
  auto r = del("d/", kv::prefix_end("d/"));
  BOOST_TEST(r.deleted == 3);
  BOOST_TEST(r.header_revision == 6);
  BOOST_REQUIRE(r.prev_kvs.size() == 3u);
  BOOST_TEST(r.prev_kvs[0] == kv_of("d/1", "a", 2, 2, 1));
  BOOST_TEST(r.prev_kvs[2] == kv_of("d/3", "c", 4, 4, 1));
  BOOST_TEST(revision() == 6);
  BOOST_TEST(keys({{"", to_the_end}}) == (std::vector<std::string>{"e"}));
  auto ev = store->events(6, {"", to_the_end}, 100).events;
  BOOST_REQUIRE(ev.size() == 3u);
  for (const auto& e : ev) {
    BOOST_TEST(e.type == kv::event::kind::del);
    BOOST_TEST(e.kv.mod_revision == 6);
    BOOST_TEST(e.kv.version == 0);
    BOOST_TEST(e.kv.value.empty());
  }
  BOOST_TEST(ev[1].kv.key == "d/2");
  // Without prev_kv the deleted keys are only counted.
  put("f", "1");
  auto b = store->begin();
  auto r2 = b.del({{"f", {}}, false});
  BOOST_TEST(r2.deleted == 1);
  BOOST_TEST(r2.prev_kvs.empty());
}

BOOST_AUTO_TEST_CASE(kv_store_txn_success_branch_runs_when_compares_hold) {
  put("a", "1");
  kv::txn_request t;
  t.compares.push_back(cmp_value("a", compare_result::equal, "1"));
  t.compares.push_back(
    cmp_number("a", compare_target::version, compare_result::equal, 1));
  t.success.push_back(kv::put_request{"b", "from success", false});
  t.success.push_back(kv::range_request{{"a", {}}});
  t.failure.push_back(kv::put_request{"c", "from failure", false});
  auto r = txn(t);
  BOOST_TEST(r.succeeded);
  BOOST_TEST(r.header_revision == 3);
  BOOST_REQUIRE(r.responses.size() == 2u);
  BOOST_TEST(std::get<kv::put_result>(r.responses[0]).header_revision == 3);
  auto& read = std::get<kv::range_result>(r.responses[1]);
  BOOST_REQUIRE(read.kvs.size() == 1u);
  BOOST_TEST(read.kvs[0] == kv_of("a", "1", 2, 2, 1));
  BOOST_TEST(get("b").value() == kv_of("b", "from success", 3, 3, 1));
  BOOST_TEST(!get("c").has_value());
}

BOOST_AUTO_TEST_CASE(kv_store_txn_failure_branch_runs_when_a_compare_fails) {
  put("a", "1");
  kv::txn_request t;
  t.compares.push_back(cmp_value("a", compare_result::equal, "1"));
  t.compares.push_back(cmp_value("a", compare_result::equal, "2"));
  t.success.push_back(kv::put_request{"b", "from success", false});
  t.failure.push_back(kv::put_request{"c", "from failure", false});
  t.failure.push_back(kv::delete_request{{"a", {}}, true});
  auto r = txn(t);
  BOOST_TEST(!r.succeeded);
  BOOST_TEST(r.header_revision == 3);
  BOOST_REQUIRE(r.responses.size() == 2u);
  auto& d = std::get<kv::delete_result>(r.responses[1]);
  BOOST_TEST(d.deleted == 1);
  BOOST_TEST(d.header_revision == 3);
  BOOST_TEST(!get("b").has_value());
  BOOST_TEST(get("c").value() == kv_of("c", "from failure", 3, 3, 1));
  BOOST_TEST(!get("a").has_value());
}

BOOST_AUTO_TEST_CASE(kv_store_txn_compare_every_target_and_result) {
  put("k", "m");      // rev 2
  put("other", "x");  // rev 3
  put("k", "m");      // rev 4: k has create 2, mod 4, version 2, value "m"
  struct row {
    compare_target target;
    std::int64_t at; // the key's number for this target
  };
  for (auto [target, at] : {row{compare_target::version, 2},
                            row{compare_target::create_revision, 2},
                            row{compare_target::mod_revision, 4}}) {
    BOOST_TEST_CONTEXT("target " << static_cast<int>(target)) {
      using r = compare_result;
      BOOST_TEST(holds(*this, cmp_number("k", target, r::equal, at)));
      BOOST_TEST(!holds(*this, cmp_number("k", target, r::equal, at + 1)));
      BOOST_TEST(holds(*this, cmp_number("k", target, r::not_equal, at + 1)));
      BOOST_TEST(!holds(*this, cmp_number("k", target, r::not_equal, at)));
      BOOST_TEST(holds(*this, cmp_number("k", target, r::greater, at - 1)));
      BOOST_TEST(!holds(*this, cmp_number("k", target, r::greater, at)));
      BOOST_TEST(holds(*this, cmp_number("k", target, r::less, at + 1)));
      BOOST_TEST(!holds(*this, cmp_number("k", target, r::less, at)));
    }
  }
  using r = compare_result;
  BOOST_TEST(holds(*this, cmp_value("k", r::equal, "m")));
  BOOST_TEST(!holds(*this, cmp_value("k", r::equal, "n")));
  BOOST_TEST(holds(*this, cmp_value("k", r::not_equal, "n")));
  BOOST_TEST(!holds(*this, cmp_value("k", r::not_equal, "m")));
  BOOST_TEST(holds(*this, cmp_value("k", r::greater, "l")));
  BOOST_TEST(holds(*this, cmp_value("k", r::greater, "")));
  BOOST_TEST(!holds(*this, cmp_value("k", r::greater, "m")));
  BOOST_TEST(!holds(*this, cmp_value("k", r::greater, "ma")));
  BOOST_TEST(holds(*this, cmp_value("k", r::less, "ma")));
  BOOST_TEST(holds(*this, cmp_value("k", r::less, "n")));
  BOOST_TEST(!holds(*this, cmp_value("k", r::less, "m")));
  // Bytes compare unsigned: 0xff sorts after every ASCII byte.
  BOOST_TEST(holds(*this, cmp_value("k", r::less, "\xff")));
  // Compares that only read never bump the revision.
  BOOST_TEST(revision() == 4);
}

BOOST_AUTO_TEST_CASE(kv_store_txn_compare_missing_key_rules) {
  using r = compare_result;
  for (auto target : {compare_target::version, compare_target::create_revision,
                      compare_target::mod_revision}) {
    BOOST_TEST(holds(*this, cmp_number("nope", target, r::equal, 0)));
    BOOST_TEST(holds(*this, cmp_number("nope", target, r::less, 1)));
    BOOST_TEST(!holds(*this, cmp_number("nope", target, r::greater, 0)));
    BOOST_TEST(holds(*this, cmp_number("nope", target, r::not_equal, 5)));
  }
  // As in etcd, a value compare on a missing key always fails, "!="
  // included, even against the empty string.
  BOOST_TEST(!holds(*this, cmp_value("nope", r::equal, "")));
  BOOST_TEST(!holds(*this, cmp_value("nope", r::equal, "x")));
  BOOST_TEST(!holds(*this, cmp_value("nope", r::not_equal, "")));
  BOOST_TEST(!holds(*this, cmp_value("nope", r::not_equal, "x")));
  BOOST_TEST(!holds(*this, cmp_value("nope", r::greater, "")));
  BOOST_TEST(!holds(*this, cmp_value("nope", r::less, "x")));
  // A present key with an empty value does equal "".
  put("empty", "");
  BOOST_TEST(holds(*this, cmp_value("empty", r::equal, "")));
}

BOOST_AUTO_TEST_CASE(kv_store_txn_reads_see_earlier_writes_of_same_txn) {
  put("a", "old");
  kv::txn_request t;
  t.success.push_back(kv::range_request{{"a", {}}});
  t.success.push_back(kv::put_request{"a", "new", true});
  t.success.push_back(kv::range_request{{"a", {}}});
  t.success.push_back(kv::delete_request{{"a", {}}, true});
  t.success.push_back(kv::range_request{{"a", {}}});
  t.success.push_back(kv::put_request{"a", "again", true});
  auto r = txn(t);
  BOOST_REQUIRE(r.responses.size() == 6u);
  auto read = [&](std::size_t i) {
    return std::get<kv::range_result>(r.responses[i]);
  };
  BOOST_TEST(read(0).kvs.at(0) == kv_of("a", "old", 2, 2, 1));
  BOOST_TEST(read(0).header_revision == 2); // nothing written yet
  auto put1 = std::get<kv::put_result>(r.responses[1]);
  BOOST_TEST(put1.prev_kv.value() == kv_of("a", "old", 2, 2, 1));
  BOOST_TEST(read(2).kvs.at(0) == kv_of("a", "new", 2, 3, 2));
  BOOST_TEST(read(2).header_revision == 3);
  auto del1 = std::get<kv::delete_result>(r.responses[3]);
  BOOST_TEST(del1.prev_kvs.at(0) == kv_of("a", "new", 2, 3, 2));
  BOOST_TEST(read(4).kvs.empty());
  auto put2 = std::get<kv::put_result>(r.responses[5]);
  BOOST_TEST(!put2.prev_kv.has_value());
  // Re-created within the txn: a new lifetime, at the txn's revision.
  BOOST_TEST(get("a").value() == kv_of("a", "again", 3, 3, 1));
  BOOST_TEST(r.header_revision == 3);
  BOOST_TEST(revision() == 3);
}

BOOST_AUTO_TEST_CASE(kv_store_txn_many_writes_share_one_revision) {
  put("gone", "x");
  kv::txn_request t;
  for (auto k : {"t1", "t2", "t3"})
    t.success.push_back(kv::put_request{k, "v", false});
  t.success.push_back(kv::delete_request{{"gone", {}}, false});
  t.success.push_back(kv::delete_request{{"never", {}}, false});
  auto r = txn(t);
  BOOST_TEST(r.header_revision == 3);
  BOOST_TEST(revision() == 3);
  for (auto k : {"t1", "t2", "t3"})
    BOOST_TEST(get(k).value().mod_revision == 3);
  auto ev = store->events(3, {"", to_the_end}, 100);
  BOOST_REQUIRE(ev.events.size() == 4u);
  BOOST_TEST(ev.events[0].kv.key == "t1");
  BOOST_TEST(ev.events[2].kv.key == "t3");
  BOOST_TEST(ev.events[3].kv.key == "gone");
  BOOST_TEST(ev.events[3].type == kv::event::kind::del);
  BOOST_TEST(ev.next_revision == 4);
}

BOOST_AUTO_TEST_CASE(kv_store_txn_without_writes_does_not_bump_revision) {
  put("a", "1");
  kv::txn_request t;
  t.compares.push_back(cmp_value("a", compare_result::equal, "1"));
  t.success.push_back(kv::range_request{{"a", {}}});
  t.success.push_back(kv::delete_request{{"missing", {}}, false});
  auto r = txn(t);
  BOOST_TEST(r.succeeded);
  BOOST_TEST(r.header_revision == 2);
  BOOST_TEST(revision() == 2);
  // An empty txn too.
  BOOST_TEST(txn({}).header_revision == 2);
  BOOST_TEST(revision() == 2);
}

BOOST_AUTO_TEST_CASE(kv_store_events_in_order_filtered_by_range) {
  put("a", "1");                      // 2
  put("b/1", "x");                    // 3
  put("a", "2");                      // 4
  del("a");                           // 5
  put("b/2", "y");                    // 6
  auto all = store->events(1, {"", to_the_end}, 100);
  BOOST_TEST(!all.compacted);
  BOOST_REQUIRE(all.events.size() == 5u);
  BOOST_TEST(all.events[0].kv == kv_of("a", "1", 2, 2, 1));
  BOOST_TEST(all.events[2].kv == kv_of("a", "2", 2, 4, 2));
  BOOST_TEST(all.events[3].type == kv::event::kind::del);
  BOOST_TEST(all.events[3].kv == kv_of("a", "", 0, 5, 0));
  BOOST_TEST(all.next_revision == 7);
  // One key.
  auto a = store->events(1, {"a", {}}, 100);
  BOOST_TEST(a.events.size() == 3u);
  // A prefix, from a later revision.
  auto b = store->events(4, {"b/", kv::prefix_end("b/")}, 100);
  BOOST_REQUIRE(b.events.size() == 1u);
  BOOST_TEST(b.events[0].kv.key == "b/2");
  BOOST_TEST(b.next_revision == 7);
  // From the future: nothing yet, continue there.
  auto later = store->events(9, {"", to_the_end}, 100);
  BOOST_TEST(later.events.empty());
  BOOST_TEST(later.next_revision == 9);
}

BOOST_AUTO_TEST_CASE(kv_store_events_never_split_a_revision) {
  put("x", "0"); // 2
  kv::txn_request t;
  for (auto k : {"t1", "t2", "t3"})
    t.success.push_back(kv::put_request{k, "v", false});
  txn(t);        // 3
  put("y", "0"); // 4
  auto r = store->events(1, {"", to_the_end}, 2);
  // Revision 2 (1 event), then all of revision 3 although that passes 2.
  BOOST_TEST(r.events.size() == 4u);
  BOOST_TEST(r.next_revision == 4);
  auto rest = store->events(r.next_revision, {"", to_the_end}, 2);
  BOOST_REQUIRE(rest.events.size() == 1u);
  BOOST_TEST(rest.events[0].kv.key == "y");
  BOOST_TEST(rest.next_revision == 5);
  test::error_of([&] { store->events(0, {"", to_the_end}, 2); },
                 store_errc::precondition);
}

BOOST_AUTO_TEST_CASE(kv_store_events_at_or_before_compaction_are_compacted) {
  for (int i = 0; i < 5; ++i)
    put("k", std::to_string(i)); // revisions 2..6
  {
    auto b = store->begin();
    auto r = b.compact(4);
    BOOST_TEST(r.header_revision == 6);
    BOOST_TEST(b.compact_revision() == 4);
    b.commit();
  }
  BOOST_TEST(store->applied().compact_revision == 4);
  BOOST_TEST(revision() == 6); // compaction is not a write
  auto r = store->events(4, {"", to_the_end}, 100);
  BOOST_TEST(r.compacted);
  BOOST_TEST(r.events.empty());
  BOOST_TEST(r.compact_revision == 4);
  BOOST_TEST(r.next_revision == 5);
  r = store->events(5, {"", to_the_end}, 100);
  BOOST_TEST(!r.compacted);
  BOOST_TEST(r.events.size() == 2u);
  BOOST_TEST(r.compact_revision == 4);
  // The keys themselves are untouched.
  BOOST_TEST(get("k").value() == kv_of("k", "4", 2, 6, 5));
}

BOOST_AUTO_TEST_CASE(kv_store_compact_outside_range_throws_precondition) {
  put("k", "1"); // 2
  auto b = store->begin();
  b.compact(2);
  test::error_of([&] { b.compact(2); }, store_errc::precondition);
  test::error_of([&] { b.compact(1); }, store_errc::precondition);
  test::error_of([&] { b.compact(3); }, store_errc::precondition);
  // A rejected call leaves the batch usable.
  b.put({"k", "2", false});
  b.compact(3);
  b.commit();
  BOOST_TEST(store->applied().compact_revision == 3);
}

BOOST_AUTO_TEST_CASE(kv_store_destroyed_batch_changes_nothing) {
  put("a", "1");
  auto before = store->applied();
  {
    auto b = store->begin();
    b.put({"a", "2", false});
    b.put({"b", "x", false});
    b.del({{"a", {}}, false});
    b.set_applied(10, 3);
    b.set_config(three_monitors());
    BOOST_TEST(b.revision() == 5);
    // Reads outside the batch do not see it.
    BOOST_TEST(get("a").value().value == "1");
  }
  auto after = store->applied();
  BOOST_TEST(after.revision == before.revision);
  BOOST_TEST(after.index == before.index);
  BOOST_TEST(get("a").value() == kv_of("a", "1", 2, 2, 1));
  BOOST_TEST(!get("b").has_value());
  BOOST_TEST(store->config() == raft::configuration{});
  BOOST_TEST(store->events(1, {"", to_the_end}, 100).events.size() == 1u);
  // And the next batch can begin.
  put("c", "1");
  BOOST_TEST(revision() == 3);
}

BOOST_AUTO_TEST_CASE(kv_store_batch_reads_see_own_writes) {
  auto b = store->begin();
  b.put({"a", "1", false});
  auto r = b.range({{"a", {}}});
  BOOST_REQUIRE(r.kvs.size() == 1u);
  BOOST_TEST(r.header_revision == 2);
  BOOST_TEST(store->range({{"a", {}}}).kvs.empty());
  b.commit();
  BOOST_TEST(get("a").has_value());
}

BOOST_AUTO_TEST_CASE(kv_store_second_open_batch_throws_precondition) {
  auto b = store->begin();
  auto what = test::error_of([&] { store->begin(); },
                             store_errc::precondition);
  BOOST_TEST(test::contains(what, "a write batch is already open"));
  b.commit();
  // Committed: the next may begin while the old object still exists.
  auto b2 = store->begin();
  test::error_of([&] { b.put({"a", "1", false}); }, store_errc::precondition);
  auto moved = std::move(b2);
  moved.put({"a", "1", false});
  moved.commit();
  BOOST_TEST(revision() == 2);
}

BOOST_AUTO_TEST_CASE(kv_store_applied_and_config_survive_reopen) {
  {
    auto b = store->begin();
    b.put({"a", "1", false});
    b.set_applied(7, 2);
    b.set_config(three_monitors());
    b.commit();
  }
  {
    auto b = store->begin();
    b.compact(2);
    b.set_applied(8, 3);
    b.commit();
  }
  reopen();
  auto a = store->applied();
  BOOST_TEST(a.index == 8u);
  BOOST_TEST(a.term == 3u);
  BOOST_TEST(a.revision == 2);
  BOOST_TEST(a.compact_revision == 2);
  BOOST_TEST(store->config() == three_monitors());
  BOOST_TEST(get("a").value() == kv_of("a", "1", 2, 2, 1));
  auto b = store->begin();
  test::error_of([&] { b.set_applied(7, 3); }, store_errc::precondition);
  b.set_applied(8, 3); // equal is allowed
}

BOOST_AUTO_TEST_CASE(kv_store_apply_dispatches_each_write_request) {
  auto b = store->begin();
  auto p = std::get<kv::put_result>(b.apply(kv::put_request{"a", "1", false}));
  BOOST_TEST(p.header_revision == 2);
  kv::txn_request t;
  t.success.push_back(kv::put_request{"b", "2", false});
  auto x = std::get<kv::txn_result>(b.apply(t));
  BOOST_TEST(x.header_revision == 3);
  auto d = std::get<kv::delete_result>(
    b.apply(kv::delete_request{{"a", {}}, false}));
  BOOST_TEST(d.deleted == 1);
  auto c = std::get<kv::compact_result>(b.apply(kv::compact_request{3}));
  BOOST_TEST(c.header_revision == 4);
  b.commit();
  BOOST_TEST(revision() == 4);
}

BOOST_AUTO_TEST_CASE(kv_store_key_too_long_throws_precondition_batch_lives) {
  BOOST_TEST(store->max_key_size() == 511u);
  auto b = store->begin();
  auto what = test::error_of(
    [&] { b.put({std::string(512, 'k'), "v", false}); },
    store_errc::precondition);
  BOOST_TEST(test::contains(what, "a key of 512 bytes is longer than the "
                                  "store's limit of 511 bytes"));
  test::error_of([&] { b.put({"", "v", false}); }, store_errc::precondition);
  // A txn with a bad key anywhere writes nothing at all.
  kv::txn_request t;
  t.success.push_back(kv::put_request{"ok", "v", false});
  t.success.push_back(kv::put_request{std::string(600, 'k'), "v", false});
  test::error_of([&] { b.txn(t); }, store_errc::precondition);
  BOOST_TEST(b.revision() == 1);
  BOOST_TEST(b.range({{"ok", {}}}).kvs.empty());
  b.put({std::string(511, 'k'), "v", false});
  b.commit();
  BOOST_TEST(revision() == 2);
  // Reads and deletes of longer keys find nothing rather than fail.
  BOOST_TEST(store->range({{std::string(600, 'k'), {}}}).kvs.empty());
  BOOST_TEST(keys({{std::string(600, 'k'), to_the_end}}).empty());
  BOOST_TEST(keys({{std::string(510, 'k'), std::string(600, 'k')}}).size()
             == 1u);
  BOOST_TEST(del(std::string(600, 'k')).deleted == 0);
}

BOOST_AUTO_TEST_CASE(kv_store_map_full_batch_applies_nothing) {
  test::temp_dir small;
  auto opts = test::fast_kv_options();
  opts.map_size = 128 * 1024;
  {
    kv_store s(small.path(), opts);
    {
      auto b = s.begin();
      b.put({"kept", "1", false});
      b.set_applied(1, 1);
      b.commit();
    }
    std::string what;
    {
      auto b = s.begin();
      b.set_applied(2, 1);
      what = test::error_of(
        [&] {
          for (int i = 0; i < 100; ++i)
            b.put({"big" + std::to_string(i), std::string(8192, 'b'), false});
          b.commit();
        },
        store_errc::map_full);
      // The batch is over; using it says why.
      auto again = test::error_of([&] { b.commit(); },
                                  store_errc::precondition);
      BOOST_TEST(test::contains(again, "a write failed"));
    }
    BOOST_TEST(what.rfind("kv store " + small.path()
                            + " is full (map size 131072 bytes); raise the "
                              "map size or compact (",
                          0)
               == 0u);
    BOOST_TEST(s.applied().index == 1u);
    BOOST_TEST(s.applied().revision == 2);
    BOOST_TEST(s.range({{"big0", {}}}).kvs.empty());
    // Still usable for what fits.
    auto b = s.begin();
    b.put({"small", "1", false});
    b.commit();
  }
  kv_store s(small.path(), opts);
  BOOST_TEST(s.applied().index == 1u);
  BOOST_TEST(s.applied().revision == 3);
  BOOST_TEST(s.range({{"", to_the_end}}).count == 2);
}

BOOST_AUTO_TEST_CASE(kv_store_copy_to_opens_with_same_contents) {
  for (int i = 0; i < 50; ++i)
    put("k" + std::to_string(i), std::string(100, 'v'));
  del("k1");
  {
    auto b = store->begin();
    b.compact(10);
    b.set_applied(42, 5);
    b.set_config(three_monitors());
    b.commit();
  }
  store->flush();
  test::temp_dir target;
  auto copied = store->copy_to(target.path());
  auto a = store->applied();
  BOOST_TEST(copied.index == 42u);
  BOOST_TEST(copied.term == 5u);
  BOOST_TEST(copied.revision == a.revision);
  BOOST_TEST(copied.compact_revision == 10);
  kv_store copy(target.path(), test::fast_kv_options());
  BOOST_TEST(copy.applied().index == 42u);
  BOOST_TEST(copy.applied().revision == a.revision);
  BOOST_TEST(copy.config() == three_monitors());
  auto all = kv::range_request{{"", to_the_end}};
  BOOST_TEST((copy.range(all).kvs == store->range(all).kvs));
  BOOST_TEST(copy.range(all).count == 49);
  auto ev1 = copy.events(11, {"", to_the_end}, 1000);
  auto ev2 = store->events(11, {"", to_the_end}, 1000);
  BOOST_TEST(ev1.events.size() == ev2.events.size());
  BOOST_TEST(ev1.next_revision == ev2.next_revision);
  BOOST_TEST(copy.events(10, {"", to_the_end}, 10).compacted);
  // The target must be empty.
  test::error_of([&] { store->copy_to(target.path()); },
                 store_errc::precondition);
}

BOOST_AUTO_TEST_CASE(kv_store_other_format_version_throws_bad_layout) {
  store.reset();
  {
    lmdb::env_options o;
    o.max_dbs = 3;
    lmdb::env e("raw", dir.path(), o);
    lmdb::write_txn t(e);
    auto meta = t.open_dbi("meta");
    std::string v;
    bytes::put_u32(v, 9);
    t.put(meta, "format", v);
    t.commit();
  }
  auto what = test::error_of(
    [&] { kv_store s(dir.path(), test::fast_kv_options()); },
    store_errc::bad_layout);
  BOOST_TEST(what
             == "kv store " + dir.path()
                  + ": the store has format version 9, but this build reads "
                    "versions 1 to 2");
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gd::store
