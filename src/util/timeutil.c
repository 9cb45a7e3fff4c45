/*
 * timeutil: RFC 3339 parsing and UTC date arithmetic (see timeutil.h).
 * The day-number conversions use the era-based proleptic Gregorian
 * arithmetic (400-year cycles of 146097 days).
 */
#include "util/timeutil.h"

#include <stdbool.h>

int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
	static const unsigned char dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

static int parse_ymd(const char *s, size_t len, unsigned *y, unsigned *m, unsigned *d)
{
	if (len < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (!digits(s, 4, y) || !digits(s + 5, 2, m) || !digits(s + 8, 2, d))
		return -1;
	if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return -1;
	return 0;
}

int time_parse_date(const char *s, size_t len, int64_t *out)
{
	unsigned y, m, d;

	if (len != 10 || parse_ymd(s, len, &y, &m, &d))
		return -1;
	*out = time_days_from_civil(y, m, d) * SECONDS_PER_DAY;
	return 0;
}

int time_parse_rfc3339(const char *s, size_t len, int64_t *out)
{
	unsigned y, mo, d, h, mi, sec, oh = 0, om = 0;
	size_t i = 19;
	int sign = 0;

	if (len < 20 || parse_ymd(s, len, &y, &mo, &d))
		return -1;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return -1;
	if (s[13] != ':' || s[16] != ':')
		return -1;
	if (!digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec))
		return -1;
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	if (s[i] == '.') {
		size_t start = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return -1;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (len - i != 6 || s[i + 3] != ':' || !digits(s + i + 1, 2, &oh) ||
		    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		i += 6;
	} else {
		return -1;
	}
	if (i != len)
		return -1;
	if (sec == 60)  /* leap second: the last second of the minute */
		sec = 59;
	*out = time_days_from_civil(y, mo, d) * SECONDS_PER_DAY + h * 3600 + mi * 60 + sec
	       - (int64_t)sign * (oh * 3600 + om * 60);
	return 0;
}

int64_t time_day(int64_t t)
{
	return t >= 0 ? t / SECONDS_PER_DAY : -((-t + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);
}

static void put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

/* Years outside 0000-9999 cannot be written in RFC 3339; they are clamped. */
static void put_ymd(char *p, int64_t day)
{
	int64_t y;
	unsigned m, d, yy;

	civil_from_days(day, &y, &m, &d);
	if (y < 0) {
		y = 0; m = 1; d = 1;
	} else if (y > 9999) {
		y = 9999; m = 12; d = 31;
	}
	yy = (unsigned)y;
	put2(p, yy / 100);
	put2(p + 2, yy % 100);
	p[4] = '-';
	put2(p + 5, m);
	p[7] = '-';
	put2(p + 8, d);
}

void time_format_day(int64_t day, char out[static 11])
{
	put_ymd(out, day);
	out[10] = '\0';
}

void time_format_rfc3339(int64_t t, char out[static 21])
{
	int64_t day = time_day(t), rem = t - day * SECONDS_PER_DAY;

	put_ymd(out, day);
	out[10] = 'T';
	put2(out + 11, (unsigned)(rem / 3600));
	out[13] = ':';
	put2(out + 14, (unsigned)(rem / 60 % 60));
	out[16] = ':';
	put2(out + 17, (unsigned)(rem % 60));
	out[19] = 'Z';
	out[20] = '\0';
}
