# A compare file in R with hdf5r: the summary table (each scenario against
# the baseline) and one scenario's series.
#   troika compare scenarios/baseline.ini scenarios/disclosure.ini -o compare.h5
#   Rscript compare.R compare.h5
library(hdf5r)
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) > 0) args[1] else "compare.h5"
f <- H5File$new(path, mode = "r")

# /summary: [scenario, metric] in the file, metric x scenario in R
s <- f[["summary"]]
metric <- s[["metric"]][]
scenario <- s[["scenario"]][]
col <- function(name) s[[name]][, ]    # a metric x scenario matrix
stopifnot(all(dim(col("diff")) == c(length(metric), length(scenario))))
last <- length(scenario)               # the last scenario against the baseline (column 1)
tab <- data.frame(metric, baseline = col("mean")[, 1], scenario = col("mean")[, last],
                  diff = col("diff")[, last], lo = col("diff_lo")[, last],
                  hi = col("diff_hi")[, last], clear = col("clear")[, last])
cat("scenario", scenario[last], "minus", scenario[1], "\n")
print(format(tab, digits = 3))

# /scenarios/<s>/city/<metric>: [replicate, day] in the file, day x replicate here
x <- f[[sprintf("scenarios/%d/city/complaints_new", last - 1)]][, ]
stopifnot(nrow(x) == f[["day"]]$dims, ncol(x) == f[["replicate"]]$dims)
cat("complaints per day, mean over replicates:", round(mean(colMeans(x)), 3), "\n")
f$close_all()
