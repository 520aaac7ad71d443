#include <boost/test/unit_test.hpp>

#include "cmd/glcli/peer_output.hpp"
#include "cmd/glcli/volume_output.hpp"
#include "test/unit/cli/cluster_samples.hpp"

namespace {

namespace cluster = gd::cluster;
using namespace gd::glcli;
using namespace gd::test;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

/// `text` padded with spaces to `width`.
std::string col(const std::string& text, std::size_t width) {
  return text + std::string(width - text.size(), ' ');
}

const std::string dashes(78, '-');

} // namespace

BOOST_AUTO_TEST_SUITE(cluster_output)

BOOST_AUTO_TEST_CASE(number_of_bricks_per_volume_type) {
  BOOST_TEST(brick_count_text(distribute_volume().volume) == "3");
  BOOST_TEST(brick_count_text(dist_replicate_volume().volume) == "2 x 3 = 6");
  BOOST_TEST(brick_count_text(arbiter_volume().volume) == "1 x (2 + 1) = 3");
  BOOST_TEST(brick_count_text(disperse_volume().volume) == "1 x (4 + 2) = 6");
  BOOST_TEST(brick_count_text(dist_disperse_volume().volume)
             == "2 x (4 + 2) = 12");
  auto rep = sample_volume("r", cluster::volume_type::replicate, 2, 2);
  BOOST_TEST(brick_count_text(rep.volume) == "1 x 2 = 2");
}

BOOST_AUTO_TEST_CASE(volume_info_text_distribute) {
  BOOST_TEST(volume_info_text({distribute_volume()})
             == " \n"
                "Volume Name: dist\n"
                "Type: Distribute\n"
                "Volume ID: 00000000-0000-4000-8000-000000000013\n"
                "Status: Created\n"
                "Snapshot Count: 0\n"
                "Number of Bricks: 3\n"
                "Transport-type: tcp\n"
                "Bricks:\n"
                "Brick1: h1:/b0\n"
                "Brick2: h2:/b0\n"
                "Brick3: h3:/b0\n");
}

BOOST_AUTO_TEST_CASE(volume_info_text_replicate_with_options) {
  BOOST_TEST(volume_info_text({dist_replicate_volume()})
             == " \n"
                "Volume Name: rep\n"
                "Type: Distributed-Replicate\n"
                "Volume ID: 00000000-0000-4000-8000-000000000016\n"
                "Status: Started\n"
                "Snapshot Count: 0\n"
                "Number of Bricks: 2 x 3 = 6\n"
                "Transport-type: tcp\n"
                "Bricks:\n"
                "Brick1: h1:/b0\n"
                "Brick2: h2:/b0\n"
                "Brick3: h3:/b0\n"
                "Brick4: h1:/b1\n"
                "Brick5: h2:/b1\n"
                "Brick6: h3:/b1\n"
                "Options Reconfigured:\n"
                "cluster.self-heal-daemon: enable\n"
                "performance.readdir-ahead: on\n");
}

BOOST_AUTO_TEST_CASE(volume_info_text_arbiter_and_disperse) {
  auto text = volume_info_text({arbiter_volume(), disperse_volume()});
  BOOST_TEST(contains(text, "\nVolume Name: arb\nType: Replicate\n"));
  BOOST_TEST(contains(text, "Number of Bricks: 1 x (2 + 1) = 3\n"));
  BOOST_TEST(contains(text, "Brick2: h2:/b0\nBrick3: h3:/b0 (arbiter)\n"));
  BOOST_TEST(contains(text, "\nVolume Name: ec\nType: Disperse\n"));
  BOOST_TEST(contains(text, "Number of Bricks: 1 x (4 + 2) = 6\n"));
  BOOST_TEST(contains(text, "Brick6: h6:/b0\n"));
  BOOST_TEST(!contains(text, "Options Reconfigured"));
  text = volume_info_text({dist_disperse_volume()});
  BOOST_TEST(contains(text, "Type: Distributed-Disperse\n"));
  BOOST_TEST(contains(text, "Number of Bricks: 2 x (4 + 2) = 12\n"));
  BOOST_TEST(volume_info_text({}) == "No volumes present\n");
}

BOOST_AUTO_TEST_CASE(volume_info_json_fields) {
  BOOST_TEST(volume_info_json({arbiter_volume()})
             == R"({"volumes":[{"name":"arb",)"
                R"("id":"00000000-0000-4000-8000-000000000013",)"
                R"("status":0,"statusStr":"Created","snapshotCount":0,)"
                R"("brickCount":3,"distCount":3,"subvolumeCount":1,)"
                R"("replicaCount":3,"arbiterCount":1,"disperseCount":0,)"
                R"("redundancyCount":0,"type":2,"typeStr":"Replicate",)"
                R"("transport":"tcp","bricks":[)"
                R"({"name":"h1:/b0","hostUuid":"uuid-h1","isArbiter":false},)"
                R"({"name":"h2:/b0","hostUuid":"uuid-h2","isArbiter":false},)"
                R"({"name":"h3:/b0","hostUuid":"uuid-h3","isArbiter":true}],)"
                R"("optCount":0,"options":[]}],"count":1})");
  auto rep = volume_info_json({dist_replicate_volume()});
  BOOST_TEST(contains(rep, R"("status":1,"statusStr":"Started")"));
  BOOST_TEST(contains(rep, R"("brickCount":6,"distCount":3,)"
                           R"("subvolumeCount":2,"replicaCount":3,)"));
  BOOST_TEST(contains(rep, R"("type":2,"typeStr":"Distributed-Replicate")"));
  BOOST_TEST(contains(rep, R"("optCount":2,"options":[)"
                           R"({"name":"cluster.self-heal-daemon",)"
                           R"("value":"enable"},)"
                           R"({"name":"performance.readdir-ahead",)"
                           R"("value":"on"}])"));
  auto ec = volume_info_json({dist_disperse_volume()});
  BOOST_TEST(contains(ec, R"("brickCount":12,"distCount":6,)"
                          R"("subvolumeCount":2,"replicaCount":1,)"
                          R"("arbiterCount":0,"disperseCount":6,)"
                          R"("redundancyCount":2,"type":4,)"
                          R"("typeStr":"Distributed-Disperse")"));
  auto dist = volume_info_json({distribute_volume()});
  BOOST_TEST(contains(dist, R"("distCount":1,"subvolumeCount":3,)"));
  BOOST_TEST(contains(dist, R"("type":0,"typeStr":"Distribute")"));
  BOOST_TEST(volume_info_json({}) == R"({"volumes":[],"count":0})");
}

BOOST_AUTO_TEST_CASE(volume_list_forms) {
  BOOST_TEST(volume_list_text({"a", "b"}) == "a\nb\n");
  BOOST_TEST(volume_list_text({}) == "No volumes present in cluster\n");
  BOOST_TEST(volume_list_json({"a", "b"})
             == R"({"count":2,"volume":["a","b"]})");
  BOOST_TEST(volume_list_json({}) == R"({"count":0,"volume":[]})");
}

BOOST_AUTO_TEST_CASE(volume_status_table) {
  auto v = dist_replicate_volume();
  v.volume.bricks.resize(2);
  v.observed.resize(2);
  v.observed[0] = {true, 49152, 1234};
  auto dist = distribute_volume();
  BOOST_TEST(volume_status_text({v, dist})
             == "Status of volume: rep\n"
                + col("Gluster process", 44)
                + "TCP Port  RDMA Port  Online  Pid\n" + dashes + "\n"
                + col("Brick h1:/b0", 44)
                + "49152     0          Y       1234\n"
                + col("Brick h2:/b0", 44)
                + "N/A       N/A        N       N/A\n"
                  "\n"
                  "Task Status of Volume rep\n"
                + dashes
                + "\n"
                  "There are no active volume tasks\n"
                  "\n"
                  "Volume dist is not started\n");
  BOOST_TEST(volume_status_text({}) == "No volumes present\n");
}

BOOST_AUTO_TEST_CASE(volume_status_long_brick_and_task) {
  auto v = sample_volume("v", cluster::volume_type::distribute, 2);
  v.volume.status = cluster::volume_status::started;
  v.volume.bricks[0].path = "/a/very/long/brick/path/that/does/not/fit";
  v.volume.bricks[1].decommissioned = true;
  v.volume.remove_brick_task = "task-1";
  auto text = volume_status_text({v});
  BOOST_TEST(contains(text, "Brick h1:/a/very/long/brick/path/that/does/not/"
                            "fit\n"
                              + std::string(44, ' ')
                              + "N/A       N/A        N       N/A\n"));
  BOOST_TEST(contains(text, "Task Status of Volume v\n" + dashes
                              + "\nTask                 : Remove brick\n"
                                "ID                   : task-1\n"
                                "Removed bricks:\n"
                                "h2:/b0\n"
                                "Status               : in progress\n"));
  BOOST_TEST(remove_brick_status_text(v)
             == "Volume: v\nTask: Remove brick\nID: task-1\n"
                "Removed bricks:\nh2:/b0\nStatus: in progress\n");
  BOOST_TEST(remove_brick_status_json(v)
             == R"({"volName":"v","task":{"type":"Remove brick",)"
                R"("id":"task-1","bricks":["h2:/b0"],)"
                R"("statusStr":"in progress"}})");
}

BOOST_AUTO_TEST_CASE(volume_status_json_nodes) {
  auto v = sample_volume("v", cluster::volume_type::replicate, 2, 2);
  v.volume.status = cluster::volume_status::started;
  v.observed[1] = {true, 49153, 77};
  auto stopped = distribute_volume();
  stopped.volume.status = cluster::volume_status::stopped;
  BOOST_TEST(volume_status_json({v, stopped})
             == R"({"volumes":[{"volName":"v","started":true,)"
                R"("statusStr":"Started","nodeCount":2,"node":[)"
                R"({"hostname":"h1","path":"/b0","peerid":"uuid-h1",)"
                R"("status":0,"online":false,"port":null,"pid":null},)"
                R"({"hostname":"h2","path":"/b0","peerid":"uuid-h2",)"
                R"("status":1,"online":true,"port":49153,"pid":77}],)"
                R"("tasks":[]},)"
                R"({"volName":"dist","started":false,"statusStr":"Stopped",)"
                R"("nodeCount":0,"node":[],"tasks":[]}]})");
}

BOOST_AUTO_TEST_CASE(volume_get_table_and_json) {
  std::vector<cluster::option_value> opts{
    {"performance.cache-size", "256MB", "32MB", "Size of the read cache",
     true},
    {"nfs.disable", "on", "on", "", false}};
  BOOST_TEST(volume_options_text(opts)
             == col("Option", 40) + "Value\n" + col("------", 40) + "-----\n"
                  + col("performance.cache-size", 40) + "256MB\n"
                  + col("nfs.disable", 40) + "on\n");
  BOOST_TEST(volume_options_json("v1", opts)
             == R"({"volName":"v1","count":2,"Opt":[)"
                R"({"Option":"performance.cache-size","Value":"256MB",)"
                R"("defaultValue":"32MB","isSet":true,)"
                R"("description":"Size of the read cache"},)"
                R"({"Option":"nfs.disable","Value":"on","defaultValue":"on",)"
                R"("isSet":false,"description":""}]})");
  std::string long_key(45, 'k');
  BOOST_TEST(contains(volume_options_text({{long_key, "v", "", "", true}}),
                      long_key + " v\n"));
}

BOOST_AUTO_TEST_CASE(change_and_volfile_json) {
  cluster::change_done d;
  d.message = "";
  d.revision = 42;
  BOOST_TEST(change_json("volName", "v1", d)
             == R"({"volName":"v1","revision":42,"message":""})");
  BOOST_TEST(change_json("hostname", "h2", d, "t-1")
             == R"({"hostname":"h2","revision":42,"message":"",)"
                R"("taskId":"t-1"})");
  d.volume = distribute_volume();
  BOOST_TEST(contains(change_json("volName", "dist", d),
                      R"("message":"","volume":{"name":"dist",)"));
  BOOST_TEST(volfile_json({"v1", 3, "volume v1-client-0\nend-volume\n"})
             == R"({"name":"v1","version":3,)"
                R"("text":"volume v1-client-0\u000aend-volume\u000a"})");
}

BOOST_AUTO_TEST_CASE(peer_status_lists_the_others) {
  BOOST_TEST(peer_status_text(sample_pool())
             == "Number of Peers: 2\n"
                "\n"
                "Hostname: 127.1.1.2\n"
                "Uuid: uuid-127.1.1.2\n"
                "State: Peer in Cluster (Connected)\n"
                "\n"
                "Hostname: 127.1.1.3\n"
                "Uuid: uuid-127.1.1.3\n"
                "State: Peer in Cluster (Disconnected)\n");
  BOOST_TEST(peer_status_text({sample_peer("h1", true, true)})
             == "Number of Peers: 0\n");
  BOOST_TEST(peer_status_json(sample_pool())
             == R"({"peer":[{"uuid":"uuid-127.1.1.2","hostname":"127.1.1.2",)"
                R"("addresses":["127.1.1.2:24007"],"connected":true,)"
                R"("state":3,"stateStr":"Peer in Cluster","monitor":false,)"
                R"("zone":"","lastCheckInMs":300,"checkInMonitor":"m2"},)"
                R"({"uuid":"uuid-127.1.1.3","hostname":"127.1.1.3",)"
                R"("addresses":["127.1.1.3:24007"],"connected":false,)"
                R"("state":3,"stateStr":"Peer in Cluster","monitor":false,)"
                R"("zone":"","lastCheckInMs":9500,"checkInMonitor":"m1"}]})");
}

BOOST_AUTO_TEST_CASE(pool_list_includes_localhost_last) {
  BOOST_TEST(pool_list_text(sample_pool())
             == "UUID\t\t\t\t\tHostname \tState\n"
                "uuid-127.1.1.2\t127.1.1.2\tConnected\n"
                "uuid-127.1.1.3\t127.1.1.3\tDisconnected\n"
                "uuid-127.1.1.1\tlocalhost\tConnected\n");
  auto one = pool_list_text({sample_peer("h1", true, true)});
  BOOST_TEST(one == "UUID\t\t\t\t\tHostname \tState\n"
                    "uuid-h1\tlocalhost\tConnected\n");
  auto json = pool_list_json(sample_pool());
  BOOST_TEST(json.rfind(R"({"peer":[{"uuid":"uuid-127.1.1.2",)", 0) == 0u);
  BOOST_TEST(contains(json, R"({"uuid":"uuid-127.1.1.1","hostname":)"
                            R"("localhost","addresses":["127.1.1.1:24007"],)"
                            R"("connected":true,"state":3,)"
                            R"("stateStr":"Peer in Cluster","monitor":false,)"
                            R"("zone":"","lastCheckInMs":null,)"
                            R"("checkInMonitor":"","self":true}]})"));
  BOOST_TEST(contains(json, R"("checkInMonitor":"m2","self":false},)"));
}

BOOST_AUTO_TEST_SUITE_END()
