// expect: nodiscard
// A validation report that is dropped checks nothing, so with warnings as errors it must not compile.
#include <tcchat/validate.hpp>

void forget(const tcchat::get_list_request& request) { tcchat::validate(request); }
