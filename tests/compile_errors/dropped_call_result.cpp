// expect: nodiscard
// A call whose result is dropped: its error (a refused request, a server code) would go unseen, so with warnings
// as errors it must not compile (call() is [[nodiscard]], as is every function returning result<T>).
#include <tcchat.hpp>
#include <tcchat/emulator.hpp>

void forget(tcchat::client<tcchat::emulation::in_memory_transport>& chat) {
    chat.call(tcchat::mark_contact_request{"user0", {tcchat::mark_item::custom(tcchat::contact_item::c2c("alice"), "vip")}});
}
