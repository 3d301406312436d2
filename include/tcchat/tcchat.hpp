#pragma once
// The same umbrella as <tcchat.hpp>, under the path the single header has (single_include/tcchat/tcchat.hpp),
// so code written against one layout compiles against the other.

#include <tcchat.hpp>
