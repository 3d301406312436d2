#pragma once
// Umbrella header: the library, without the opt-in adapters (usersig.hpp, transport/curl.hpp, asio.hpp,
// boost_json_src.hpp), each of which pulls in a dependency of its own, and without the emulator
// (tcchat/emulator.hpp), a test tool that production code need not compile.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/error.hpp>
#include <tcchat/standard_mark.hpp>
#include <tcchat/model.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/codec.hpp>
#include <tcchat/validate.hpp>
// With TCCHAT_SEPARATE_COMPILATION, the documented messages' encoders, decoders and validators are only
// declared here and compiled once, in the .cpp file that includes <tcchat/src.hpp>. The declarations come
// before the emulator, whose inline functions would otherwise instantiate them.
#ifdef TCCHAT_SEPARATE_COMPILATION
#define TCCHAT_DETAIL_EXPLICIT extern template
#endif
#include <tcchat/detail/codec/instantiations.hpp>
#undef TCCHAT_DETAIL_EXPLICIT
#include <tcchat/item_results.hpp>
#include <tcchat/url.hpp>
#include <tcchat/credentials.hpp>
#include <tcchat/rate_limiter.hpp>
#include <tcchat/transport.hpp>
#include <tcchat/pager.hpp>
#include <tcchat/client.hpp>
