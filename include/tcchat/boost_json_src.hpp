#pragma once
// Opt-in: include in exactly one .cpp of a program that does not link Boost::json. Compiles Boost.JSON's
// implementation into that translation unit; a second inclusion in another TU causes duplicate symbols.

#include <boost/json/src.hpp>
