#define BOOST_TEST_MODULE cluster_model
#include <boost/test/unit_test.hpp>

// Placeholder: the cluster model's validation tests are being written.
BOOST_AUTO_TEST_CASE(placeholder) {
  BOOST_TEST(true);
}
