/* sim/main.c — entry point of the troika command (see cli.h). */
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
