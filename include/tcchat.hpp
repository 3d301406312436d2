#pragma once
// Umbrella header: everything except the opt-in adapters (usersig.hpp, transport/curl.hpp, asio.hpp,
// boost_json_src.hpp), each of which pulls in a dependency of its own.

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/error.hpp>
#include <tcchat/standard_mark.hpp>
#include <tcchat/model.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/codec.hpp>
#include <tcchat/validate.hpp>
#include <tcchat/item_results.hpp>
#include <tcchat/url.hpp>
#include <tcchat/credentials.hpp>
#include <tcchat/rate_limiter.hpp>
#include <tcchat/transport.hpp>
#include <tcchat/client.hpp>
#include <tcchat/emulator.hpp>
