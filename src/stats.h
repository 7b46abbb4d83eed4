/* stats.h — the statistics of A/B experiments (SPEC §7): a variant's
 * conversion rate against the control's with a 95% confidence interval and
 * a two-proportion z-test that share one standard error, Pearson's
 * chi-square test across all variants with its survival function, and the
 * chi-square goodness of fit of the sample-ratio-mismatch check.
 *
 * Pure functions of counts: no state, no allocation.  Rates of a group
 * with no visits are 0. */
#ifndef FF_STATS_H
#define FF_STATS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* The two-sided 97.5% quantile of the standard normal distribution. */
#define FF_Z_975 1.959964

/* A variant (c1 conversions of n1 visits) against the control (c2 of n2),
 * with se = sqrt(p1(1-p1)/n1 + p2(1-p2)/n2) for both the interval and the
 * test, so the interval excludes 0 exactly when p_value < 0.05:
 *   diff     p1 - p2
 *   ci_low, ci_high  diff -+ FF_Z_975 * se
 *   z        diff / se; 0 when se is 0
 *   p_value  erfc(|z| / sqrt 2), two-sided; 1 when se is 0
 *   lift     diff / p2; NaN when p2 is 0
 * Both n must be at least 1 and c <= n; otherwise every field is NaN. */
typedef struct ff_prop_test {
	double diff, ci_low, ci_high, z, p_value, lift;
} ff_prop_test;

#define FF_PROP_TEST_NAN ((ff_prop_test){ NAN, NAN, NAN, NAN, NAN, NAN })

ff_prop_test ff_two_prop_test(uint64_t c1, uint64_t n1, uint64_t c2, uint64_t n2);

/* The regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a),
 * for a > 0 and x >= 0 (series below a + 1, continued fraction above);
 * NaN outside that domain. */
double ff_gamma_q(double a, double x);

/* The chi-square survival function P(X >= x) with df degrees of freedom:
 * Q(df/2, x/2).  1 for x <= 0. */
double ff_chi2_sf(double x, double df);

/* Pearson's chi-square test of homogeneity of k conversion rates (a 2 x k
 * table of converting and other visits; no continuity correction).  Groups
 * with no visits are left out; df is the number of the others minus 1.
 * Cells whose expected count is 0 (no conversion at all, or all visits
 * converting) add nothing, so the statistic is 0 and the p-value 1.
 * Returns the p-value and stores the statistic and df when the pointers
 * are not NULL; NaN when fewer than two groups have visits. */
double ff_chi2_homogeneity(const uint64_t *conversions, const uint64_t *visits, size_t k,
			   double *statistic, unsigned *df);

/* Pearson's chi-square goodness of fit of k observed counts against
 * expected shares proportional to weights (all weights equal when weights
 * is NULL), k - 1 degrees of freedom: the sample-ratio-mismatch check of
 * an experiment.  A count whose weight is 0 makes the p-value 0 (visits
 * where none were expected).  NaN when k < 2, no count is positive or the
 * weights do not sum to a positive number. */
double ff_chi2_gof(const uint64_t *observed, const double *weights, size_t k);

/* How people see these figures, the same in a verdict and in a table
 * (text, html), so that the two never disagree.  Each writes a
 * NUL-terminated string into out (at least FF_STAT_BUF bytes) and returns
 * its length; "-" for NaN.
 *   ff_fmt_pp      a difference of rates in percentage points, signed,
 *                  one decimal: "+3.1 pp", "-0.0 pp" (a bound just below
 *                  zero keeps its sign)
 *   ff_fmt_pvalue  three decimals, "< 0.001" below that; more decimals
 *                  when three would put it on the other side of 0.05
 *                  than it is ("0.0496", never "0.050" for it)
 *   ff_fmt_lift    a relative change, signed: "+155%", "-4.5%" (one
 *                  decimal under 10%) */
#define FF_STAT_BUF 32
size_t ff_fmt_pp(double diff, char *out);
size_t ff_fmt_pvalue(double p, char *out);
size_t ff_fmt_lift(double lift, char *out);

#endif
