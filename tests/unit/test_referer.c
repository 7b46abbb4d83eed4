/* test_referer.c — the referer host of SPEC §13.16: what ff_referer_host
 * keeps of a referer URL (scheme, userinfo, port, IPv6 literals, case,
 * trailing dot) and the referers that have no host at all. */
#include <string.h>

#include "check.h"
#include "referer.h"

/* The host of ref as a C string; "" when there is none.  The buffer is
 * filled with a marker first so a missing NUL or a length that disagrees
 * with the bytes written shows up. */
static const char *host_of(const char *ref, size_t *len)
{
	static char buf[FF_HOST_MAX + 1];
	memset(buf, '#', sizeof buf);
	size_t n = ff_referer_host(ff_sv_cstr(ref), buf);
	if (len)
		*len = n;
	if (n == 0)
		return "";
	if (n > FF_HOST_MAX || buf[n] != 0 || strlen(buf) != n)
		return "(length and bytes disagree)";
	return buf;
}

static void test_schemes(void)
{
	CHECK_STR(host_of("http://www.example.com/page", NULL), "www.example.com");
	CHECK_STR(host_of("https://www.example.com/", NULL), "www.example.com");
	CHECK_STR(host_of("https://example.com", NULL), "example.com");
	CHECK_STR(host_of("ftp://files.example.org/pub/", NULL), "files.example.org");
	/* Android apps send their package as the host: any scheme counts */
	CHECK_STR(host_of("android-app://com.google.android.gm/", NULL), "com.google.android.gm");
	CHECK_STR(host_of("android-app://com.google.android.googlequicksearchbox", NULL),
		  "com.google.android.googlequicksearchbox");
	CHECK_STR(host_of("android-app://org.telegram.messenger/https/t.me/x", NULL),
		  "org.telegram.messenger");
}

static void test_userinfo_and_port(void)
{
	CHECK_STR(host_of("http://user@example.com/", NULL), "example.com");
	CHECK_STR(host_of("http://user:secret@example.com/x", NULL), "example.com");
	/* userinfo ends at the last '@' of the authority */
	CHECK_STR(host_of("http://a@b@example.com/", NULL), "example.com");
	/* an '@' or ':' in the path is not userinfo or a port */
	CHECK_STR(host_of("http://example.com/user@mail", NULL), "example.com");
	CHECK_STR(host_of("http://example.com/a:80", NULL), "example.com");
	CHECK_STR(host_of("http://example.com?u=a@b", NULL), "example.com");
	CHECK_STR(host_of("http://example.com:8080/", NULL), "example.com");
	CHECK_STR(host_of("https://example.com:443", NULL), "example.com");
	CHECK_STR(host_of("http://user:pw@example.com:8080/p?q#f", NULL), "example.com");
	/* an empty port is still a port */
	CHECK_STR(host_of("http://example.com:/", NULL), "example.com");
}

static void test_ipv6(void)
{
	CHECK_STR(host_of("http://[2001:db8::1]/", NULL), "[2001:db8::1]");
	CHECK_STR(host_of("http://[2001:db8::1]", NULL), "[2001:db8::1]");
	CHECK_STR(host_of("http://[2001:db8::1]:8080/x", NULL), "[2001:db8::1]");
	CHECK_STR(host_of("http://[::1]:80", NULL), "[::1]");
	CHECK_STR(host_of("http://[2001:DB8::ABCD]:443/", NULL), "[2001:db8::abcd]");
	CHECK_STR(host_of("http://user@[fe80::1]:8080/", NULL), "[fe80::1]");
	CHECK_STR(host_of("http://192.0.2.1:8080/", NULL), "192.0.2.1");
}

static void test_case_and_dot(void)
{
	CHECK_STR(host_of("HTTP://WWW.EXAMPLE.COM/Path", NULL), "www.example.com");
	CHECK_STR(host_of("https://Www.Example.Com", NULL), "www.example.com");
	/* only ASCII letters are folded; other bytes are kept as they are */
	CHECK_STR(host_of("http://B\xc3\x9c" "CHER.de/", NULL), "b\xc3\x9c" "cher.de");
	CHECK_STR(host_of("http://example.com./", NULL), "example.com");
	CHECK_STR(host_of("http://example.com.", NULL), "example.com");
	CHECK_STR(host_of("http://example.com.:8080/", NULL), "example.com");
	CHECK_STR(host_of("http://Example.COM.?q=1", NULL), "example.com");
	/* only one trailing dot is removed */
	CHECK_STR(host_of("http://example.com../", NULL), "example.com.");
}

static void test_no_host(void)
{
	size_t n = 99;
	CHECK_STR(host_of("", &n), "");
	CHECK_INT(n, 0);
	char buf[FF_HOST_MAX + 1];
	CHECK_INT(ff_referer_host(FF_SV_NULL, buf), 0);
	CHECK_INT(ff_referer_host(ff_sv_make("http://x.example/", 0), buf), 0);
	/* no "://" */
	n = 99;
	CHECK_STR(host_of("www.example.com/page", &n), "");
	CHECK_INT(n, 0);
	CHECK_STR(host_of("-", NULL), "");
	CHECK_STR(host_of("mailto:someone@example.com", NULL), "");
	CHECK_STR(host_of("http:/example.com/", NULL), "");
	CHECK_STR(host_of("http:", NULL), "");
	CHECK_STR(host_of("://", NULL), "");
	/* "://" after a path, query or fragment is not a scheme */
	n = 99;
	CHECK_STR(host_of("/redirect?to=http://evil.example/", &n), "");
	CHECK_INT(n, 0);
	CHECK_STR(host_of("page/http://evil.example/", NULL), "");
	CHECK_STR(host_of("x?u=https://evil.example/", NULL), "");
	CHECK_STR(host_of("x#https://evil.example/", NULL), "");
	/* an empty authority */
	CHECK_STR(host_of("http:///path", NULL), "");
	CHECK_STR(host_of("http://?q=1", NULL), "");
	CHECK_STR(host_of("http://#f", NULL), "");
	CHECK_STR(host_of("http://user@/", NULL), "");
	CHECK_STR(host_of("http://:8080/", NULL), "");
	CHECK_STR(host_of("http://./", NULL), "");
	/* the view's length is respected: the bytes after it are not read */
	const char *longer = "http://example.com/";
	CHECK_INT(ff_referer_host(ff_sv_make(longer, 9), buf), 2);
	CHECK_STR(buf, "ex");
}

static void test_host_length(void)
{
	char ref[FF_HOST_MAX + 64];
	char want[FF_HOST_MAX + 2];
	size_t n;

	/* exactly FF_HOST_MAX bytes: kept */
	memset(want, 'a', FF_HOST_MAX);
	want[FF_HOST_MAX] = 0;
	snprintf(ref, sizeof ref, "http://%s/x", want);
	CHECK_STR(host_of(ref, &n), want);
	CHECK_INT(n, FF_HOST_MAX);

	/* one more: no host */
	memset(want, 'a', FF_HOST_MAX + 1);
	want[FF_HOST_MAX + 1] = 0;
	snprintf(ref, sizeof ref, "http://%s/x", want);
	CHECK_STR(host_of(ref, &n), "");
	CHECK_INT(n, 0);

	/* one more but with a trailing dot: the dot goes first, so it fits */
	memset(want, 'b', FF_HOST_MAX);
	want[FF_HOST_MAX] = 0;
	snprintf(ref, sizeof ref, "http://%s./x", want);
	CHECK_STR(host_of(ref, &n), want);

	/* userinfo and port do not count towards the length */
	memset(want, 'c', FF_HOST_MAX);
	want[FF_HOST_MAX] = 0;
	snprintf(ref, sizeof ref, "http://u:p@%s:8080", want);
	CHECK_STR(host_of(ref, &n), want);
}

static void test_query_fragment_after_host(void)
{
	CHECK_STR(host_of("http://example.com?q=1", NULL), "example.com");
	CHECK_STR(host_of("http://example.com#top", NULL), "example.com");
	CHECK_STR(host_of("http://example.com:8080?q=1", NULL), "example.com");
	CHECK_STR(host_of("http://example.com#a/b", NULL), "example.com");
	CHECK_STR(host_of("https://www.google.com?q=a://b", NULL), "www.google.com");
	/* the first of '/', '?', '#' ends the host */
	CHECK_STR(host_of("http://example.com?a#b/c", NULL), "example.com");
}

/* A configured site host in the form referer hosts are kept: lower case,
 * and none longer than a host can be. */
static void test_site_host(void)
{
	char buf[FF_HOST_MAX + 1], name[FF_HOST_MAX + 2];
	size_t n = 0;
	CHECK(ff_site_host("WWW.Example.COM", buf, &n));
	CHECK_INT(n, 15);
	CHECK(memcmp(buf, "www.example.com", n) == 0);
	memset(name, 'A', FF_HOST_MAX);
	name[FF_HOST_MAX] = 0;
	CHECK(ff_site_host(name, buf, &n) && n == FF_HOST_MAX && buf[0] == 'a');
	name[FF_HOST_MAX] = 'A', name[FF_HOST_MAX + 1] = 0;
	CHECK(!ff_site_host(name, buf, &n));
}

int main(void)
{
	test_schemes();
	test_userinfo_and_port();
	test_ipv6();
	test_case_and_dot();
	test_no_host();
	test_host_length();
	test_query_fragment_after_host();
	test_site_host();
	return CHECK_DONE("test_referer");
}
