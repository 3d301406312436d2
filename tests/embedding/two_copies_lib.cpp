// One of two "SDKs" that embed tcchat, each built against its own copy of the headers (tests/embedding/run.sh).
// LIBRARY_FUNCTION names this copy's entry point. The text comes through inline code of tcchat's (the error
// category, a function-local static with virtual members), which is what the linker folds when two copies
// share mangled names.
#include <tcchat/error.hpp>

#include <string>

std::string LIBRARY_FUNCTION() { return tcchat::make_error_code(tcchat::code::deadline_exceeded).message(); }
