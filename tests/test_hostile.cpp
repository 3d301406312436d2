// Hostile inputs (issue: fuzzing). Filled in by the fuzzing work.
#include <tcchat/codec.hpp>
