# Warnings and sanitizers travel as INTERFACE targets linked PRIVATE, so nothing global is edited
# and consumers of our libraries do not inherit our flags.
add_library(tl_warnings INTERFACE)
add_library(tl::warnings ALIAS tl_warnings)
target_compile_options(tl_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
                       -Wnon-virtual-dtor -Wno-missing-field-initializers)

add_library(tl_sanitizers INTERFACE)
add_library(tl::sanitizers ALIAS tl_sanitizers)
if(TL_SANITIZE)
  target_compile_options(tl_sanitizers INTERFACE -fsanitize=address,undefined
                         -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(tl_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
