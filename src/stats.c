/* stats.c — experiment statistics (SPEC §7): the two-proportion z-test
 * with its confidence interval, the chi-square test across variants and
 * the sample-ratio-mismatch goodness of fit.  Called when the experiments report is built, once per
 * variant; nothing here is on the per-line path. */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

ff_prop_test ff_two_prop_test(uint64_t c1, uint64_t n1, uint64_t c2, uint64_t n2)
{
	ff_prop_test t;
	if (n1 == 0 || n2 == 0 || c1 > n1 || c2 > n2) {
		return FF_PROP_TEST_NAN;
	}
	double dn1 = (double)n1, dn2 = (double)n2;
	double p1 = (double)c1 / dn1, p2 = (double)c2 / dn2;
	t.diff = p1 - p2;
	t.lift = p2 > 0 ? t.diff / p2 : NAN;
	/* One standard error for the interval and the test: with the pooled
	 * one for the test they could disagree about zero. */
	double se = sqrt(p1 * (1 - p1) / dn1 + p2 * (1 - p2) / dn2);
	t.ci_low = t.diff - FF_Z_975 * se;
	t.ci_high = t.diff + FF_Z_975 * se;
	if (se > 0) {
		t.z = t.diff / se;
		t.p_value = erfc(fabs(t.z) / sqrt(2.0));
	} else {
		/* Each group converted all or none of its visits: no
		 * sampling spread to test against (SPEC §7: p-value 1). */
		t.z = 0;
		t.p_value = 1;
	}
	return t;
}

#define GAMMA_EPS 1e-15
#define GAMMA_ITER_MAX 100000
#define TINY 1e-300

/* P(a, x) by its power series; converges quickly for x < a + 1. */
static double gamma_p_series(double a, double x)
{
	double ap = a, term = 1.0 / a, sum = term;
	for (int n = 0; n < GAMMA_ITER_MAX; n++) {
		ap += 1;
		term *= x / ap;
		sum += term;
		if (fabs(term) < fabs(sum) * GAMMA_EPS)
			break;
	}
	return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Q(a, x) by its continued fraction (modified Lentz); for x >= a + 1. */
static double gamma_q_fraction(double a, double x)
{
	double b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
	for (int i = 1; i < GAMMA_ITER_MAX; i++) {
		double an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < TINY)
			d = TINY;
		c = b + an / c;
		if (fabs(c) < TINY)
			c = TINY;
		d = 1 / d;
		double delta = d * c;
		h *= delta;
		if (fabs(delta - 1) < GAMMA_EPS)
			break;
	}
	return exp(-x + a * log(x) - lgamma(a)) * h;
}

double ff_gamma_q(double a, double x)
{
	if (!(a > 0) || !(x >= 0) || isinf(a))
		return NAN;
	if (x == 0)
		return 1;
	if (isinf(x))
		return 0;
	if (x < a + 1) {
		double q = 1 - gamma_p_series(a, x);
		return q < 0 ? 0 : q;
	}
	double q = gamma_q_fraction(a, x);
	return q > 1 ? 1 : q;
}

double ff_chi2_sf(double x, double df)
{
	if (!(df > 0))
		return NAN;
	if (x <= 0)
		return 1;
	return ff_gamma_q(df / 2, x / 2);
}

double ff_chi2_homogeneity(const uint64_t *conversions, const uint64_t *visits, size_t k,
			   double *statistic, unsigned *df)
{
	double n = 0, c = 0;
	unsigned groups = 0;
	for (size_t i = 0; i < k; i++) {
		if (!visits[i])
			continue;
		n += (double)visits[i];
		c += (double)conversions[i];
		groups++;
	}
	if (statistic)
		*statistic = NAN;
	if (df)
		*df = groups ? groups - 1 : 0;
	if (groups < 2)
		return NAN;
	double stat = 0;
	for (size_t i = 0; i < k; i++) {
		if (!visits[i])
			continue;
		double ni = (double)visits[i];
		double observed[2] = { (double)conversions[i], ni - (double)conversions[i] };
		double expected[2] = { ni * c / n, ni * (n - c) / n };
		for (int j = 0; j < 2; j++) {
			if (expected[j] > 0) {
				double d = observed[j] - expected[j];
				stat += d * d / expected[j];
			}
		}
	}
	if (statistic)
		*statistic = stat;
	return ff_chi2_sf(stat, (double)(groups - 1));
}

double ff_chi2_gof(const uint64_t *observed, const double *weights, size_t k)
{
	if (k < 2)
		return NAN;
	double n = 0, wsum = 0;
	for (size_t i = 0; i < k; i++) {
		n += (double)observed[i];
		wsum += weights ? weights[i] : 1.0;
	}
	if (!(n > 0) || !(wsum > 0))
		return NAN;
	double stat = 0;
	for (size_t i = 0; i < k; i++) {
		double w = weights ? weights[i] : 1.0;
		double expected = n * w / wsum, d = (double)observed[i] - expected;
		if (!(expected > 0)) {
			if (observed[i])
				return 0;
			continue;
		}
		stat += d * d / expected;
	}
	return ff_chi2_sf(stat, (double)(k - 1));
}

/* snprintf's count as a length: what it wrote, never past the buffer */
static size_t put(int n)
{
	return n < 0 ? 0 : (size_t)n < FF_STAT_BUF ? (size_t)n : FF_STAT_BUF - 1;
}

size_t ff_fmt_pp(double diff, char *out)
{
	if (isnan(diff))
		return put(snprintf(out, FF_STAT_BUF, "-"));
	return put(snprintf(out, FF_STAT_BUF, "%+.1f pp", diff * 100));
}

size_t ff_fmt_pvalue(double p, char *out)
{
	if (isnan(p))
		return put(snprintf(out, FF_STAT_BUF, "-"));
	if (p < 0.001)
		return put(snprintf(out, FF_STAT_BUF, "< 0.001"));
	int n = 0;
	for (int digits = 3; digits <= 9; digits++) {
		n = snprintf(out, FF_STAT_BUF, "%.*f", digits, p);
		/* the shown figure must fall on the same side of 0.05 */
		if ((strtod(out, NULL) < 0.05) == (p < 0.05))
			break;
	}
	return put(n);
}

size_t ff_fmt_lift(double lift, char *out)
{
	if (isnan(lift))
		return put(snprintf(out, FF_STAT_BUF, "-"));
	double pct = lift * 100;
	return put(snprintf(out, FF_STAT_BUF, fabs(pct) >= 9.95 ? "%+.0f%%" : "%+.1f%%", pct));
}
