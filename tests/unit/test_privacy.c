/* test_privacy.c — --anonymize's client addresses (SPEC §11): IPv4 cut to
 * /24, IPv6 to /48 whatever way it is written, and everything that is not
 * an address shown as "(host name)" without a trace of what it was. */
#include <string.h>

#include "check.h"
#include "privacy.h"

/* The anonymized client as a C string.  The buffer is filled with a marker
 * first so that a returned length disagreeing with the bytes shows up. */
static const char *anon(const char *client)
{
	static char buf[FF_ANON_MAX];
	memset(buf, '#', sizeof buf);
	size_t n = ff_anonymize_client(ff_sv_cstr(client), buf);
	if (n >= FF_ANON_MAX || buf[n] != 0 || strlen(buf) != n)
		return "(length and bytes disagree)";
	return buf;
}

static void test_ipv4(void)
{
	CHECK_STR(anon("192.0.2.123"), "192.0.2.0/24");
	CHECK_STR(anon("192.0.2.0"), "192.0.2.0/24");
	CHECK_STR(anon("10.1.2.3"), "10.1.2.0/24");
	CHECK_STR(anon("255.255.255.255"), "255.255.255.0/24");
	CHECK_STR(anon("0.0.0.0"), "0.0.0.0/24");
	/* two addresses of one /24 give one row */
	char a[FF_ANON_MAX], b[FF_ANON_MAX];
	size_t na = ff_anonymize_client(ff_sv_cstr("203.0.113.7"), a);
	size_t nb = ff_anonymize_client(ff_sv_cstr("203.0.113.250"), b);
	CHECK(na == nb && memcmp(a, b, na) == 0);
	/* the view's length is respected: "192.0.2.1" of "192.0.2.12" */
	CHECK_INT(ff_anonymize_client(ff_sv_make("192.0.2.12", 9), a), strlen("192.0.2.0/24"));
	CHECK_STR(a, "192.0.2.0/24");
}

static void test_ipv6(void)
{
	/* full form */
	CHECK_STR(anon("2001:0db8:85a3:08d3:1319:8a2e:0370:7348"), "2001:db8:85a3::/48");
	CHECK_STR(anon("2001:db8:85a3:8d3:1319:8a2e:370:7348"), "2001:db8:85a3::/48");
	/* compressed forms */
	CHECK_STR(anon("2001:db8::1"), "2001:db8::/48");
	CHECK_STR(anon("2001:db8:85a3::8a2e:370:7334"), "2001:db8:85a3::/48");
	CHECK_STR(anon("2001:db8:0:1::1"), "2001:db8::/48");
	CHECK_STR(anon("::1"), "::/48");
	CHECK_STR(anon("::"), "::/48");
	CHECK_STR(anon("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "ffff:ffff:ffff::/48");
	/* upper case is written in the canonical lower case */
	CHECK_STR(anon("2001:DB8:ABCD:12::1"), "2001:db8:abcd::/48");
	/* a zone is not part of the address */
	CHECK_STR(anon("fe80::1%eth0"), "fe80::/48");
	CHECK_STR(anon("fe80::abcd:1%25"), "fe80::/48");
	CHECK_STR(anon("2001:db8:1:2::3%wlan0"), "2001:db8:1::/48");
	/* an embedded IPv4 tail (NAT64) is cut like any other /48 */
	CHECK_STR(anon("64:ff9b::192.0.2.1"), "64:ff9b::/48");
}

static void test_ipv4_mapped(void)
{
	/* Dual-stack servers log IPv4 clients as ::ffff:a.b.c.d.  Whatever
	 * the form, the address itself must not leak. */
	const char *got = anon("::ffff:192.0.2.1");
	CHECK(strstr(got, "192.0.2.1") == NULL);
	CHECK(strstr(got, "c000:201") == NULL);
	CHECK(strcmp(got, "(host name)") != 0);
	/* IPv4 clients logged the mapped way are cut like IPv4 */
	CHECK_STR(anon("::ffff:192.0.2.1"), "192.0.2.0/24");
	CHECK_STR(anon("::FFFF:198.51.100.77"), "198.51.100.0/24");
}

static void test_not_addresses(void)
{
	CHECK_STR(anon("example.com"), "(host name)");
	CHECK_STR(anon("crawl-66-249-66-1.googlebot.com"), "(host name)");
	CHECK_STR(anon("localhost"), "(host name)");
	CHECK_STR(anon(""), "(host name)");
	CHECK_STR(anon("-"), "(host name)");
	/* almost addresses */
	CHECK_STR(anon("192.0.2"), "(host name)");
	CHECK_STR(anon("192.0.2.256"), "(host name)");
	CHECK_STR(anon("192.0.2.1.5"), "(host name)");
	CHECK_STR(anon("192.0.2.1:8080"), "(host name)");
	CHECK_STR(anon("2001:db8:::1"), "(host name)");
	CHECK_STR(anon("2001:db8::g"), "(host name)");
	CHECK_STR(anon("[2001:db8::1]"), "(host name)");
	CHECK_STR(anon("%eth0"), "(host name)");
	CHECK_STR(anon("192.0.2.1 "), "(host name)");
	/* junk bytes, a NUL inside the view, a very long run */
	CHECK_STR(anon("\x01\xff\xfe"), "(host name)");
	char buf[FF_ANON_MAX];
	/* a NUL is an ordinary byte of the client (SPEC §13.1, §13.10) */
	size_t n = ff_anonymize_client(ff_sv_make("192.0.2.1\0x", 11), buf);
	CHECK(n < FF_ANON_MAX && strlen(buf) == n);
	CHECK_STR(buf, "(host name)");
	char longest[4096];
	memset(longest, '1', sizeof longest - 1);
	longest[sizeof longest - 1] = 0;
	CHECK_STR(anon(longest), "(host name)");
	CHECK_INT(ff_anonymize_client(FF_SV_NULL, buf), strlen("(host name)"));
	CHECK_STR(buf, "(host name)");
}

int main(void)
{
	test_ipv4();
	test_ipv6();
	test_ipv4_mapped();
	test_not_addresses();
	return CHECK_DONE("test_privacy");
}
