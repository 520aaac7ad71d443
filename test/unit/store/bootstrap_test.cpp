#include <filesystem>

#include <boost/test/unit_test.hpp>

#include "store/bootstrap.hpp"
#include "store/lmdb_raft_log.hpp"
#include "store_test_support.hpp"

namespace gd::store {

namespace {

raft::configuration three() {
  raft::configuration c;
  for (const char* n : {"m1", "m2", "m3"})
    c.voters.push_back({raft::member_id_of(n), n, std::string(n) + ":24007"});
  return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(bootstrap_tests)

BOOST_AUTO_TEST_CASE(bootstrap_log_and_store_agree_after_reopen) {
  test::temp_dir tmp;
  std::filesystem::create_directory(tmp.path() + "/raft");
  {
    lmdb_raft_log log(tmp.path() + "/raft", {});
    kv_store kv(tmp.path(), test::fast_kv_options());
    bootstrap_member(log, kv, three());
  }
  lmdb_raft_log log(tmp.path() + "/raft", {});
  kv_store kv(tmp.path(), test::fast_kv_options());
  BOOST_TEST(log.snapshot().index == 0u);
  BOOST_TEST(log.snapshot().config.voters.size() == 3u);
  BOOST_TEST(kv.applied().index == 0u);
  BOOST_TEST(kv.config().voters.size() == 3u);
  BOOST_TEST(kv.config().voters[2].address == "m3:24007");
}

BOOST_AUTO_TEST_CASE(bootstrap_of_a_used_member_refused_changes_nothing) {
  test::temp_dir tmp;
  std::filesystem::create_directory(tmp.path() + "/raft");
  lmdb_raft_log log(tmp.path() + "/raft", {});
  kv_store kv(tmp.path(), test::fast_kv_options());
  raft::entry e;
  e.index = 1;
  e.term = 1;
  e.type = raft::entry_type::noop;
  log.append({e});
  log.sync();
  auto what = test::error_of([&] { bootstrap_member(log, kv, three()); },
                             store_errc::precondition);
  BOOST_TEST(test::contains(what, "bootstrap: the member is not blank (its "
                                  "log ends at 1"));
  BOOST_TEST(log.last_index() == 1u);
  BOOST_TEST(kv.config().voters.empty());
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gd::store
