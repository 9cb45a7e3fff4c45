/*
 * scrub: the three-stage PII and secret engine behind scrub.h.
 *
 * Stage 1: one Hyperscan (Vectorscan) block-mode database holds the
 * stage-1 pattern of every rule in scrub_rules.c, compiled once with
 * SOM_LEFTMOST, so one pass over the text reports (rule, start, end) for
 * every candidate. Overlapping reports of one rule are merged into a region
 * (bounded, so a pathological input cannot make one region huge).
 * Stage 2: a rule with captures re-runs its PCRE2 pattern (JIT, with match
 * and depth limits) from the region's start, over the region plus the
 * rule's `tail`, and takes group 1 as the value.
 * Stage 3: the rule's validator confirms the value (and may narrow it).
 * Then overlaps between rules are resolved: higher priority wins, then the
 * longer finding, then the earlier start.
 *
 * Every stage reads a bounded window per candidate, so the scan is linear in
 * the input on any bytes (NULs and invalid UTF-8 are plain bytes here). A
 * stage-2 error (match limit, JIT stack) redacts the whole candidate region
 * instead of dropping it: the engine fails towards redaction.
 *
 * References: Hyperscan developer reference (SOM, block mode, scratch per
 * thread); PCRE2 API (pcre2_match, branch reset groups); Luhn (ISO/IEC
 * 7812-1); IBAN (ISO 13616, mod 97-10 of ISO 7064); RFC 4291 section 2.2;
 * RFC 7519 (JWT); IANA special-purpose address registries; RFC 2606/6761
 * reserved names; SSA SSN randomization rules.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/scrub.h"
#include "core/scrub_rules.h"
#include "util/buf.h"

#include <hs/hs.h>
#include <limits.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REGION_MAX 65536         /* one merged stage-1 region, bytes */
#define LOOKBEHIND 64            /* bytes before a region stage 2 may see */
#define MATCH_LIMIT 200000
#define DEPTH_LIMIT 20000

/* Per-thread scan state, pooled in the scrubber. */
struct region;
struct cand;

struct scan_state {
	hs_scratch_t *scratch;
	struct region *pending;     /* per rule; kept between scans */
	struct cand *c;             /* candidates; kept between scans */
	size_t calloc_n;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	struct scan_state *next;
};

struct scrubber {
	hs_database_t *db;
	bool db_embedded;           /* deserialized from the build-time copy */
	hs_scratch_t *proto;
	pcre2_code **re;            /* per rule, NULL when stage 1 is enough */
	bool *jit;                  /* per rule: re was JIT-compiled */
	struct scrub_options opt;
	pthread_mutex_t lock;
	struct scan_state *pool;
};

static const char *const type_names[SCRUB_NTYPES] = {
	"EMAIL", "PHONE", "IP_ADDRESS", "CREDIT_CARD", "API_KEY", "IBAN", "US_SSN", "MAC_ADDRESS",
	"URL_CREDENTIALS", "PRIVATE_KEY", "JWT", "PASSWORD", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
	"GCP_API_KEY", "GCP_SERVICE_ACCOUNT", "GCP_OAUTH", "AZURE_STORAGE_KEY", "AZURE_SAS_TOKEN",
	"GITHUB_TOKEN", "GITLAB_TOKEN", "SLACK_TOKEN", "SLACK_WEBHOOK", "STRIPE_KEY", "OPENAI_KEY",
	"ANTHROPIC_KEY", "HUGGINGFACE_TOKEN", "NPM_TOKEN", "PYPI_TOKEN", "TWILIO_KEY", "SENDGRID_KEY",
	"MAILGUN_KEY", "DISCORD_TOKEN", "DISCORD_WEBHOOK", "TELEGRAM_BOT_TOKEN", "SHOPIFY_TOKEN",
	"DIGITALOCEAN_TOKEN", "HEROKU_KEY", "DATADOG_KEY", "BASIC_AUTH", "BEARER_TOKEN", "HOME_PATH",
	"GENERIC_SECRET",
};

/* ---- small byte helpers ----------------------------------------------- */

static inline int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int is_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static inline int is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

static inline int is_hex(int c)
{
	return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f');
}

static inline int is_token(int c)
{
	return is_alnum(c) || c == '_' || c == '-';
}

struct text {
	const unsigned char *t;
	size_t len;
};

/* The byte at p, or -1 outside the text. */
static inline int at(const struct text *x, size_t p)
{
	return p < x->len ? x->t[p] : -1;
}

static inline int before(const struct text *x, size_t p, size_t k)
{
	return p >= k ? x->t[p - k] : -1;
}

/* Case-insensitive search of a lowercase needle in t[a, b). */
static int has_ci(const unsigned char *t, size_t a, size_t b, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = a; i + n <= b; i++) {
		size_t k = 0;

		while (k < n && lower(t[i + k]) == (unsigned char)needle[k])
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

static int eq_ci(const unsigned char *p, size_t n, const char *lit)
{
	if (strlen(lit) != n)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (lower(p[k]) != (unsigned char)lit[k])
			return 0;
	return 1;
}

static int in_list_ci(const unsigned char *p, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (eq_ci(p, n, *list))
			return 1;
	return 0;
}

/* Shannon entropy of p[0, n) in bits per byte. */
static double entropy(const unsigned char *p, size_t n)
{
	unsigned cnt[256] = { 0 };
	double h = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		cnt[p[i]]++;
	for (unsigned c = 0; c < 256; c++) {
		if (cnt[c]) {
			double q = (double)cnt[c] / (double)n;
			h -= q * log2(q);
		}
	}
	return h;
}

static unsigned distinct(const unsigned char *p, size_t n)
{
	unsigned char seen[256] = { 0 };
	unsigned d = 0;

	for (size_t i = 0; i < n; i++)
		if (!seen[p[i]]++)
			d++;
	return d;
}

/* Decode base64 or base64url (padding optional) into out (at most cap
 * bytes). Returns the decoded length, or -1 on a bad byte. */
static long b64_decode(const unsigned char *p, size_t n, unsigned char *out, size_t cap)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = p[i], v;

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (is_digit(c))
			v = c - '0' + 52;
		else if (c == '+' || c == '-')
			v = 62;
		else if (c == '/' || c == '_')
			v = 63;
		else if (c == '=')
			break;
		else
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o < cap)
				out[o] = (unsigned char)(acc >> bits);
			o++;
		}
	}
	return (long)(o < cap ? o : cap);
}

/* ---- allow-lists --------------------------------------------------------- */

/* Words that make a value a template, a placeholder or an example. */
static const char *const placeholder_words[] = {
	"${", "{{", "}}", "%(", "%s", "xxxx", "****", "....", "your", "example", "placeholder", "changeme",
	"change_me", "change-me", "redacted", "dummy", "<", ">", "replace", "insert", "enter_", "enter-",
	"os.environ", "process.env", "getenv", "env(", "env[", "env.", "secrets.", "vault", "config.",
	"settings.", "params.", "args.", "request.", "input(", "sample", "here", "todo", "fake", "mock",
	NULL,
};

static const char *const non_values[] = {
	"password", "passwd", "pass", "secret", "none", "null", "nil", "true", "false", "undefined", "str",
	"string", "required", "optional", "bool", "boolean", "int", "text", "hidden", "empty", "token",
	"bytes", "char", "varchar", "any", "object", "number", "secretstr", "field", "default", "test",
	"admin", "root", "user", "username", "value", "1234", "12345", "123456", "postgres", "guest", "mysql",
	"redis", "rabbitmq", "docker", "minio", "minioadmin",
	NULL,
};

/* A placeholder word found inside a long random value, with letters or
 * digits on both sides (...PgTTODO4I1... in a storage key, w%($lb in a
 * Django key), is chance, not a placeholder. */
static int embedded_word(const unsigned char *low, size_t m, size_t i, size_t wl)
{
	if (m < 32)
		return 0;
	if (low[i] == '%' && low[i + 1] == '(') {
		/* %(name)s is a format; %( followed by anything else is not */
		size_t k = i + 2;

		while (k < m && (is_alpha(low[k]) || low[k] == '_'))
			k++;
		return !(k > i + 2 && k < m && low[k] == ')');
	}
	if (!is_alpha(low[i]))
		return 0;
	return i > 0 && is_alnum(low[i - 1]) && i + wl < m && is_alnum(low[i + wl]);
}

static int placeholder_like(const unsigned char *p, size_t n)
{
	unsigned char low[512];
	size_t m = n < sizeof low ? n : sizeof low;

	if (!n)
		return 1;
	/* $VAR, [x], {x}, (x); %VAR% and %(name)s but not a random value
	 * that happens to start with % */
	if (p[0] == '$' || p[0] == '[' || p[0] == '{' || p[0] == '(' ||
	    (p[0] == '%' && (p[n - 1] == '%' || (n > 1 && p[1] == '('))))
		return 1;
	if (distinct(p, n) <= 2)
		return 1;
	/* lowercase once, then plain substring searches (this runs for every
	 * candidate secret, so it must be cheap) */
	for (size_t i = 0; i < m; i++)
		low[i] = (unsigned char)lower(p[i]);
	for (const char *const *w = placeholder_words; *w; w++) {
		size_t wl = strlen(*w);

		for (const unsigned char *h = low; (h = memmem(h, m - (size_t)(h - low), *w, wl)); h++)
			if (!embedded_word(low, m, (size_t)(h - low), wl))
				return 1;
	}
	return in_list_ci(p, n, non_values);
}

/* An identifier or expression rather than a literal: snake_case words,
 * camelCase words, member access, calls. */
static int identifier_like(const unsigned char *p, size_t n)
{
	unsigned digits = 0, other = 0, dots = 0;

	for (size_t i = 0; i < n; i++) {
		int c = p[i];

		if (is_digit(c))
			digits++;
		else if (c >= 'A' && c <= 'Z')
			continue;
		else if (c == '.')
			dots++;
		else if (c == '_' || c == '-')
			continue;
		else if (!(c >= 'a' && c <= 'z'))
			other++;
		/* a call or an index, get_token() or env["X"]; a bracket
		 * inside random text (django-insecure-...(q6-g+...) is not */
		if ((c == '(' || c == '[') && !other && (p[n - 1] == ')' || p[n - 1] == ']'))
			return 1;
	}
	if (other)
		return 0;
	if (dots && !digits)
		return 1;  /* settings.SECRET_KEY, self.password */
	return !digits;  /* letters and separators only: words, not a secret */
}

/* ---- validators ----------------------------------------------------------- */

static const char *const file_exts[] = {
	"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "js", "mjs", "cjs", "ts", "tsx", "jsx", "css",
	"scss", "py", "rb", "go", "rs", "java", "json", "yaml", "yml", "md", "txt", "html", "htm", "lock",
	"sh", "tar", "gz", "tgz", "zip", "min", "map", "pdf", "xml", "toml", "ini", "cfg", "conf", "log",
	"vue", "php", "kt", "swift", "c", "h", "cpp", "hpp", "cs", "wasm", "woff", "woff2", "ttf", "mp4",
	NULL,
};

static const char *const reserved_tlds[] = { "test", "invalid", "localhost", "example", "local", NULL };

/* Generic top-level domains of three or more letters that addresses use;
 * any two-letter (country) domain is accepted. Names like .service,
 * .timer or .weight are systemd units and attribute access, not mail. */
static const char *const long_tlds[] = {
	"com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "mobi", "asia", "tel",
	"app", "dev", "tech", "cloud", "online", "site", "store", "shop", "blog", "xyz", "top", "club", "live",
	"email", "page", "link", "news", "art", "design", "space", "website", "host", "systems", "solutions",
	"company", "agency", "digital", "network", "software", "studio", "academy", "center", "media", "group",
	"team", "works", "world", "zone", "today", "life", "global", "inc", "llc", "ltd", "bank", "law", "money",
	"finance", "capital", "ventures", "foundation", "institute", "university", "school", "gmbh", "berlin",
	"london", "nyc", "paris", "tokyo", "amsterdam", "mail", "post", "travel", "jobs", "museum", "aero",
	"coop", "cat", "eus", "swiss", "health", "care", "consulting", "services", "science", "codes", "tools",
	"run", "one", "plus", "app", "ninja", "rocks", "social", "chat", "me", NULL,
};

/* SSH algorithm names look like addresses (curve25519-sha256@libssh.org). */
static const char *const not_mail_domains[] = { "libssh.org", "openssh.com", NULL };

static int v_email(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *t = x->t;
	size_t a = *s, b = *e, at_pos, lab, k;
	int alnum = 0;

	at_pos = (size_t)((const unsigned char *)memchr(t + a, '@', b - a) - t);
	/* a..b@c.org: an address cannot hold "..", so it starts after them */
	for (k = at_pos; k > a + 1; k--)
		if (t[k - 1] == '.' && t[k - 2] == '.') {
			a = k;
			break;
		}
	while (a < at_pos && (t[a] == '.' || t[a] == '-' || t[a] == '+'))
		a++;
	if (at_pos > a && t[at_pos - 1] == '.')
		return 0;  /* john.@gmail.com */
	if (t[at_pos + 1] == '-' || t[at_pos + 1] == '.')
		return 0;
	while (b > at_pos + 1 && (t[b - 1] == '.' || t[b - 1] == '-'))
		b--;
	if (a == at_pos || b <= at_pos + 1 || memchr(t + at_pos + 1, '@', b - at_pos - 1))
		return 0;
	if (before(x, a, 1) == '@' || at(x, b) == '@')
		return 0;  /* a@b.io@c: part of something else */
	for (k = a; k < at_pos; k++)
		alnum |= is_alnum(t[k]) || t[k] >= 0x80;
	if (!alnum)
		return 0;
	/* the last label: letters (or IDN), 2-24 bytes, not a file extension */
	for (lab = b; lab > at_pos + 1 && t[lab - 1] != '.'; lab--)
		;
	if (lab <= at_pos + 1 || b - lab < 2 || b - lab > 24)
		return 0;
	for (k = lab; k < b; k++)
		if (!is_alpha(t[k]) && t[k] < 0x80 && !(k > lab + 3 && eq_ci(t + lab, 4, "xn--")))
			return 0;
	if (in_list_ci(t + lab, b - lab, file_exts) || in_list_ci(t + lab, b - lab, reserved_tlds))
		return 0;
	if (b - lab > 2 && t[lab] < 0x80 && !eq_ci(t + lab, 4 < b - lab ? 4 : b - lab, "xn--") &&
	    !in_list_ci(t + lab, b - lab, long_tlds))
		return 0;
	for (const char *const *d = not_mail_domains; *d; d++)
		if (eq_ci(t + at_pos + 1, b - at_pos - 1, *d))
			return 0;
	/* example.com, mail.example.org: RFC 2606 documentation domains */
	if (has_ci(t, at_pos + 1, b, "example.") && (b - lab == 3))
		return 0;
	/* git@github.com:org/repo is an SSH remote, not a person */
	if (at_pos - a == 3 && eq_ci(t + a, 3, "git"))
		return 0;
	*s = a;
	*e = b;
	return 1;
}

/* Assigned ITU-T E.164 country codes (a prefix code). */
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

static int country_code_ok(const char *d, size_t n)
{
	const char *p = country_codes;

	while (*p) {
		size_t k = strcspn(p, " ");

		if (k <= n && !memcmp(p, d, k))
			return 1;  /* a prefix code: at most one entry matches */
		p += k;
		while (*p == ' ')
			p++;
	}
	return 0;
}

static size_t collect_digits(const unsigned char *t, size_t a, size_t b, char *d, size_t cap)
{
	size_t n = 0;

	for (size_t k = a; k < b; k++)
		if (is_digit(t[k])) {
			if (n < cap)
				d[n] = (char)t[k];
			n++;
		}
	return n;
}

static int is_nanp(const char *d)
{
	return d[0] >= '2' && d[3] >= '2';
}

/* A date starts at k: 19YY or 20YY, '-' or '/', a two-digit month, then
 * a separator or the end of the digits (2024-01-15, 2024/01). The
 * four-digit groups of real numbers (+55 11 91234-5678, 03-1461-4674,
 * +91-78632-83627) are followed by more than two digits, so they pass. */
static int date_at(const struct text *x, size_t k)
{
	int c0 = at(x, k), c1 = at(x, k + 1), sep = at(x, k + 4);

	if (!((c0 == '1' && c1 == '9') || (c0 == '2' && c1 == '0')))
		return 0;
	if (!is_digit(at(x, k + 2)) || !is_digit(at(x, k + 3)) || is_digit(before(x, k, 1)))
		return 0;
	if ((sep != '-' && sep != '/') || !is_digit(at(x, k + 5)) || !is_digit(at(x, k + 6)))
		return 0;
	return !is_digit(at(x, k + 7));
}

/* Shapes that are numbers of another kind: dates, decimals, section
 * numbers, compact runs too short for a full number. */
static int phone_shape_ok(const struct text *x, size_t a, size_t b, const char *d, size_t n)
{
	const unsigned char *t = x->t;
	int seps = 0, dot = 0, space = 0;

	for (size_t k = a + 1; k < b; k++) {
		if (is_digit(t[k]))
			continue;
		seps++;
		dot |= t[k] == '.';
		space |= t[k] == ' ';
	}
	if ((at(x, b) == '.' || at(x, b) == ',') && is_digit(at(x, b + 1)))
		return 0;
	if ((dot && space) || (dot && seps == 1))
		return 0;  /* +44 20.8.2.2.10, Decimal('+35236450.6') */
	if (!seps && n < 10)
		return 0;
	for (size_t k = a; k + 5 <= b; k++)
		if (date_at(x, k))
			return 0;
	if (d[0] == '1')  /* +1: a North American number, exactly */
		return n == 11 && is_nanp(d + 1);
	return 1;
}

static int v_phone_intl(const struct text *x, size_t *s, size_t *e)
{
	char d[32];
	size_t n = collect_digits(x->t, *s, *e, d, sizeof d);
	int p = before(x, *s, 1);

	if (n < 8 || n > 15 || is_alnum(p) || p == '+' || p == '-' || p == '.' || p == '/' || is_digit(at(x, *e)))
		return 0;
	if (d[0] == '0' || !country_code_ok(d, n))
		return 0;
	return phone_shape_ok(x, *s, *e, d, n);
}

static int v_phone_nanp(const struct text *x, size_t *s, size_t *e)
{
	char d[16];
	size_t n = collect_digits(x->t, *s, *e, d, sizeof d);
	int p = before(x, *s, 1), q = at(x, *e);

	const unsigned char *t = x->t;
	int sep = 0;

	if (n == 11 && d[0] == '1')
		memmove(d, d + 1, 10), n = 10;
	if (n != 10 || !is_nanp(d))
		return 0;
	/* one separator throughout: 415-555.2671 is not written by people */
	for (size_t k = *s; k < *e; k++) {
		int c = t[k];

		if (is_digit(c) || c == '(' || (c == ')'))
			continue;
		if (c == ' ' && k > *s && t[k - 1] == ')')
			continue;
		if (sep && c != sep)
			return 0;
		sep = c;
	}
	/* "128 256 512 1024": one of a row of numbers */
	if (sep == ' ' && ((p == ' ' && is_digit(before(x, *s, 2))) || (q == ' ' && is_digit(at(x, *e + 1)))))
		return 0;
	if (p == '-' || p == '.' || p == '/' || is_digit(p) || ((q == '-' || q == '.') && is_digit(at(x, *e + 1))))
		return 0;
	return 1;
}

static int v_phone_ctx(const struct text *x, size_t *s, size_t *e)
{
	char d[32];
	size_t n = collect_digits(x->t, *s, *e, d, sizeof d);
	const unsigned char *t = x->t;

	int dot = 0, other = 0;

	if (n < 9 || n > 15)
		return 0;
	/* written by people: no two separators in a row (but ") "), and dots
	 * only with dots */
	for (size_t k = *s + 1; k < *e; k++) {
		int c = t[k], pc = t[k - 1];

		if (is_digit(c))
			continue;
		dot |= c == '.';
		other |= c != '.' && c != '(' && c != ')';
		if (!is_digit(pc) && !(pc == ')' && c == ' ') && !(pc == ' ' && c == '('))
			return 0;
	}
	if (dot && other)
		return 0;
	/* 2024-01-15 or 2024/01/15 inside is a date, not a number */
	for (size_t k = *s; k + 5 <= *e; k++)
		if (date_at(x, k))
			return 0;
	return 1;
}

static const char *const version_words[] = {
	"version", "ver", "build", "release", "rev", "revision", "firmware", "kernel", "patch", "v", "python",
	"node", "chrome", "firefox", "safari", "oid", "section", NULL,
};

/* A dotted quad right after a version word or operator is a version. */
static int version_context(const struct text *x, size_t s)
{
	const unsigned char *t = x->t;
	size_t p = s, q;
	int c = before(x, s, 1);

	int c2 = before(x, s, 2);

	if ((c == '=' && (c2 == '=' || c2 == '>' || c2 == '<' || c2 == '~' || c2 == '!')) || c == '^' || c == '~' ||
	    (c == '/' && c2 != '/') || c == '>' || c == '<' || c == 'v' || c == 'V')
		return 1;  /* chrome/120.0.6099.109, but http://34.60.104.252 */
	while (p > 0 && p + 6 > s && (t[p - 1] == ' ' || t[p - 1] == ':' || t[p - 1] == '"' || t[p - 1] == '\'' ||
				      t[p - 1] == '='))
		p--;
	q = p;
	while (q > 0 && (is_alpha(t[q - 1]) || t[q - 1] == '_') && p - q < 24)
		q--;
	if (q == p)
		return 0;
	/* "version", "appVersion", "kernel_version", "Git", "OID", and a word
	 * glued to an escape ("\\nBuild" in JSON text) */
	if (p - q >= 7 && eq_ci(t + p - 7, 7, "version"))
		return 1;
	for (const char *const *w = version_words; *w; w++) {
		size_t n = strlen(*w);

		if (n <= p - q && eq_ci(t + p - n, n, *w) &&
		    (p - n == q || t[p - n - 1] == '_' || (t[p - n] >= 'A' && t[p - n] <= 'Z') ||
		     (p - n >= 2 && t[p - n - 2] == '\\')))
			return 1;
	}
	return 0;
}

static const char *const ip_words[] = {
	"ip", "addr", "address", "host", "server", "from", "to", "connect", "connecting", "ssh", "peer", "client",
	"remote", "src", "dst", "upstream", "listen", "ping", "nslookup", "dig", "curl", "via", "inet", "gateway",
	"proxy", "origin", "x-forwarded-for", "at", NULL,
};

/* Four small numbers (all <= 31) are a section number, an OID or a version
 * far more often than an address: take them only after an address word
 * (or in user@host, http://host). */
static int ip_context(const struct text *x, size_t s)
{
	const unsigned char *t = x->t;
	size_t p = s, q;
	int c = before(x, s, 1);

	if (c == '@' || (c == '/' && before(x, s, 2) == '/'))
		return 1;
	while (p > 0 && p + 4 > s && (t[p - 1] == ' ' || t[p - 1] == ':' || t[p - 1] == '"' || t[p - 1] == '=' ||
				      t[p - 1] == '\''))
		p--;
	q = p;
	while (q > 0 && (is_alpha(t[q - 1]) || t[q - 1] == '_' || t[q - 1] == '-') && p - q < 20)
		q--;
	return q < p && (in_list_ci(t + q, p - q, ip_words) || has_ci(t, q, p, "ip") || has_ci(t, q, p, "host") ||
			 has_ci(t, q, p, "addr"));
}

static int ipv4_parse(const unsigned char *t, size_t a, size_t b, unsigned o[4])
{
	size_t p = a;

	for (int k = 0; k < 4; k++) {
		unsigned v = 0, nd = 0;
		size_t st = p;

		while (p < b && is_digit(t[p]) && nd < 4) {
			v = v * 10 + (unsigned)(t[p] - '0');
			p++;
			nd++;
		}
		if (!nd || nd > 3 || v > 255 || (nd > 1 && t[st] == '0'))
			return 0;
		o[k] = v;
		if (k < 3) {
			if (p >= b || t[p] != '.')
				return 0;
			p++;
		}
	}
	return p == b;
}

static int ipv4_kept(const unsigned o[4])
{
	static const unsigned char resolvers[][4] = {
		{ 8, 8, 8, 8 }, { 8, 8, 4, 4 }, { 1, 1, 1, 1 }, { 1, 0, 0, 1 }, { 9, 9, 9, 9 },
		{ 149, 112, 112, 112 }, { 208, 67, 222, 222 }, { 208, 67, 220, 220 }, { 64, 6, 64, 6 },
		{ 4, 2, 2, 2 }, { 94, 140, 14, 14 }, { 76, 76, 2, 0 },
	};

	if (o[0] == 0 || o[0] == 10 || o[0] == 127 || o[0] >= 224)
		return 1;
	if ((o[0] == 169 && o[1] == 254) || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) ||
	    (o[0] == 192 && o[1] == 168) || (o[0] == 100 && o[1] >= 64 && o[1] <= 127))
		return 1;
	if ((o[0] == 192 && o[1] == 0 && (o[2] == 2 || o[2] == 0)) || (o[0] == 198 && o[1] == 51 && o[2] == 100) ||
	    (o[0] == 203 && o[1] == 0 && o[2] == 113) || (o[0] == 198 && (o[1] == 18 || o[1] == 19)))
		return 1;
	for (size_t k = 0; k < sizeof resolvers / sizeof resolvers[0]; k++)
		if (o[0] == resolvers[k][0] && o[1] == resolvers[k][1] && o[2] == resolvers[k][2] &&
		    o[3] == resolvers[k][3])
			return 1;
	return 0;
}

static int v_ipv4(const struct scrubber *sc, const struct text *x, size_t *s, size_t *e)
{
	unsigned o[4];
	int p = before(x, *s, 1), q = at(x, *e);

	if (!ipv4_parse(x->t, *s, *e, o))
		return 0;
	if (p == '.' || p == '_' || (q == '.' && is_alnum(at(x, *e + 1))) || q == '_')
		return 0;
	/* 4.18.0.240-beta, release-34.12.5.6 (a range 1.2.3.4-1.2.3.9 is fine) */
	if ((q == '-' && is_alpha(at(x, *e + 1))) || (p == '-' && is_alpha(before(x, *s, 2))))
		return 0;
	if (version_context(x, *s))
		return 0;
	if (o[0] <= 31 && o[1] <= 31 && o[2] <= 31 && o[3] <= 31 && !ip_context(x, *s))
		return 0;
	return sc->opt.report_kept_ips || !ipv4_kept(o);
}

/* Parse an RFC 4291 text address in t[a, b) into 8 groups. */
static int ipv6_parse(const unsigned char *t, size_t a, size_t b, uint16_t g[8], unsigned *explicit_groups)
{
	uint16_t head[8], tail[8];
	unsigned nh = 0, nt = 0, *n = &nh;
	uint16_t *cur = head;
	int gap = 0;
	size_t p = a;

	if (b - a >= 2 && t[a] == ':' && t[a + 1] == ':') {
		gap = 1;
		p = a + 2;
		cur = tail;
		n = &nt;
	} else if (p < b && t[p] == ':') {
		return 0;
	}
	while (p < b) {
		unsigned v = 0, nd = 0;
		size_t st = p;

		while (p < b && is_hex(t[p]) && nd < 5) {
			v = v * 16 + (unsigned)(is_digit(t[p]) ? t[p] - '0' : lower(t[p]) - 'a' + 10);
			p++;
			nd++;
		}
		if (p < b && t[p] == '.') {
			unsigned o[4];

			/* an embedded IPv4 address ends the text */
			if (!ipv4_parse(t, st, b, o) || nh + nt + 2 > 8)
				return 0;
			cur[(*n)++] = (uint16_t)(o[0] << 8 | o[1]);
			cur[(*n)++] = (uint16_t)(o[2] << 8 | o[3]);
			p = b;
			break;
		}
		if (!nd || nd > 4 || nh + nt >= 8)
			return 0;
		cur[(*n)++] = (uint16_t)v;
		if (p == b)
			break;
		if (t[p] != ':')
			return 0;
		p++;
		if (p < b && t[p] == ':') {
			if (gap)
				return 0;
			gap = 1;
			p++;
			cur = tail;
			n = &nt;
			if (p == b)
				break;
		} else if (p == b) {
			return 0;
		}
	}
	if ((!gap && nh != 8) || (gap && nh + nt > 7))
		return 0;
	memset(g, 0, 8 * sizeof g[0]);
	memcpy(g, head, nh * sizeof g[0]);
	memcpy(g + 8 - nt, tail, nt * sizeof g[0]);
	*explicit_groups = nh + nt;
	return 1;
}

static int ipv6_kept(const uint16_t g[8])
{
	int zero6 = !g[0] && !g[1] && !g[2] && !g[3] && !g[4];

	if (zero6 && !g[5] && !g[6] && g[7] <= 1)
		return 1;  /* :: and ::1 */
	if (zero6 && g[5] == 0xffff) {
		unsigned o[4] = { g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff };
		return ipv4_kept(o);
	}
	if ((g[0] & 0xffc0) == 0xfe80 || (g[0] & 0xfe00) == 0xfc00 || (g[0] & 0xff00) == 0xff00)
		return 1;
	if (g[0] == 0x2001 && (g[1] == 0x0db8 || g[1] < 0x200))
		return 1;  /* documentation; IETF protocol assignments 2001::/23 */
	if ((g[0] == 0x2001 && g[1] == 0x4860 && g[2] == 0x4860) || (g[0] == 0x2606 && g[1] == 0x4700 && g[2] == 0x4700) ||
	    (g[0] == 0x2620 && g[1] == 0x00fe))
		return 1;  /* Google, Cloudflare and Quad9 resolvers */
	return 0;
}

static int v_ipv6(const struct scrubber *sc, const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *t = x->t;
	size_t a = *s, b = *e, hexd = 0;
	unsigned explicit_groups = 0;
	uint16_t g[8];
	int digit = 0, p, q;

	if (b - a >= 2 && t[a] == ':' && t[a + 1] != ':')
		a++;
	if (b - a >= 2 && t[b - 1] == ':' && t[b - 2] != ':')
		b--;
	p = before(x, a, 1);
	q = at(x, b);
	if (is_alnum(p) || p == '_' || p == ':' || p == '.' || is_alnum(q) || q == '_' || q == ':')
		return 0;
	if (!ipv6_parse(t, a, b, g, &explicit_groups))
		return 0;
	for (size_t k = a; k < b; k++) {
		hexd += is_hex(t[k]) != 0;
		digit |= is_digit(t[k]);
	}
	/* C++ and Rust paths (a::b, dead::beef) are not addresses */
	if (!digit || (explicit_groups < 3 && hexd < 5))
		return 0;
	/* 1:2:3:4:5:6:7:8 and EUI-64 / MAC-like 20:01:0d:b8:11:22:33:44 */
	{
		size_t run = 0, maxrun = 0, groups = 1, two = 1;

		for (size_t k = a; k < b; k++) {
			if (t[k] == ':') {
				two &= run == 2;
				groups++;
				run = 0;
				continue;
			}
			run++;
			if (run > maxrun)
				maxrun = run;
		}
		two &= run == 2;
		if (maxrun < 2 || (two && groups == 8))
			return 0;
	}
	if (!sc->opt.report_kept_ips && ipv6_kept(g))
		return 0;
	*s = a;
	*e = b;
	return 1;
}

static int luhn_ok(const char *d, size_t n)
{
	unsigned sum = 0;

	for (size_t k = 0; k < n; k++) {
		unsigned v = (unsigned)(d[n - 1 - k] - '0');

		if (k & 1)
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return sum % 10 == 0;
}

/* Card numbers the networks and processors publish for testing. */
static const char *const test_cards[] = {
	"4111111111111111", "4242424242424242", "4012888888881881", "4222222222222", "4000056655665556",
	"4000000000000002", "4000000000003220", "4000000000009995", "4000002500003155", "4000000000000077",
	"5555555555554444", "5105105105105100", "5200828282828210", "2223003122003222", "5454545454545454",
	"378282246310005", "371449635398431", "378734493671000", "6011111111111117", "6011000990139424",
	"3056930009020004", "36227206271667", "3566002020360505", "6200000000000005", "4005519200000004",
	"4012000033330026", "5425233430109903", "4263982640269299", "4917484589897107", "30569309025904",
	"38520000023237", "3530111333300000", NULL,
};

static int card_issuer_ok(const char *d, size_t n)
{
	unsigned p2 = (unsigned)(d[0] - '0') * 10 + (unsigned)(d[1] - '0');
	unsigned p4 = p2 * 100 + (unsigned)(d[2] - '0') * 10 + (unsigned)(d[3] - '0');

	if (d[0] == '4')
		return n == 13 || n == 16 || n == 19;
	if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
		return n == 16;
	if (p2 == 34 || p2 == 37)
		return n == 15;
	if (p4 == 6011 || p2 == 65 || (p4 >= 6440 && p4 <= 6499) || p2 == 62 || (p4 >= 3528 && p4 <= 3589))
		return n >= 16 && n <= 19;
	if (p2 == 36 || p2 == 38 || p2 == 39 || (p4 >= 3000 && p4 <= 3059))
		return n >= 14 && n <= 19;
	return 0;
}

static int card_span(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *t = x->t;
	char d[24];
	size_t n = 0, groups[8], ng = 0, glen = 0;
	int sep = 0, p = before(x, *s, 1), q = at(x, *e);

	for (size_t k = *s; k < *e; k++) {
		if (is_digit(t[k])) {
			if (n >= 19)
				return 0;
			d[n++] = (char)t[k];
			glen++;
			continue;
		}
		if (sep && t[k] != sep)
			return 0;
		sep = t[k];
		if (ng >= 7)
			return 0;
		groups[ng++] = glen;
		glen = 0;
	}
	groups[ng++] = glen;
	d[n] = '\0';
	if (n < 13 || p == '.' || p == '-' || p == '+' || p == '_' || ((q == '.' || q == '-') && is_digit(at(x, *e + 1))))
		return 0;
	if (ng > 1) {
		/* 4-4-4-4(-3), 4-6-5 or 4-6-4 */
		int ok = groups[0] == 4 && ((ng == 3 && groups[1] == 6 && (groups[2] == 5 || groups[2] == 4)) || ng >= 4);
		for (size_t k = 1; ok && ng >= 4 && k + 1 < ng; k++)
			ok = groups[k] == 4;
		if (!ok || (ng >= 4 && (groups[ng - 1] < 1 || groups[ng - 1] > 4)))
			return 0;
	}
	/* 17 to 19 digits in one run are ids (Discord and X snowflakes pass
	 * Luhn one time in ten); a card that long is printed in groups, or
	 * named as one */
	if (ng == 1 && n > 16) {
		size_t a = *s > 32 ? *s - 32 : 0;

		if (!has_ci(t, a, *s, "card") && !has_ci(t, a, *s, "pan"))
			return 0;
	}
	if (distinct((const unsigned char *)d, n) < 3 || !card_issuer_ok(d, n) || !luhn_ok(d, n))
		return 0;
	for (const char *const *c = test_cards; *c; c++)
		if (!strcmp(d, *c))
			return 0;
	return 1;
}

/* "4421 8096 7929 0814 12/25": the greedy match took the expiry month;
 * drop trailing groups until the number validates. */
static int v_card(const struct text *x, size_t *s, size_t *e)
{
	size_t end = *e;

	for (int tries = 0; tries < 4; tries++) {
		size_t k = end;

		if (card_span(x, s, &end)) {
			*e = end;
			return 1;
		}
		while (k > *s && is_digit(x->t[k - 1]))
			k--;
		if (k <= *s + 13 || (x->t[k - 1] != ' ' && x->t[k - 1] != '-'))
			return 0;
		end = k - 1;
	}
	return 0;
}

static const struct { char cc[3]; unsigned char len; } iban_lengths[] = {
	{ "AD", 24 }, { "AE", 23 }, { "AT", 20 }, { "BE", 16 }, { "BG", 22 }, { "BH", 22 }, { "BR", 29 },
	{ "CH", 21 }, { "CY", 28 }, { "CZ", 24 }, { "DE", 22 }, { "DK", 18 }, { "EE", 20 }, { "ES", 24 },
	{ "FI", 18 }, { "FR", 27 }, { "GB", 22 }, { "GI", 23 }, { "GR", 27 }, { "HR", 21 }, { "HU", 28 },
	{ "IE", 22 }, { "IL", 23 }, { "IS", 26 }, { "IT", 27 }, { "KW", 30 }, { "KZ", 20 }, { "LB", 28 },
	{ "LI", 21 }, { "LT", 20 }, { "LU", 20 }, { "LV", 21 }, { "MC", 27 }, { "MT", 31 }, { "NL", 18 },
	{ "NO", 15 }, { "PK", 24 }, { "PL", 28 }, { "PT", 25 }, { "QA", 29 }, { "RO", 24 }, { "RS", 22 },
	{ "SA", 24 }, { "SE", 24 }, { "SI", 19 }, { "SK", 24 }, { "SM", 27 }, { "TN", 24 }, { "TR", 26 },
	{ "UA", 29 }, { "VG", 24 }, { "XK", 20 },
};

static int v_iban(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *t = x->t;
	char c[40];
	size_t n = 0;
	unsigned rem = 0;
	int known = 0;

	for (size_t k = *s; k < *e; k++) {
		if (t[k] == ' ')
			continue;
		if (n >= 34)
			return 0;
		c[n++] = (char)t[k];
	}
	for (size_t k = 0; k < sizeof iban_lengths / sizeof iban_lengths[0]; k++)
		if (!memcmp(iban_lengths[k].cc, c, 2)) {
			if (n != iban_lengths[k].len)
				return 0;
			known = 1;
		}
	if (!known || n < 15)
		return 0;
	for (size_t k = 0; k < n; k++) {
		char ch = c[(k + 4) % n];

		if (is_digit(ch))
			rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
		else
			rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
	}
	return rem == 1;
}

static int v_ssn(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *t = x->t + *s;
	unsigned area = (unsigned)((t[0] - '0') * 100 + (t[1] - '0') * 10 + (t[2] - '0'));
	int p = before(x, *s, 1), q = at(x, *e);

	if (p == '-' || p == '.' || q == '-' || q == '.')
		return 0;
	if (area == 0 || area == 666 || area >= 900)
		return 0;
	if ((t[4] == '0' && t[5] == '0') || (t[7] == '0' && t[8] == '0' && t[9] == '0' && t[10] == '0'))
		return 0;
	return 1;
}

static int v_mac(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *t = x->t;
	int sep = t[*s + 2], zero = 1, ff = 1;

	for (size_t k = *s; k < *e; k++) {
		if ((k - *s) % 3 == 2) {
			if (t[k] != sep)
				return 0;
			continue;
		}
		zero &= t[k] == '0';
		ff &= lower(t[k]) == 'f';
	}
	if (at(x, *e) == sep || before(x, *s, 1) == sep)
		return 0;
	return !zero && !ff;
}

static int v_userpass(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *t = x->t;
	const unsigned char *colon = memchr(t + *s, ':', *e - *s);
	size_t pw, n;

	if (!colon)
		return 0;
	pw = (size_t)(colon - t) + 1;
	n = *e - pw;
	if (n < 3 || placeholder_like(t + pw, n) || memchr(t + *s, '$', *e - *s))
		return 0;
	/* user:user is a default account of a local service, not a secret */
	if (n == pw - 1 - *s && !memcmp(t + *s, t + pw, n))
		return 0;
	return 1;
}

static int v_jwt(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *t = x->t;
	const unsigned char *dot = memchr(t + *s, '.', *e - *s);
	unsigned char hdr[512];
	long n;

	if (!dot)
		return 0;
	n = b64_decode(t + *s, (size_t)(dot - t) - *s, hdr, sizeof hdr);
	if (n < 8 || hdr[0] != '{' || !has_ci(hdr, 0, (size_t)n, "\"alg\""))
		return 0;
	if (is_token(at(x, *e)))
		return 0;
	return 1;
}

static int quoted(const struct text *x, size_t s)
{
	int c = before(x, s, 1);

	return c == '"' || c == '\'' || c == '`';
}

/* Letters only, but in random case: pQqKGjygkcGfu, not userPassword or
 * XMLHttpRequest. Identifiers are words, so their lower-case runs are
 * long; a random mix of cases breaks them every two letters or so. */
static int random_case(const unsigned char *p, size_t n)
{
	unsigned up = 0, runs = 0, lo = 0;

	if (n < 8)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int c = p[i];

		if (c >= 'A' && c <= 'Z')
			up++;
		else if (c >= 'a' && c <= 'z') {
			lo++;
			runs += i == 0 || !(p[i - 1] >= 'a' && p[i - 1] <= 'z');
		} else if (c != '-' && c != '_')
			return 0;
	}
	return up >= 2 && runs >= 3 && lo < 3 * runs;
}

static int v_password(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *p = x->t + *s;
	size_t n = *e - *s;

	if (placeholder_like(p, n))
		return 0;
	if (!quoted(x, *s)) {
		int c = p[n - 1];

		if (n < 5 || (identifier_like(p, n) && !random_case(p, n)) || c == ')' || c == '(')
			return 0;
	}
	return 1;
}

/* Words that make a quoted phrase a sentence (a hint, an error message,
 * a label), not a passphrase of random words. */
static const char *const prose_words[] = {
	"a", "an", "the", "is", "are", "be", "was", "must", "should", "not", "no", "to", "of", "and",
	"or", "in", "on", "at", "for", "with", "you", "your", "my", "this", "that", "it", "please",
	"enter", "invalid", "incorrect", "wrong", "required", "password", "passphrase", "least",
	"characters", "chars", "too", "short", "long", "match", "do", "does", "did", "has", "have",
	"new", "old", "current", "confirm", "reset", "forgot", "show", "hide", "type", "here", NULL,
};

static int v_passphrase(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *p = x->t + *s, *end = x->t + *e;

	while (p < end) {
		const unsigned char *w = memchr(p, ' ', (size_t)(end - p));

		if (!w)
			w = end;
		if (in_list_ci(p, (size_t)(w - p), prose_words))
			return 0;
		p = w + 1;
	}
	return !placeholder_like(x->t + *s, *e - *s);
}

static int quoted(const struct text *x, size_t s);

static int v_secret(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *p = x->t + *s;
	size_t n = *e - *s;
	unsigned lo = 0, up = 0, dg = 0;

	if (n < 12 || placeholder_like(p, n) || (identifier_like(p, n) && !random_case(p, n)))
		return 0;
	for (size_t k = 0; k < n; k++) {
		lo |= p[k] >= 'a' && p[k] <= 'z';
		up |= p[k] >= 'A' && p[k] <= 'Z';
		dg |= is_digit(p[k]);
	}
	if (lo + up + dg < 2 || has_ci(p, 0, n, "http") || has_ci(p, 0, n, "://"))
		return 0;
	/* a bare value needs a digit: random tokens of this length nearly
	 * always have one, words and expressions (auto_error=False) do not */
	if (!quoted(x, *s) && !dg && !random_case(p, n))
		return 0;
	/* random: about 3 bits per byte or more for a value this long */
	if (entropy(p, n) < (n >= 20 ? 3.0 : 2.6))
		return 0;
	return 1;
}

static int v_token(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *p = x->t + *s;
	size_t n = *e - *s, tail = n > 16 ? 16 : n;

	if (is_token(at(x, *e)) || is_token(before(x, *s, 1)))
		return 0;
	unsigned lo = 0, up = 0, dg = 0;

	if (has_ci(p, 0, n, "xxxx") || has_ci(p, 0, n, "example") || has_ci(p, 0, n, "your") ||
	    has_ci(p, 0, n, "<") || distinct(p + n - tail, tail) < 5)
		return 0;
	for (size_t k = n - tail; k < n; k++) {
		lo |= p[k] >= 'a' && p[k] <= 'z';
		up |= p[k] >= 'A' && p[k] <= 'Z';
		dg |= is_digit(p[k]);
	}
	/* a random body mixes classes; an upper-case base32 one (AWS key
	 * ids) lacks a digit one time in thirty but still has many letters */
	return lo + up + dg >= 2 || (up && tail == 16 && distinct(p + n - tail, tail) >= 7);
}

static int v_basic(const struct text *x, size_t *s, size_t *e)
{
	unsigned char d[400];
	long n = b64_decode(x->t + *s, *e - *s, d, sizeof d);
	unsigned char *colon;

	if (n < 3)
		return 0;
	for (long k = 0; k < n; k++)
		if (d[k] < 0x20 || d[k] == 0x7f)
			return 0;
	colon = memchr(d, ':', (size_t)n);
	if (!colon || colon + 1 >= d + n)
		return 0;
	return !placeholder_like(colon + 1, (size_t)(d + n - colon - 1));
}

static int v_sas(const struct text *x, size_t *s, size_t *e)
{
	size_t a = *s > 600 ? *s - 600 : 0, b = *e + 600 < x->len ? *e + 600 : x->len;

	size_t v = *s + 4;

	/* a signature is URL-encoded base64 and may start with %2B or %2F:
	 * that is an escape, not a %VAR% placeholder */
	while (v + 3 < *e && x->t[v] == '%' && is_hex(x->t[v + 1]) && is_hex(x->t[v + 2]))
		v += 3;
	return (has_ci(x->t, a, b, "sv=") && (has_ci(x->t, a, b, "se=") || has_ci(x->t, a, b, "sp="))) &&
	       !placeholder_like(x->t + v, *e - v);
}

static int v_discord(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *dot = memchr(x->t + *s, '.', *e - *s);
	unsigned char id[32];
	long n;

	if (!dot || !v_token(x, s, e))
		return 0;
	n = b64_decode(x->t + *s, (size_t)(dot - x->t) - *s, id, sizeof id);
	if (n < 17 || n > 20)
		return 0;
	for (long k = 0; k < n; k++)
		if (!is_digit(id[k]))
			return 0;
	return 1;
}

static const char *const generic_users[] = {
	"user", "username", "users", "you", "your", "yourname", "your_name", "your-name", "youruser", "your_user",
	"me", "name", "runner", "runneradmin", "ubuntu", "ec2-user", "admin", "administrator", "root", "public",
	"default", "default user", "all users", "shared", "guest", "vagrant", "docker", "node", "app", "www-data",
	"circleci", "travis", "vscode", "codespace", "jovyan", "linuxbrew", "git", "jenkins", "build", "builder",
	"ci", "pi", "centos", "debian", "fedora", "alpine", "postgres", "nobody", "test", "testuser", "demo",
	"dev", "developer", "foo", "bar", "someone", "username1", "myuser", "me1", "runner1", "coder", "gitpod",
	"dependabot", "actions", "ec2user", "azureuser", "opc", "cloudshell-user", "appuser", "nonroot",
	"deploy", "deployer", "www", "service", "svc", "web", "worker", "bot", "ansible", "github", "gitlab",
	"gitlab-runner", "buildkite", "semaphore", "vsts", "mysql", "redis", "nginx", "apache", "ftp", "backup",
	"<user>", "x", "...", NULL,
};

static int v_home(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *p = x->t + *s;
	size_t n = *e - *s;

	if (in_list_ci(p, n, generic_users) || p[0] == '.' || p[0] == '-' || has_ci(p, 0, n, "your"))
		return 0;
	return 1;
}

/* Values published in documentation and emulators (AWS docs, Azurite). */
static const char *const documented_values[] = {
	"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAIOSFODNN7EXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
	NULL,
};

/* A key block cut short (no END line) ends at its last key byte, not at
 * the whitespace or escaped newlines after it. */
static int v_pem(const struct text *x, size_t *s, size_t *e)
{
	const unsigned char *t = x->t;

	for (;;) {
		if (*e > *s && (t[*e - 1] == ' ' || t[*e - 1] == '\n' || t[*e - 1] == '\r' || t[*e - 1] == '\t'))
			(*e)--;
		else if (*e > *s + 1 && t[*e - 2] == '\\' && (t[*e - 1] == 'n' || t[*e - 1] == 'r'))
			*e -= 2;
		else if (*e > *s && t[*e - 1] == '\\')
			(*e)--;
		else
			break;
	}
	return *e > *s;
}

static int validate(const struct scrubber *sc, const struct scrub_rule *r, const struct text *x, size_t *s,
		    size_t *e)
{
	if (*s >= *e)
		return 0;
	for (const char *const *d = documented_values; *d; d++)
		if (strlen(*d) == *e - *s && !memcmp(*d, x->t + *s, *e - *s))
			return 0;
	switch (r->validator) {
	case V_NONE: return 1;
	case V_EMAIL: return v_email(x, s, e);
	case V_PHONE_INTL: return v_phone_intl(x, s, e);
	case V_PHONE_NANP: return v_phone_nanp(x, s, e);
	case V_PHONE_CTX: return v_phone_ctx(x, s, e);
	case V_IPV4: return v_ipv4(sc, x, s, e);
	case V_IPV6: return v_ipv6(sc, x, s, e);
	case V_CARD: return v_card(x, s, e);
	case V_IBAN: return v_iban(x, s, e);
	case V_SSN: return v_ssn(x, s, e);
	case V_MAC: return v_mac(x, s, e);
	case V_USERPASS: return v_userpass(x, s, e);
	case V_JWT: return v_jwt(x, s, e);
	case V_PASSWORD: return v_password(x, s, e);
	case V_PASSPHRASE: return v_passphrase(x, s, e);
	case V_SECRET: return v_secret(x, s, e);
	case V_TOKEN: return v_token(x, s, e);
	case V_BASIC: return v_basic(x, s, e);
	case V_SAS: return v_sas(x, s, e);
	case V_DISCORD: return v_discord(x, s, e);
	case V_HOME: return v_home(x, s, e);
	case V_PEM: return v_pem(x, s, e);
	}
	return 0;
}

/* ---- building the scrubber --------------------------------------------- */

static void state_free(struct scan_state *st)
{
	if (!st)
		return;
	hs_free_scratch(st->scratch);
	pcre2_match_data_free(st->md);
	pcre2_match_context_free(st->mctx);
	pcre2_jit_stack_free(st->jit);
	free(st->pending);
	free(st->c);
	free(st);
}

static size_t sizeof_region(void);

static struct scan_state *state_new(const struct scrubber *s)
{
	struct scan_state *st = calloc(1, sizeof *st);

	if (!st)
		return NULL;
	if (hs_clone_scratch(s->proto, &st->scratch) != HS_SUCCESS)
		st->scratch = NULL;
	st->md = pcre2_match_data_create(32, NULL);
	st->mctx = pcre2_match_context_create(NULL);
	st->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	st->pending = calloc(scrub_nrules, sizeof_region());
	if (!st->scratch || !st->md || !st->mctx || !st->jit || !st->pending) {
		state_free(st);
		return NULL;
	}
	pcre2_set_match_limit(st->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(st->mctx, DEPTH_LIMIT);
	pcre2_jit_stack_assign(st->mctx, NULL, st->jit);
	return st;
}

static struct scan_state *state_get(const struct scrubber *cs)
{
	struct scrubber *s = (struct scrubber *)cs;  /* the pool is the one mutable part */
	struct scan_state *st;

	pthread_mutex_lock(&s->lock);
	st = s->pool;
	if (st)
		s->pool = st->next;
	pthread_mutex_unlock(&s->lock);
	return st ? st : state_new(s);
}

static void state_put(const struct scrubber *cs, struct scan_state *st)
{
	struct scrubber *s = (struct scrubber *)cs;

	if (!st)
		return;
	pthread_mutex_lock(&s->lock);
	st->next = s->pool;
	s->pool = st;
	pthread_mutex_unlock(&s->lock);
}

/*
 * The Hyperscan database serialized at build time (build/gen/scrub_hsdb.c,
 * made by tools/hsdb_gen.c and linked into the cerberus binary only), so
 * that a command does not spend ~0.13 s compiling the rules. Weak: tests and
 * fuzz drivers link without it and compile at run time. It is used only when
 * it was made from exactly these rules by this Hyperscan version, and when
 * this CPU can run it; otherwise the rules are compiled as usual.
 */
extern const unsigned char scrub_hsdb[] __attribute__((weak));
extern const size_t scrub_hsdb_len __attribute__((weak));
extern const uint64_t scrub_hsdb_rules __attribute__((weak));

static void rule_arrays(const char **pats, unsigned *flags, unsigned *ids)
{
	for (unsigned r = 0; r < scrub_nrules; r++) {
		pats[r] = scrub_rules[r].hs;
		flags[r] = (scrub_rules[r].maxlen ? 0 : HS_FLAG_SOM_LEFTMOST) |
			   (scrub_rules[r].flags & RF_CASELESS ? HS_FLAG_CASELESS : 0);
		ids[r] = r;
	}
}

/* FNV-1a over the Hyperscan version, every pattern and its flags. */
static uint64_t rules_fingerprint(const char **pats, const unsigned *flags, unsigned n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *v = hs_version();

	for (const char *p = v; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	for (unsigned r = 0; r < n; r++) {
		for (const char *p = pats[r]; *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
		h = (h ^ 0xff) * 0x100000001b3ULL;
		h = (h ^ flags[r]) * 0x100000001b3ULL;
	}
	return (h ^ n) * 0x100000001b3ULL;
}

static bool load_embedded(struct scrubber *s, const char **pats, const unsigned *flags, unsigned n)
{
	if (!&scrub_hsdb_len || !&scrub_hsdb_rules || !scrub_hsdb ||
	    scrub_hsdb_rules != rules_fingerprint(pats, flags, n))
		return false;
	if (hs_deserialize_database((const char *)scrub_hsdb, scrub_hsdb_len, &s->db) != HS_SUCCESS) {
		s->db = NULL;
		return false;
	}
	/* the scratch check fails for a database built for other CPU features */
	if (hs_alloc_scratch(s->db, &s->proto) != HS_SUCCESS) {
		hs_free_database(s->db);
		s->db = NULL;
		s->proto = NULL;
		return false;
	}
	return true;
}

int scrub_serialize_rules(char **bytes, size_t *len, uint64_t *fingerprint, char *err, size_t errlen)
{
	unsigned n = scrub_nrules;
	const char **pats = calloc(n, sizeof *pats);
	unsigned *flags = calloc(n, sizeof *flags), *ids = calloc(n, sizeof *ids);
	hs_compile_error_t *ce = NULL;
	hs_database_t *db = NULL;
	int rc = -1;

	if (!pats || !flags || !ids) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rule_arrays(pats, flags, ids);
	if (hs_compile_multi(pats, flags, ids, n, HS_MODE_BLOCK, NULL, &db, &ce) != HS_SUCCESS) {
		snprintf(err, errlen, "cannot compile scrub rules: %s", ce ? ce->message : "?");
		hs_free_compile_error(ce);
		goto out;
	}
	if (hs_serialize_database(db, bytes, len) != HS_SUCCESS) {
		snprintf(err, errlen, "cannot serialize the scrub database");
		goto out;
	}
	*fingerprint = rules_fingerprint(pats, flags, n);
	rc = 0;
out:
	hs_free_database(db);
	free(pats);
	free(flags);
	free(ids);
	return rc;
}

bool scrubber_db_embedded(const struct scrubber *s)
{
	return s->db_embedded;
}

static void err_set(char *err, size_t errlen, const char *fmt, const char *a, unsigned r)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a, r);
}

struct scrubber *scrubber_new_opts(const struct scrub_options *o, char *err, size_t errlen)
{
	struct scrubber *s = calloc(1, sizeof *s);
	const char **pats = NULL;
	unsigned *flags = NULL, *ids = NULL;
	hs_compile_error_t *ce = NULL;
	unsigned n = scrub_nrules;

	if (!s || !(pats = calloc(n, sizeof *pats)) || !(flags = calloc(n, sizeof *flags)) ||
	    !(ids = calloc(n, sizeof *ids)) || !(s->re = calloc(n, sizeof *s->re)) ||
	    !(s->jit = calloc(n, sizeof *s->jit))) {
		err_set(err, errlen, "cannot allocate scrubber: out of memory%s", "", 0);
		goto fail;
	}
	if (o)
		s->opt = *o;
	pthread_mutex_init(&s->lock, NULL);
	rule_arrays(pats, flags, ids);
	if ((s->db_embedded = load_embedded(s, pats, flags, n)))
		;
	else if (hs_compile_multi(pats, flags, ids, n, HS_MODE_BLOCK, NULL, &s->db, &ce) != HS_SUCCESS) {
		err_set(err, errlen, "cannot compile scrub rules: %s (rule %u)", ce ? ce->message : "?",
			ce ? (unsigned)ce->expression : 0);
		hs_free_compile_error(ce);
		goto fail;
	}
	if (!s->proto && hs_alloc_scratch(s->db, &s->proto) != HS_SUCCESS) {
		err_set(err, errlen, "cannot allocate scrub scratch space%s", "", 0);
		goto fail;
	}
	for (unsigned r = 0; r < n; r++) {
		const char *re = scrub_rules[r].re ? scrub_rules[r].re : scrub_rules[r].maxlen ? scrub_rules[r].hs : NULL;
		int ec;
		PCRE2_SIZE eo;

		if (!re)
			continue;
		s->re[r] = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
					 PCRE2_USE_OFFSET_LIMIT | (scrub_rules[r].flags & RF_CASELESS ? PCRE2_CASELESS : 0),
					 &ec, &eo, NULL);
		if (!s->re[r]) {
			PCRE2_UCHAR msg[120];

			pcre2_get_error_message(ec, msg, sizeof msg);
			err_set(err, errlen, "cannot compile scrub rule: %s (rule %u)", (const char *)msg, r);
			goto fail;
		}
		/* JIT is an optimisation: the interpreter gives the same matches */
		s->jit[r] = pcre2_jit_compile(s->re[r], PCRE2_JIT_COMPLETE) == 0;
	}
	free(pats);
	free(flags);
	free(ids);
	return s;
fail:
	free(pats);
	free(flags);
	free(ids);
	scrubber_free(s);
	return NULL;
}

struct scrubber *scrubber_new(char *err, size_t errlen)
{
	return scrubber_new_opts(NULL, err, errlen);
}

void scrubber_free(struct scrubber *s)
{
	if (!s)
		return;
	while (s->pool) {
		struct scan_state *st = s->pool;

		s->pool = st->next;
		state_free(st);
	}
	if (s->re)
		for (unsigned r = 0; r < scrub_nrules; r++)
			pcre2_code_free(s->re[r]);
	free(s->re);
	free(s->jit);
	hs_free_scratch(s->proto);
	hs_free_database(s->db);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

const char *scrub_type_name(enum scrub_type t)
{
	if ((unsigned)t >= SCRUB_NTYPES)
		return NULL;
	return type_names[t];
}

const char *scrub_type_summary(enum scrub_type t)
{
	if ((unsigned)t >= SCRUB_NTYPES)
		return NULL;
	return scrub_type_summaries[t];
}

int scrub_type_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int t = 0; t < SCRUB_NTYPES; t++)
		if (!strcmp(name, type_names[t]))
			return t;
	return -1;
}

int scrub_mode_from_name(const char *name)
{
	if (!name)
		return -1;
	if (!strcmp(name, "placeholder"))
		return SCRUB_MODE_PLACEHOLDER;
	if (!strcmp(name, "hash"))
		return SCRUB_MODE_HASH;
	if (!strcmp(name, "mask"))
		return SCRUB_MODE_MASK;
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

/* ---- scanning ------------------------------------------------------------ */

struct cand {
	size_t start, end;
	unsigned rule;
};

struct region {
	size_t start, end;
	int live;
};

static size_t sizeof_region(void)
{
	return sizeof(struct region);
}

struct scan {
	const struct scrubber *s;
	struct scan_state *st;
	struct text x;
	struct region *pending;     /* per rule */
	struct cand *c;
	size_t n, alloc;
	int failed;
};

static int cand_push(struct scan *sc, unsigned rule, size_t a, size_t b)
{
	if (sc->n == sc->alloc) {
		size_t na = sc->alloc ? sc->alloc * 2 : 64;
		struct cand *v = realloc(sc->c, na * sizeof *v);

		if (!v)
			return -1;
		sc->c = v;
		sc->alloc = na;
	}
	sc->c[sc->n++] = (struct cand){ a, b, rule };
	return 0;
}

/* Does t[a, b) hold one of our own placeholders (<EMAIL_1>, <JWT_3fa2c1d0>)?
 * Scrubbed text is scanned again (conv_has_pii, export); a finding that
 * swallows a placeholder would redact what is already redacted. */
static int holds_placeholder(const unsigned char *t, size_t a, size_t b)
{
	const unsigned char *p = t + a, *end = t + b;

	while ((p = memchr(p, '<', (size_t)(end - p)))) {
		const unsigned char *q = ++p;

		while (q < end && ((*q >= 'A' && *q <= 'Z') || *q == '_'))
			q++;
		if (q > p + 1 && q[-1] == '_') {
			const unsigned char *r = q;

			while (r < end && is_hex(*r))
				r++;
			if (r > q && r < end && *r == '>')
				return 1;
		}
	}
	return 0;
}

static int accept(struct scan *sc, unsigned rule, size_t a, size_t b)
{
	if (!validate(sc->s, &scrub_rules[rule], &sc->x, &a, &b) || holds_placeholder(sc->x.t, a, b))
		return 0;
	return cand_push(sc, rule, a, b);
}

/* Stage 2 and 3 for one merged region of one rule. */
static int confirm(struct scan *sc, unsigned rule, size_t a, size_t b)
{
	const struct scrub_rule *r = &scrub_rules[rule];
	const pcre2_code *re = sc->s->re[rule];
	size_t base, lim, off = a;

	if (!re)
		return accept(sc, rule, a, b);
	/* a keyword without an assignment after it is prose, not a secret:
	 * skip stage 2 (most keyword hits in text are like this) */
	if (r->flags & RF_ASSIGN) {
		size_t n = (sc->x.len - b < 32 ? sc->x.len : b + 32) - a;

		if (!memchr(sc->x.t + a, '=', n) && !memchr(sc->x.t + a, ':', n))
			return 0;
	}
	base = a > LOOKBEHIND ? a - LOOKBEHIND : 0;
	lim = b + r->tail < sc->x.len && b + r->tail > b ? b + r->tail : sc->x.len;
	/* a match must start inside the region: the offset limit stops PCRE2
	 * from searching the tail for another start */
	pcre2_set_offset_limit(sc->st->mctx, b - base);
	while (off < b) {
		/* the JIT entry point skips the interpreter's checks (the
		 * arguments are ours and sane) */
		int rc = sc->s->jit[rule]
			 ? pcre2_jit_match(re, (PCRE2_SPTR)(sc->x.t + base), lim - base, off - base, 0, sc->st->md,
					   sc->st->mctx)
			 : pcre2_match(re, (PCRE2_SPTR)(sc->x.t + base), lim - base, off - base, 0, sc->st->md,
				       sc->st->mctx);
		PCRE2_SIZE *ov;
		size_t ms, me, vs, ve;

		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0)  /* a limit: redact the candidate rather than miss it */
			return cand_push(sc, rule, a, b);
		ov = pcre2_get_ovector_pointer(sc->st->md);
		ms = ov[0] + base;
		me = ov[1] + base;
		if (ms >= b)
			break;
		vs = ms;
		ve = me;
		if (!(r->flags & RF_WHOLE) && rc >= 2 && ov[2] != PCRE2_UNSET) {
			vs = ov[2] + base;
			ve = ov[3] + base;
		}
		if (ve > vs && accept(sc, rule, vs, ve))
			return -1;
		off = me > off ? me : off + 1;
	}
	return 0;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
	struct scan *sc = ctx;
	struct region *p = &sc->pending[id];

	(void)flags;
	if (scrub_rules[id].maxlen)  /* no start of match: the longest value that ends here */
		from = to > scrub_rules[id].maxlen ? to - scrub_rules[id].maxlen : 0;
	if (p->live && from < p->end && to - p->start <= REGION_MAX) {
		if (to > p->end)
			p->end = to;
		return 0;
	}
	if (p->live && confirm(sc, id, p->start, p->end)) {
		sc->failed = 1;
		return 1;
	}
	p->start = from;
	p->end = to;
	p->live = 1;
	return 0;
}

static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (scrub_rules[a->rule].priority != scrub_rules[b->rule].priority)
		return scrub_rules[a->rule].priority > scrub_rules[b->rule].priority ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

/* b beats a when it has a higher priority, or the same and is longer. */
static int better(const struct cand *a, const struct cand *b)
{
	unsigned pa = scrub_rules[a->rule].priority, pb = scrub_rules[b->rule].priority;

	if (pa != pb)
		return pb > pa;
	return b->end - b->start > a->end - a->start;
}

int scrub_find(const struct scrubber *s, const char *text, size_t len, struct scrub_findings *out)
{
	struct scan sc = { 0 };
	struct region *pend;
	size_t keep = 0;
	int rc = -1;

	if (len > UINT_MAX)
		return -1;  /* Hyperscan's block mode takes 32-bit lengths */
	sc.s = s;
	sc.x.t = (const unsigned char *)(text ? text : "");
	sc.x.len = len;
	if (!(sc.st = state_get(s)))
		return -1;
	/* the per-rule regions and the candidate array live in the pooled
	 * state, so a scan of a short text allocates nothing */
	pend = sc.st->pending;
	memset(pend, 0, scrub_nrules * sizeof *pend);
	sc.pending = pend;
	sc.c = sc.st->c;
	sc.alloc = sc.st->calloc_n;
	if (len && hs_scan(s->db, text, (unsigned)len, 0, sc.st->scratch, on_match, &sc) != HS_SUCCESS)
		goto out;
	if (sc.failed)
		goto out;
	for (unsigned r = 0; r < scrub_nrules; r++)
		if (pend[r].live && confirm(&sc, r, pend[r].start, pend[r].end))
			goto out;
	if (sc.n)
		qsort(sc.c, sc.n, sizeof *sc.c, cand_cmp);
	/* resolve overlaps in one sweep; c[0, keep) are accepted */
	for (size_t k = 0; k < sc.n; k++) {
		if (keep && sc.c[k].start < sc.c[keep - 1].end) {
			if (better(&sc.c[keep - 1], &sc.c[k]) && (keep < 2 || sc.c[keep - 2].end <= sc.c[k].start))
				sc.c[keep - 1] = sc.c[k];
			continue;
		}
		sc.c[keep++] = sc.c[k];
	}
	for (size_t k = 0; k < keep; k++) {
		struct scrub_finding f = { scrub_rules[sc.c[k].rule].type, sc.c[k].start, sc.c[k].end };

		if (findings_push(out, &f))
			goto out;
	}
	rc = 0;
out:
	sc.st->c = sc.c;
	sc.st->calloc_n = sc.alloc;
	if (sc.alloc > 4096) {  /* do not keep a huge array around */
		free(sc.c);
		sc.st->c = NULL;
		sc.st->calloc_n = 0;
	}
	state_put(s, sc.st);
	return rc;
}

/* ---- replacement -------------------------------------------------------- */

#define DIGEST_LEN 16

struct slot {
	unsigned char d[DIGEST_LEN];
	unsigned num;   /* 0: empty */
};

struct scrub_ctx {
	const struct scrubber *s;
	enum scrub_mode mode;
	unsigned char key[64];
	size_t keylen;
	struct slot *map;          /* open addressing on the digest */
	size_t cap, used;
	unsigned next[SCRUB_NTYPES];
	struct scrub_findings f;
};

struct scrub_ctx *scrub_ctx_new(const struct scrubber *s, enum scrub_mode mode, const unsigned char *key,
				size_t keylen)
{
	struct scrub_ctx *c;

	if ((unsigned)mode > SCRUB_MODE_MASK || keylen > sizeof c->key || (mode == SCRUB_MODE_HASH && !keylen))
		return NULL;
	if (!(c = calloc(1, sizeof *c)))
		return NULL;
	c->s = s;
	c->mode = mode;
	if (keylen)
		memcpy(c->key, key, keylen);
	c->keylen = keylen;
	return c;
}

void scrub_ctx_free(struct scrub_ctx *c)
{
	if (!c)
		return;
	if (c->map)
		OPENSSL_cleanse(c->map, c->cap * sizeof *c->map);
	free(c->map);
	scrub_findings_release(&c->f);
	OPENSSL_cleanse(c, sizeof *c);
	free(c);
}

const struct scrubber *scrub_ctx_scrubber(const struct scrub_ctx *c)
{
	return c->s;
}

/* HMAC(key, type name || 0 || normalised value): lowercase e-mail
 * addresses and user names, digits only for numbers, the bytes as they
 * are otherwise. */
static int value_digest(const struct scrub_ctx *c, enum scrub_type t, const unsigned char *p, size_t n,
			unsigned char out[32])
{
	size_t tl = strlen(type_names[t]) + 1, m = tl;
	unsigned char stack[1024], *norm = stack;
	unsigned ol = 0;
	int rc = -1;

	if (tl + n > sizeof stack && !(norm = malloc(tl + n)))
		return -1;
	memcpy(norm, type_names[t], tl);
	for (size_t k = 0; k < n; k++) {
		int ch = p[k];

		if (t == SCRUB_EMAIL || t == SCRUB_HOME_PATH)
			ch = lower(ch);
		else if ((t == SCRUB_PHONE || t == SCRUB_CREDIT_CARD || t == SCRUB_IBAN || t == SCRUB_US_SSN) &&
			 !is_alnum(ch) && ch != '+')
			continue;
		norm[m++] = (unsigned char)ch;
	}
	if (HMAC(EVP_sha256(), c->key, (int)c->keylen, norm, m, out, &ol) && ol == 32)
		rc = 0;
	OPENSSL_cleanse(norm, m);
	if (norm != stack)
		free(norm);
	return rc;
}

static int map_grow(struct scrub_ctx *c)
{
	size_t nc = c->cap ? c->cap * 2 : 64;
	struct slot *m = calloc(nc, sizeof *m);

	if (!m)
		return -1;
	for (size_t k = 0; k < c->cap; k++) {
		size_t h;

		if (!c->map[k].num)
			continue;
		memcpy(&h, c->map[k].d, sizeof h);
		for (h &= nc - 1; m[h].num; h = (h + 1) & (nc - 1))
			;
		m[h] = c->map[k];
	}
	if (c->map)
		OPENSSL_cleanse(c->map, c->cap * sizeof *c->map);
	free(c->map);
	c->map = m;
	c->cap = nc;
	return 0;
}

/* The number of this value within the context: 1, 2, ... per type. */
static int value_number(struct scrub_ctx *c, enum scrub_type t, const unsigned char d[32], unsigned *num)
{
	size_t h;

	if ((c->used + 1) * 2 > c->cap && map_grow(c))
		return -1;
	memcpy(&h, d, sizeof h);
	for (h &= c->cap - 1; c->map[h].num; h = (h + 1) & (c->cap - 1)) {
		if (!memcmp(c->map[h].d, d, DIGEST_LEN)) {
			*num = c->map[h].num;
			return 0;
		}
	}
	memcpy(c->map[h].d, d, DIGEST_LEN);
	c->map[h].num = *num = ++c->next[t];
	c->used++;
	return 0;
}

static int put_placeholder(struct scrub_ctx *c, const struct scrub_finding *f, const unsigned char *text,
			   struct buf *out)
{
	unsigned char d[32];
	unsigned num;

	if (c->mode == SCRUB_MODE_MASK) {
		for (size_t k = f->start; k < f->end; k++) {
			if ((text[k] & 0xc0) == 0x80)
				continue;  /* one '*' per character */
			int rc = buf_putc(out, '*');
			if (rc)
				return rc;
		}
		return 0;
	}
	if (value_digest(c, f->type, text + f->start, f->end - f->start, d))
		return -1;
	if (c->mode == SCRUB_MODE_HASH)
		return buf_printf(out, "<%s_%02x%02x%02x%02x>", type_names[f->type], d[0], d[1], d[2], d[3]);
	if (value_number(c, f->type, d, &num))
		return -1;
	return buf_printf(out, "<%s_%u>", type_names[f->type], num);
}

int scrub_ctx_text(struct scrub_ctx *c, const char *text, size_t len, struct buf *out, struct scrub_counts *counts,
		   struct scrub_findings *found)
{
	struct scrub_counts here = { { 0 } };
	size_t pos = 0;
	int rc;

	c->f.n = 0;
	if (scrub_find(c->s, text, len, &c->f))
		return -1;
	for (size_t k = 0; k < c->f.n; k++) {
		const struct scrub_finding *f = &c->f.v[k];

		if ((rc = buf_append(out, text + pos, f->start - pos)) ||
		    (rc = put_placeholder(c, f, (const unsigned char *)text, out)))
			return rc;
		pos = f->end;
		here.n[f->type]++;
		if (found && findings_push(found, f))
			return -1;
	}
	if ((rc = buf_append(out, text ? text + pos : "", len - pos)))
		return rc;
	/* counted only once the whole text is written */
	for (int t = 0; counts && t < SCRUB_NTYPES; t++)
		counts->n[t] += here.n[t];
	return 0;
}

int scrub_text(const struct scrubber *s, const char *text, size_t len, struct buf *out, struct scrub_counts *counts)
{
	struct scrub_ctx *c = scrub_ctx_new(s, SCRUB_MODE_PLACEHOLDER, NULL, 0);
	int rc;

	if (!c)
		return -1;
	rc = scrub_ctx_text(c, text, len, out, counts, NULL);
	scrub_ctx_free(c);
	return rc;
}
