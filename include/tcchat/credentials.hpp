#pragma once
// Credentials: what the client needs to sign a call. A provider is any callable returning
// result<signed_usersig>; tcchat/usersig.hpp ships one that generates signatures from the SecretKey.

#include <tcchat/error.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace tcchat {

/// A UserSig and the moment it stops being accepted. `usersig` is a secret: never log it.
struct signed_usersig {
    std::string usersig;
    std::chrono::system_clock::time_point expires_at = std::chrono::system_clock::time_point::max();
};

/// The identity a REST call is made as (spec §1.1): the app and its admin account.
struct app_identity {
    std::uint32_t sdkappid = 0;
    std::string identifier;
};

} // namespace tcchat
