// The one TU of the program that compiles tcchat's codec and validator (see user.cpp).
#include <tcchat/src.hpp>
