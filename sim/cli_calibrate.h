/* sim/cli_calibrate.h — `troika calibrate` (see sim/calibrate.h). */
#ifndef TROIKA_SIM_CLI_CALIBRATE_H
#define TROIKA_SIM_CLI_CALIBRATE_H

#include "cli_opt.h"

extern const clo_spec cli_spec_calibrate;
int cmd_calibrate(int argc, char **argv);

#endif
