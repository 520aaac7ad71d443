#define BOOST_TEST_MODULE volgen
#include <boost/test/unit_test.hpp>

// Placeholder: golden tests of volgen are being written.
BOOST_AUTO_TEST_CASE(placeholder) {
  BOOST_TEST(true);
}
