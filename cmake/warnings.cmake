# Warnings and sanitizers for the project's own programs (never imposed on consumers of tcchat::tcchat).
set(TCCHAT_SANITIZE "" CACHE STRING "Sanitizers for tests and tools, e.g. address,undefined or thread")

# Errors in the project's own CI (tools/test.sh turns this on), warnings in a user's build of the tree: a newer
# compiler's new warning must not break someone's build of a released tcchat.
option(TCCHAT_WARNINGS_AS_ERRORS "Treat warnings in tcchat's own tests, tools and examples as errors" OFF)

add_library(tcchat_project_options INTERFACE)
target_compile_options(tcchat_project_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers)
if(TCCHAT_WARNINGS_AS_ERRORS)
  target_compile_options(tcchat_project_options INTERFACE -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 at -O2 and above reports http_response::status "maybe uninitialized" when a result<http_response>
  # (a boost::variant2) is copied: it does not track which alternative the variant holds. The member is always
  # initialized (transport.hpp). Kept visible as a warning, never an error.
  target_compile_options(tcchat_project_options INTERFACE -Wno-error=maybe-uninitialized)
endif()
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # BOOST_DESCRIBE_STRUCT(T, (), ...) expands an empty variadic list, which clang's -Wpedantic flags in C++17.
  target_compile_options(tcchat_project_options INTERFACE -Wno-gnu-zero-variadic-macro-arguments)
endif()
if(TCCHAT_SANITIZE)
  target_compile_options(tcchat_project_options INTERFACE -fsanitize=${TCCHAT_SANITIZE} -fno-omit-frame-pointer
                                                          -fno-sanitize-recover=all)
  target_link_options(tcchat_project_options INTERFACE -fsanitize=${TCCHAT_SANITIZE})
endif()
