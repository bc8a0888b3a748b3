# A run file in R with hdf5r: the city series as a data frame with dates,
# and the compound panel summed by compound type.
#   troika run --days 365 -o out.h5
#   Rscript run.R out.h5
library(hdf5r)
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) > 0) args[1] else "out.h5"
f <- H5File$new(path, mode = "r")

# /city: one series per metric on the axis `day`, whose CF units
# ("days since 2024-01-01") give the calendar date of day 0
city <- f[["city"]]
origin <- as.Date(sub("days since ", "", h5attr(city[["day"]], "units")))
metrics <- setdiff(names(city), "day")
df <- data.frame(date = origin + city[["day"]][],
                 sapply(metrics, function(m) city[[m]][]))
print(head(df[, c("date", "complaints_new", "fee_collection_rate")]))
fee <- city[["fee_collection_rate"]]
cat(h5attr(fee, "long_name"), "|", h5attr(fee, "description_zh"),
    "| units:", h5attr(fee, "units"), "\n")

# /compounds/panel/<metric> is [day, compound] in the file; R is
# column-major, so hdf5r returns it transposed: compound x day
panel <- f[["compounds/panel"]]
x <- panel[["complaints"]][, ]
stopifnot(nrow(x) == f[["compounds/compound"]]$dims, ncol(x) == panel[["day"]]$dims)
old <- f[["compounds/old"]][]          # 1 = old compound, one per row of x
households <- f[["compounds/households"]][]
per100 <- 100 * tapply(rowSums(x), old, sum) / tapply(households, old, sum)
print(data.frame(type = ifelse(names(per100) == "1", "old", "new"),
                 complaints_per_100_households = round(as.vector(per100), 2)))
f$close_all()
