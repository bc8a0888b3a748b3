/* models/params_check.c — the cross-field rules of a parameter set.
 *
 * models/params.def checks each parameter on its own (type, bounds); every
 * rule that involves two or more parameters lives here, in one place.  Only
 * real contradictions are refused — values that cannot all hold at once —
 * never combinations that are merely unusual (e.g. household.withhold_below
 * above household.inadequate_below is a legitimate, if odd, population).
 *
 * sim/scenario.c calls this on the initial values and again after each day
 * with policy changes, and locates a failure at the line that set the key
 * named in the error; so name the key a user would most likely change.
 */
#include "model.h"

sim_status mdl_params_check(const sim_params *p, sim_error *err)
{
    if (p->city_hh_min > p->city_hh_max)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "city.hh_min",
                        "the fewest households in a compound (%lld) is more than the most "
                        "(city.hh_max = %lld) (allowed: city.hh_min <= city.hh_max)",
                        (long long)p->city_hh_min, (long long)p->city_hh_max);

    if (p->city_subdistricts > p->city_compounds)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "city.subdistricts",
                        "%lld sub-districts for %lld compounds: each sub-district needs a "
                        "compound (allowed: city.subdistricts <= city.compounds)",
                        (long long)p->city_subdistricts, (long long)p->city_compounds);

    /* The mean size of a kind of compound must lie within [hh_min, hh_max]:
     * no clipped distribution has a mean outside its range.  A kind that
     * cannot occur (old_share 0 or 1) is not checked. */
    double lo = (double)p->city_hh_min, hi = (double)p->city_hh_max;
    if (p->city_old_share < 1.0 && (p->city_hh_mean < lo || p->city_hh_mean > hi))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "city.hh_mean",
                        "the mean households of a new compound (%g) is outside city.hh_min to "
                        "city.hh_max (%lld to %lld) (allowed: city.hh_min <= city.hh_mean <= "
                        "city.hh_max)",
                        p->city_hh_mean, (long long)p->city_hh_min, (long long)p->city_hh_max);
    if (p->city_old_share > 0.0 && (p->city_hh_old_mean < lo || p->city_hh_old_mean > hi))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "city.hh_old_mean",
                        "the mean households of an old compound (%g) is outside city.hh_min to "
                        "city.hh_max (%lld to %lld) (allowed: city.hh_min <= city.hh_old_mean "
                        "<= city.hh_max)",
                        p->city_hh_old_mean, (long long)p->city_hh_min, (long long)p->city_hh_max);

    /* An owners' committee has at least OC_SEATS_MIN members, all owners of
     * the compound: a compound that may have a committee (one at the start,
     * or formed later) needs at least that many households. */
    if ((p->oc_initial_share > 0.0 || p->oc_formation_rate > 0.0) && p->city_hh_min < OC_SEATS_MIN)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "city.hh_min",
                        "a compound may have %lld households, fewer than the %d members of an "
                        "owners' committee (allowed: city.hh_min >= %d, or no committees: "
                        "oc.initial_share = 0 and oc.formation_rate = 0)",
                        (long long)p->city_hh_min, OC_SEATS_MIN, OC_SEATS_MIN);
    return SIM_OK;
}
