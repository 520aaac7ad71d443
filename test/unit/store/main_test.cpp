// The store/ unit tests: one executable, one file per store/ header.
#define BOOST_TEST_MODULE store
#include <boost/test/unit_test.hpp>
