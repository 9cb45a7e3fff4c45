/*
 * codebleu_dfg: variable data-flow graphs for CodeBLEU's data-flow match,
 * translated from the CodeXGLUE evaluator (parser/DFG.py, parser/utils.py,
 * dataflow_match.py's get_data_flow and normalize_dataflow). C and C++ go
 * through the C# extractor and Rust through its own, as the pip codebleu
 * package (k4black/codebleu) does, since CodeXGLUE has none for them.
 *
 * An edge is (variable, position, comesFrom|computedFrom, parent names,
 * parent positions). Where the reference raises (a missing field, a
 * missing node) its extractor's result is empty, and so is ours.
 *
 * Determinism: the reference merges parent-name lists through a Python
 * set (list(set(a + b))), whose order follows string hashes that change
 * from run to run (PYTHONHASHSEED). The order matters because
 * normalization numbers variables in order of appearance. We keep the
 * first-appearance order of a + b instead. Where no merge sees two
 * different names, both give the same result (the tests check this
 * against the reference under several hash seeds).
 */
#include "core/codebleu.h"

#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

/* A bump allocator for one extraction; everything is freed at once. */
struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

struct str {
	const char *p;
	uint32_t len;
};

struct df {
	struct str name;
	int idx;
	uint8_t rel;
	struct str *names;
	int *idxs;
	uint32_t nn, ni;
};

struct dfl {
	struct df *v;
	size_t n, cap;
};

struct stent {
	struct str name;
	int *idx;
	uint32_t n;
};

struct states {
	struct stent *v;
	size_t n, cap;
};

struct tokinfo {
	uint32_t start, end;   /* byte range: the key of index_to_code */
	int idx;
	struct str code;
};

struct dctx {
	enum codebleu_lang lang;
	struct arena_block *arena;
	bool fail;             /* the reference would have raised */
	bool nomem;
	int depth;
	struct tokinfo *tok;   /* open-addressing map (start, end) -> token */
	size_t tokcap;
	size_t ntok;
};

/* Python's recursion limit is 1000; a deeper tree makes the reference's
 * extractor raise, which empties its data flow. Our limit keeps the C stack
 * safe and answers the same way for such trees. */
#define MAX_DEPTH 900

static void *aalloc(struct dctx *c, size_t n)
{
	struct arena_block *b = c->arena;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		b = malloc(sizeof(*b) + cap);
		if (!b) {
			c->nomem = c->fail = true;
			return NULL;
		}
		b->next = c->arena;
		b->used = 0;
		b->cap = cap;
		c->arena = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

static void arena_free(struct dctx *c)
{
	while (c->arena) {
		struct arena_block *n = c->arena->next;
		free(c->arena);
		c->arena = n;
	}
}

static bool str_eq(struct str a, struct str b)
{
	return a.len == b.len && !memcmp(a.p, b.p, a.len);
}

static bool str_eq_c(struct str a, const char *s)
{
	return strlen(s) == a.len && !memcmp(a.p, s, a.len);
}

static bool type_in(TSNode n, const char *const *types)
{
	const char *t = ts_node_type(n);

	for (; *types; types++)
		if (!strcmp(t, *types))
			return true;
	return false;
}

static bool type_is(TSNode n, const char *t)
{
	return !strcmp(ts_node_type(n), t);
}

/* Lists */

static bool dfl_push(struct dctx *c, struct dfl *l, const struct df *d)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 8;
		struct df *v = aalloc(c, nc * sizeof(*v));
		if (!v)
			return false;
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = nc;
	}
	l->v[l->n++] = *d;
	return true;
}

static bool dfl_extend(struct dctx *c, struct dfl *l, const struct dfl *o)
{
	for (size_t i = 0; i < o->n; i++)
		if (!dfl_push(c, l, &o->v[i]))
			return false;
	return true;
}

/* sorted(DFG, key=lambda x: x[1]): a stable sort on position. */
static void dfl_sort(struct dctx *c, struct dfl *l)
{
	struct df *tmp;

	if (l->n < 2)
		return;
	if (!(tmp = aalloc(c, l->n * sizeof(*tmp))))
		return;
	for (size_t w = 1; w < l->n; w *= 2) {
		for (size_t lo = 0; lo < l->n; lo += 2 * w) {
			size_t mid = lo + w < l->n ? lo + w : l->n, hi = lo + 2 * w < l->n ? lo + 2 * w : l->n;
			size_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				tmp[k++] = l->v[b].idx < l->v[a].idx ? l->v[b++] : l->v[a++];
			while (a < mid)
				tmp[k++] = l->v[a++];
			while (b < hi)
				tmp[k++] = l->v[b++];
		}
		memcpy(l->v, tmp, l->n * sizeof(*tmp));
	}
}

/* a + b with repeats dropped, first appearance kept (see the file comment). */
static bool names_union(struct dctx *c, struct df *d, const struct str *b, uint32_t nb)
{
	struct str *v = aalloc(c, (d->nn + nb + 1) * sizeof(*v));
	uint32_t n = 0;

	if (!v)
		return false;
	for (uint32_t pass = 0; pass < 2; pass++) {
		const struct str *src = pass ? b : d->names;
		uint32_t ns = pass ? nb : d->nn;
		for (uint32_t i = 0; i < ns; i++) {
			bool seen = false;
			for (uint32_t j = 0; j < n && !seen; j++)
				seen = str_eq(v[j], src[i]);
			if (!seen)
				v[n++] = src[i];
		}
	}
	d->names = v;
	d->nn = n;
	return true;
}

/* sorted(set(a + b)) for positions. */
static bool idxs_union(struct dctx *c, int **out, uint32_t *nout, const int *a, uint32_t na, const int *b,
		       uint32_t nb)
{
	int *v = aalloc(c, (na + nb + 1) * sizeof(*v));
	uint32_t n = 0;

	if (!v)
		return false;
	for (uint32_t pass = 0; pass < 2; pass++) {
		const int *src = pass ? b : a;
		uint32_t ns = pass ? nb : na;
		for (uint32_t i = 0; i < ns; i++) {
			uint32_t j = 0;
			while (j < n && v[j] < src[i])
				j++;
			if (j < n && v[j] == src[i])
				continue;
			memmove(v + j + 1, v + j, (n - j) * sizeof(*v));
			v[j] = src[i];
			n++;
		}
	}
	*out = v;
	*nout = n;
	return true;
}

/* The loop statements' merge: entries with the same (name, position,
 * relation) become one, in order of position (then first appearance). */
static void dfl_merge_same(struct dctx *c, struct dfl *l)
{
	struct dfl out = { 0 };

	for (size_t i = 0; i < l->n && !c->fail; i++) {
		struct df *d = &l->v[i];
		size_t j;
		for (j = 0; j < out.n; j++)
			if (out.v[j].idx == d->idx && out.v[j].rel == d->rel && str_eq(out.v[j].name, d->name))
				break;
		if (j == out.n) {
			dfl_push(c, &out, d);
			continue;
		}
		names_union(c, &out.v[j], d->names, d->nn);
		idxs_union(c, &out.v[j].idxs, &out.v[j].ni, out.v[j].idxs, out.v[j].ni, d->idxs, d->ni);
	}
	dfl_sort(c, &out);
	*l = out;
}

/* States: variable name -> positions of its last definitions. */

static struct states *st_copy(struct dctx *c, const struct states *s)
{
	struct states *n = aalloc(c, sizeof(*n));

	if (!n)
		return NULL;
	n->n = s ? s->n : 0;
	n->cap = n->n + 4;
	n->v = aalloc(c, n->cap * sizeof(*n->v));
	if (!n->v)
		return NULL;
	if (n->n)
		memcpy(n->v, s->v, n->n * sizeof(*n->v));
	return n;
}

static struct stent *st_get(const struct states *s, struct str name)
{
	for (size_t i = 0; i < s->n; i++)
		if (str_eq(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

/* states[name] = idx list (copied) */
static void st_set(struct dctx *c, struct states *s, struct str name, const int *idx, uint32_t n)
{
	struct stent *e = st_get(s, name);
	int *v = aalloc(c, (n + 1) * sizeof(*v));

	if (!v)
		return;
	if (n)
		memcpy(v, idx, n * sizeof(*v));
	if (!e) {
		if (s->n == s->cap) {
			size_t nc = s->cap * 2 + 4;
			struct stent *nv = aalloc(c, nc * sizeof(*nv));
			if (!nv)
				return;
			memcpy(nv, s->v, s->n * sizeof(*nv));
			s->v = nv;
			s->cap = nc;
		}
		e = &s->v[s->n++];
		e->name = name;
	}
	e->idx = v;
	e->n = n;
}

static void st_set1(struct dctx *c, struct states *s, struct str name, int idx)
{
	st_set(c, s, name, &idx, 1);
}

/* The if statements' merge: union of the branches' states, positions sorted. */
static struct states *st_merge(struct dctx *c, struct states **list, size_t n)
{
	struct states *out = st_copy(c, NULL);

	for (size_t i = 0; i < n && out && !c->fail; i++) {
		for (size_t k = 0; k < list[i]->n; k++) {
			struct stent *src = &list[i]->v[k], *e = st_get(out, src->name);
			if (!e) {
				st_set(c, out, src->name, NULL, 0);
				e = st_get(out, src->name);
				if (!e)
					return NULL;
			}
			idxs_union(c, &e->idx, &e->n, e->idx, e->n, src->idx, src->n);
		}
	}
	return out;
}

/* Tokens: tree_to_token_index and index_to_code. */

static uint64_t key_hash(uint32_t s, uint32_t e)
{
	uint64_t h = ((uint64_t)s << 32 | e) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 31);
}

static bool leaf_like(TSNode n)
{
	const char *t = ts_node_type(n);

	return (ts_node_child_count(n) == 0 || !strcmp(t, "string_literal") || !strcmp(t, "string") ||
		!strcmp(t, "character_literal")) && strcmp(t, "comment");
}

static struct tokinfo *tok_find(struct dctx *c, uint32_t s, uint32_t e)
{
	size_t j = key_hash(s, e) & (c->tokcap - 1);

	while (c->tok[j].idx >= 0) {
		if (c->tok[j].start == s && c->tok[j].end == e)
			return &c->tok[j];
		j = (j + 1) & (c->tokcap - 1);
	}
	return NULL;
}

struct code_text {
	const char *p;
	size_t len;
	size_t *cp_off;   /* byte offset of each code point, and len at [ncp] */
	size_t ncp;
	size_t *line_cp;  /* code point index where each line starts (split at "\n") */
	size_t nlines;
};

/* code.split("\n")[row][sc:ec] of the reference: it slices a str (code
 * points) with tree-sitter's byte columns, clamped as Python clamps. */
static struct str slice_line(const struct code_text *t, uint32_t row, uint32_t sc, uint32_t ec)
{
	struct str s = { t->p + t->len, 0 };
	size_t ls, ll, a, b;

	if (row >= t->nlines)
		return s;
	ls = t->line_cp[row];
	ll = (row + 1 < t->nlines ? t->line_cp[row + 1] - 1 : t->ncp) - ls;
	a = ls + (sc < ll ? sc : ll);
	b = ls + (ec < ll ? ec : ll);
	s.p = t->p + t->cp_off[a];
	if (b > a)
		s.len = (uint32_t)(t->cp_off[b] - t->cp_off[a]);
	return s;
}

/* A token over several rows: the reference joins the rest of its first
 * line, the lines between and the start of its last line, without the
 * newlines. */
static struct str slice_rows(struct dctx *c, const struct code_text *t, TSPoint sp, TSPoint ep)
{
	struct str parts[3], s = { t->p + t->len, 0 };
	size_t total = 0;
	char *out;

	parts[0] = slice_line(t, sp.row, sp.column, UINT32_MAX);
	parts[2] = slice_line(t, ep.row, 0, ep.column);
	total = parts[0].len + parts[2].len;
	for (uint32_t r = sp.row + 1; r < ep.row; r++)
		total += slice_line(t, r, 0, UINT32_MAX).len;
	if (!(out = aalloc(c, total + 1)))
		return s;
	s.p = out;
	memcpy(out, parts[0].p, parts[0].len);
	out += parts[0].len;
	for (uint32_t r = sp.row + 1; r < ep.row; r++) {
		parts[1] = slice_line(t, r, 0, UINT32_MAX);
		memcpy(out, parts[1].p, parts[1].len);
		out += parts[1].len;
	}
	memcpy(out, parts[2].p, parts[2].len);
	s.len = (uint32_t)total;
	return s;
}

static void collect_tokens(struct dctx *c, const struct code_text *t, TSNode n, int depth)
{
	if (c->fail)
		return;
	if (depth > MAX_DEPTH) {
		c->fail = true;
		return;
	}
	if (leaf_like(n)) {
		uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
		struct tokinfo *ti;
		size_t j;

		if ((c->ntok + 1) * 2 > c->tokcap) {
			size_t nc = c->tokcap ? c->tokcap * 2 : 256;
			struct tokinfo *nt = aalloc(c, nc * sizeof(*nt));
			if (!nt)
				return;
			for (size_t i = 0; i < nc; i++)
				nt[i].idx = -1;
			for (size_t i = 0; i < c->tokcap; i++) {
				if (c->tok[i].idx < 0)
					continue;
				j = key_hash(c->tok[i].start, c->tok[i].end) & (nc - 1);
				while (nt[j].idx >= 0)
					j = (j + 1) & (nc - 1);
				nt[j] = c->tok[i];
			}
			c->tok = nt;
			c->tokcap = nc;
		}
		/* a later token with the same range replaces the earlier (dict) */
		ti = tok_find(c, s, e);
		if (!ti) {
			j = key_hash(s, e) & (c->tokcap - 1);
			while (c->tok[j].idx >= 0)
				j = (j + 1) & (c->tokcap - 1);
			ti = &c->tok[j];
		}
		ti->start = s;
		ti->end = e;
		ti->idx = (int)c->ntok++;
		{
			TSPoint sp = ts_node_start_point(n), ep = ts_node_end_point(n);

			ti->code = sp.row == ep.row ? slice_line(t, sp.row, sp.column, ep.column)
						    : slice_rows(c, t, sp, ep);
		}
		return;
	}
	for (uint32_t i = 0; i < ts_node_child_count(n); i++)
		collect_tokens(c, t, ts_node_child(n, i), depth + 1);
}

static struct tokinfo *lookup(struct dctx *c, TSNode n)
{
	struct tokinfo *t = c->tokcap ? tok_find(c, ts_node_start_byte(n), ts_node_end_byte(n)) : NULL;

	if (!t)
		c->fail = true;  /* KeyError */
	return t;
}

/* tree_to_variable_index: the tokens under n that are not their own type
 * (identifiers, literals, not keywords or punctuation). */
struct toklist {
	struct tokinfo **v;
	size_t n, cap;
};

static void var_index_rec(struct dctx *c, TSNode n, struct toklist *out, int depth)
{
	if (c->fail)
		return;
	if (depth > MAX_DEPTH) {
		c->fail = true;
		return;
	}
	if (leaf_like(n)) {
		struct tokinfo *t = lookup(c, n);
		if (!t || str_eq_c(t->code, ts_node_type(n)))
			return;
		if (out->n == out->cap) {
			size_t nc = out->cap ? out->cap * 2 : 8;
			struct tokinfo **v = aalloc(c, nc * sizeof(*v));
			if (!v)
				return;
			if (out->n)
				memcpy(v, out->v, out->n * sizeof(*v));
			out->v = v;
			out->cap = nc;
		}
		out->v[out->n++] = t;
		return;
	}
	for (uint32_t i = 0; i < ts_node_child_count(n); i++)
		var_index_rec(c, ts_node_child(n, i), out, depth + 1);
}

static struct toklist var_index(struct dctx *c, TSNode n)
{
	struct toklist l = { 0 };

	if (ts_node_is_null(n))
		c->fail = true;  /* the reference calls a method on None */
	else
		var_index_rec(c, n, &l, c->depth);
	return l;
}

enum { COMES_FROM = 0, COMPUTED_FROM = 1 };

/* (code1, idx1, rel, [code2...], [idx2...]) */
static void add_edge(struct dctx *c, struct dfl *l, const struct tokinfo *t, uint8_t rel,
		     struct tokinfo *const *par, size_t npar)
{
	struct df d = { t->code, t->idx, rel, NULL, NULL, (uint32_t)npar, (uint32_t)npar };

	d.names = aalloc(c, (npar + 1) * sizeof(*d.names));
	d.idxs = aalloc(c, (npar + 1) * sizeof(*d.idxs));
	if (!d.names || !d.idxs)
		return;
	for (size_t i = 0; i < npar; i++) {
		d.names[i] = par[i]->code;
		d.idxs[i] = par[i]->idx;
	}
	dfl_push(c, l, &d);
}

/* A name bound to a value (a default parameter, a declaration with an
 * initialiser): every name token comes from every value token, one edge per
 * pair as the reference adds them, and the name's state is that token. */
static void define_from(struct dctx *c, struct dfl *l, struct states *s, const struct toklist *nt,
			const struct toklist *vt)
{
	for (size_t i = 0; i < nt->n && !c->fail; i++) {
		for (size_t j = 0; j < vt->n; j++)
			add_edge(c, l, nt->v[i], COMES_FROM, &vt->v[j], 1);
		st_set1(c, s, nt->v[i]->code, nt->v[i]->idx);
	}
}

/*
 * The leaf case shared by every extractor: a token that is its own type
 * (keyword, punctuation) has no flow; a known variable comes from its last
 * definitions; an unknown identifier is defined here.
 */
static struct dfl leaf(struct dctx *c, TSNode n, struct states *s)
{
	struct dfl l = { 0 };
	struct tokinfo *t = lookup(c, n);
	struct stent *e;
	struct df d = { { 0 }, 0, COMES_FROM, NULL, NULL, 0, 0 };

	if (!t || str_eq_c(t->code, ts_node_type(n)))
		return l;
	d.name = t->code;
	d.idx = t->idx;
	if ((e = st_get(s, t->code))) {
		d.names = aalloc(c, sizeof(*d.names));
		d.idxs = aalloc(c, (e->n + 1) * sizeof(*d.idxs));
		if (!d.names || !d.idxs)
			return l;
		d.names[0] = t->code;
		d.nn = 1;
		memcpy(d.idxs, e->idx, e->n * sizeof(int));
		d.ni = e->n;
	} else if (type_is(n, "identifier")) {
		st_set1(c, s, t->code, t->idx);
	}
	dfl_push(c, &l, &d);
	return l;
}

typedef struct dfl (*dfg_fn)(struct dctx *c, TSNode n, struct states **s);

/* Run fn on a child: the callee works on its own copy of the states. */
static struct dfl visit(struct dctx *c, dfg_fn fn, TSNode n, struct states **s)
{
	struct dfl l = { 0 };
	struct states *copy;

	if (c->fail)
		return l;
	if (ts_node_is_null(n) || c->depth >= MAX_DEPTH) {
		c->fail = true;
		return l;
	}
	if (!(copy = st_copy(c, *s)))
		return l;
	c->depth++;
	l = fn(c, n, &copy);
	c->depth--;
	*s = copy;
	return l;
}

static TSNode field(TSNode n, const char *name)
{
	return ts_node_child_by_field_name(n, name, (uint32_t)strlen(name));
}

/* children of n except ",": the reference's [x for x in n.children if x.type != ','] */
struct nodelist {
	TSNode *v;
	size_t n;
};

static struct nodelist children_no_comma(struct dctx *c, TSNode n)
{
	struct nodelist l = { NULL, 0 };
	uint32_t k;

	if (ts_node_is_null(n)) {
		c->fail = true;
		return l;
	}
	k = ts_node_child_count(n);
	if (!(l.v = aalloc(c, (k + 1) * sizeof(TSNode))))
		return l;
	for (uint32_t i = 0; i < k; i++) {
		TSNode ch = ts_node_child(n, i);
		if (!type_is(ch, ","))
			l.v[l.n++] = ch;
	}
	return l;
}

/* left_tokens computedFrom right_tokens, and the left ones are defined. */
static void computed_from(struct dctx *c, struct dfl *l, struct states *s, TSNode left, TSNode right)
{
	struct toklist lt = var_index(c, left), rt = var_index(c, right);

	for (size_t i = 0; i < lt.n && !c->fail; i++) {
		add_edge(c, l, lt.v[i], COMPUTED_FROM, rt.v, rt.n);
		st_set1(c, s, lt.v[i]->code, lt.v[i]->idx);
	}
}

/* each name token comesFrom (or computedFrom) each value token, one edge per pair */
static void pairwise(struct dctx *c, struct dfl *l, struct states *s, TSNode name, TSNode value,
		     uint8_t rel)
{
	struct toklist nt = var_index(c, name), vt = var_index(c, value);

	for (size_t i = 0; i < nt.n && !c->fail; i++) {
		for (size_t j = 0; j < vt.n; j++)
			add_edge(c, l, nt.v[i], rel, &vt.v[j], 1);
		st_set1(c, s, nt.v[i]->code, nt.v[i]->idx);
	}
}

/* A declaration without a value: the names come from nowhere. */
static void declared(struct dctx *c, struct dfl *l, struct states *s, TSNode name)
{
	struct toklist nt = var_index(c, name);

	for (size_t i = 0; i < nt.n && !c->fail; i++) {
		add_edge(c, l, nt.v[i], COMES_FROM, NULL, 0);
		st_set1(c, s, nt.v[i]->code, nt.v[i]->idx);
	}
}

/* The if statement's state merge: the branches' states, plus the state
 * before it when there is no else. */
static struct states *if_merge(struct dctx *c, struct states *before, struct states **others, size_t nothers,
			       struct states *current, bool tag)
{
	struct states **all = aalloc(c, (nothers + 3) * sizeof(*all));
	size_t n = 0;

	if (!all)
		return before;
	for (size_t i = 0; i < nothers; i++)
		all[n++] = others[i];
	all[n++] = current;
	if (!tag)
		all[n++] = before;
	return st_merge(c, all, n) ?: before;
}

/* Python */

static const char *const py_assignment[] = { "assignment", "augmented_assignment", "for_in_clause", NULL };

/* The assignment and for statement core: targets computedFrom values,
 * pairwise when the two sides have the same number of parts. */
static void py_assign_core(struct dctx *c, dfg_fn self, struct dfl *l, struct states **s, TSNode left,
			   TSNode right, bool single)
{
	struct nodelist ln, rn;

	if (single) {
		ln.v = &left; ln.n = 1;
		rn.v = &right; rn.n = 1;
	} else {
		ln = children_no_comma(c, left);
		rn = children_no_comma(c, right);
		if (c->fail)
			return;
		/* different counts, or none: the two sides as wholes */
		if (ln.n != rn.n || ln.n == 0) {
			ln.v = &left; ln.n = 1;
			rn.v = &right; rn.n = 1;
		}
	}
	for (size_t i = 0; i < rn.n && !c->fail; i++) {
		struct dfl t = visit(c, self, rn.v[i], s);
		dfl_extend(c, l, &t);
	}
	for (size_t i = 0; i < ln.n && i < rn.n && !c->fail; i++)
		computed_from(c, l, *s, ln.v[i], rn.v[i]);
}

static struct dfl dfg_python(struct dctx *c, TSNode n, struct states **sp)
{
	struct states *s = *sp;
	struct dfl l = { 0 };
	const char *type = ts_node_type(n);

	if (leaf_like(n)) {
		l = leaf(c, n, s);
	} else if (!strcmp(type, "default_parameter")) {
		TSNode name = field(n, "name"), value = field(n, "value");
		if (ts_node_is_null(value)) {
			declared(c, &l, s, name);
		} else {
			struct toklist nt = var_index(c, name), vt = var_index(c, value);
			struct dfl t = visit(c, dfg_python, value, &s);
			dfl_extend(c, &l, &t);
			define_from(c, &l, s, &nt, &vt);
		}
		dfl_sort(c, &l);
	} else if (type_in(n, py_assignment)) {
		if (!strcmp(type, "for_in_clause")) {
			uint32_t k = ts_node_child_count(n);
			TSNode right = ts_node_child(n, k - 1), left = field(n, "left");
			py_assign_core(c, dfg_python, &l, &s, left, right, true);
		} else {
			TSNode right = field(n, "right"), left = field(n, "left");
			if (ts_node_is_null(right))
				goto done;
			py_assign_core(c, dfg_python, &l, &s, left, right, false);
		}
		dfl_sort(c, &l);
	} else if (!strcmp(type, "if_statement")) {
		struct states *current = st_copy(c, s);
		struct states **others = aalloc(c, (ts_node_child_count(n) + 1) * sizeof(*others));
		size_t nothers = 0;
		bool tag = false;

		if (!current || !others)
			goto done;
		for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
			TSNode ch = ts_node_child(n, i);
			const char *ct = ts_node_type(ch);
			struct dfl t;
			if (strstr(ct, "else"))
				tag = true;
			if (strcmp(ct, "elif_clause") && strcmp(ct, "else_clause")) {
				t = visit(c, dfg_python, ch, &current);
			} else {
				struct states *ns = s;
				t = visit(c, dfg_python, ch, &ns);
				others[nothers++] = ns;
			}
			dfl_extend(c, &l, &t);
		}
		s = if_merge(c, s, others, nothers, current, tag);
		dfl_sort(c, &l);
	} else if (!strcmp(type, "for_statement")) {
		for (int pass = 0; pass < 2 && !c->fail; pass++) {
			TSNode left = field(n, "left"), right = field(n, "right");
			uint32_t k = ts_node_child_count(n);
			py_assign_core(c, dfg_python, &l, &s, left, right, false);
			if (!c->fail && type_is(ts_node_child(n, k - 1), "block")) {
				struct dfl t = visit(c, dfg_python, ts_node_child(n, k - 1), &s);
				dfl_extend(c, &l, &t);
			}
		}
		dfl_merge_same(c, &l);
	} else if (!strcmp(type, "while_statement")) {
		for (int pass = 0; pass < 2 && !c->fail; pass++) {
			for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
				struct dfl t = visit(c, dfg_python, ts_node_child(n, i), &s);
				dfl_extend(c, &l, &t);
			}
		}
		dfl_merge_same(c, &l);
	} else {
		/* for_in_clause children first (comprehensions), then the rest */
		for (int pass = 0; pass < 2 && !c->fail; pass++) {
			for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
				TSNode ch = ts_node_child(n, i);
				if (type_is(ch, "for_in_clause") != (pass == 0))
					continue;
				struct dfl t = visit(c, dfg_python, ch, &s);
				dfl_extend(c, &l, &t);
			}
		}
		dfl_sort(c, &l);
	}
done:
	*sp = s;
	return l;
}

/*
 * The Java family: Java, C# (and C, C++ through it), Go, JavaScript and PHP share one
 * extractor shape in the reference; the tables below hold their node
 * types and the few places where they differ.
 */
/* Where a declaration's name and value are: fields name and def_value;
 * C#: children 0 and 1 when there are two; Rust: children 1 and 2 when
 * there are three or more. */
enum { DEF_FIELDS, DEF_CSHARP, DEF_RUST };

struct jcfg {
	const char *const *assignment;
	const char *const *def;
	const char *const *incr;
	const char *const *ifs;
	const char *const *fors;
	const char *const *efors;
	const char *const *whiles;
	int def_mode;            /* DEF_FIELDS, DEF_CSHARP or DEF_RUST */
	const char *def_value;   /* the declarator's value field */
	const char *efor_name, *efor_value;   /* NULL: PHP's two variable_name children */
	const char *for_init;    /* the for loop is revisited after this child */
	bool go_for;             /* Go: revisit the for_clause's update, then the rest */
	bool if_before;          /* the state before the if joins the merge again */
};

static const char *const none[] = { NULL };

static const char *const j_assignment[] = { "assignment_expression", NULL };
static const char *const j_def[] = { "variable_declarator", NULL };
static const char *const j_incr[] = { "update_expression", NULL };
static const char *const j_if[] = { "if_statement", "else", NULL };
static const char *const j_for[] = { "for_statement", NULL };
static const char *const j_efor[] = { "enhanced_for_statement", NULL };
static const char *const j_while[] = { "while_statement", NULL };
static const struct jcfg java_cfg = { j_assignment, j_def, j_incr, j_if, j_for, j_efor, j_while,
				      DEF_FIELDS, "value", "name", "value", "local_variable_declaration", false, false };

static const char *const cs_incr[] = { "postfix_unary_expression", NULL };
static const char *const cs_efor[] = { "for_each_statement", NULL };
static const struct jcfg csharp_cfg = { j_assignment, j_def, cs_incr, j_if, j_for, cs_efor, j_while,
					DEF_CSHARP, "value", "left", "right", "local_variable_declaration", false, false };

static const char *const go_assignment[] = { "assignment_statement", NULL };
static const char *const go_def[] = { "var_spec", NULL };
static const char *const go_incr[] = { "inc_statement", NULL };
static const struct jcfg go_cfg = { go_assignment, go_def, go_incr, j_if, j_for, none, none,
				    DEF_FIELDS, "value", "name", "value", NULL, true, true };

static const char *const js_assignment[] = { "assignment_pattern", "augmented_assignment_expression", NULL };
static const struct jcfg js_cfg = { js_assignment, j_def, j_incr, j_if, j_for, none, j_while,
				    DEF_FIELDS, "value", "name", "value", "variable_declaration", false, true };

static const char *const php_assignment[] = { "assignment_expression", "augmented_assignment_expression", NULL };
static const char *const php_def[] = { "simple_parameter", NULL };
static const char *const php_if[] = { "if_statement", "else_clause", NULL };
static const char *const php_efor[] = { "foreach_statement", NULL };
static const struct jcfg php_cfg = { php_assignment, php_def, j_incr, php_if, j_for, php_efor, j_while,
				     DEF_FIELDS, "default_value", NULL, NULL, "assignment_expression", false, true };

static const char *const rs_assignment[] = { "assignment_expression", "compound_assignment_expr",
					     "let_expression", NULL };
static const char *const rs_def[] = { "function_item", NULL };
static const char *const rs_if[] = { "if_expression", "if_let_expression", "match_expression", "else", NULL };
static const char *const rs_for[] = { "for_expression", NULL };
static const char *const rs_while[] = { "while_expression", "while_let_expression", "loop_expression", NULL };
static const struct jcfg rust_cfg = { rs_assignment, rs_def, none, rs_if, rs_for, cs_efor, rs_while,
				      DEF_RUST, "value", "left", "right", "local_variable_declaration", false, false };

static const struct jcfg *jcfg_of(enum codebleu_lang l)
{
	switch (l) {
	case CB_JAVA: return &java_cfg;
	case CB_GO: return &go_cfg;
	case CB_JAVASCRIPT: return &js_cfg;
	case CB_PHP: return &php_cfg;
	case CB_RUST: return &rust_cfg;
	default: return &csharp_cfg;
	}
}

static struct dfl dfg_java_family(struct dctx *c, TSNode n, struct states **sp);

static struct dfl dfg_java_family(struct dctx *c, TSNode n, struct states **sp)
{
	const struct jcfg *g = jcfg_of(c->lang);
	struct states *s = *sp;
	struct dfl l = { 0 };
	const dfg_fn self = dfg_java_family;

	if (leaf_like(n)) {
		l = leaf(c, n, s);
	} else if (type_in(n, g->def)) {
		TSNode name, value;
		memset(&value, 0, sizeof(value));
		if (g->def_mode == DEF_CSHARP) {
			name = ts_node_child(n, 0);
			if (ts_node_child_count(n) == 2)
				value = ts_node_child(n, 1);
		} else if (g->def_mode == DEF_RUST) {
			if (ts_node_child_count(n) < 2) {
				c->fail = true;  /* IndexError */
				goto done;
			}
			name = ts_node_child(n, 1);
			if (ts_node_child_count(n) >= 3)
				value = ts_node_child(n, 2);
		} else {
			name = field(n, "name");
			value = field(n, g->def_value);
		}
		if (ts_node_is_null(value)) {
			declared(c, &l, s, name);
		} else {
			struct toklist nt = var_index(c, name), vt = var_index(c, value);
			struct dfl t = visit(c, self, value, &s);
			dfl_extend(c, &l, &t);
			define_from(c, &l, s, &nt, &vt);
		}
		dfl_sort(c, &l);
	} else if (type_in(n, g->assignment)) {
		TSNode left = field(n, "left"), right = field(n, "right");
		struct dfl t = visit(c, self, right, &s);
		dfl_extend(c, &l, &t);
		pairwise(c, &l, s, left, right, COMPUTED_FROM);
		dfl_sort(c, &l);
	} else if (type_in(n, g->incr)) {
		struct toklist it = var_index(c, n);
		for (size_t i = 0; i < it.n && !c->fail; i++) {
			for (size_t j = 0; j < it.n; j++)
				add_edge(c, &l, it.v[i], COMPUTED_FROM, &it.v[j], 1);
			st_set1(c, s, it.v[i]->code, it.v[i]->idx);
		}
		dfl_sort(c, &l);
	} else if (type_in(n, g->ifs)) {
		struct states *current = st_copy(c, s);
		struct states **others = aalloc(c, (ts_node_child_count(n) + 2) * sizeof(*others));
		size_t nothers = 0;
		bool flag = false, tag = strstr(ts_node_type(n), "else") != NULL;

		if (!current || !others)
			goto done;
		for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
			TSNode ch = ts_node_child(n, i);
			struct dfl t;
			if (strstr(ts_node_type(ch), "else"))
				tag = true;
			if (!type_in(ch, g->ifs) && !flag) {
				t = visit(c, self, ch, &current);
			} else {
				struct states *ns = s;
				flag = true;
				t = visit(c, self, ch, &ns);
				others[nothers++] = ns;
			}
			dfl_extend(c, &l, &t);
		}
		if (g->if_before)
			others[nothers++] = s;  /* positions are a set: joining twice is joining once */
		s = if_merge(c, s, others, nothers, current, tag);
		dfl_sort(c, &l);
	} else if (type_in(n, g->fors)) {
		bool flag = false;
		for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
			struct dfl t = visit(c, self, ts_node_child(n, i), &s);
			dfl_extend(c, &l, &t);
		}
		for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
			TSNode ch = ts_node_child(n, i);
			struct dfl t = { 0 };
			if (flag) {
				t = visit(c, self, ch, &s);
			} else if (!g->go_for && type_is(ch, g->for_init)) {
				flag = true;
			} else if (g->go_for && type_is(ch, "for_clause")) {
				TSNode upd = field(ch, "update");
				if (!ts_node_is_null(upd))
					t = visit(c, self, upd, &s);
				flag = true;
			}
			dfl_extend(c, &l, &t);
		}
		dfl_merge_same(c, &l);
	} else if (type_in(n, g->efors)) {
		TSNode name = { 0 }, value = { 0 }, body = field(n, "body");
		if (g->efor_name) {
			name = field(n, g->efor_name);
			value = field(n, g->efor_value);
		} else {
			/* PHP: the first variable_name is the value, the second the name */
			for (uint32_t i = 0; i < ts_node_child_count(n); i++) {
				TSNode ch = ts_node_child(n, i);
				if (!type_is(ch, "variable_name"))
					continue;
				if (ts_node_is_null(value)) {
					value = ch;
				} else {
					name = ch;
					break;
				}
			}
		}
		for (int pass = 0; pass < 2 && !c->fail; pass++) {
			struct dfl t = visit(c, self, value, &s);
			dfl_extend(c, &l, &t);
			pairwise(c, &l, s, name, value, COMPUTED_FROM);
			t = visit(c, self, body, &s);
			dfl_extend(c, &l, &t);
		}
		dfl_merge_same(c, &l);
	} else if (type_in(n, g->whiles)) {
		for (int pass = 0; pass < 2 && !c->fail; pass++) {
			for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
				struct dfl t = visit(c, self, ts_node_child(n, i), &s);
				dfl_extend(c, &l, &t);
			}
		}
		dfl_merge_same(c, &l);
	} else {
		for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
			struct dfl t = visit(c, self, ts_node_child(n, i), &s);
			dfl_extend(c, &l, &t);
		}
		dfl_sort(c, &l);
	}
done:
	*sp = s;
	return l;
}

/*
 * Ruby. Unlike the others, the reference's Ruby extractor copies the
 * states only for a leaf: every other node works on its caller's
 * dictionary in place, so a branch's definitions leak into the states the
 * caller passed. visit_shared keeps that aliasing.
 */
static struct dfl visit_shared(struct dctx *c, dfg_fn fn, TSNode n, struct states **s)
{
	struct dfl l = { 0 };

	if (c->fail)
		return l;
	if (ts_node_is_null(n) || c->depth >= MAX_DEPTH) {
		c->fail = true;
		return l;
	}
	c->depth++;
	l = fn(c, n, s);
	c->depth--;
	return l;
}

static const char *const rb_assignment[] = { "assignment", "operator_assignment", NULL };
static const char *const rb_if[] = { "if", "elsif", "else", "unless", "when", NULL };
static const char *const rb_while[] = { "while_modifier", "until", NULL };

static struct dfl dfg_ruby(struct dctx *c, TSNode n, struct states **sp)
{
	struct states *s = *sp;
	struct dfl l = { 0 };
	const char *type = ts_node_type(n);

	if (leaf_like(n)) {
		if (!(s = st_copy(c, s)))
			goto done;
		l = leaf(c, n, s);
	} else if (!strcmp(type, "keyword_parameter")) {
		TSNode name = field(n, "name"), value = field(n, "value");
		if (ts_node_is_null(value)) {
			declared(c, &l, s, name);
		} else {
			struct toklist nt = var_index(c, name), vt = var_index(c, value);
			struct dfl t = visit_shared(c, dfg_ruby, value, &s);
			dfl_extend(c, &l, &t);
			define_from(c, &l, s, &nt, &vt);
		}
		dfl_sort(c, &l);
	} else if (type_in(n, rb_assignment)) {
		TSNode left = field(n, "left"), right = field(n, "right");
		struct nodelist ln = children_no_comma(c, left), rn = children_no_comma(c, right);
		TSNode first, last;

		if (c->fail)
			goto done;
		if (ln.n != rn.n || ln.n == 0) {
			ln.v = &left; ln.n = 1;
			rn.v = &right; rn.n = 1;
		}
		if (!strcmp(type, "operator_assignment")) {
			first = ts_node_child(n, 0);
			last = ts_node_child(n, ts_node_child_count(n) - 1);
			ln.v = &first; ln.n = 1;
			rn.v = &last; rn.n = 1;
		}
		for (size_t i = 0; i < rn.n && !c->fail; i++) {
			struct dfl t = visit_shared(c, dfg_ruby, rn.v[i], &s);
			dfl_extend(c, &l, &t);
		}
		for (size_t i = 0; i < ln.n && i < rn.n && !c->fail; i++)
			computed_from(c, &l, s, ln.v[i], rn.v[i]);
		dfl_sort(c, &l);
	} else if (type_in(n, rb_if)) {
		struct states *current = st_copy(c, s);
		struct states **others = aalloc(c, (ts_node_child_count(n) + 2) * sizeof(*others));
		size_t nothers = 0;
		bool tag = strstr(type, "else") != NULL;

		if (!current || !others)
			goto done;
		for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
			TSNode ch = ts_node_child(n, i);
			struct dfl t;
			if (strstr(ts_node_type(ch), "else"))
				tag = true;
			if (!type_in(ch, rb_if)) {
				t = visit_shared(c, dfg_ruby, ch, &current);
			} else {
				struct states *ns = s;
				t = visit_shared(c, dfg_ruby, ch, &ns);
				others[nothers++] = ns;
			}
			dfl_extend(c, &l, &t);
		}
		s = if_merge(c, s, others, nothers, current, tag);
		dfl_sort(c, &l);
	} else if (!strcmp(type, "for")) {
		for (int pass = 0; pass < 2 && !c->fail; pass++) {
			TSNode left = field(n, "pattern"), right = field(n, "value");
			struct dfl t = visit_shared(c, dfg_ruby, right, &s);
			dfl_extend(c, &l, &t);
			computed_from(c, &l, s, left, right);
			t = visit_shared(c, dfg_ruby, field(n, "body"), &s);
			dfl_extend(c, &l, &t);
		}
		dfl_merge_same(c, &l);
	} else if (type_in(n, rb_while)) {
		for (int pass = 0; pass < 2 && !c->fail; pass++) {
			for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
				struct dfl t = visit_shared(c, dfg_ruby, ts_node_child(n, i), &s);
				dfl_extend(c, &l, &t);
			}
		}
		dfl_merge_same(c, &l);
	} else {
		for (uint32_t i = 0; i < ts_node_child_count(n) && !c->fail; i++) {
			struct dfl t = visit_shared(c, dfg_ruby, ts_node_child(n, i), &s);
			dfl_extend(c, &l, &t);
		}
		dfl_sort(c, &l);
	}
done:
	*sp = s;
	return l;
}

static dfg_fn extractor(enum codebleu_lang l)
{
	switch (l) {
	case CB_PYTHON: return dfg_python;
	case CB_JAVA: case CB_C_SHARP: case CB_C: case CB_CPP: case CB_GO: case CB_JAVASCRIPT: case CB_PHP:
	case CB_RUST:
		return dfg_java_family;
	case CB_RUBY: return dfg_ruby;
	default: return NULL;
	}
}

/* get_data_flow after the extractor: keep the edges that take part in a
 * flow, then merge the edges at one position. */
static struct dfl keep_and_merge(struct dctx *c, struct dfl *d)
{
	struct dfl out = { 0 };
	bool *in;
	size_t maxidx = c->ntok + 1;

	dfl_sort(c, d);
	if (!(in = aalloc(c, maxidx * sizeof(*in))))
		return out;
	memset(in, 0, maxidx * sizeof(*in));
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].ni && (size_t)d->v[i].idx < maxidx)
			in[d->v[i].idx] = true;
		for (uint32_t k = 0; k < d->v[i].ni; k++)
			if ((size_t)d->v[i].idxs[k] < maxidx)
				in[d->v[i].idxs[k]] = true;
	}
	for (size_t i = 0; i < d->n && !c->fail; i++) {
		struct df *e = &d->v[i];
		size_t j;
		if (!in[e->idx])
			continue;
		for (j = 0; j < out.n; j++)
			if (out.v[j].idx == e->idx)
				break;
		if (j == out.n) {
			dfl_push(c, &out, e);
			continue;
		}
		/* (d0, d1, d2, set(names), set(positions)) of the last edge */
		{
			struct df m = out.v[j];
			m.name = e->name;
			m.rel = e->rel;
			names_union(c, &m, e->names, e->nn);
			idxs_union(c, &m.idxs, &m.ni, m.idxs, m.ni, e->idxs, e->ni);
			out.v[j] = m;
		}
	}
	return out;
}

static int flows_push(struct codebleu_flows *f, uint32_t var, uint8_t rel, const uint32_t *par, uint32_t npar)
{
	if (f->n == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 16;
		struct codebleu_flow *v = realloc(f->v, nc * sizeof(*v));
		if (!v)
			return -1;
		f->v = v;
		f->cap = nc;
	}
	if (!f->pool || f->npool + npar > f->cappool) {
		size_t nc = (f->cappool + npar) * 2 + 16;
		uint32_t *p = malloc(nc * sizeof(*p));
		if (!p)
			return -1;
		/* the flows point into the pool: move them over */
		if (f->npool)
			memcpy(p, f->pool, f->npool * sizeof(*p));
		for (size_t i = 0; i < f->n; i++)
			f->v[i].par = p + (f->v[i].par - f->pool);
		free(f->pool);
		f->pool = p;
		f->cappool = nc;
	}
	if (npar)
		memcpy(f->pool + f->npool, par, npar * sizeof(*par));
	f->v[f->n] = (struct codebleu_flow){ var, rel, npar, f->pool + f->npool };
	f->npool += npar;
	f->n++;
	return 0;
}

/* normalize_dataflow: names become var_0, var_1, ... in order of first
 * appearance, parents before the variable itself. */
static int normalize(struct dctx *c, const struct dfl *d, struct codebleu_flows *f)
{
	struct str *seen = aalloc(c, (d->n * 2 + 1) * sizeof(*seen));
	size_t nseen = 0, capseen = d->n * 2 + 1;
	uint32_t *par = NULL;
	size_t cappar = 0;
	int rc = 0;

	if (!seen)
		return -1;
	for (size_t i = 0; i < d->n && !rc; i++) {
		const struct df *e = &d->v[i];
		uint32_t var = 0;
		if (e->nn + 1 > cappar) {
			cappar = e->nn + 16;
			if (!(par = aalloc(c, cappar * sizeof(*par))))
				return -1;
		}
		for (uint32_t k = 0; k <= e->nn; k++) {
			struct str nm = k < e->nn ? e->names[k] : e->name;
			size_t j;
			for (j = 0; j < nseen; j++)
				if (str_eq(seen[j], nm))
					break;
			if (j == nseen) {
				if (nseen == capseen) {
					struct str *ns = aalloc(c, capseen * 2 * sizeof(*ns));
					if (!ns)
						return -1;
					memcpy(ns, seen, nseen * sizeof(*ns));
					seen = ns;
					capseen *= 2;
				}
				seen[nseen++] = nm;
			}
			if (k < e->nn)
				par[k] = (uint32_t)j;
			else
				var = (uint32_t)j;
		}
		rc = flows_push(f, var, e->rel, par, e->nn);
	}
	return rc;
}

/* Python's str as code points: the offsets the reference's slicing uses. */
static int code_text_init(struct dctx *c, struct code_text *t, const char *code, size_t len)
{
	size_t i = 0, adv;

	size_t nl = 1;

	t->p = code;
	t->len = len;
	t->ncp = 0;
	for (size_t k = 0; k < len; k++)
		nl += code[k] == '\n';
	if (!(t->cp_off = aalloc(c, (len + 1) * sizeof(size_t))) ||
	    !(t->line_cp = aalloc(c, nl * sizeof(size_t))))
		return -1;
	t->nlines = 1;
	t->line_cp[0] = 0;
	while (i < len) {
		t->cp_off[t->ncp++] = i;
		if (code[i] == '\n')
			t->line_cp[t->nlines++] = t->ncp;  /* the next code point starts a line */
		evaltext_decode(code + i, len - i, &adv);
		i += adv;
	}
	t->cp_off[t->ncp] = len;
	return 0;
}

int codebleu_dataflow(const TSTree *tree, enum codebleu_lang l, const char *code, size_t len,
		      struct codebleu_flows *f)
{
	struct dctx c;
	struct code_text t;
	struct states *s;
	struct dfl d, m;
	dfg_fn fn = extractor(l);
	int rc = 0;

	f->n = 0;
	f->npool = 0;
	if (!fn)
		return 0;
	memset(&c, 0, sizeof(c));
	c.lang = l;
	if (code_text_init(&c, &t, code, len)) {
		rc = -1;
		goto out;
	}
	collect_tokens(&c, &t, ts_tree_root_node(tree), 0);
	if (c.fail)
		goto out;
	s = st_copy(&c, NULL);
	if (!s)
		goto out;
	d = visit(&c, fn, ts_tree_root_node(tree), &s);
	if (c.fail)
		goto out;  /* the reference's except: DFG = [] */
	m = keep_and_merge(&c, &d);
	if (!c.fail && normalize(&c, &m, f))
		rc = -1;
out:
	if (c.nomem)
		rc = -1;
	arena_free(&c);
	return rc;
}

void codebleu_flows_release(struct codebleu_flows *f)
{
	free(f->v);
	free(f->pool);
	memset(f, 0, sizeof(*f));
}
