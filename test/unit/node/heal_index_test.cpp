#include <boost/test/unit_test.hpp>

// A brick's self-heal index, read from real directories.

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "actors/node/heal_index.hpp"

namespace fsys = std::filesystem;

BOOST_AUTO_TEST_SUITE(heal_index)

BOOST_AUTO_TEST_CASE(gfid_links_are_entries_and_link_targets_are_not) {
  auto root = fsys::temp_directory_path()
              / ("gd-heal-" + std::to_string(::getpid()));
  fsys::remove_all(root);
  auto brick = root / "b";
  // Not a started brick yet: said so.
  fsys::create_directories(brick);
  auto none = gd::node::read_heal_index(brick.string());
  BOOST_TEST(!none.error.empty());
  BOOST_TEST(none.error.find("no .glusterfs") != std::string::npos, none.error);
  // A brick with an empty (absent) index: nothing pending.
  fsys::create_directories(brick / ".glusterfs");
  auto empty = gd::node::read_heal_index(brick.string());
  BOOST_TEST(empty.error.empty());
  BOOST_TEST(empty.entries.empty());
  // Pending entries in xattrop and dirty; the link targets do not count.
  auto x = brick / ".glusterfs/indices/xattrop";
  auto d = brick / ".glusterfs/indices/dirty";
  fsys::create_directories(x);
  fsys::create_directories(d);
  std::ofstream(x / "xattrop-11111111-2222-4333-8444-555555555555");
  std::ofstream(x / "00000000-0000-0000-0000-000000000001");
  std::ofstream(x / "9a2e1a4f-7c1f-4f3c-9d2b-1e0c3b6a7d10");
  std::ofstream(d / "dirty-11111111-2222-4333-8444-555555555555");
  std::ofstream(d / "9a2e1a4f-7c1f-4f3c-9d2b-1e0c3b6a7d10");
  std::ofstream(d / "0b7c3a52-91e4-4a8e-8c6d-3f2a1b0c9d8e");
  auto got = gd::node::read_heal_index(brick.string());
  BOOST_TEST(got.error.empty());
  BOOST_TEST((got.entries == std::vector<std::string>{
                "/", "<gfid:0b7c3a52-91e4-4a8e-8c6d-3f2a1b0c9d8e>",
                "<gfid:9a2e1a4f-7c1f-4f3c-9d2b-1e0c3b6a7d10>"}));
  BOOST_TEST(!gd::node::read_heal_index("relative/path").error.empty());
  fsys::remove_all(root);
}

BOOST_AUTO_TEST_SUITE_END()
