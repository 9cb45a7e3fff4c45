/*
 * codebleu: CodeXGLUE's CodeBLEU (see codebleu.h): its n-gram BLEU, the
 * keyword-weighted n-gram match, the syntax match and the corpus
 * bookkeeping. The data-flow extractors are in codebleu_dfg.c.
 *
 * Quirks of the reference kept on purpose, because published numbers
 * depend on them:
 * - BLEU: per segment the n-gram denominator is max(1, hypothesis
 *   n-grams); zero corpus numerators become 0.1 (NLTK method1); the score
 *   is 0 when no unigram matches.
 * - weighted match: it counts reference n-grams (a recall), sums over the
 *   references, clips each reference's weighted denominator to >= 1, and
 *   its brevity penalty sees a reference length of 2 per segment (the
 *   reference measures len([tokens, weights])).
 * - syntax and data flow: every language goes through the Java comment
 *   regex first; subtrees are compared as tree-sitter S-expressions.
 */
#include "core/codebleu.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_python(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_java(void);
const TSLanguage *tree_sitter_go(void);
const TSLanguage *tree_sitter_c(void);
const TSLanguage *tree_sitter_cpp(void);
const TSLanguage *tree_sitter_c_sharp(void);
const TSLanguage *tree_sitter_php(void);
const TSLanguage *tree_sitter_ruby(void);
const TSLanguage *tree_sitter_rust(void);

/* python (CodeXGLUE) */
static const char *const kw_python[] = {
	"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
	"continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
	"import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
	"while", "with", "yield", NULL,
};
/* javascript (pip codebleu) */
static const char *const kw_javascript[] = {
	"await", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
	"delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function",
	"if", "implements", "import", "in", "instanceof", "interface", "let", "new", "null",
	"package", "private", "protected", "public", "return", "super", "switch", "static", "this",
	"throw", "try", "True", "typeof", "var", "void", "while", "with", "yield", NULL,
};
/* java (CodeXGLUE) */
static const char *const kw_java[] = {
	"abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
	"continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
	"for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
	"native", "new", "package", "private", "protected", "public", "return", "short", "static",
	"strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
	"void", "volatile", "while", NULL,
};
/* go (pip codebleu) */
static const char *const kw_go[] = {
	"break", "default", "func", "interface", "select", "case", "defer", "go", "map", "struct",
	"chan", "else", "goto", "package", "switch", "const", "fallthrough", "if", "range", "type",
	"continue", "for", "import", "return", "var", "false", "true", NULL,
};
/* c (pip codebleu) */
static const char *const kw_c[] = {
	"auto", "else", "long", "switch", "break", "enum", "register", "typedef", "case", "extern",
	"return", "union", "char", "float", "short", "unsigned", "const", "for", "signed", "void",
	"continue", "goto", "sizeof", "volatile", "default", "if", "static", "while", "do", "int",
	"struct", "_Packed", "double", NULL,
};
/* cpp (pip codebleu) */
static const char *const kw_cpp[] = {
	"auto", "const", "double", "float", "int", "short", "struct", "unsigned", "break", "continue",
	"else", "for", "long", "signed", "switch", "void", "case", "default", "enum", "goto",
	"register", "sizeof", "typedef", "volatile", "char", "do", "extern", "if", "return", "static",
	"union", "while", "asm", "dynamic_cast", "namespace", "reinterpret_cast", "bool", "explicit",
	"new", "static_cast", "typeid", "catch", "false", "try", "operator", "template", "typename",
	"class", "friend", "private", "this", "using", "const_cast", "inline", "public", "throw",
	"virtual", "delete", "mutable", "protected", "true", "wchar_t", "and", "bitand", "compl",
	"not_eq", "or_eq", "xor_eq", "and_eq", "bitor", "not", "or", "xor", "cin", "endl", "INT_MIN",
	"iomanip", "main", "npos", "std", "cout", "include", "INT_MAX", "iostream", "MAX_RAND",
	"NULL", "string", NULL,
};
/* c_sharp (CodeXGLUE) */
static const char *const kw_c_sharp[] = {
	"abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked",
	"class", "const", "continue", "decimal", "default", "delegate", "do", "double", "else",
	"enum", "event", "explicit", "extern", "false", "finally", "fixed", "float", "for", "foreach",
	"goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock", "long",
	"namespace", "new", "null", "object", "operator", "out", "override", "params", "private",
	"protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof",
	"stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try",
	"typeof", "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void",
	"volatile", "while", "add", "alias", "ascending", "async", "await", "by", "descending",
	"dynamic", "equals", "from", "get", "global", "group", "into", "join", "let", "nameof",
	"notnull", "on", "orderby", "partial", "remove", "select", "set", "unmanaged", "value", "var",
	"when", "where", "yield", NULL,
};
/* php (pip codebleu) */
static const char *const kw_php[] = {
	"__halt_compiler", "abstract", "and", "array", "as", "break", "callable", "case", "catch",
	"class", "clone", "const", "continue", "declare", "default", "die", "do", "echo", "else",
	"elseif", "empty", "enddeclare", "endfor", "endforeach", "endif", "endswitch", "endwhile",
	"eval", "exit", "extends", "final", "for", "foreach", "function", "global", "goto", "if",
	"implements", "include", "include_once", "instanceof", "insteadof", "interface", "isset",
	"list", "namespace", "new", "or", "print", "private", "protected", "public", "require",
	"require_once", "return", "static", "switch", "throw", "trait", "try", "unset", "use", "var",
	"while", "xor", NULL,
};
/* ruby (pip codebleu) */
static const char *const kw_ruby[] = {
	"__ENCODING__", "__LINE__", "__FILE__", "BEGIN", "END", "alias", "and", "begin", "break",
	"case", "class", "def", "defined?", "do", "else", "elsif", "end", "ensure", "false", "for",
	"if", "in", "module", "next", "nil", "not", "or", "redo", "rescue", "retry", "return", "self",
	"super", "then", "true", "undef", "unless", "until", "when", "while", "yield", NULL,
};
/* rust (pip codebleu) */
static const char *const kw_rust[] = {
	"as", "async", "await", "block", "bool", "break", "char", "const", "continue", "crate",
	"default", "dyn", "else", "enum", "expr", "extern", "f32", "f64", "false", "fn", "for",
	"i128", "i16", "i32", "i64", "i8", "ident", "if", "impl", "in", "isize", "item", "let",
	"lifetime", "literal", "loop", "macro_rules!", "match", "meta", "mod", "move", "mut", "pat",
	"path", "pub", "ref", "return", "self", "static", "stmt", "str", "struct", "super", "trait",
	"true", "tt", "ty", "type", "u128", "u16", "u32", "u64", "u8", "union", "unsafe", "use",
	"usize", "vis", "where", "while", "yield", NULL,
};

struct lang_info {
	const char *name;
	const char *grammar;         /* npm package and version (grammars/package.json) */
	const TSLanguage *(*language)(void);
	const char *const *keywords;
};

static const struct lang_info langs[CB_NLANGS] = {
	[CB_PYTHON] = { "python", "tree-sitter-python@0.21.0", tree_sitter_python, kw_python },
	[CB_JAVASCRIPT] = { "javascript", "tree-sitter-javascript@0.21.4", tree_sitter_javascript, kw_javascript },
	[CB_JAVA] = { "java", "tree-sitter-java@0.21.0", tree_sitter_java, kw_java },
	[CB_GO] = { "go", "tree-sitter-go@0.21.2", tree_sitter_go, kw_go },
	[CB_C] = { "c", "tree-sitter-c@0.21.4", tree_sitter_c, kw_c },
	[CB_CPP] = { "cpp", "tree-sitter-cpp@0.22.3", tree_sitter_cpp, kw_cpp },
	[CB_C_SHARP] = { "c_sharp", "tree-sitter-c-sharp@0.21.3", tree_sitter_c_sharp, kw_c_sharp },
	[CB_PHP] = { "php", "tree-sitter-php@0.22.8", tree_sitter_php, kw_php },
	[CB_RUBY] = { "ruby", "tree-sitter-ruby@0.21.0", tree_sitter_ruby, kw_ruby },
	[CB_RUST] = { "rust", "tree-sitter-rust@0.21.0", tree_sitter_rust, kw_rust },
};

void codebleu_opts_default(struct codebleu_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < 4; i++)
		o->weights[i] = 0.25;
}

int codebleu_lang_parse(const char *name)
{
	if (!strcmp(name, "js"))
		return CB_JAVASCRIPT;
	if (!strcmp(name, "c#") || !strcmp(name, "csharp") || !strcmp(name, "c-sharp"))
		return CB_C_SHARP;
	if (!strcmp(name, "c++"))
		return CB_CPP;
	for (int i = 0; i < CB_NLANGS; i++)
		if (!strcmp(name, langs[i].name))
			return i;
	return -1;
}

const char *codebleu_lang_name(enum codebleu_lang l) { return langs[l].name; }
const char *codebleu_grammar(enum codebleu_lang l) { return langs[l].grammar; }
bool codebleu_has_dataflow(enum codebleu_lang l) { return l < CB_NLANGS; }

bool codebleu_is_keyword(enum codebleu_lang l, const char *tok, size_t len)
{
	for (const char *const *k = langs[l].keywords; *k; k++)
		if (strlen(*k) == len && !memcmp(*k, tok, len))
			return true;
	return false;
}

/*
 * Subtree keys for the syntax match. The reference compares the
 * S-expressions that ts_node_string prints; printing every subtree costs
 * O(nodes x depth). Instead each subtree gets, bottom up, two polynomial
 * hashes (mod 2^61 - 1) of exactly the bytes ts_node_string would print,
 * and its length: hashes of concatenations compose, so a node's key comes
 * from its children's in O(1) per child. Trees whose printing the walk
 * does not reproduce (see sx_walk) are keyed from one printing of the
 * whole tree (sxp_walk), and failing that from each subtree's printing:
 * all three give the same keys.
 */
struct sxh {
	uint64_t h1, p1, h2, p2;         /* hash and base^len, twice */
	uint32_t len;
};

struct sx_key {
	uint64_t h1, h2;
	uint32_t len, used;
};

struct sx_set {
	struct sx_key *k;
	size_t cap, used;                /* cap: a power of two */
};

struct sx_frame {
	struct sxh acc;                  /* what this node prints so far */
	TSFieldId field;
	bool print;                      /* a named node: it prints "(name ...)" */
	bool kids;                       /* it has visible children */
	bool alias;                      /* an aliased node with children */
	TSNode node;
};

struct codebleu {
	enum codebleu_lang lang;
	struct codebleu_opts o;
	TSParser *parser;
	struct codebleu_sums s;
	/* scratch */
	struct ngram_table t;
	struct evaltext_span *tok;
	size_t ntok, captok;
	struct ngram_unit *u;
	size_t capu;
	struct buf hypc, refc;           /* comment-free texts */
	struct ngram_table sexps;        /* candidate subtrees (sexp_strings) */
	struct ngram_unit *su;           /* their strings */
	size_t nsu, capsu;
	struct sx_set cand;              /* candidate subtrees, hashed */
	struct sx_frame *fr;             /* hashing walk's stack */
	size_t capfr;
	struct sxh *head;                /* per symbol: "(name", nhead of them */
	struct sxh *fieldp;              /* per field id: " name: " (0: " ") */
	uint32_t nhead, nfield;
	TSTree *ht;                      /* the candidate's tree, kept while the */
	struct buf htext;                /* text stays the same across refs */
	unsigned hdepth;
	uint64_t *ph[2], *pw[2];         /* sxp_walk's prefix hashes, powers */
	size_t capph;
	uint64_t ncand;                  /* subtrees of c->ht (with repeats) */
	bool cand_ok, hf_ok;             /* c->cand and c->hf are c->ht's */
	uint64_t fallbacks;              /* trees keyed by their strings */
	struct codebleu_flows hf, rf;
};

/* arithmetic mod 2^61 - 1 for the subtree keys */
#define SX_P ((UINT64_C(1) << 61) - 1)
#define SX_B1 UINT64_C(0x0e3779b97f4a7c15)
#define SX_B2 UINT64_C(0x1bf58476d1ce4e5b)

static uint64_t sx_mul(uint64_t a, uint64_t b)
{
	unsigned __int128 m = (unsigned __int128)a * b;
	uint64_t r = (uint64_t)(m & SX_P) + (uint64_t)(m >> 61);

	r = (r & SX_P) + (r >> 61);
	return r >= SX_P ? r - SX_P : r;
}

static uint64_t sx_add(uint64_t a, uint64_t b)
{
	uint64_t r = a + b;

	return r >= SX_P ? r - SX_P : r;
}

static const struct sxh sx_empty = { 0, 1, 0, 1, 0 };

/* a := a followed by the bytes s[0..n) */
static void sx_bytes(struct sxh *a, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t b = (unsigned char)s[i] + 1;
		a->h1 = sx_add(sx_mul(a->h1, SX_B1), b);
		a->p1 = sx_mul(a->p1, SX_B1);
		a->h2 = sx_add(sx_mul(a->h2, SX_B2), b);
		a->p2 = sx_mul(a->p2, SX_B2);
	}
	a->len += (uint32_t)n;
}

/* a := a followed by b */
static void sx_cat(struct sxh *a, const struct sxh *b)
{
	a->h1 = sx_add(sx_mul(a->h1, b->p1), b->h1);
	a->p1 = sx_mul(a->p1, b->p1);
	a->h2 = sx_add(sx_mul(a->h2, b->p2), b->h2);
	a->p2 = sx_mul(a->p2, b->p2);
	a->len += b->len;
}

static size_t sx_slot(const struct sx_set *s, const struct sxh *h)
{
	uint64_t x = h->h1 ^ (h->h2 * UINT64_C(0x9e3779b97f4a7c15)) ^ h->len;

	return (size_t)(x ^ (x >> 29)) & (s->cap - 1);
}

static bool sx_same(const struct sx_key *k, const struct sxh *h)
{
	return k->h1 == h->h1 && k->h2 == h->h2 && k->len == h->len;
}

static bool sx_has(const struct sx_set *s, const struct sxh *h)
{
	if (!s->cap)
		return false;
	for (size_t i = sx_slot(s, h);; i = (i + 1) & (s->cap - 1)) {
		if (!s->k[i].used)
			return false;
		if (sx_same(&s->k[i], h))
			return true;
	}
}

static void sx_set_clear(struct sx_set *s)
{
	/* a big tree's table is not kept for the small ones after it */
	if (s->cap > 4096 && s->used * 8 < s->cap) {
		free(s->k);
		s->k = NULL;
		s->cap = 0;
	} else if (s->cap) {
		memset(s->k, 0, s->cap * sizeof(*s->k));
	}
	s->used = 0;
}

static int sx_put(struct sx_set *s, const struct sxh *h)
{
	size_t i;

	if ((s->used + 1) * 2 > s->cap) {
		struct sx_set n = { NULL, s->cap ? s->cap * 2 : 256, 0 };
		if (!(n.k = calloc(n.cap, sizeof(*n.k))))
			return -1;
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->k[j].used)
				continue;
			for (i = sx_slot(&n, &(struct sxh){ .h1 = s->k[j].h1, .h2 = s->k[j].h2, .len = s->k[j].len });
			     n.k[i].used; i = (i + 1) & (n.cap - 1))
				;
			n.k[i] = s->k[j];
			n.used++;
		}
		free(s->k);
		*s = n;
	}
	for (i = sx_slot(s, h); s->k[i].used; i = (i + 1) & (s->cap - 1))
		if (sx_same(&s->k[i], h))
			return 0;
	s->k[i] = (struct sx_key){ h->h1, h->h2, h->len, 1 };
	s->used++;
	return 0;
}

/* The printed heads "(name" of every symbol and prefixes " field: " of
 * every field, as ts_subtree__write_to_string writes them. */
static int sx_tables(struct codebleu *c, const TSLanguage *l)
{
	c->nhead = ts_language_symbol_count(l);
	c->nfield = ts_language_field_count(l) + 1;
	if (!(c->head = calloc(c->nhead, sizeof(*c->head))) ||
	    !(c->fieldp = calloc(c->nfield, sizeof(*c->fieldp))))
		return -1;
	for (uint32_t i = 0; i < c->nhead; i++) {
		const char *name = ts_language_symbol_name(l, (TSSymbol)i);
		c->head[i] = sx_empty;
		sx_bytes(&c->head[i], "(", 1);
		if (name)
			sx_bytes(&c->head[i], name, strlen(name));
	}
	for (uint32_t i = 0; i < c->nfield; i++) {
		const char *name = i ? ts_language_field_name_for_id(l, (TSFieldId)i) : NULL;
		c->fieldp[i] = sx_empty;
		sx_bytes(&c->fieldp[i], " ", 1);
		if (name) {
			sx_bytes(&c->fieldp[i], name, strlen(name));
			sx_bytes(&c->fieldp[i], ": ", 2);
		}
	}
	return 0;
}

struct codebleu *codebleu_new(enum codebleu_lang lang, const struct codebleu_opts *o)
{
	struct codebleu *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->lang = lang;
	c->o = *o;
	buf_init(&c->hypc, 0);
	buf_init(&c->refc, 0);
	buf_init(&c->htext, 0);
	c->parser = ts_parser_new();
	if (!c->parser || !ts_parser_set_language(c->parser, langs[lang].language()) ||
	    sx_tables(c, langs[lang].language())) {
		codebleu_free(c);
		return NULL;
	}
	return c;
}

static void free_sexps(struct codebleu *c)
{
	for (size_t i = 0; i < c->nsu; i++)
		free((char *)c->su[i].p);
	c->nsu = 0;
}

void codebleu_free(struct codebleu *c)
{
	if (!c)
		return;
	if (c->parser)
		ts_parser_delete(c->parser);
	ngram_table_release(&c->t);
	ngram_table_release(&c->sexps);
	free_sexps(c);
	free(c->su);
	free(c->cand.k);
	free(c->fr);
	free(c->head);
	for (int k = 0; k < 2; k++) {
		free(c->ph[k]);
		free(c->pw[k]);
	}
	free(c->fieldp);
	if (c->ht)
		ts_tree_delete(c->ht);
	buf_release(&c->htext);
	free(c->tok);
	free(c->u);
	buf_release(&c->hypc);
	buf_release(&c->refc);
	codebleu_flows_release(&c->hf);
	codebleu_flows_release(&c->rf);
	free(c);
}

/* Append the whitespace tokens of s to c->tok: they start at *at, *n of them. */
static int tokens(struct codebleu *c, struct evaltext_span s, size_t *at, size_t *n)
{
	size_t before = c->ntok;
	long k = evaltext_split_ws(s, &c->tok, &c->ntok, &c->captok);

	if (k < 0)
		return -1;
	*at = before;
	*n = (size_t)k;
	return 0;
}

static int units_from_tokens(struct codebleu *c)
{
	if (c->ntok > c->capu) {
		struct ngram_unit *u = realloc(c->u, c->ntok * sizeof(*u));
		if (!u)
			return -1;
		c->u = u;
		c->capu = c->ntok;
	}
	for (size_t i = 0; i < c->ntok; i++) {
		c->u[i].p = c->tok[i].p;
		c->u[i].len = (uint32_t)c->tok[i].len;
		c->u[i].hash = ngram_hash_bytes(c->tok[i].p, c->tok[i].len);
	}
	return 0;
}

/* The n-gram BLEU and weighted match statistics of one segment. */
static int ngram_parts(struct codebleu *c, struct evaltext_span hyp, const struct evaltext_span *refs,
		       size_t nrefs)
{
	size_t hat, hn, best = 0, bestdiff = SIZE_MAX;
	size_t rat[64], rn[64];

	c->ntok = 0;
	if (tokens(c, hyp, &hat, &hn))
		return -1;
	for (size_t r = 0; r < nrefs; r++)
		if (tokens(c, refs[r], &rat[r], &rn[r]))
			return -1;
	if (units_from_tokens(c) || ngram_table_reset(&c->t, hn * 4))
		return -1;
	for (size_t i = 0; i < hn; i++) {
		uint64_t h = NGRAM_HASH_SEED;
		for (uint32_t n = 1; n <= 4 && i + n <= hn; n++) {
			struct ngram_entry *e;
			h = ngram_hash_extend(h, c->u[hat + i + n - 1].hash);
			if (!(e = ngram_table_get(&c->t, &c->u[hat + i], n, h)))
				return -1;
			e->hyp++;
		}
	}
	for (uint32_t n = 1; n <= 4; n++)
		c->s.den[n - 1] += hn >= n ? hn - n + 1 : 1;
	c->s.hyp_len += hn;
	c->s.w_hyp_len += hn;
	c->s.w_ref_len += 2;
	for (size_t r = 0; r < nrefs; r++) {
		/* an empty reference may come with no unit array at all */
		const struct ngram_unit *u = rn[r] ? &c->u[rat[r]] : NULL;
		double wden1 = 0;
		size_t diff = rn[r] > hn ? rn[r] - hn : hn - rn[r];

		if (diff < bestdiff || (diff == bestdiff && rn[r] < best)) {
			bestdiff = diff;
			best = rn[r];
		}
		for (size_t i = 0; i < rn[r]; i++) {
			uint64_t h = NGRAM_HASH_SEED;
			double w = codebleu_is_keyword(c->lang, u[i].p, u[i].len) ? 1.0 : 0.2;
			wden1 += w;
			for (uint32_t n = 1; n <= 4 && i + n <= rn[r]; n++) {
				struct ngram_entry *e;
				h = ngram_hash_extend(h, u[i + n - 1].hash);
				if (!(e = ngram_table_find(&c->t, &u[i], n, h)))
					continue;
				if (e->epoch != r + 1) {
					e->epoch = (uint32_t)(r + 1);
					e->cur = 0;
				}
				e->cur++;
				if (e->cur <= e->hyp)
					c->s.wnum[n - 1] += n == 1 ? w : 1.0;
				if (e->cur > e->max) {
					e->max = e->cur;
					if (e->max <= e->hyp)
						c->s.num[n - 1]++;
				}
			}
		}
		c->s.wden[0] += wden1 > 1 ? wden1 : 1;
		for (uint32_t n = 2; n <= 4; n++)
			c->s.wden[n - 1] += rn[r] >= n && rn[r] - n + 1 > 1 ? (double)(rn[r] - n + 1) : 1;
	}
	c->s.ref_len += best;
	return 0;
}

/* Call fn on the root and every node that has children, depth first. */
typedef int (*subtree_fn)(struct codebleu *c, TSNode n);

static int walk_subtrees(struct codebleu *c, TSNode root, subtree_fn fn)
{
	TSTreeCursor cur = ts_tree_cursor_new(root);
	int rc = fn(c, root);

	/* pre-order over all descendants; the set semantics make order irrelevant */
	if (!rc && ts_tree_cursor_goto_first_child(&cur)) {
		for (;;) {
			TSNode n = ts_tree_cursor_current_node(&cur);
			if (ts_node_child_count(n) > 0) {
				if ((rc = fn(c, n)))
					break;
				if (ts_tree_cursor_goto_first_child(&cur))
					continue;
			}
			while (!ts_tree_cursor_goto_next_sibling(&cur)) {
				if (!ts_tree_cursor_goto_parent(&cur))
					goto done;
				if (ts_node_eq(ts_tree_cursor_current_node(&cur), root))
					goto done;
			}
		}
	}
done:
	ts_tree_cursor_delete(&cur);
	return rc;
}

/* The fallback: the key of the printed string itself. */
static int str_key(TSNode n, struct sxh *h)
{
	char *s = ts_node_string(n);

	if (!s)
		return -1;
	*h = sx_empty;
	sx_bytes(h, s, strlen(s));
	free(s);
	return 0;
}

typedef int (*sx_fn)(struct codebleu *c, const struct sxh *h);

static int sx_cand(struct codebleu *c, const struct sxh *h)
{
	c->ncand++;
	return sx_put(&c->cand, h);
}

static int sx_ref(struct codebleu *c, const struct sxh *h)
{
	if (sx_has(&c->cand, h))
		c->s.syn_match++;
	c->s.syn_total++;
	return 0;
}

/* Push the frame of node n (at depth d under the walk's root): 1 when n
 * is a construct sx_walk does not reproduce. */
static int sx_enter(struct codebleu *c, const TSTreeCursor *cur, size_t d, TSNode n)
{
	struct sx_frame *f;
	TSSymbol sym;

	if (d >= c->capfr) {
		size_t nc = c->capfr ? c->capfr * 2 : 64;
		struct sx_frame *v = realloc(c->fr, nc * sizeof(*v));
		if (!v)
			return -1;
		c->fr = v;
		c->capfr = nc;
	}
	f = &c->fr[d];
	f->kids = ts_node_child_count(n) > 0;
	f->print = ts_node_is_named(n);
	/* context[3] is the node's alias in tree-sitter 0.20 */
	f->alias = f->kids && n.context[3];
	f->node = n;
	if ((f->kids || d == 0) && (!f->print || (d == 0 && n.context[3])))
		return 1;
	if (!f->print)
		return 0;
	sym = ts_node_symbol(n);
	if (sym >= c->nhead)
		return 1;
	f->acc = c->head[sym];
	f->field = d ? ts_tree_cursor_current_field_id(cur) : 0;
	if (f->field >= c->nfield)
		return 1;
	return 0;
}

/* Close the frame at depth d, hand its key to fn when walk_subtrees
 * would visit the node, and append what it prints to its parent. */
static int sx_leave(struct codebleu *c, size_t d, sx_fn fn)
{
	struct sx_frame *f = &c->fr[d];
	int rc;

	if (!f->print)
		return 0;
	sx_bytes(&f->acc, ")", 1);
	if (f->alias) {
		/* printed on its own, an aliased node shows its original
		 * symbol, which the API does not tell: print it (rare) */
		struct sxh h;
		if (str_key(f->node, &h) || (rc = fn(c, &h)))
			return -1;
	} else if ((d == 0 || f->kids) && (rc = fn(c, &f->acc))) {
		return rc;
	}
	if (d) {
		sx_cat(&c->fr[d - 1].acc, &c->fieldp[f->field]);
		sx_cat(&c->fr[d - 1].acc, &f->acc);
	}
	return 0;
}

/*
 * The key of every subtree walk_subtrees visits, computed bottom up in one
 * pass. Visible anonymous leaves print nothing; a named node prints
 * " field: (name" (no space or field at the top), its named descendants
 * and ")". Returns 1, possibly after some calls to fn (the caller undoes
 * them), for a tree with a construct whose printing this does not
 * reproduce:
 * - error or missing nodes ("(UNEXPECTED 'c'", MISSING hidden tokens);
 * - an aliased root (an aliased node below it is keyed by its own
 *   printing: see sx_leave);
 * - an anonymous node with children: its children inherit its field name.
 */
static int sx_walk(struct codebleu *c, TSNode root, sx_fn fn)
{
	TSTreeCursor cur;
	size_t d = 0;
	int rc;

	if (ts_node_has_error(root))
		return 1;
	cur = ts_tree_cursor_new(root);
	if ((rc = sx_enter(c, &cur, 0, root)))
		goto out;
	for (;;) {
		if (c->fr[d].kids && ts_tree_cursor_goto_first_child(&cur)) {
			d++;
			if ((rc = sx_enter(c, &cur, d, ts_tree_cursor_current_node(&cur))))
				goto out;
			continue;
		}
		for (;;) {
			if ((rc = sx_leave(c, d, fn)) || d == 0)
				goto out;
			if (ts_tree_cursor_goto_next_sibling(&cur)) {
				if ((rc = sx_enter(c, &cur, d, ts_tree_cursor_current_node(&cur))))
					goto out;
				break;
			}
			ts_tree_cursor_goto_parent(&cur);
			d--;
		}
	}
out:
	ts_tree_cursor_delete(&cur);
	return rc;
}

/* Prefix hashes of the printed tree s, and the powers of the bases. */
static int sxp_prefixes(struct codebleu *c, const char *s, size_t len)
{
	if (len + 1 > c->capph) {
		size_t nc = (len + 1) * 2;
		for (int k = 0; k < 2; k++) {
			uint64_t *h = realloc(c->ph[k], nc * sizeof(*h)), *w;
			if (h)
				c->ph[k] = h;
			if (!h || !(w = realloc(c->pw[k], nc * sizeof(*w))))
				return -1;
			c->pw[k] = w;
			w[0] = 1;
			for (size_t i = 1; i < nc; i++)
				w[i] = sx_mul(w[i - 1], k ? SX_B2 : SX_B1);
		}
		c->capph = nc;
	}
	c->ph[0][0] = c->ph[1][0] = 0;
	for (size_t i = 0; i < len; i++) {
		uint64_t b = (unsigned char)s[i] + 1;
		c->ph[0][i + 1] = sx_add(sx_mul(c->ph[0][i], SX_B1), b);
		c->ph[1][i + 1] = sx_add(sx_mul(c->ph[1][i], SX_B2), b);
	}
	return 0;
}

/* Hash k of s[a..b), as sx_bytes computes it. */
static uint64_t sxp_hash(const struct codebleu *c, int k, size_t a, size_t b)
{
	return sx_add(c->ph[k][b], SX_P - sx_mul(c->ph[k][a], c->pw[k][b - a]));
}

/*
 * Second way, for trees with error or missing nodes: print the whole tree
 * once and key every subtree by its span of that string, found by walking
 * the nodes alongside it. The printing shows what the API hides (hidden
 * MISSING tokens, UNEXPECTED characters); every node's head is checked
 * against the string, and any surprise returns 1 (keys from per-subtree
 * strings then).
 */
struct sxp {
	const char *s;
	size_t len, pos;
};

static bool sxp_at(const struct sxp *p, const char *lit)
{
	size_t n = strlen(lit);

	return p->len - p->pos >= n && !memcmp(p->s + p->pos, lit, n);
}

/* Past " field: " before a child's "(": where the "(" is, or 0. */
static size_t sxp_prefix(const struct sxp *p)
{
	size_t i = p->pos, j;

	if (i >= p->len || p->s[i] != ' ')
		return 0;
	i++;
	for (j = i; j < p->len && (p->s[j] == '_' || (p->s[j] >= 'a' && p->s[j] <= 'z') ||
				    (p->s[j] >= 'A' && p->s[j] <= 'Z') || (p->s[j] >= '0' && p->s[j] <= '9'));
	     j++)
		;
	if (j > i && j + 2 < p->len && p->s[j] == ':' && p->s[j + 1] == ' ')
		i = j + 2;
	return i < p->len && p->s[i] == '(' ? i : 0;
}

/* Skip "(MISSING name)" groups of hidden tokens (the API does not show
 * them) until the next group is not one, or is the expected text. */
static void sxp_skip_hidden(struct sxp *p, const char *want, size_t wlen)
{
	for (;;) {
		size_t at = sxp_prefix(p), save = p->pos;
		const char *e;

		if (!at)
			return;
		p->pos = at;
		if (!sxp_at(p, "(MISSING ") || (want && p->len - at >= wlen && !memcmp(p->s + at, want, wlen))) {
			p->pos = save;
			return;
		}
		if (!(e = memchr(p->s + at, ')', p->len - at))) {
			p->pos = save;
			return;
		}
		p->pos = (size_t)(e - p->s) + 1;
	}
}

static int sxp_node(struct codebleu *c, struct sxp *p, TSTreeCursor *cur, TSNode n, bool root, sx_fn fn);

static int sxp_children(struct codebleu *c, struct sxp *p, TSTreeCursor *cur, sx_fn fn)
{
	int rc = 0;

	if (!ts_tree_cursor_goto_first_child(cur))
		return 0;
	do {
		TSNode k = ts_tree_cursor_current_node(cur);
		if (ts_node_is_named(k) || ts_node_is_missing(k)) {
			rc = sxp_node(c, p, cur, k, false, fn);
		} else if (ts_node_child_count(k) > 0) {
			/* an anonymous node with children: they print in its
			 * parent's group, and its own key is printed apart */
			struct sxh h;
			if (str_key(k, &h) || fn(c, &h))
				rc = -1;
			else
				rc = sxp_children(c, p, cur, fn);
		}
	} while (!rc && ts_tree_cursor_goto_next_sibling(cur));
	ts_tree_cursor_goto_parent(cur);
	return rc;
}

static int sxp_node(struct codebleu *c, struct sxp *p, TSTreeCursor *cur, TSNode n, bool root, sx_fn fn)
{
	const char *type = ts_node_type(n);
	size_t tlen = strlen(type), start;
	bool kids = ts_node_child_count(n) > 0;
	int rc;

	if (!type)
		return 1;
	if (ts_node_is_missing(n)) {
		/* a leaf: "(MISSING name)" or "(MISSING \"name\")" */
		char want[256];
		int w = snprintf(want, sizeof(want), ts_node_is_named(n) ? "(MISSING %s)" : "(MISSING \"%s\")", type);
		if (w < 0 || (size_t)w >= sizeof(want))
			return 1;
		sxp_skip_hidden(p, want, (size_t)w);
		if (!(start = sxp_prefix(p)) || p->len - start < (size_t)w || memcmp(p->s + start, want, (size_t)w))
			return 1;
		p->pos = start + (size_t)w;
		return 0;
	}
	if (root) {
		start = 0;
	} else {
		sxp_skip_hidden(p, NULL, 0);
		if (!(start = sxp_prefix(p)))
			return 1;
	}
	p->pos = start + 1;
	if (ts_node_symbol(n) == (TSSymbol)-1 /* ERROR */ && !kids && sxp_at(p, "UNEXPECTED ")) {
		/* "'c'", "'\n'", "INVALID" or a number */
		p->pos += 11;
		if (sxp_at(p, "'\\"))
			p->pos += 4;
		else if (sxp_at(p, "'"))
			p->pos += 3;
		else
			while (p->pos < p->len && p->s[p->pos] != ')')
				p->pos++;
		if (!sxp_at(p, ")"))
			return 1;
		p->pos++;
		return 0;
	}
	if (p->len - p->pos < tlen || memcmp(p->s + p->pos, type, tlen))
		return 1;
	p->pos += tlen;
	if (!sxp_at(p, " ") && !sxp_at(p, ")"))
		return 1;
	if (kids && (rc = sxp_children(c, p, cur, fn)))
		return rc;
	sxp_skip_hidden(p, NULL, 0);
	if (!sxp_at(p, ")"))
		return 1;
	p->pos++;
	if (!kids && !root)
		return 0;
	if (n.context[3]) {
		/* as a root an aliased node prints its own symbol */
		struct sxh h;
		return str_key(n, &h) || fn(c, &h) ? -1 : 0;
	}
	return fn(c, &(struct sxh){ .h1 = sxp_hash(c, 0, start, p->pos), .h2 = sxp_hash(c, 1, start, p->pos),
				    .len = (uint32_t)(p->pos - start) });
}

static int sxp_walk(struct codebleu *c, TSNode root, sx_fn fn)
{
	char *s = ts_node_string(root);
	struct sxp p;
	TSTreeCursor cur;
	int rc;

	if (!s)
		return -1;
	p = (struct sxp){ s, strlen(s), 0 };
	if (!ts_node_is_named(root) || root.context[3] || sxp_prefixes(c, s, p.len)) {
		free(s);
		return ts_node_is_named(root) && !root.context[3] ? -1 : 1;
	}
	cur = ts_tree_cursor_new(root);
	rc = sxp_node(c, &p, &cur, root, true, fn);
	if (!rc && p.pos != p.len)
		rc = 1;
	ts_tree_cursor_delete(&cur);
	free(s);
	return rc;
}

static int str_cand(struct codebleu *c, TSNode n)
{
	struct sxh h;

	return str_key(n, &h) ? -1 : sx_cand(c, &h);
}

static int str_ref(struct codebleu *c, TSNode n)
{
	struct sxh h;

	return str_key(n, &h) ? -1 : sx_ref(c, &h);
}

/* The candidate's subtree keys into c->cand. */
static int cand_keys(struct codebleu *c, TSNode root)
{
	int rc;

	sx_set_clear(&c->cand);
	c->ncand = 0;
	if ((rc = sx_walk(c, root, sx_cand)) == 1) {
		/* a fallback may follow a partial walk */
		sx_set_clear(&c->cand);
		c->ncand = 0;
		if ((rc = sxp_walk(c, root, sx_cand)) == 1) {
			sx_set_clear(&c->cand);
			c->ncand = 0;
			c->fallbacks++;
			rc = walk_subtrees(c, root, str_cand);
		}
	}
	return rc;
}

static int ref_keys(struct codebleu *c, TSNode root)
{
	uint64_t m = c->s.syn_match, t = c->s.syn_total;
	int rc;

	if ((rc = sx_walk(c, root, sx_ref)) == 1) {
		c->s.syn_match = m;
		c->s.syn_total = t;
		if ((rc = sxp_walk(c, root, sx_ref)) == 1) {
			c->s.syn_match = m;
			c->s.syn_total = t;
			c->fallbacks++;
			rc = walk_subtrees(c, root, str_ref);
		}
	}
	return rc;
}

static int add_cand_sexp(struct codebleu *c, TSNode n)
{
	char *s = ts_node_string(n);
	size_t len;
	uint64_t h;

	if (!s)
		return -1;
	if (c->nsu == c->capsu) {
		size_t nc = c->capsu ? c->capsu * 2 : 256;
		struct ngram_unit *v = realloc(c->su, nc * sizeof(*v));
		if (!v) {
			free(s);
			return -1;
		}
		c->su = v;
		c->capsu = nc;
	}
	len = strlen(s);
	h = ngram_hash_bytes(s, len);
	c->su[c->nsu] = (struct ngram_unit){ s, (uint32_t)len, h };
	c->nsu++;
	return 0;
}

static int match_ref_sexp(struct codebleu *c, TSNode n)
{
	char *s = ts_node_string(n);
	struct ngram_unit u;

	if (!s)
		return -1;
	u.p = s;
	u.len = (uint32_t)strlen(s);
	u.hash = ngram_hash_bytes(s, u.len);
	if (ngram_table_find(&c->sexps, &u, 1, ngram_hash_extend(NGRAM_HASH_SEED, u.hash)))
		c->s.syn_match++;
	c->s.syn_total++;
	free(s);
	return 0;
}

static void note_error(struct codebleu *c, TSTree *t)
{
	if (ts_node_has_error(ts_tree_root_node(t))) {
		c->s.parse_errors++;
		if (!c->s.first_error)
			c->s.first_error = c->s.segments + 1;
	}
}

static TSTree *parse(struct codebleu *c, const struct buf *code)
{
	TSTree *t = ts_parser_parse_string(c->parser, NULL, buf_cstr(code), (uint32_t)code->len);

	if (t)
		note_error(c, t);
	return t;
}

/* Depth of the tree under root, without recursion. */
static unsigned tree_depth(TSNode root)
{
	TSTreeCursor cur = ts_tree_cursor_new(root);
	unsigned d = 0, max = 0;

	for (;;) {
		if (ts_tree_cursor_goto_first_child(&cur)) {
			if (++d > max)
				max = d;
			continue;
		}
		while (!ts_tree_cursor_goto_next_sibling(&cur)) {
			if (d == 0 || !ts_tree_cursor_goto_parent(&cur))
				goto done;
			d--;
		}
	}
done:
	ts_tree_cursor_delete(&cur);
	return max;
}

/* The reference's syntax match by printed strings: the test oracle of
 * the keys (codebleu_opts.sexp_strings). */
static int syntax_by_strings(struct codebleu *c, TSTree *ht, TSTree *rt)
{
	free_sexps(c);
	if (walk_subtrees(c, ts_tree_root_node(ht), add_cand_sexp) ||
	    ngram_table_reset(&c->sexps, c->nsu))
		return -1;
	for (size_t i = 0; i < c->nsu; i++)
		if (!ngram_table_get(&c->sexps, &c->su[i], 1, ngram_hash_extend(NGRAM_HASH_SEED, c->su[i].hash)))
			return -1;
	return walk_subtrees(c, ts_tree_root_node(rt), match_ref_sexp);
}

/* Syntax match of the candidate (c->ht) against one reference (rt). */
static int syntax_part(struct codebleu *c, TSTree *rt)
{
	/* tree-sitter prints S-expressions recursively: a pathologically deep
	 * tree would overflow the stack (the reference crashes there) */
	if (c->hdepth > CODEBLEU_MAX_DEPTH || tree_depth(ts_tree_root_node(rt)) > CODEBLEU_MAX_DEPTH) {
		c->s.too_deep++;
		return 0;
	}
	if (c->o.sexp_strings)
		return syntax_by_strings(c, c->ht, rt);
	if (!c->cand_ok) {
		if (cand_keys(c, ts_tree_root_node(c->ht)))
			return -1;
		c->cand_ok = true;
	}
	if (rt == c->ht) {
		/* the same text: every subtree matches */
		c->s.syn_match += c->ncand;
		c->s.syn_total += c->ncand;
		return 0;
	}
	return ref_keys(c, ts_tree_root_node(rt));
}

static bool same_flow(const struct codebleu_flow *a, const struct codebleu_flow *b)
{
	return a->var == b->var && a->rel == b->rel && a->npar == b->npar &&
	       !memcmp(a->par, b->par, a->npar * sizeof(*a->par));
}

/* Data-flow match: reference edges found in the candidate, each used once. */
static int dataflow_part(struct codebleu *c, TSTree *rt)
{
	bool *used;

	if (!c->hf_ok) {
		if (codebleu_dataflow(c->ht, c->lang, buf_cstr(&c->htext), c->htext.len, &c->hf))
			return -1;
		c->hf_ok = true;
	}
	if (codebleu_dataflow(rt, c->lang, buf_cstr(&c->refc), c->refc.len, &c->rf))
		return -1;
	if (!c->rf.n)
		return 0;
	if (!(used = calloc(c->hf.n + 1, sizeof(*used))))
		return -1;
	c->s.df_total += c->rf.n;
	for (size_t i = 0; i < c->rf.n; i++) {
		for (size_t j = 0; j < c->hf.n; j++) {
			if (!used[j] && same_flow(&c->rf.v[i], &c->hf.v[j])) {
				used[j] = true;
				c->s.df_match++;
				break;
			}
		}
	}
	free(used);
	return 0;
}

/* The candidate's tree, parsed again only when its text changed: the
 * candidate is the same for every reference of a segment (and often
 * across segments). */
static int cand_tree(struct codebleu *c)
{
	if (c->ht && c->htext.len == c->hypc.len && !memcmp(buf_cstr(&c->htext), buf_cstr(&c->hypc), c->hypc.len)) {
		note_error(c, c->ht);  /* the reference parses it again */
		return 0;
	}
	if (c->ht)
		ts_tree_delete(c->ht);
	c->cand_ok = c->hf_ok = false;
	buf_reset(&c->htext);
	if (!(c->ht = parse(c, &c->hypc)) || buf_append(&c->htext, buf_cstr(&c->hypc), c->hypc.len)) {
		if (c->ht)
			ts_tree_delete(c->ht);
		c->ht = NULL;
		return -1;
	}
	c->hdepth = tree_depth(ts_tree_root_node(c->ht));
	return 0;
}

/* Both tree parts of one (candidate, reference) pair: each text is parsed
 * once (the reference parses each twice, once per part). */
static int tree_parts(struct codebleu *c)
{
	TSTree *rt;
	int rc = -1;

	if (cand_tree(c))
		return -1;
	if (!c->o.sexp_strings && c->refc.len == c->htext.len &&
	    !memcmp(buf_cstr(&c->refc), buf_cstr(&c->htext), c->htext.len)) {
		/* a reference equal to the candidate: the same tree */
		note_error(c, c->ht);
		rt = c->ht;
	} else if (!(rt = parse(c, &c->refc))) {
		return -1;
	}
	if (!syntax_part(c, rt) && !dataflow_part(c, rt))
		rc = 0;
	if (rt != c->ht)
		ts_tree_delete(rt);
	return rc;
}

int codebleu_add(struct codebleu *c, struct evaltext_span hyp, const struct evaltext_span *refs,
		 size_t nrefs)
{
	struct buf tmp = BUF_INIT;
	int rc = -1;

	if (nrefs == 0 || nrefs > 64)
		return -1;
	if (ngram_parts(c, hyp, refs, nrefs))
		return -1;
	buf_reset(&c->hypc);
	if (buf_append(&c->hypc, hyp.p, hyp.len))
		return -1;
	for (size_t r = 0; r < nrefs; r++) {
		/* the reference strips the candidate again for every reference */
		if (codebleu_remove_comments(buf_cstr(&c->hypc), c->hypc.len, &tmp))
			goto out;
		buf_reset(&c->hypc);
		if (buf_append(&c->hypc, buf_cstr(&tmp), tmp.len) ||
		    codebleu_remove_comments(refs[r].p, refs[r].len, &c->refc) || tree_parts(c))
			goto out;
	}
	c->s.segments++;
	rc = 0;
out:
	buf_release(&tmp);
	return rc;
}

/* NLTK-style corpus BLEU from the sums, with method1 smoothing. */
static double corpus_score(const double *num, const double *den, uint64_t hyp_len, uint64_t ref_len)
{
	double bp, s = 0;

	if (num[0] == 0)
		return 0;
	if (hyp_len > ref_len)
		bp = 1;
	else if (hyp_len == 0)
		bp = 0;
	else
		bp = exp(1.0 - (double)ref_len / (double)hyp_len);
	for (int n = 0; n < 4; n++) {
		double p = num[n] == 0 ? 0.1 / den[n] : num[n] / den[n];
		s += 0.25 * log(p);
	}
	return bp * exp(s);
}

void codebleu_sums_get(const struct codebleu *c, struct codebleu_sums *out)
{
	*out = c->s;
}

void codebleu_sums_reset(struct codebleu *c)
{
	memset(&c->s, 0, sizeof(c->s));
}

void codebleu_sums_add(struct codebleu_sums *sum, const struct codebleu_sums *x)
{
	for (int n = 0; n < 4; n++) {
		sum->num[n] += x->num[n];
		sum->den[n] += x->den[n];
		sum->wnum[n] += x->wnum[n];
		sum->wden[n] += x->wden[n];
	}
	sum->hyp_len += x->hyp_len;
	sum->ref_len += x->ref_len;
	sum->w_hyp_len += x->w_hyp_len;
	sum->w_ref_len += x->w_ref_len;
	sum->syn_match += x->syn_match;
	sum->syn_total += x->syn_total;
	sum->df_match += x->df_match;
	sum->df_total += x->df_total;
	sum->parse_errors += x->parse_errors;
	sum->too_deep += x->too_deep;
	if (!sum->first_error && x->first_error)
		sum->first_error = sum->segments + x->first_error;
	sum->segments += x->segments;
}

void codebleu_result_of(const struct codebleu_opts *o, const struct codebleu_sums *s, struct codebleu_result *r)
{
	double num[4], den[4], df;

	memset(r, 0, sizeof(*r));
	r->segments = s->segments;
	if (!s->segments)
		return;
	for (int n = 0; n < 4; n++) {
		num[n] = (double)s->num[n];
		den[n] = (double)s->den[n];
	}
	r->ngram = corpus_score(num, den, s->hyp_len, s->ref_len);
	r->weighted = corpus_score(s->wnum, s->wden, s->w_hyp_len, s->w_ref_len);
	r->syntax_match = s->syn_match;
	r->syntax_total = s->syn_total;
	r->syntax = s->syn_total ? (double)s->syn_match / (double)s->syn_total : 0;
	r->dataflow_match = s->df_match;
	r->dataflow_total = s->df_total;
	r->dataflow = s->df_total ? (double)s->df_match / (double)s->df_total : 0;
	r->parse_errors = s->parse_errors;
	r->first_error_line = s->first_error;
	r->too_deep = s->too_deep;
	/* the pip codebleu package combines a data-flow score of 0 as 1 */
	df = o->dataflow_zero_is_one && r->dataflow == 0 ? 1.0 : r->dataflow;
	r->score = o->weights[0] * r->ngram + o->weights[1] * r->weighted + o->weights[2] * r->syntax +
		   o->weights[3] * df;
}

uint64_t codebleu_syntax_fallbacks(const struct codebleu *c)
{
	return c->fallbacks;
}

void codebleu_result(const struct codebleu *c, struct codebleu_result *r)
{
	codebleu_result_of(&c->o, &c->s, r);
}

int codebleu_signature(const struct codebleu *c, struct buf *out)
{
	return buf_printf(out, "lang:%s|grammar:%s|runtime-abi:%d|weights:%g,%g,%g,%g|df0:%s|ref:codexglue",
			  langs[c->lang].name, langs[c->lang].grammar, TREE_SITTER_LANGUAGE_VERSION,
			  c->o.weights[0], c->o.weights[1], c->o.weights[2], c->o.weights[3],
			  c->o.dataflow_zero_is_one ? "one" : "codexglue");
}

/* A string literal at s[i] (quote q) as the reference regex matches it:
 * its length, or 0 when it does not close. */
static size_t string_at(const char *s, size_t len, size_t i, char q)
{
	size_t j = i + 1;

	while (j < len) {
		if (s[j] == '\\') {
			if (j + 1 >= len)
				return 0;
			j += 2;
		} else if (s[j] == q) {
			return j + 1 - i;
		} else {
			j++;
		}
	}
	return 0;
}

int codebleu_remove_comments(const char *s, size_t len, struct buf *out)
{
	struct buf tmp = BUF_INIT;
	size_t i = 0, start;
	int rc = BUF_OK;
	bool first = true;

	while (i < len && rc == BUF_OK) {
		char ch = s[i];
		size_t k;

		if (ch == '/' && i + 1 < len && s[i + 1] == '/') {
			const char *nl = memchr(s + i, '\n', len - i);
			rc = buf_putc(&tmp, ' ');
			i = nl ? (size_t)(nl - s) : len;
		} else if (ch == '/' && i + 1 < len && s[i + 1] == '*' &&
			   i + 2 <= len && memmem(s + i + 2, len - i - 2, "*/", 2)) {
			const char *end = memmem(s + i + 2, len - i - 2, "*/", 2);
			rc = buf_putc(&tmp, ' ');
			i = (size_t)(end - s) + 2;
		} else if ((ch == '\'' || ch == '"') && (k = string_at(s, len, i, ch)) > 0) {
			rc = buf_append(&tmp, s + i, k);
			i += k;
		} else {
			rc = buf_putc(&tmp, ch);
			i++;
		}
	}
	/* drop blank lines */
	buf_reset(out);
	if (rc == BUF_OK)
		rc = buf_append(out, "", 0);
	for (start = 0; rc == BUF_OK && start <= tmp.len;) {
		const char *p = buf_cstr(&tmp) + start;
		const char *nl = memchr(p, '\n', tmp.len - start);
		size_t l = nl ? (size_t)(nl - p) : tmp.len - start;
		struct evaltext_span sp = evaltext_strip((struct evaltext_span){ p, l });

		if (sp.len) {
			if (!first)
				rc = buf_putc(out, '\n');
			if (rc == BUF_OK)
				rc = buf_append(out, p, l);
			first = false;
		}
		start += l + 1;
	}
	buf_release(&tmp);
	return rc;
}
