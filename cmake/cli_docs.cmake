# cmake/cli_docs.cmake — the man page and the bash completion, written by the
# troika just built from its own option tables (sim/cli_opt.h):
#   cmake -DTROIKA=bin -DMAN=troika.1 -DCOMPLETION=troika -P cli_docs.cmake
execute_process(COMMAND ${TROIKA} help --man OUTPUT_FILE ${MAN}.tmp RESULT_VARIABLE rc1)
execute_process(COMMAND ${TROIKA} help --completion OUTPUT_FILE ${COMPLETION}.tmp
                RESULT_VARIABLE rc2)
if(NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0)
  message(FATAL_ERROR "troika help --man / --completion failed (${rc1}, ${rc2})")
endif()
file(RENAME ${MAN}.tmp ${MAN})
file(RENAME ${COMPLETION}.tmp ${COMPLETION})
