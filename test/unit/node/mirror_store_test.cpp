#include <boost/test/unit_test.hpp>

// The node agent's copy of the model: loads replace a prefix, watch events
// apply in order, and the model reader over it sees what the monitors'
// store would show.

#include "actors/config/cluster_store.hpp"
#include "actors/node/model_mirror.hpp"
#include "protocol/cluster_codec.hpp"

using namespace gd;

namespace {

kv::key_value kv_of(std::string k, std::string v, kv::revision rev) {
  kv::key_value x;
  x.key = std::move(k);
  x.value = std::move(v);
  x.create_revision = rev;
  x.mod_revision = rev;
  x.version = 1;
  return x;
}

kv::event put(std::string k, std::string v, kv::revision rev) {
  return {kv::event::kind::put, kv_of(std::move(k), std::move(v), rev)};
}

kv::event del(std::string k, kv::revision rev) {
  kv::event e;
  e.type = kv::event::kind::del;
  e.kv.key = std::move(k);
  e.kv.mod_revision = rev;
  return e;
}

std::vector<std::string> keys_under(const node::mirror_store& s,
                                    const std::string& prefix) {
  kv::range_request r;
  r.range.key = prefix;
  r.range.range_end = kv::prefix_end(prefix);
  std::vector<std::string> out;
  for (const auto& kv : s.range(r).kvs)
    out.push_back(kv.key);
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(mirror_store)

BOOST_AUTO_TEST_CASE(a_load_replaces_only_its_prefix) {
  node::mirror_store s;
  s.load("/gd/volumes/", {kv_of("/gd/volumes/a/info", "1", 2),
                          kv_of("/gd/volumes/b/info", "2", 3)});
  s.load("/gd/cluster/", {kv_of("/gd/cluster/options/x", "on", 4)});
  s.load("/gd/volumes/", {kv_of("/gd/volumes/c/info", "3", 9)});
  BOOST_TEST(keys_under(s, "/gd/volumes/")
             == std::vector<std::string>{"/gd/volumes/c/info"});
  BOOST_TEST(keys_under(s, "/gd/cluster/")
             == std::vector<std::string>{"/gd/cluster/options/x"});
}

BOOST_AUTO_TEST_CASE(events_apply_in_order) {
  node::mirror_store s;
  s.apply({put("/gd/volumes/a/info", "1", 2), put("/gd/volumes/a/info", "2", 3),
           put("/gd/volumes/b/info", "x", 4), del("/gd/volumes/a/info", 5)});
  BOOST_TEST(keys_under(s, "/gd/volumes/")
             == std::vector<std::string>{"/gd/volumes/b/info"});
  kv::range_request one;
  one.range.key = "/gd/volumes/b/info";
  auto got = s.range(one);
  BOOST_TEST(got.kvs.size() == 1u);
  BOOST_TEST(got.kvs.front().value == "x");
  BOOST_TEST(got.kvs.front().mod_revision == 4);
}

BOOST_AUTO_TEST_CASE(range_honours_limit_and_count) {
  node::mirror_store s;
  s.load("/p/", {kv_of("/p/1", "a", 1), kv_of("/p/2", "b", 1),
                 kv_of("/p/3", "c", 1)});
  kv::range_request r;
  r.range.key = "/p/";
  r.range.range_end = kv::prefix_end("/p/");
  r.limit = 2;
  auto got = s.range(r);
  BOOST_TEST(got.kvs.size() == 2u);
  BOOST_TEST(got.more);
  BOOST_TEST(got.count == 3);
  r.limit = 0;
  r.count_only = true;
  got = s.range(r);
  BOOST_TEST(got.kvs.empty());
  BOOST_TEST(got.count == 3);
}

BOOST_AUTO_TEST_CASE(the_model_reader_reads_the_copy) {
  cluster::peer p;
  p.uuid = "11111111-1111-4111-8111-111111111111";
  p.hostname = "h1";
  cluster::volume v;
  v.id = "22222222-2222-4222-8222-222222222222";
  v.name = "v1";
  v.type = cluster::volume_type::distribute;
  v.transport = "tcp";
  cluster::brick b;
  b.peer_uuid = p.uuid;
  b.host = "h1";
  b.path = "/srv/b0";
  v.bricks.push_back(b);
  node::mirror_store s;
  s.load("/gd/volumes/",
         {kv_of(cluster::keys::volume_info("v1"), proto::encode_volume(v), 2),
          kv_of(cluster::keys::brick("v1", 0), proto::encode_brick(b), 2)});
  auto got = s.reader().volume_named("v1");
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(got->bricks.size() == 1u);
  BOOST_TEST(got->bricks[0].path == "/srv/b0");
  BOOST_TEST(!s.reader().volume_named("v2").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
