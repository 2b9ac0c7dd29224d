# Warnings live on one INTERFACE target that every target links, so the
# library, the binary and the tests are held to the same flags.
add_library(migcheck_options INTERFACE)
target_compile_options(migcheck_options INTERFACE
	-Wall -Wextra -Wpedantic -Wformat=2 -Wstrict-prototypes
	-Wmissing-prototypes -Wold-style-definition -Wpointer-arith -Wvla
	-Wwrite-strings -Wshadow -fno-common)
if(MIGCHECK_WERROR)
	target_compile_options(migcheck_options INTERFACE -Werror)
endif()
if(MIGCHECK_SANITIZE)
	target_compile_options(migcheck_options INTERFACE
		-fsanitize=${MIGCHECK_SANITIZE} -fno-sanitize-recover=all
		-fno-omit-frame-pointer)
	target_link_options(migcheck_options INTERFACE
		-fsanitize=${MIGCHECK_SANITIZE})
endif()
