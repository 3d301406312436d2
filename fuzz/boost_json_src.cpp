// Boost.JSON's implementation, compiled with the fuzz targets' own instrumentation when the build does not
// link Boost::json (TCCHAT_BOOST_JSON_HEADER_ONLY=ON, as run.sh configures it): libFuzzer then sees coverage
// inside the JSON parser, and the sanitizers check it, instead of treating it as an opaque shared library.
#include <tcchat/boost_json_src.hpp>
