# cmake/commit.cmake — write the git commit into OUT (a C file) at build
# time, so the commit recorded in every output is the one built, not the one
# configured.  The file is rewritten only when the commit changes, so an
# unchanged tree rebuilds nothing.
#   cmake -DSRC=<source dir> -DGIT=<git> -DOUT=<file.c> -P cmake/commit.cmake
set(commit "unknown")
if(GIT AND EXISTS "${SRC}/.git")
  execute_process(COMMAND "${GIT}" describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY "${SRC}" OUTPUT_VARIABLE out
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND NOT out STREQUAL "")
    set(commit "${out}")
  endif()
endif()
set(content "/* Generated at build time by cmake/commit.cmake: the commit built. */\nconst char troika_git_commit[] = \"${commit}\";\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL content)
  file(WRITE "${OUT}" "${content}")
endif()
