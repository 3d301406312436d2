#pragma once
// Separate compilation: include this in exactly one .cpp file of a program whose other files define
// TCCHAT_SEPARATE_COMPILATION before including <tcchat.hpp>. Those files then only declare the encoders,
// decoders and validators of the documented messages; this file compiles them, once.

// Included first in its file: with the macro, <tcchat.hpp> declares what this file then defines.
#ifndef TCCHAT_SEPARATE_COMPILATION
#define TCCHAT_SEPARATE_COMPILATION
#endif
#include <tcchat.hpp>

#define TCCHAT_DETAIL_EXPLICIT template
#include <tcchat/detail/codec/instantiations.hpp>
#undef TCCHAT_DETAIL_EXPLICIT
