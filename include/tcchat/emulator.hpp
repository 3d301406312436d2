#pragma once
// The emulator of the v4/recentcontact service, a test tool: tcchat/emulator/emulator.hpp. Not in the umbrella.
#include <tcchat/emulator/emulator.hpp>
