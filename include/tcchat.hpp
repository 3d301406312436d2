#pragma once
// Umbrella header: everything except the opt-in adapters (usersig.hpp, transport/curl.hpp, asio.hpp).

#include <tcchat/version.hpp>
#include <tcchat/config.hpp>
#include <tcchat/error.hpp>
#include <tcchat/standard_mark.hpp>
#include <tcchat/model.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/codec.hpp>
#include <tcchat/validate.hpp>
