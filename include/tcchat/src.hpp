#pragma once
// Separate compilation: include this in exactly one .cpp file of a program whose other files define
// TCCHAT_SEPARATE_COMPILATION before including <tcchat.hpp>. Those files then only declare the encoders,
// decoders and validators of the documented messages; this file compiles them, once.

#include <tcchat.hpp>
#include <tcchat/detail/instantiations.hpp>

namespace tcchat {
#define TCCHAT_DETAIL_EXPLICIT template
TCCHAT_DETAIL_DOCUMENTED_MESSAGES(TCCHAT_DETAIL_CODEC_OF)
TCCHAT_DETAIL_DOCUMENTED_REQUESTS(TCCHAT_DETAIL_VALIDATE_OF)
#undef TCCHAT_DETAIL_EXPLICIT
} // namespace tcchat
