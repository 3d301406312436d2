#pragma once
// The serde_json anchor of bench/: the C ABI of bench/serde_anchor (a Rust static library built by
// bench/CMakeLists.txt with cargo, offline, from Debian's packaged crates), linked into tcchat_bench so that its
// decodes and encodes run interleaved with tcchat's in the same process.

#include <cstddef>
#include <cstdint>

extern "C" {
/// The message kind of "<command>.<request|response>" (for example "get_list.response"), or -1.
std::int32_t tcchat_serde_kind(const char* name, std::size_t length);
/// std::str::from_utf8 of the body, serde_json::from_str into the kind's struct, then drop (the timed decode): 1 when
/// it decoded.
std::int32_t tcchat_serde_decode(std::int32_t kind, const char* text, std::size_t length);
/// Decodes and keeps the value; nullptr on failure, with serde_json's message in `message` (NUL-terminated).
void* tcchat_serde_load(std::int32_t kind, const char* text, std::size_t length, char* message, std::size_t capacity);
/// bench/anchor_checksum.hpp's checksum of a kept value.
std::uint64_t tcchat_serde_checksum(const void* value);
/// serde_json::to_string of a kept value, then drop (the timed encode): its length.
std::size_t tcchat_serde_encode(const void* value);
/// serde_json::to_string of a kept value, copied into `out` when it fits: its length.
std::size_t tcchat_serde_encode_copy(const void* value, char* out, std::size_t capacity);
void tcchat_serde_free(void* value);
/// Heap allocations (alloc and realloc) made by the Rust side so far.
std::uint64_t tcchat_serde_allocations();
}
