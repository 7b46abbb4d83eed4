/* test_fftime.c — calendar arithmetic, the CLF/ISO/epoch time parsers and
 * the ISO 8601 writer, against the exact rules of SPEC §13.6. */
#include "check.h"

#include "fftime.h"

static bool clf(const char *s, ff_time *out)
{
	return ff_time_parse_clf(ff_sv_cstr(s), out);
}

static bool clf_ok(const char *s)
{
	ff_time tm;
	return clf(s, &tm);
}

/* Parses s as CLF and writes it back as ISO 8601. */
static const char *clf_iso(const char *s, char *buf)
{
	ff_time tm;
	if (!clf(s, &tm))
		return "(invalid)";
	ff_time_format_iso8601(tm, buf);
	return buf;
}

static void test_civil(void)
{
	CHECK_INT(ff_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(ff_days_from_civil(1970, 1, 2), 1);
	CHECK_INT(ff_days_from_civil(1969, 12, 31), -1);
	CHECK_INT(ff_days_from_civil(2000, 3, 1), 11017);
	CHECK_INT(ff_days_from_civil(2024, 2, 29), 19782);
	CHECK_INT(ff_days_from_civil(0, 1, 1), -719528);

	/* Every day of 1600-2400 round-trips and is consecutive. */
	int64_t prev = ff_days_from_civil(1599, 12, 31);
	bool all_ok = true;
	for (int64_t y = 1600; y <= 2400 && all_ok; y++) {
		for (unsigned m = 1; m <= 12; m++) {
			for (unsigned d = 1; d <= 31; d++) {
				if (!ff_is_valid_date(y, m, d))
					continue;
				int64_t days = ff_days_from_civil(y, m, d);
				int64_t yy;
				unsigned mm, dd;
				ff_civil_from_days(days, &yy, &mm, &dd);
				if (days != prev + 1 || yy != y || mm != m || dd != d)
					all_ok = false;
				prev = days;
			}
		}
	}
	CHECK(all_ok);

	CHECK(ff_is_valid_date(2024, 2, 29));
	CHECK(!ff_is_valid_date(2023, 2, 29));
	CHECK(ff_is_valid_date(2000, 2, 29));
	CHECK(!ff_is_valid_date(1900, 2, 29));
	CHECK(!ff_is_valid_date(2024, 4, 31));
	CHECK(ff_is_valid_date(2024, 12, 31));
	CHECK(!ff_is_valid_date(2024, 13, 1));
	CHECK(!ff_is_valid_date(2024, 0, 1));
	CHECK(!ff_is_valid_date(2024, 1, 0));
}

static void test_clf(void)
{
	ff_time tm = { 0, 0, 0 };
	CHECK(clf("10/Oct/2000:13:55:36 -0700", &tm));
	CHECK_INT(tm.t, 971211336);
	CHECK_INT(tm.offset, -7 * 3600);
	CHECK_INT(tm.usec, 0);

	CHECK(clf("01/Jan/1970:00:00:00 +0000", &tm));
	CHECK_INT(tm.t, 0);
	CHECK(clf("01/Jan/1970:01:00:00 +0100", &tm));
	CHECK_INT(tm.t, 0);
	CHECK_INT(tm.offset, 3600);
	CHECK(clf("31/Dec/1969:23:59:59 +0000", &tm));
	CHECK_INT(tm.t, -1);

	/* Calendar. */
	CHECK(clf_ok("29/Feb/2024:12:00:00 +0000"));
	CHECK(!clf_ok("29/Feb/2023:12:00:00 +0000"));
	CHECK(clf_ok("29/Feb/2000:12:00:00 +0000"));
	CHECK(!clf_ok("29/Feb/1900:12:00:00 +0000"));
	CHECK(!clf_ok("31/Feb/2024:12:00:00 +0000"));
	CHECK(!clf_ok("31/Apr/2024:12:00:00 +0000"));
	CHECK(clf_ok("30/Apr/2024:12:00:00 +0000"));
	CHECK(!clf_ok("00/Jan/2024:12:00:00 +0000"));
	CHECK(!clf_ok("32/Jan/2024:12:00:00 +0000"));

	/* Clock. */
	CHECK(clf_ok("01/Jan/2024:23:59:59 +0000"));
	CHECK(!clf_ok("01/Jan/2024:24:00:00 +0000"));
	CHECK(!clf_ok("01/Jan/2024:12:60:00 +0000"));
	CHECK(!clf_ok("01/Jan/2024:12:00:60 +0000"));

	/* Month names are written exactly. */
	CHECK(clf_ok("22/Nov/2026:10:00:00 +0100"));
	CHECK(!clf_ok("22/NOV/2026:10:00:00 +0100"));
	CHECK(!clf_ok("22/nov/2026:10:00:00 +0100"));
	CHECK(!clf_ok("22/Nvo/2026:10:00:00 +0100"));
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	for (unsigned i = 0; i < 12; i++) {
		char buf[32];
		snprintf(buf, sizeof buf, "01/%s/2024:00:00:00 +0000", months[i]);
		CHECK(clf(buf, &tm));
		CHECK_INT(tm.t, ff_days_from_civil(2024, i + 1, 1) * 86400);
	}

	/* Offsets: hours 00-23, minutes 00-59. */
	CHECK(clf("01/Jan/2024:00:00:00 +1400", &tm));
	CHECK_INT(tm.offset, 14 * 3600);
	CHECK(clf("01/Jan/2024:00:00:00 -1200", &tm));
	CHECK_INT(tm.offset, -12 * 3600);
	CHECK(clf("01/Jan/2024:00:00:00 +0530", &tm));
	CHECK_INT(tm.offset, 5 * 3600 + 30 * 60);
	CHECK(clf("01/Jan/2024:00:00:00 -0000", &tm));
	CHECK_INT(tm.offset, 0);
	CHECK(clf_ok("01/Jan/2024:00:00:00 +2359"));
	CHECK(!clf_ok("01/Jan/2024:00:00:00 +2400"));
	CHECK(!clf_ok("01/Jan/2024:00:00:00 +0060"));
	CHECK(!clf_ok("01/Jan/2024:00:00:00 0100"));
	CHECK(!clf_ok("01/Jan/2024:00:00:00 *0100"));

	/* Years. */
	CHECK(clf("01/Jan/2038:00:00:00 +0000", &tm));
	CHECK_INT(tm.t, INT64_C(2145916800));
	CHECK(clf("19/Jan/2038:03:14:08 +0000", &tm));
	CHECK_INT(tm.t, INT64_C(2147483648));
	CHECK(clf("31/Dec/9999:23:59:59 +0000", &tm));
	CHECK_INT(tm.t, INT64_C(253402300799));
	CHECK(clf("01/Jan/1969:00:00:00 +0000", &tm));
	CHECK(tm.t < 0);
	CHECK(clf_ok("01/Jan/0001:00:00:00 +0000"));

	/* Shape: every separator, every digit, exact length. */
	CHECK(!clf_ok(""));
	CHECK(!clf_ok("1/Jan/2024:00:00:00 +0000"));
	CHECK(!clf_ok("01/Jan/2024:00:00:00 +0000 "));
	CHECK(!clf_ok("01/Jan/2024:00:00:00+0000"));
	CHECK(!clf_ok("01-Jan-2024:00:00:00 +0000"));
	CHECK(!clf_ok("01/Jan/2024 00:00:00 +0000"));
	CHECK(!clf_ok("01/Jan/2024:00.00:00 +0000"));
	CHECK(!clf_ok("0a/Jan/2024:00:00:00 +0000"));
	CHECK(!clf_ok("01/Jan/20x4:00:00:00 +0000"));
	CHECK(!clf_ok("01/Jan/2024:0x:00:00 +0000"));
	CHECK(!clf_ok("01/Jan/2024:00:00:00 +01x0"));
	CHECK(!clf_ok("01/Jan/-024:00:00:00 +0000"));

	/* A failed parse leaves *out alone. */
	tm.t = 42;
	CHECK(!clf("31/Feb/2024:00:00:00 +0000", &tm));
	CHECK_INT(tm.t, 42);
}

static void test_iso8601_format(void)
{
	char buf[FF_ISO8601_LEN + 1];
	CHECK_STR(clf_iso("22/Nov/2026:10:00:00 +0100", buf), "2026-11-22T10:00:00+01:00");
	CHECK_INT(ff_time_format_iso8601((ff_time){ 0, 0, 0 }, buf), FF_ISO8601_LEN);
	CHECK_STR(buf, "1970-01-01T00:00:00+00:00");
	CHECK_STR(clf_iso("10/Oct/2000:13:55:36 -0700", buf), "2000-10-10T13:55:36-07:00");
	CHECK_STR(clf_iso("01/Jan/2024:00:00:00 +1400", buf), "2024-01-01T00:00:00+14:00");
	CHECK_STR(clf_iso("31/Dec/2023:23:30:00 -1200", buf), "2023-12-31T23:30:00-12:00");
	CHECK_STR(clf_iso("05/Mar/2024:07:08:09 +0530", buf), "2024-03-05T07:08:09+05:30");
	CHECK_STR(clf_iso("29/Feb/2024:23:59:59 -0930", buf), "2024-02-29T23:59:59-09:30");
	CHECK_STR(clf_iso("31/Dec/9999:23:59:59 +0000", buf), "9999-12-31T23:59:59+00:00");
	CHECK_STR(clf_iso("01/Jan/1970:00:00:00 +2359", buf), "1970-01-01T00:00:00+23:59");
	CHECK_STR(clf_iso("31/Dec/1969:22:00:00 -0300", buf), "1969-12-31T22:00:00-03:00");
	CHECK_STR(clf_iso("01/Jan/0001:00:00:00 +0000", buf), "0001-01-01T00:00:00+00:00");
	CHECK_STR(clf_iso("19/Jan/2038:03:14:08 +0000", buf), "2038-01-19T03:14:08+00:00");

	/* Same instant, other offsets: absolute time compares equal. */
	ff_time a, b;
	CHECK(clf("22/Nov/2026:10:00:00 +0100", &a));
	CHECK(clf("22/Nov/2026:09:00:00 +0000", &b));
	CHECK_INT(a.t, b.t);
	CHECK(a.offset != b.offset);

	/* The local day follows the offset written. */
	CHECK(clf("01/Jan/2024:00:30:00 +0100", &a));
	CHECK_INT(ff_time_local_days(a), ff_days_from_civil(2024, 1, 1));
	CHECK(clf("31/Dec/2023:23:30:00 -0100", &a));
	CHECK_INT(ff_time_local_days(a), ff_days_from_civil(2023, 12, 31));
	CHECK(clf("31/Dec/1969:23:59:59 +0000", &a));
	CHECK_INT(ff_time_local_days(a), -1);
}

static void test_iso8601_parse(void)
{
	ff_time tm;
	char buf[FF_ISO8601_LEN + 1];
	CHECK(ff_time_parse_iso8601(ff_sv_cstr("2026-11-22T10:00:00+01:00"), &tm));
	CHECK_INT(tm.offset, 3600);
	ff_time_format_iso8601(tm, buf);
	CHECK_STR(buf, "2026-11-22T10:00:00+01:00");
	ff_time c;
	CHECK(clf("22/Nov/2026:10:00:00 +0100", &c));
	CHECK_INT(tm.t, c.t);

	CHECK(ff_time_parse_iso8601(ff_sv_cstr("2026-11-22T09:00:00Z"), &tm));
	CHECK_INT(tm.t, c.t);
	CHECK_INT(tm.offset, 0);
	CHECK(ff_time_parse_iso8601(ff_sv_cstr("2026-11-22T10:00:00.25+0100"), &tm));
	CHECK_INT(tm.t, c.t);
	CHECK_INT(tm.usec, 250000);
	CHECK(!ff_time_parse_iso8601(ff_sv_cstr("2023-02-29T10:00:00+01:00"), &tm));
	CHECK(!ff_time_parse_iso8601(ff_sv_cstr("2026-11-22T24:00:00+01:00"), &tm));
	CHECK(!ff_time_parse_iso8601(ff_sv_cstr("2026-11-22T10:00:00+24:00"), &tm));
	CHECK(!ff_time_parse_iso8601(ff_sv_cstr("2026-11-22T10:00:00"), &tm));
	CHECK(!ff_time_parse_iso8601(ff_sv_cstr("2026-11-22 10:00:00+01:00"), &tm));
	CHECK(!ff_time_parse_iso8601(ff_sv_cstr("2026-11-22T10:00:00.+01:00"), &tm));
	CHECK(!ff_time_parse_iso8601(ff_sv_cstr("2026-11-22T10:00:00+01:00x"), &tm));
}

static void test_epoch(void)
{
	ff_time tm;
	CHECK(ff_time_parse_epoch(ff_sv_cstr("1763802000.123"), &tm));
	CHECK_INT(tm.t, 1763802000);
	CHECK_INT(tm.usec, 123000);
	CHECK_INT(tm.offset, 0);
	CHECK(ff_time_parse_epoch(ff_sv_cstr("0"), &tm));
	CHECK_INT(tm.t, 0);
	CHECK(ff_time_parse_epoch(ff_sv_cstr("12.1234567"), &tm));
	CHECK_INT(tm.usec, 123456);
	CHECK(ff_time_parse_epoch(ff_sv_cstr("253402300799"), &tm));
	CHECK(!ff_time_parse_epoch(ff_sv_cstr("253402300800"), &tm));
	CHECK(!ff_time_parse_epoch(ff_sv_cstr(""), &tm));
	CHECK(!ff_time_parse_epoch(ff_sv_cstr("-1"), &tm));
	CHECK(!ff_time_parse_epoch(ff_sv_cstr("12."), &tm));
	CHECK(!ff_time_parse_epoch(ff_sv_cstr(".5"), &tm));
	CHECK(!ff_time_parse_epoch(ff_sv_cstr("12.5x"), &tm));
}

int main(void)
{
	test_civil();
	test_clf();
	test_iso8601_format();
	test_iso8601_parse();
	test_epoch();
	return CHECK_DONE("test_fftime");
}
