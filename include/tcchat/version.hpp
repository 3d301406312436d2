#pragma once
// Library version, and the versioned inline namespace that every tcchat name lives in.
// TCCHAT_VERSION is MAJOR * 10000 + MINOR * 100 + PATCH.

#define TCCHAT_VERSION_MAJOR 0
#define TCCHAT_VERSION_MINOR 1
#define TCCHAT_VERSION_PATCH 0
#define TCCHAT_VERSION (TCCHAT_VERSION_MAJOR * 10000 + TCCHAT_VERSION_MINOR * 100 + TCCHAT_VERSION_PATCH)
#define TCCHAT_VERSION_STRING "0.1.0"

// Two copies of tcchat in one program (two SDKs that each embed their own) must not share a mangled name,
// or the linker keeps one copy's inline code for both. So every name is declared in an inline namespace
// built from the version and the settings that change what the code does: tcchat::client is really
// tcchat::v0_1_0_e::client (docs/architecture.md, "Two copies in one program").
//   - _e / _ne: exceptions on or off (the code differs: hooks are caught, Boost throws or calls a handler).
//   - TCCHAT_ABI_TAG, when defined: appended as _<tag>. Required when a TCCHAT_MAX_* or TCCHAT_REDIS_MAX_*
//     limit differs from its default (the headers refuse to compile otherwise), and open to an SDK that wants
//     its copy to be its own whatever the version.
// TCCHAT_SEPARATE_COMPILATION is not part of the name: it changes where the code is compiled, not what it is.
// The TCCHAT_ABI_* macros stay defined: every TCCHAT_NAMESPACE_BEGIN expands them.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define TCCHAT_ABI_EXCEPTIONS_PART _e
#else
#define TCCHAT_ABI_EXCEPTIONS_PART _ne
#endif
#ifdef TCCHAT_ABI_TAG
#define TCCHAT_ABI_TAG_PART TCCHAT_ABI_PASTE(_, TCCHAT_ABI_TAG)
#else
#define TCCHAT_ABI_TAG_PART
#endif
#define TCCHAT_ABI_PASTE_(a, b) a##b
#define TCCHAT_ABI_PASTE(a, b) TCCHAT_ABI_PASTE_(a, b)
#define TCCHAT_ABI_NAME_(major, minor, patch, exceptions, tag) v##major##_##minor##_##patch##exceptions##tag
#define TCCHAT_ABI_NAME(major, minor, patch, exceptions, tag) TCCHAT_ABI_NAME_(major, minor, patch, exceptions, tag)

/// The inline namespace's name, e.g. v0_1_0_e.
#define TCCHAT_ABI_NAMESPACE                                                                                        \
    TCCHAT_ABI_NAME(TCCHAT_VERSION_MAJOR, TCCHAT_VERSION_MINOR, TCCHAT_VERSION_PATCH, TCCHAT_ABI_EXCEPTIONS_PART, \
                           TCCHAT_ABI_TAG_PART)
/// Opens namespace tcchat and its versioned inline namespace; TCCHAT_NAMESPACE_END closes both.
#define TCCHAT_NAMESPACE_BEGIN                                                                                      \
    namespace tcchat {                                                                                              \
    inline namespace TCCHAT_ABI_NAMESPACE {
#define TCCHAT_NAMESPACE_END                                                                                        \
    }                                                                                                               \
    }
