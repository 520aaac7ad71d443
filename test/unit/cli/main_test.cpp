#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

// The executable's main comes from Boost.Test; the suites live in the other
// *_test.cpp files of this directory.
