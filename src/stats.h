/* stats.h — the statistics of A/B experiments (SPEC §7): a variant's
 * conversion rate against the control's with a 95% confidence interval and
 * a pooled two-proportion z-test, and Pearson's chi-square test across all
 * variants with its survival function.
 *
 * Pure functions of counts: no state, no allocation.  Rates of a group
 * with no visits are 0. */
#ifndef FF_STATS_H
#define FF_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The two-sided 97.5% quantile of the standard normal distribution. */
#define FF_Z_975 1.959964

/* A variant (c1 conversions of n1 visits) against the control (c2 of n2):
 *   diff     p1 - p2
 *   ci_low, ci_high  diff -+ FF_Z_975 * sqrt(p1(1-p1)/n1 + p2(1-p2)/n2)
 *   z        diff / sqrt(p(1-p)(1/n1 + 1/n2)), p = (c1+c2)/(n1+n2); 0 when
 *            that root is 0
 *   p_value  erfc(|z| / sqrt 2), two-sided; 1 when the root is 0
 * Both n must be at least 1 and c <= n; otherwise every field is NaN. */
typedef struct ff_prop_test {
	double diff, ci_low, ci_high, z, p_value;
} ff_prop_test;

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

#endif
