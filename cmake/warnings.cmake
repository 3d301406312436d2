# Warnings and sanitizers for the project's own programs (never imposed on consumers of tcchat::tcchat).
set(TCCHAT_SANITIZE "" CACHE STRING "Sanitizers for tests and tools, e.g. address,undefined or thread")

add_library(tcchat_project_options INTERFACE)
target_compile_options(tcchat_project_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Werror
                                                        -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # BOOST_DESCRIBE_STRUCT(T, (), ...) expands an empty variadic list, which clang's -Wpedantic flags in C++17.
  target_compile_options(tcchat_project_options INTERFACE -Wno-gnu-zero-variadic-macro-arguments)
endif()
if(TCCHAT_SANITIZE)
  target_compile_options(tcchat_project_options INTERFACE -fsanitize=${TCCHAT_SANITIZE} -fno-omit-frame-pointer
                                                          -fno-sanitize-recover=all)
  target_link_options(tcchat_project_options INTERFACE -fsanitize=${TCCHAT_SANITIZE})
endif()
