/* test_jsonw.c — JSON string escaping keeps every document valid UTF-8. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "jsonw.h"

static char *render(const char *bytes, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	jsonw_string(f, ff_sv_make(bytes, n));
	fclose(f);
	return buf;
}

#define CHECK_JSON(lit, want)                                                  \
	do {                                                                   \
		char *got_ = render(lit, sizeof(lit) - 1);                     \
		CHECK_STR(got_, want);                                         \
		free(got_);                                                    \
	} while (0)

int main(void)
{
	CHECK_JSON("plain", "\"plain\"");
	CHECK_JSON("", "\"\"");
	CHECK_JSON("a\"b\\c", "\"a\\\"b\\\\c\"");
	CHECK_JSON("tab\there\nnl\rcr", "\"tab\\there\\nnl\\rcr\"");
	CHECK_JSON("\x1b[31m", "\"\\u001b[31m\"");
	CHECK_JSON("nul\0byte", "\"nul\\u0000byte\"");
	CHECK_JSON("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	CHECK_JSON("\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\"");
	/* invalid: lone continuation, truncated sequence, overlong, surrogate */
	CHECK_JSON("a\x80z", "\"a\\\\x80z\"");
	CHECK_JSON("\xc3", "\"\\\\xc3\"");
	CHECK_JSON("\xc0\xaf", "\"\\\\xc0\\\\xaf\"");
	CHECK_JSON("\xed\xa0\x80", "\"\\\\xed\\\\xa0\\\\x80\"");
	CHECK_JSON("\xf4\x90\x80\x80", "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"");
	CHECK_JSON("\xff", "\"\\\\xff\"");

	CHECK_INT(ff_utf8_seq_len((const unsigned char *)"\xc3\xa9", 2), 2);
	CHECK_INT(ff_utf8_seq_len((const unsigned char *)"\xc3\xa9", 1), 0);
	CHECK_INT(ff_utf8_seq_len((const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	jsonw_double(f, 0.25);
	fputc(' ', f);
	jsonw_double(f, 3.0);
	fputc(' ', f);
	jsonw_double(f, NAN);
	fputc(' ', f);
	jsonw_u64(f, UINT64_MAX);
	fclose(f);
	CHECK_STR(buf, "0.25 3 null 18446744073709551615");
	free(buf);
	return CHECK_DONE("test_jsonw");
}
