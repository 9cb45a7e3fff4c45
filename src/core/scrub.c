/*
 * scrub: the hand-written PII and secret scanners behind scrub.h.
 *
 * What it is for: finding e-mail addresses, phone numbers, public IP
 * addresses, payment card numbers and well-known API token shapes in
 * arbitrary bytes, and replacing them with "<TYPE>" placeholders.
 * What it is not for: names, postal addresses or free-form secrets; those
 * need other rules. A multi-pattern engine (Hyperscan) will replace these
 * scanners later without changing scrub.h.
 *
 * How it works, in one left-to-right pass:
 *  - A byte class table (built by scrubber_new) drives everything. The main
 *    loop takes 64 bytes at a time (SSE2, or portable SWAR) and only looks
 *    closer at the first byte of a word ([A-Za-z0-9_]) that can begin a
 *    finding (a digit, a hex letter, the first byte of a token prefix), and
 *    at '+', '(' and ':'. Token prefixes are dispatched on their first two
 *    bytes through precomputed rule masks.
 *  - E-mail addresses are found from their '@' (memchr), expanding left over
 *    at most 64 local-part bytes and right over at most 253 domain bytes.
 *    They form a second stream, also ordered by start, merged lazily.
 *  - Every scanner looks at a bounded window and checks its own boundaries,
 *    so the whole pass is linear in the input on any bytes.
 *  - Overlaps are resolved greedily in start order: the earliest start wins,
 *    then the longest, then the lower enum scrub_type. Nothing that starts
 *    inside an accepted finding is looked at again.
 *
 * References: Luhn (ISO/IEC 7812-1) for cards; RFC 4291 section 2.2 text
 * forms for IPv6; RFC 5321/1035 length limits for addresses and domains;
 * special-purpose ranges from the IANA IPv4/IPv6 registries; RFC 2606 /
 * 6761 reserved names (example.*, .test, .invalid, .localhost).
 */
#include "core/scrub.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(SCRUB_NO_SIMD)
#include <emmintrin.h>
#endif

/* Byte classes; see class_init for what each holds. */
enum {
	C_DIGIT = 1 << 0,  /* 0-9 */
	C_ALPHA = 1 << 1,  /* A-Za-z */
	C_HEX   = 1 << 2,  /* 0-9A-Fa-f */
	C_WORD  = 1 << 3,  /* A-Za-z0-9_ */
	C_TOKEN = 1 << 4,  /* A-Za-z0-9_- : what a secret token is made of */
	C_LOCAL = 1 << 5,  /* A-Za-z0-9._%+- : an e-mail local part */
	C_LABEL = 1 << 6,  /* A-Za-z0-9- : a domain label, also Slack bodies */
	C_B32   = 1 << 7,  /* A-Z2-7 : AWS key id bodies */
	C_API   = 1 << 8,  /* first byte of some token prefix */
	C_PUNCT = 1 << 9,  /* '+', '(' and ':' may start a phone or IPv6 */
};

#define C_ALNUM (C_DIGIT | C_ALPHA)
#define C_WORD_TRIGGER (C_DIGIT | C_HEX | C_API)

/* Token rules: a literal prefix, then a body of one byte class. */
enum {
	API_MIXED    = 1 << 0,  /* the body needs a letter and a digit */
	API_EXAMPLE  = 1 << 1,  /* a body ending in EXAMPLE is documentation */
	API_SENDGRID = 1 << 2,  /* body is 22 token bytes, '.', 43 token bytes */
	API_CASED    = 1 << 3,  /* the body needs a digit or both letter cases */
};

struct api_rule {
	const char *prefix;
	unsigned short cls;     /* class of the body bytes */
	unsigned short min, max;
	unsigned char flags;
};

/* Longer prefixes sharing a start with shorter ones (sk-ant- and sk-) are
 * all tried; the longest match wins. At most 64 rules (one mask bit each). */
static const struct api_rule api_rules[] = {
	{ "AKIA", C_B32, 16, 16, API_EXAMPLE },
	{ "ASIA", C_B32, 16, 16, API_EXAMPLE },
	{ "ABIA", C_B32, 16, 16, API_EXAMPLE },
	{ "ACCA", C_B32, 16, 16, API_EXAMPLE },
	{ "AIza", C_TOKEN, 35, 35, 0 },
	{ "ghp_", C_ALNUM, 36, 36, 0 },
	{ "gho_", C_ALNUM, 36, 36, 0 },
	{ "ghu_", C_ALNUM, 36, 36, 0 },
	{ "ghs_", C_ALNUM, 36, 36, 0 },
	{ "ghr_", C_ALNUM, 36, 36, 0 },
	{ "github_pat_", C_WORD, 22, 255, 0 },
	{ "glpat-", C_TOKEN, 20, 20, 0 },
	{ "xoxb-", C_LABEL, 10, 255, 0 },
	{ "xoxp-", C_LABEL, 10, 255, 0 },
	{ "xoxa-", C_LABEL, 10, 255, 0 },
	{ "xoxo-", C_LABEL, 10, 255, 0 },
	{ "xoxs-", C_LABEL, 10, 255, 0 },
	{ "xoxr-", C_LABEL, 10, 255, 0 },
	{ "sk_live_", C_ALNUM, 20, 255, 0 },
	{ "rk_live_", C_ALNUM, 20, 255, 0 },
	{ "pk_live_", C_ALNUM, 20, 255, 0 },
	{ "sk_test_", C_ALNUM, 20, 255, 0 },
	{ "rk_test_", C_ALNUM, 20, 255, 0 },
	{ "sk-ant-", C_TOKEN, 32, 255, 0 },
	{ "sk-proj-", C_TOKEN, 20, 255, 0 },
	{ "sk-svcacct-", C_TOKEN, 20, 255, 0 },
	{ "sk-admin-", C_TOKEN, 20, 255, 0 },
	{ "sk-", C_ALNUM, 32, 255, API_MIXED },
	{ "hf_", C_ALNUM, 34, 34, API_CASED },  /* real ones are often letters only */
	{ "npm_", C_ALNUM, 36, 36, API_MIXED },
	{ "pypi-AgEIcHlwaS5vcmc", C_TOKEN, 50, 1000, 0 },
	{ "SG.", C_TOKEN, 22, 22, API_SENDGRID },
};

#define API_NRULES (sizeof api_rules / sizeof api_rules[0])
_Static_assert(API_NRULES <= 64, "one mask bit per token rule");

/*
 * Assigned ITU-T E.164 country codes. They form a prefix code, so the first
 * three digits of an international number name at most one of them.
 */
static const char country_codes[] =
	"1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 "
	"55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 "
	"211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 "
	"232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 "
	"249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 "
	"267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 "
	"359 370 371 372 373 374 375 376 377 378 379 380 381 382 383 385 386 "
	"387 389 420 421 423 500 501 502 503 504 505 506 507 508 509 590 591 "
	"592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 "
	"680 681 682 683 685 686 687 688 689 690 691 692 800 808 850 852 853 "
	"855 856 870 878 880 881 882 883 886 888 960 961 962 963 964 965 966 "
	"967 968 970 971 972 973 974 975 976 977 979 992 993 994 995 996 998";

struct scrubber {
	uint16_t cls[256];
	uint64_t api_first[256];   /* rules whose prefix starts with byte b */
	uint64_t api_second[256];  /* rules whose prefix has b second */
	unsigned char api_plen[API_NRULES];
	unsigned char cc_len[1000];  /* first 3 digits -> country code length */
};

static const char *const type_names[SCRUB_NTYPES] = {
	"EMAIL", "PHONE", "IP_ADDRESS", "CREDIT_CARD", "API_KEY",
};

static const char *const placeholders[SCRUB_NTYPES] = {
	"<EMAIL>", "<PHONE>", "<IP_ADDRESS>", "<CREDIT_CARD>", "<API_KEY>",
};

/* ---- building the scrubber ---------------------------------------- */

static void class_init(uint16_t *cls)
{
	unsigned c;

	for (c = 0; c < 256; c++) {
		uint16_t k = 0;

		if (c >= '0' && c <= '9')
			k |= C_DIGIT | C_HEX;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
			k |= C_ALPHA;
		if ((c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))
			k |= C_HEX;
		if ((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))
			k |= C_B32;
		if (k & C_ALNUM || c == '_')
			k |= C_WORD;
		if (k & C_WORD || c == '-')
			k |= C_TOKEN;
		if (k & C_ALNUM || c == '-')
			k |= C_LABEL;
		if (k & C_TOKEN || c == '.' || c == '%' || c == '+')
			k |= C_LOCAL;
		if (c == '+' || c == '(' || c == ':')
			k |= C_PUNCT;
		cls[c] = k;
	}
}

static void country_init(unsigned char *cc_len)
{
	const char *p = country_codes;

	while (*p) {
		unsigned v = 0, n = 0, lo, hi, k;

		for (; *p >= '0' && *p <= '9'; p++, n++)
			v = v * 10 + (unsigned)(*p - '0');
		lo = n == 1 ? v * 100 : n == 2 ? v * 10 : v;
		hi = n == 1 ? lo + 99 : n == 2 ? lo + 9 : lo;
		for (k = lo; k <= hi; k++)
			cc_len[k] = (unsigned char)n;
		while (*p == ' ')
			p++;
	}
}

struct scrubber *scrubber_new(char *err, size_t errlen)
{
	struct scrubber *s = calloc(1, sizeof *s);
	size_t r;

	if (!s) {
		if (err && errlen)
			snprintf(err, errlen, "cannot allocate scrubber: out of memory");
		return NULL;
	}
	class_init(s->cls);
	country_init(s->cc_len);
	for (r = 0; r < API_NRULES; r++) {
		const unsigned char *p = (const unsigned char *)api_rules[r].prefix;

		s->api_plen[r] = (unsigned char)strlen(api_rules[r].prefix);
		s->api_first[p[0]] |= (uint64_t)1 << r;
		s->api_second[p[1]] |= (uint64_t)1 << r;
		s->cls[p[0]] |= C_API;
	}
	return s;
}

void scrubber_free(struct scrubber *s)
{
	free(s);
}

const char *scrub_type_name(enum scrub_type t)
{
	if ((unsigned)t >= SCRUB_NTYPES)
		return NULL;
	return type_names[t];
}

int scrub_type_from_name(const char *name)
{
	int t;

	if (!name)
		return -1;
	for (t = 0; t < SCRUB_NTYPES; t++)
		if (!strcmp(name, type_names[t]))
			return t;
	return -1;
}

void scrub_findings_release(struct scrub_findings *f)
{
	free(f->v);
	f->v = NULL;
	f->n = 0;
	f->alloc = 0;
}

static int findings_push(struct scrub_findings *f, const struct scrub_finding *x)
{
	if (f->n == f->alloc) {
		size_t na = f->alloc ? f->alloc * 2 : 16;
		struct scrub_finding *v;

		if (na < f->alloc || na > SIZE_MAX / sizeof *v)
			return -1;
		v = realloc(f->v, na * sizeof *v);
		if (!v)
			return -1;
		f->v = v;
		f->alloc = na;
	}
	f->v[f->n++] = *x;
	return 0;
}

/* ---- scan state and byte helpers ------------------------------------ */

enum { MAIL_UNKNOWN, MAIL_PENDING, MAIL_DONE };

struct scan {
	const unsigned char *t;
	size_t len;
	const uint16_t *cls;
	const struct scrubber *s;
	struct scrub_findings *out;
	size_t last_end;            /* end of the last accepted finding */
	size_t mail_from;           /* where the next search for '@' starts */
	struct scrub_finding mail;  /* the next e-mail, when MAIL_PENDING */
	int mail_state;
};

/* Class of the byte at p, or 0 past either end. */
static inline unsigned cl(const struct scan *sc, size_t p)
{
	return p < sc->len ? sc->cls[sc->t[p]] : 0;
}

/* Class of the byte k positions before p, or 0 before the start. */
static inline unsigned cl_before(const struct scan *sc, size_t p, size_t k)
{
	return p >= k ? sc->cls[sc->t[p - k]] : 0;
}

/* The byte at p, or -1 past either end. */
static inline int ch(const struct scan *sc, size_t p)
{
	return p < sc->len ? sc->t[p] : -1;
}

static inline int ch_before(const struct scan *sc, size_t p, size_t k)
{
	return p >= k ? sc->t[p - k] : -1;
}

static inline int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Case-insensitive compare of n text bytes with a lowercase literal. */
static int eq_ci(const unsigned char *p, const char *lit, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (lower(p[k]) != (unsigned char)lit[k])
			return 0;
	return 1;
}

/* Keep the better of two candidates that start at the same byte. */
static void consider(struct scrub_finding *best, enum scrub_type type,
		     size_t start, size_t end)
{
	if (end > best->end || (end == best->end && best->end && type < best->type)) {
		best->type = type;
		best->start = start;
		best->end = end;
	}
}

/*
 * Shared right edge for numbers: not followed by a word byte, nor by '.' or
 * '-' joined to more letters or digits (1.2.3.4.5, 415-555-2671-9).
 */
static int num_right_ok(const struct scan *sc, size_t end)
{
	int c = ch(sc, end);

	if (cl(sc, end) & C_WORD)
		return 0;
	if ((c == '.' || c == '-') && (cl(sc, end + 1) & C_ALNUM))
		return 0;
	return 1;
}

/* ---- e-mail ---------------------------------------------------------- */

/* Does d[0..n) equal name, or end with "." name (ASCII case-insensitive)? */
static int domain_is(const unsigned char *d, size_t n, const char *name)
{
	size_t k = strlen(name);

	if (n < k || !eq_ci(d + n - k, name, k))
		return 0;
	return n == k || d[n - k - 1] == '.';
}

/*
 * Reserved names (RFC 2606, RFC 6761), the SSH convention git@host, and the
 * SSH algorithm names (curve25519-sha256@libssh.org, ...@openssh.com).
 */
static int mail_kept(const unsigned char *local, size_t nlocal,
		     const unsigned char *d, size_t n)
{
	static const char *const kept[] = {
		"example.com", "example.org", "example.net", "example",
		"test", "invalid", "localhost", "openssh.com", "libssh.org",
	};
	size_t k;

	if (nlocal == 3 && !memcmp(local, "git", 3))
		return 1;
	for (k = 0; k < sizeof kept / sizeof kept[0]; k++)
		if (domain_is(d, n, kept[k]))
			return 1;
	return 0;
}

/*
 * File extensions that are not top-level domains: "icon@2x.png" is an asset
 * and "getty@tty1.service" a systemd template unit, not addresses.
 */
static int tld_is_file_ext(const unsigned char *p, size_t n)
{
	static const char *const ext[] = {
		"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp",
		"js", "mjs", "cjs", "ts", "tsx", "jsx", "json", "yaml", "yml",
		"txt", "html", "htm", "css", "scss", "lock", "toml", "cfg",
		"ini", "log", "tmp", "bak", "exe", "dll", "jar", "pyc", "whl",
		"tgz", "map", "wasm", "service", "socket", "timer", "target",
		"mount", "path", "slice", "scope", "device",
	};
	size_t k;

	for (k = 0; k < sizeof ext / sizeof ext[0]; k++)
		if (strlen(ext[k]) == n && eq_ci(p, ext[k], n))
			return 1;
	return 0;
}

/* The "@2x" / "@1.5x" retina-asset convention right after the '@'. */
static int domain_is_scale(const struct scan *sc, size_t p)
{
	size_t q = p;

	while (cl(sc, q) & C_DIGIT || (ch(sc, q) == '.' && q > p))
		q++;
	return q > p && lower(ch(sc, q)) == 'x' && ch(sc, q + 1) == '.';
}

/* Left edge of the local part for the '@' at a, or a when there is none. */
static size_t mail_local_start(const struct scan *sc, size_t a)
{
	const unsigned char *t = sc->t;
	size_t ls = a, q;

	while (ls > 0 && a - ls <= 64 && (sc->cls[t[ls - 1]] & C_LOCAL))
		ls--;
	if (a - ls > 64)
		return a;
	/* "a..b@x" is not one local part; keep what follows the last "..". */
	for (q = ls; q + 1 < a; q++)
		if (t[q] == '.' && t[q + 1] == '.')
			ls = q + 2;
	/* punctuation that cannot begin a local part (--flag, +tag) */
	while (ls < a && !(sc->cls[t[ls]] & C_WORD))
		ls++;
	if (ls < a && t[a - 1] == '.')
		return a;
	return ls;
}

/*
 * End of the domain after the '@' at a, or 0. The domain is the longest run
 * of labels (alnum and inner '-', at most 63 bytes each, 253 in all) that
 * ends in a 2-24 letter top-level label, with at least two labels.
 */
static size_t mail_domain_end(const struct scan *sc, size_t a)
{
	const unsigned char *t = sc->t;
	size_t p = a + 1, end = 0;
	unsigned nlabels = 0;

	for (;;) {
		size_t q = p, k;
		int alpha = 1;

		while (q < sc->len && (sc->cls[t[q]] & C_LABEL) && q - p <= 63)
			q++;
		if (q == p || q - p > 63 || t[p] == '-' || t[q - 1] == '-')
			break;
		if (q - (a + 1) > 253)
			break;
		nlabels++;
		for (k = p; k < q; k++)
			alpha &= (sc->cls[t[k]] & C_ALPHA) != 0;
		if (nlabels >= 2 && alpha && q - p >= 2 && q - p <= 24)
			end = q;
		if (q + 1 < sc->len && t[q] == '.' && (sc->cls[t[q + 1]] & C_ALNUM)) {
			p = q + 1;
			continue;
		}
		break;
	}
	return end;
}

/* The e-mail address around the '@' at a, if there is one. */
static int mail_at(const struct scan *sc, size_t a, struct scrub_finding *f)
{
	size_t ls = mail_local_start(sc, a), end, tld;
	int next;

	if (ls == a)
		return 0;
	end = mail_domain_end(sc, a);
	if (!end)
		return 0;
	/* more word bytes, another '@', or a call: a@b.method() is code */
	next = ch(sc, end);
	if ((cl(sc, end) & C_WORD) || next == '@' || next == '(')
		return 0;
	for (tld = end; sc->t[tld - 1] != '.'; tld--)
		;
	if (tld_is_file_ext(sc->t + tld, end - tld) || domain_is_scale(sc, a + 1))
		return 0;
	if (mail_kept(sc->t + ls, a - ls, sc->t + a + 1, end - a - 1))
		return 0;
	f->type = SCRUB_EMAIL;
	f->start = ls;
	f->end = end;
	return 1;
}

/*
 * Make the next e-mail (in start order) pending. Starts never go down: a
 * local part holds no '@', so the next one begins after this '@'.
 */
static void mail_advance(struct scan *sc)
{
	while (sc->mail_from < sc->len) {
		const unsigned char *at = memchr(sc->t + sc->mail_from, '@',
						 sc->len - sc->mail_from);
		size_t a;

		if (!at)
			break;
		a = (size_t)(at - sc->t);
		sc->mail_from = a + 1;
		if (mail_at(sc, a, &sc->mail)) {
			sc->mail_from = sc->mail.end;
			sc->mail_state = MAIL_PENDING;
			return;
		}
	}
	sc->mail_from = sc->len;
	sc->mail_state = MAIL_DONE;
}

/* ---- accepting findings in order ------------------------------------ */

static int accept(struct scan *sc, const struct scrub_finding *f)
{
	if (f->start < sc->last_end)
		return 0;
	sc->last_end = f->end;
	return findings_push(sc->out, f);
}

/*
 * Accept every pending e-mail that sorts before a candidate starting at
 * start with end end (end 0: flush them all), then nothing else.
 */
static int flush_mail(struct scan *sc, size_t start, size_t end)
{
	for (;;) {
		if (sc->mail_state == MAIL_UNKNOWN)
			mail_advance(sc);
		if (sc->mail_state == MAIL_DONE)
			return 0;
		if (end && (sc->mail.start > start ||
			    (sc->mail.start == start && sc->mail.end < end)))
			return 0;
		if (accept(sc, &sc->mail))
			return -1;
		sc->mail_state = MAIL_UNKNOWN;
	}
}

static int offer(struct scan *sc, const struct scrub_finding *f)
{
	if (flush_mail(sc, f->start, f->end))
		return -1;
	return accept(sc, f);
}

/* ---- digit groups (cards, North American phones, IPv4) -------------- */

#define NGROUPS 5

/* Up to NGROUPS runs of digits joined by single ' ', '-' or '.'. */
struct groups {
	unsigned n;
	size_t pos[NGROUPS];
	size_t len[NGROUPS];  /* a run of 20 means "20 or more" */
	char sep[NGROUPS];    /* sep[k] joins group k and k + 1 */
};

static void read_groups(const struct scan *sc, size_t i, struct groups *g)
{
	const unsigned char *t = sc->t;
	size_t p = i;

	g->n = 0;
	for (;;) {
		size_t q = p;
		int c;

		while (q < sc->len && (sc->cls[t[q]] & C_DIGIT) && q - p < 20)
			q++;
		g->pos[g->n] = p;
		g->len[g->n] = q - p;
		g->n++;
		if (g->n == NGROUPS || q - p == 20)
			return;
		c = ch(sc, q);
		if ((c == ' ' || c == '-' || c == '.') && (cl(sc, q + 1) & C_DIGIT)) {
			g->sep[g->n - 1] = (char)c;
			p = q + 1;
			continue;
		}
		return;
	}
}

static int luhn_ok(const char *d, size_t n)
{
	unsigned sum = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		unsigned v = (unsigned)(d[n - 1 - k] - '0');

		if (k & 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

static unsigned num_prefix(const char *d, size_t k)
{
	unsigned v = 0;
	size_t j;

	for (j = 0; j < k; j++)
		v = v * 10 + (unsigned)(d[j] - '0');
	return v;
}

/* Issuer prefix and length (ISO/IEC 7812 IIN ranges of the big networks). */
static int card_issuer_ok(const char *d, size_t n)
{
	unsigned p2 = num_prefix(d, 2), p3 = num_prefix(d, 3), p4 = num_prefix(d, 4);

	if (d[0] == '4')
		return n == 13 || n == 16 || n == 19;           /* Visa */
	if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
		return n == 16;                                 /* Mastercard */
	if (p2 == 34 || p2 == 37)
		return n == 15;                                 /* Amex */
	if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65)
		return n >= 16;                                 /* Discover */
	if (p4 >= 3528 && p4 <= 3589)
		return n >= 16;                                 /* JCB */
	if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39)
		return n >= 14;                                 /* Diners */
	if (p2 == 62)
		return n >= 16;                                 /* UnionPay */
	return 0;
}

/* Validate the digits of groups [0, k) as one card number. */
static int card_digits_ok(const struct scan *sc, const struct groups *g, unsigned k)
{
	char d[20];
	size_t n = 0, j;
	unsigned m;
	int same = 1;

	for (m = 0; m < k; m++) {
		if (n + g->len[m] > 19)
			return 0;
		memcpy(d + n, sc->t + g->pos[m], g->len[m]);
		n += g->len[m];
	}
	if (n < 13)
		return 0;
	/* implied today by issuer + Luhn, kept for when the issuer table grows */
	for (j = 1; j < n; j++)
		same &= d[j] == d[0];
	return !same && card_issuer_ok(d, n) && luhn_ok(d, n);
}

/* Group shapes printed on cards, longest first within a family. */
static const unsigned char card_shapes[][6] = {
	{ 5, 4, 4, 4, 4, 3 },
	{ 4, 4, 4, 4, 4 },
	{ 3, 4, 6, 5 },
	{ 3, 4, 6, 4 },
};

static void try_card(const struct scan *sc, const struct groups *g,
		     struct scrub_finding *best)
{
	size_t s;
	unsigned k, m;

	if (g->len[0] >= 13 && g->len[0] <= 19) {
		size_t end = g->pos[0] + g->len[0];

		if (num_right_ok(sc, end) && card_digits_ok(sc, g, 1))
			consider(best, SCRUB_CREDIT_CARD, g->pos[0], end);
		return;
	}
	if (g->n < 3 || (g->sep[0] != ' ' && g->sep[0] != '-'))
		return;
	for (s = 0; s < sizeof card_shapes / sizeof card_shapes[0]; s++) {
		k = card_shapes[s][0];
		if (g->n < k)
			continue;
		for (m = 0; m < k; m++)
			if (g->len[m] != card_shapes[s][m + 1] ||
			    (m + 1 < k && g->sep[m] != g->sep[0]))
				break;
		if (m < k)
			continue;
		if (num_right_ok(sc, g->pos[k - 1] + g->len[k - 1]) &&
		    card_digits_ok(sc, g, k)) {
			consider(best, SCRUB_CREDIT_CARD, g->pos[0],
				 g->pos[k - 1] + g->len[k - 1]);
			return;
		}
	}
}

/* NANP area codes and exchanges start with 2-9. */
static int nanp_lead_ok(const struct scan *sc, size_t p)
{
	return sc->t[p] >= '2';
}

/* 415-555-2671, 415.555.2671, 415 555 2671, 1-800-555-0199 */
static void try_nanp(const struct scan *sc, const struct groups *g,
		     struct scrub_finding *best)
{
	unsigned o = g->len[0] == 1 && sc->t[g->pos[0]] == '1';
	unsigned m;
	size_t end;
	char sep;

	if (g->n < o + 3)
		return;
	sep = g->sep[0];
	for (m = 0; m < o + 2; m++)
		if (g->sep[m] != sep)
			return;
	if (g->len[o] != 3 || g->len[o + 1] != 3 || g->len[o + 2] != 4)
		return;
	if (!nanp_lead_ok(sc, g->pos[o]) || !nanp_lead_ok(sc, g->pos[o + 1]))
		return;
	end = g->pos[o + 2] + 4;
	if (!num_right_ok(sc, end))
		return;
	/* "128 256 512 1024": one of a row of numbers, not a phone */
	if (sep == ' ' && ((ch_before(sc, g->pos[0], 1) == ' ' &&
			    (cl_before(sc, g->pos[0], 2) & C_DIGIT)) ||
			   (ch(sc, end) == ' ' && (cl(sc, end + 1) & C_DIGIT))))
		return;
	consider(best, SCRUB_PHONE, g->pos[0], end);
}

/* Parse a strict dotted quad at p (no leading zeros). Returns its end or 0. */
static size_t parse_ipv4(const struct scan *sc, size_t p, unsigned char o[4])
{
	unsigned k;

	for (k = 0; k < 4; k++) {
		unsigned v = 0;
		size_t q = p;

		if (k) {
			if (ch(sc, p) != '.')
				return 0;
			q = ++p;
		}
		while ((cl(sc, q) & C_DIGIT) && q - p < 4)
			v = v * 10 + (unsigned)(sc->t[q++] - '0');
		if (q == p || q - p > 3 || v > 255 || (q - p > 1 && sc->t[p] == '0'))
			return 0;
		o[k] = (unsigned char)v;
		p = q;
	}
	return p;
}

/* Addresses that say nothing about a person: special-purpose ranges. */
static int ipv4_kept(const unsigned char o[4])
{
	static const unsigned char resolvers[][4] = {
		{ 8, 8, 8, 8 }, { 8, 8, 4, 4 }, { 1, 1, 1, 1 }, { 1, 0, 0, 1 },
		{ 9, 9, 9, 9 }, { 149, 112, 112, 112 },
		{ 208, 67, 222, 222 }, { 208, 67, 220, 220 },
	};
	size_t k;

	if (o[0] == 0 || o[0] == 10 || o[0] == 127 || o[0] >= 224)
		return 1;  /* this network, private, loopback, multicast, 240/4 */
	if ((o[0] == 192 && o[1] == 0 && o[2] == 0) ||
	    (o[0] == 198 && (o[1] & 0xfe) == 18))
		return 1;  /* IETF protocol assignments, benchmarking */
	if (o[0] == 100 && (o[1] & 0xc0) == 64)
		return 1;  /* 100.64/10 carrier-grade NAT */
	if ((o[0] == 169 && o[1] == 254) || (o[0] == 192 && o[1] == 168) ||
	    (o[0] == 172 && (o[1] & 0xf0) == 16))
		return 1;
	if ((o[0] == 192 && o[1] == 0 && o[2] == 2) ||
	    (o[0] == 198 && o[1] == 51 && o[2] == 100) ||
	    (o[0] == 203 && o[1] == 0 && o[2] == 113))
		return 1;  /* documentation */
	for (k = 0; k < sizeof resolvers / sizeof resolvers[0]; k++)
		if (!memcmp(o, resolvers[k], 4))
			return 1;
	return 0;
}

/*
 * "v 1.2.3.4", "version=1.2.3.4", "\"version\": \"1.2.3.4\"", "appVersion
 * 1.2.3.4", "Build 5.29.8.118", "kernel 4.19.0.21": the word just before
 * (over a few quote/space/:= bytes) names a version.
 */
/* Words that, just before a dotted quad, make it a version (at most 8 letters). */
static const char *const version_words[] = {
	"v", "ver", "build", "release", "rev", "revision", "firmware", "kernel", "patch",
};

static int version_before(const struct scan *sc, size_t i)
{
	const unsigned char *t = sc->t;
	size_t p = i, q, n;
	unsigned skipped = 0;

	while (p > 0 && skipped < 6 && memchr(" \t:=\"'", t[p - 1], 6)) {
		p--;
		skipped++;
	}
	q = p;
	while (q > 0 && (sc->cls[t[q - 1]] & C_ALPHA) && p - q < 8)
		q--;
	n = p - q;
	if (n >= 7 && eq_ci(t + p - 7, "version", 7))
		return p - 7 == 0 || !(sc->cls[t[p - 8]] & C_ALPHA) || t[p - 7] == 'V';
	if (q > 0 && (sc->cls[t[q - 1]] & C_ALPHA))
		return 0;
	for (size_t k = 0; k < sizeof(version_words) / sizeof(version_words[0]); k++)
		if (n == strlen(version_words[k]) && eq_ci(t + q, version_words[k], n))
			return 1;
	return 0;
}

/*
 * Four small numbers are a version, a standard's section ([21.3.5.7],
 * "Git 1.8.1.3") or an OID far more often than an address: nearly all the
 * addresses that show up have an octet above 31.
 */
static int ipv4_small(const unsigned char o[4])
{
	return (o[0] | o[1] | o[2] | o[3]) < 32;
}

static void try_ipv4(const struct scan *sc, size_t i, const struct groups *g,
		     struct scrub_finding *best)
{
	unsigned char o[4];
	size_t end;
	int c;

	if (g->n < 4 || g->sep[0] != '.' || g->sep[1] != '.' || g->sep[2] != '.')
		return;
	if (g->n > 4 && g->sep[3] == '.')
		return;  /* 1.2.3.4.5 */
	end = parse_ipv4(sc, i, o);
	if (!end || (cl(sc, end) & C_WORD))
		return;
	c = ch(sc, end);
	if (c == '-' && (cl(sc, end + 1) & C_ALPHA))
		return;  /* 1.2.3.4-beta */
	if (ipv4_kept(o) || ipv4_small(o) || version_before(sc, i))
		return;
	consider(best, SCRUB_IP_ADDRESS, i, end);
}

static void try_numbers(const struct scan *sc, size_t i, struct scrub_finding *best)
{
	struct groups g;
	int p1 = ch_before(sc, i, 1);
	unsigned c2 = cl_before(sc, i, 2);
	int joined;

	if (cl_before(sc, i, 1) & C_WORD)
		return;
	/* x.415-555-2671, v-1.2.3.4, id-4111...: part of something longer */
	joined = (p1 == '.' || p1 == '-') && (c2 & C_ALNUM);
	if (joined && !(p1 == '-' && (c2 & C_DIGIT)))
		return;
	read_groups(sc, i, &g);
	if (!joined) {
		try_card(sc, &g, best);
		try_nanp(sc, &g, best);
	}
	/* an IPv4 may follow '-' in a range: 34.1.2.3-34.1.2.9 */
	try_ipv4(sc, i, &g, best);
}

/* ---- phones with '+' or '(' --------------------------------------- */

static int phone_sep(int c)
{
	return c == ' ' || c == '-' || c == '.';
}

/*
 * +CC then digit groups joined by single ' ', '-', '.', with at most one
 * parenthesised group right after the country code: +44 20 7946 0958,
 * +1 (415) 555-2671, +44 (0)20 7946 0958, +442079460958.
 * 8 to 15 digits in all (E.164).
 */
static void try_phone_intl(const struct scan *sc, size_t i, struct scrub_finding *best)
{
	const unsigned char *t = sc->t;
	size_t p = i + 1, end = 0, nd = 0, glen[4] = { 0, 0, 0, 0 }, k;
	unsigned ng = 0, cc;
	int datelike, min_digits;
	char dg[16];

	if ((cl_before(sc, i, 1) & C_WORD) || !(cl(sc, p) & C_DIGIT) || t[p] == '0')
		return;
	for (;;) {
		size_t q = p, d;
		int in_paren = 0;

		if (t[p] == '(') {
			for (q = p + 1; (cl(sc, q) & C_DIGIT) && q - p <= 4; q++)
				;
			d = q - p - 1;
			if (d == 0 || d > 4 || ch(sc, q) != ')')
				break;
			q++;
			in_paren = 1;
		} else {
			while ((cl(sc, q) & C_DIGIT) && q - p <= 15)
				q++;
			d = q - p;
		}
		if (nd + d > 15) {
			if (!nd)
				return;
			break;
		}
		/* past the area code, groups of one digit are a section number
		 * or a version (C++14 20.8.2.2.10), not a phone */
		if (ng >= 2 && d < 2)
			break;
		if (ng < 4)
			glen[ng] = d;
		for (k = q - d - in_paren; k < q - in_paren; k++)
			dg[nd++] = (char)t[k];
		ng++;
		end = p = q;
		/* a long first group is the whole number: +35236450.6 is a decimal */
		if (ng == 1 && d > 4)
			break;
		/* a '(' group only right after the country code */
		if (phone_sep(ch(sc, p)) &&
		    ((cl(sc, p + 1) & C_DIGIT) || (ch(sc, p + 1) == '(' && ng == 1))) {
			p++;
			continue;
		}
		if (in_paren && (cl(sc, p) & C_DIGIT))
			continue;  /* +44 (0)20 ... */
		break;
	}
	/* +2024-01-15 in a diff is a date */
	datelike = ng >= 3 && glen[0] == 4 && glen[1] <= 2 && glen[2] <= 2 &&
		   t[i + 5] != ' ';
	/* without separators, +20240115 in a diff is more likely than a
	 * short E.164 number; real ones are nearly all 10 digits or more */
	min_digits = ng == 1 ? 10 : 8;
	if ((int)nd < min_digits || datelike || !num_right_ok(sc, end))
		return;
	/* an assigned country code (+2147483647 is INT_MAX), and after +1 a
	 * North American number */
	cc = sc->s->cc_len[(dg[0] - '0') * 100 + (dg[1] - '0') * 10 + (dg[2] - '0')];
	if (!cc || (cc == 1 && dg[0] == '1' && (nd != 11 || dg[1] < '2' || dg[4] < '2')))
		return;
	consider(best, SCRUB_PHONE, i, end);
}

/* (415) 555-2671, (415)555-2671, (415) 555.2671 */
static void try_phone_paren(const struct scan *sc, size_t i, struct scrub_finding *best)
{
	size_t p = i + 1, k;
	int c;

	if (cl_before(sc, i, 1) & C_WORD)
		return;
	for (k = 0; k < 3; k++)
		if (!(cl(sc, p + k) & C_DIGIT))
			return;
	if (ch(sc, p + 3) != ')' || !nanp_lead_ok(sc, p))
		return;
	p += 4;
	if (ch(sc, p) == ' ' || ch(sc, p) == '-')
		p++;
	for (k = 0; k < 3; k++)
		if (!(cl(sc, p + k) & C_DIGIT))
			return;
	if (!nanp_lead_ok(sc, p))
		return;
	p += 3;
	c = ch(sc, p);
	if (!phone_sep(c))
		return;
	p++;
	for (k = 0; k < 4; k++)
		if (!(cl(sc, p + k) & C_DIGIT))
			return;
	p += 4;
	if (!num_right_ok(sc, p))
		return;
	consider(best, SCRUB_PHONE, i, p);
}

/* ---- IPv6 ------------------------------------------------------------ */

static unsigned hex_val(int c)
{
	if (c <= '9')
		return (unsigned)(c - '0');
	return (unsigned)(lower(c) - 'a' + 10);
}

struct ipv6 {
	uint16_t w[8];     /* expanded */
	unsigned ngroups;  /* groups written (an IPv4 tail counts 2) */
};

/*
 * Parse the RFC 4291 text forms at p: 1-4 hex digits per group, at most
 * one "::", optionally a dotted-quad tail. Returns the end, or 0.
 */
static size_t parse_ipv6(const struct scan *sc, size_t p, struct ipv6 *a)
{
	uint16_t w[8];
	unsigned n = 0, k;
	int dc = -1;

	if (ch(sc, p) == ':') {
		if (ch(sc, p + 1) != ':')
			return 0;
		dc = 0;
		p += 2;
		if (!(cl(sc, p) & C_HEX))
			goto done;
	}
	for (;;) {
		size_t q = p;
		unsigned v = 0;

		while ((cl(sc, q) & C_HEX) && q - p < 5)
			v = v * 16 + hex_val(sc->t[q++]);
		if (ch(sc, q) == '.' && (cl(sc, q + 1) & C_DIGIT)) {
			unsigned char o[4];
			size_t e;

			if (n > 6 || !(e = parse_ipv4(sc, p, o)))
				return 0;
			w[n++] = (uint16_t)(o[0] << 8 | o[1]);
			w[n++] = (uint16_t)(o[2] << 8 | o[3]);
			p = e;
			break;
		}
		if (q - p > 4 || n == 8)
			return 0;
		w[n++] = (uint16_t)v;
		p = q;
		if (ch(sc, p) == ':' && ch(sc, p + 1) == ':') {
			if (dc >= 0)
				return 0;
			dc = (int)n;
			p += 2;
			if (cl(sc, p) & C_HEX)
				continue;
			break;
		}
		if (ch(sc, p) == ':' && (cl(sc, p + 1) & C_HEX)) {
			p++;
			continue;
		}
		break;
	}
done:
	if (dc < 0 ? n != 8 : n > 7)
		return 0;
	a->ngroups = n;
	memset(a->w, 0, sizeof a->w);
	if (dc < 0) {
		memcpy(a->w, w, sizeof w);
	} else {
		for (k = 0; k < (unsigned)dc; k++)
			a->w[k] = w[k];
		for (k = (unsigned)dc; k < n; k++)
			a->w[8 - n + k] = w[k];
	}
	return p;
}

/*
 * Report only global unicast (2000::/3, all that is routed today) outside
 * documentation, IETF assignments and public resolvers, and IPv4-mapped
 * public addresses.
 * This keeps ::1, ::, fe80::/10, fc00::/7 and ff00::/8.
 */
static int ipv6_public(const struct ipv6 *a)
{
	static const uint16_t resolvers[][8] = {
		{ 0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888 },
		{ 0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8844 },
		{ 0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111 },
		{ 0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1001 },
		{ 0x2620, 0x00fe, 0, 0, 0, 0, 0, 0x00fe },
		{ 0x2620, 0x00fe, 0, 0, 0, 0, 0, 0x0009 },
	};
	const uint16_t *w = a->w;
	size_t k;

	if (!w[0] && !w[1] && !w[2] && !w[3] && !w[4] && w[5] == 0xffff) {
		unsigned char o[4] = {
			(unsigned char)(w[6] >> 8), (unsigned char)w[6],
			(unsigned char)(w[7] >> 8), (unsigned char)w[7],
		};
		return !ipv4_kept(o);
	}
	if ((w[0] & 0xe000) != 0x2000 || (w[0] == 0x2001 && w[1] == 0x0db8))
		return 0;
	if (w[0] == 0x2001 && w[1] < 0x200)
		return 0;  /* 2001::/23 IETF protocol assignments */
	for (k = 0; k < sizeof resolvers / sizeof resolvers[0]; k++)
		if (!memcmp(w, resolvers[k], sizeof resolvers[k]))
			return 0;
	return 1;
}

static void try_ipv6(const struct scan *sc, size_t i, struct scrub_finding *best)
{
	struct ipv6 a;
	size_t end;
	int c;

	if ((cl_before(sc, i, 1) & C_WORD) || ch_before(sc, i, 1) == ':')
		return;
	end = parse_ipv6(sc, i, &a);
	if (!end || (cl(sc, end) & C_WORD))
		return;
	c = ch(sc, end);
	if (c == ':' && ((cl(sc, end + 1) & C_HEX) || ch(sc, end + 1) == ':'))
		return;  /* longer than an address: a hash or fingerprint */
	if (c == '.' && (cl(sc, end + 1) & C_DIGIT))
		return;
	if (a.ngroups < 3)
		return;  /* a::b, 2a00::1: too little to tell from code */
	/* MAC and EUI-64 shapes (00:1a:2b:..) parse, but their first group
	 * is below 0x100, outside 2000::/3, so they are never public */
	if (!ipv6_public(&a))
		return;
	consider(best, SCRUB_IP_ADDRESS, i, end);
}

/* ---- API tokens -------------------------------------------------- */

/* End of the token body that starts at b under rule r, or 0. */
static size_t api_body(const struct scan *sc, const struct api_rule *r, size_t b)
{
	const unsigned char *t = sc->t;
	size_t q = b, lim = sc->len - b > r->max ? b + r->max + 1 : sc->len, n;
	unsigned seen = 0;
	int same = 1, upper = 0, lower = 0;

	while (q < lim && (sc->cls[t[q]] & r->cls)) {
		seen |= sc->cls[t[q]];
		same &= t[q] == t[b];
		upper |= t[q] >= 'A' && t[q] <= 'Z';
		lower |= t[q] >= 'a' && t[q] <= 'z';
		q++;
	}
	n = q - b;
	if (n < r->min || n > r->max || same)
		return 0;
	if ((r->flags & API_MIXED) && (!(seen & C_DIGIT) || !(seen & C_ALPHA)))
		return 0;
	if ((r->flags & API_CASED) && !(seen & C_DIGIT) && !(upper && lower))
		return 0;
	if ((r->flags & API_EXAMPLE) && n >= 7 && !memcmp(t + q - 7, "EXAMPLE", 7))
		return 0;
	if (r->flags & API_SENDGRID) {
		size_t s = q + 1;

		if (ch(sc, q) != '.')
			return 0;
		for (q = s; (cl(sc, q) & C_TOKEN) && q - s <= 43; q++)
			;
		if (q - s != 43)
			return 0;
	}
	if (cl(sc, q) & C_TOKEN)
		return 0;
	return q;
}

static void try_api(const struct scan *sc, size_t i, struct scrub_finding *best)
{
	const unsigned char *t = sc->t;
	uint64_t m;

	if (i + 1 >= sc->len || (cl_before(sc, i, 1) & C_TOKEN))
		return;
	m = sc->s->api_first[t[i]] & sc->s->api_second[t[i + 1]];
	while (m) {
		unsigned ri = (unsigned)__builtin_ctzll(m);
		const struct api_rule *r = &api_rules[ri];
		size_t plen = sc->s->api_plen[ri], end;

		m &= m - 1;
		if (sc->len - i < plen || memcmp(t + i, r->prefix, plen))
			continue;
		end = api_body(sc, r, i + plen);
		if (end)
			consider(best, SCRUB_API_KEY, i, end);
	}
}

/* ---- the pass ------------------------------------------------------ */

/* An IPv6 address that starts with a hex digit has a ':' within 5 bytes. */
static int ipv6_may_start(const struct scan *sc, size_t i)
{
	size_t q = i;

	while ((cl(sc, q) & C_HEX) && q - i < 5)
		q++;
	return ch(sc, q) == ':';
}

static int try_word(struct scan *sc, size_t i, unsigned k)
{
	struct scrub_finding best = { SCRUB_EMAIL, i, 0 };

	if (k & C_DIGIT)
		try_numbers(sc, i, &best);
	if ((k & C_HEX) && ipv6_may_start(sc, i))
		try_ipv6(sc, i, &best);
	if (k & C_API)
		try_api(sc, i, &best);
	return best.end ? offer(sc, &best) : 0;
}

static int try_punct(struct scan *sc, size_t i)
{
	struct scrub_finding best = { SCRUB_EMAIL, i, 0 };
	int c = sc->t[i];

	if (c == '+')
		try_phone_intl(sc, i, &best);
	else if (c == '(')
		try_phone_paren(sc, i, &best);
	else if (ch(sc, i + 1) == ':')
		try_ipv6(sc, i, &best);
	return best.end ? offer(sc, &best) : 0;
}

/*
 * The hot loop works on 64-byte blocks: a bit mask of the bytes that may
 * start a finding, namely the first byte of every word and every '+', '('
 * and ':'. The class table then decides which of them a scanner wants.
 * The SSE2 version and the portable SWAR one compute the same mask (build
 * with -DSCRUB_NO_SIMD to test the portable one on x86).
 */
#define BLOCK 64

/* Byte by byte, for the short tail of the text. */
static uint64_t block_bytes(const uint16_t *cls, const unsigned char *t,
			    size_t n, uint64_t *punct)
{
	uint64_t w = 0, p = 0;
	size_t j;

	for (j = 0; j < n; j++) {
		unsigned k = cls[t[j]];

		w |= (uint64_t)((k & C_WORD) != 0) << j;
		p |= (uint64_t)((k & C_PUNCT) != 0) << j;
	}
	*punct = p;
	return w;
}

#if defined(__SSE2__) && !defined(SCRUB_NO_SIMD)
static inline __m128i in_range(__m128i c, char lo, char hi)
{
	__m128i x = _mm_min_epu8(c, _mm_set1_epi8(hi));

	return _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(lo)), c);
}

static uint64_t block_full(const unsigned char *t, uint64_t *punct)
{
	uint64_t w = 0, p = 0;
	unsigned j;

	for (j = 0; j < BLOCK; j += 16) {
		__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(t + j));
		__m128i lc = _mm_or_si128(c, _mm_set1_epi8(0x20));
		__m128i wd = _mm_or_si128(in_range(c, '0', '9'), in_range(lc, 'a', 'z'));
		__m128i pu;

		wd = _mm_or_si128(wd, _mm_cmpeq_epi8(c, _mm_set1_epi8('_')));
		pu = _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('+')),
				  _mm_cmpeq_epi8(c, _mm_set1_epi8('(')));
		pu = _mm_or_si128(pu, _mm_cmpeq_epi8(c, _mm_set1_epi8(':')));
		w |= (uint64_t)(unsigned)_mm_movemask_epi8(wd) << j;
		p |= (uint64_t)(unsigned)_mm_movemask_epi8(pu) << j;
	}
	*punct = p;
	return w;
}
#else
/* SWAR: eight bytes per 64-bit word, 0x80 marking the bytes that match. */
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define LOWS  0x7f7f7f7f7f7f7f7fULL

static inline uint64_t load_le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	       (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* Bytes of x in [lo, hi], for 1 <= lo <= hi <= 0x7f. */
static inline uint64_t swar_range(uint64_t x, unsigned lo, unsigned hi)
{
	uint64_t y = x & LOWS;
	uint64_t ge = y + ONES * (0x80 - lo);
	uint64_t le = ~(y + ONES * (0x7f - hi));

	return ge & le & ~x & HIGHS;
}

static inline uint64_t swar_eq(uint64_t x, unsigned c)
{
	uint64_t z = x ^ (ONES * c);

	return ~(((z & LOWS) + LOWS) | z) & HIGHS;
}

/* One bit per byte: bit j is the 0x80 of byte j. */
static inline uint64_t swar_bits(uint64_t m)
{
	return (m * 0x0002040810204081ULL) >> 56;
}

static uint64_t block_full(const unsigned char *t, uint64_t *punct)
{
	uint64_t w = 0, p = 0;
	unsigned j;

	for (j = 0; j < BLOCK; j += 8) {
		uint64_t x = load_le64(t + j);
		uint64_t wd = swar_range(x, '0', '9') |
			      swar_range(x | ONES * 0x20, 'a', 'z') | swar_eq(x, '_');
		uint64_t pu = swar_eq(x, '+') | swar_eq(x, '(') | swar_eq(x, ':');

		w |= swar_bits(wd) << j;
		p |= swar_bits(pu) << j;
	}
	*punct = p;
	return w;
}
#endif

/* Candidate starts in t[base, base + n), n <= BLOCK, as a bit mask. */
static uint64_t block_candidates(const uint16_t *cls, const unsigned char *t,
				 size_t base, size_t n)
{
	uint64_t w, p, prev = base > 0 && (cls[t[base - 1]] & C_WORD);

	if (n == BLOCK)
		w = block_full(t + base, &p);
	else
		w = block_bytes(cls, t + base, n, &p);
	return (w & ~((w << 1) | prev)) | p;
}

/*
 * Scanners check their own left edge and read beyond the block as they
 * need. Nothing that starts inside an accepted finding is looked at again;
 * every finding ends before a non-word byte, so the block after a jump
 * starts cleanly.
 */
int scrub_find(const struct scrubber *s, const char *text, size_t len,
	       struct scrub_findings *out)
{
	struct scan sc;
	const unsigned char *t = (const unsigned char *)text;
	const uint16_t *cls = s->cls;
	size_t base = 0;

	memset(&sc, 0, sizeof sc);
	sc.t = t;
	sc.len = len;
	sc.cls = cls;
	sc.s = s;
	sc.out = out;
	sc.mail_state = MAIL_UNKNOWN;
	while (base < len) {
		size_t n = len - base < BLOCK ? len - base : BLOCK;
		uint64_t m = block_candidates(cls, t, base, n);

		while (m) {
			size_t i = base + (size_t)__builtin_ctzll(m);
			unsigned k = cls[t[i]];
			int rc = 0;

			m &= m - 1;
			if (i < sc.last_end)
				continue;
			if (k & C_WORD_TRIGGER)
				rc = try_word(&sc, i, k);
			else if (k & C_PUNCT)
				rc = try_punct(&sc, i);
			if (rc)
				return -1;
		}
		base += n;
		if (base < sc.last_end)
			base = sc.last_end;
	}
	return flush_mail(&sc, 0, 0);
}

int scrub_text(const struct scrubber *s, const char *text, size_t len,
	       struct buf *out, struct scrub_counts *counts)
{
	struct scrub_findings f = { NULL, 0, 0 };
	size_t k, pos = 0;
	int rc;

	rc = scrub_find(s, text, len, &f);
	if (rc)
		goto out;
	for (k = 0; k < f.n; k++) {
		const struct scrub_finding *x = &f.v[k];

		rc = x->start > pos ? buf_append(out, text + pos, x->start - pos) : 0;
		if (!rc)
			rc = buf_puts(out, placeholders[x->type]);
		if (rc)
			goto out;
		pos = x->end;
	}
	rc = len > pos ? buf_append(out, text + pos, len - pos) : 0;
	/* counts only for text that was written in full */
	for (k = 0; !rc && counts && k < f.n; k++)
		counts->n[f.v[k].type]++;
out:
	scrub_findings_release(&f);
	return rc;
}
