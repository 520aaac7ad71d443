#include "store/checksum.hpp"

#include <fstream>

#include <boost/test/unit_test.hpp>

#include "store_test_support.hpp"

namespace gd::store {

BOOST_AUTO_TEST_SUITE(checksum)

BOOST_AUTO_TEST_CASE(checksum_empty_input_matches_xxh3_reference) {
  // The published XXH3-64 of no bytes with seed 0.
  BOOST_TEST(xxh3_64("") == 0x2d06800538d394c2ULL);
  BOOST_TEST(to_hex(0x2d06800538d394c2ULL) == "0x2d06800538d394c2");
  BOOST_TEST(to_hex(1) == "0x0000000000000001");
}

BOOST_AUTO_TEST_CASE(checksum_streamed_pieces_equal_one_shot) {
  std::string data;
  for (int i = 0; i < 10000; ++i)
    data.push_back(static_cast<char>(i * 7));
  xxh3_hasher h;
  std::size_t pos = 0;
  for (std::size_t n : {0, 1, 3, 64, 100, 240, 241, 1000}) {
    h.update(std::string_view(data).substr(pos, n));
    pos += n;
  }
  h.update(std::string_view(data).substr(pos));
  BOOST_TEST(h.digest() == xxh3_64(data));
  h.reset();
  h.update("abc");
  BOOST_TEST(h.digest() == xxh3_64("abc"));
  BOOST_TEST(xxh3_64("abc") != xxh3_64("abd"));
}

BOOST_AUTO_TEST_CASE(checksum_file_read_in_chunks_equals_one_shot) {
  test::temp_dir dir;
  std::string data(300000, 'x');
  for (std::size_t i = 0; i < data.size(); i += 13)
    data[i] = static_cast<char>(i);
  auto path = dir.path() + "/snap";
  std::ofstream(path, std::ios::binary) << data;
  BOOST_TEST(xxh3_64_file(path) == xxh3_64(data));
  auto what = test::error_of([&] { xxh3_64_file(dir.path() + "/none"); },
                             store_errc::bad_layout);
  BOOST_TEST(test::contains(what, dir.path() + "/none"));
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace gd::store
