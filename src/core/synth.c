/*
 * synth: realistic synthetic conversations and ratings (see synth.h).
 *
 * A line is planned from two random streams: one keyed by the line's own
 * index (ids, user, time, whether it repeats an earlier line) and one keyed
 * by its content index (topic, shape, planted properties, every word of the
 * text). A duplicate line reuses an earlier line's content index, so its
 * question and answer come out byte for byte the same.
 *
 * Text comes from hand-written templates (written for this project) with
 * $[name] slots filled from per-conversation choices: the same entity,
 * field and service names run through the question and the answer. The
 * generator writes JSON-escaped text straight into the output buffer;
 * only answers that must be measured or cut are built raw first.
 * PRNG: splitmix64 (Steele, Lea, Flood 2014), one state per stream.
 */
#include "core/synth.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#include <jansson.h>

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#if defined(__SSE2__) && !defined(SYNTH_NO_SIMD)
#define SYNTH_SSE2 1
#include <emmintrin.h>
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* random numbers                                                      */

struct rng {
	uint64_t s;
};

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

enum { STREAM_LINE = 1, STREAM_CONTENT = 2, STREAM_FEEDBACK = 3, STREAM_NEAR = 4 };

static void rng_seed(struct rng *r, uint64_t seed, uint64_t index, uint64_t stream)
{
	r->s = mix64(seed ^ mix64(index ^ mix64(stream * 0x632be59bd9b4e019ULL)));
}

/* Uniform in [0, n), n < 2^32. */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [0, 1). */
static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1p-53;
}

static inline bool rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

static inline uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* Index into a weight table (weights sum to total). */
static unsigned rng_weighted(struct rng *r, const unsigned *w, unsigned n)
{
	unsigned total = 0, x;

	for (unsigned i = 0; i < n; i++)
		total += w[i];
	x = rng_below(r, total);
	for (unsigned i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* Count a NULL-terminated array of at most max strings. */
static unsigned count_strs(const char *const *v, unsigned max)
{
	unsigned n = 0;

	while (n < max && v[n])
		n++;
	return n;
}

#define PICK(r, arr) ((arr)[rng_below((r), NELEM(arr))])
#define PICKN(r, arr) ((arr)[rng_below((r), count_strs((arr), NELEM(arr)))])

/* ------------------------------------------------------------------ */
/* vocabularies                                                        */

struct noun {
	const char *one, *many;
};

static const struct noun entities[] = {
	{ "invoice", "invoices" },   { "order", "orders" },
	{ "product", "products" },   { "customer", "customers" },
	{ "ticket", "tickets" },     { "payment", "payments" },
	{ "shipment", "shipments" }, { "account", "accounts" },
	{ "report", "reports" },     { "comment", "comments" },
	{ "article", "articles" },   { "booking", "bookings" },
	{ "device", "devices" },     { "sensor", "sensors" },
	{ "task", "tasks" },         { "project", "projects" },
	{ "message", "messages" },   { "coupon", "coupons" },
	{ "review", "reviews" },     { "cart", "carts" },
	{ "employee", "employees" }, { "course", "courses" },
	{ "lesson", "lessons" },     { "playlist", "playlists" },
	{ "track", "tracks" },       { "vehicle", "vehicles" },
	{ "trip", "trips" },         { "tenant", "tenants" },
	{ "document", "documents" }, { "upload", "uploads" },
	{ "reading", "readings" },   { "listing", "listings" },
	{ "quote", "quotes" },       { "contract", "contracts" },
	{ "claim", "claims" },       { "recipe", "recipes" },
	{ "category", "categories" }, { "delivery", "deliveries" },
	{ "policy", "policies" },    { "warehouse", "warehouses" },
	{ "campaign", "campaigns" }, { "subscriber", "subscribers" },
};

static const char *const fields[] = {
	"title", "display_name", "sku", "region", "external_ref", "currency",
	"label", "slug", "summary", "source", "channel", "locale", "timezone",
	"reference", "description", "color", "country_code", "vendor",
	"batch_code", "tracking_code", "nickname", "headline", "subtitle",
	"legal_name", "plan_code", "status_note",
};

static const char *const verbs[] = {
	"sync", "load", "fetch", "process", "export", "archive", "validate",
	"refresh", "build", "publish", "notify", "reconcile", "index", "merge",
	"normalize", "enrich", "dedupe", "score",
};

static const char *const dirs[] = {
	"app", "api", "core", "services", "backend", "server", "platform", "web",
	"domain", "lib",
};

static const char *const services[] = {
	"billing", "inventory", "checkout", "auth", "notifications", "search",
	"reporting", "payments", "shipping", "catalog", "analytics", "scheduler",
	"gateway", "ledger", "onboarding", "pricing", "support",
};

static const char *const orgs[] = {
	"acme", "northwind", "globex", "initech", "umbrella", "hooli", "contoso",
	"tailspin", "fabrikam", "wonka", "vandelay", "soylent", "cyberdyne",
};

static const char *const search_words[] = {
	"refund", "late", "vip", "blocked", "urgent", "draft", "pending", "promo",
	"overdue", "damaged", "priority", "return",
};

static const unsigned ports[] = {
	3000, 3001, 4000, 4200, 5000, 5173, 8000, 8080, 8081, 8888, 9000, 9090,
};

/* Per-language facts used by the fragments. */
struct lang_info {
	const char *name;      /* canonical, as in metadata */
	const char *display;   /* "Python" */
	const char *alias;     /* another fence tag for it, NULL when none */
	const char *env[3];    /* "Python 3.12", ... */
};

static const struct lang_info langs[] = {
	{ "python", "Python", "py", { "Python 3.12", "Python 3.11", "Python 3.13" } },
	{ "javascript", "JavaScript", "js", { "Node 20", "Node 22", "Node 18 on Alpine" } },
	{ "typescript", "TypeScript", "ts", { "TypeScript 5.6", "TypeScript 5.4 with Node 20", "TypeScript 5.5" } },
	{ "go", "Go", "golang", { "Go 1.22", "Go 1.23", "Go 1.21" } },
	{ "rust", "Rust", "rs", { "Rust 1.82", "rustc 1.79 stable", "Rust 1.80" } },
	{ "java", "Java", NULL, { "Java 21 and Spring Boot 3.3", "Java 17", "Java 21" } },
	{ "c", "C", NULL, { "gcc 13 on Ubuntu 24.04", "clang 17", "gcc 12 on Debian" } },
	{ "cpp", "C++", "c++", { "g++ 13 with -std=c++20", "clang 18 and C++17", "MSVC 19.40" } },
	{ "csharp", "C#", "cs", { ".NET 8", ".NET 6", ".NET Framework 4.8" } },
	{ "php", "PHP", NULL, { "PHP 8.3", "PHP 8.2 with Laravel 11", "PHP 8.1" } },
	{ "ruby", "Ruby", "rb", { "Ruby 3.3 and Rails 7.2", "Ruby 3.2", "Rails 7.1" } },
	{ "sql", "SQL", "postgresql", { "PostgreSQL 16", "PostgreSQL 15 on RDS", "PostgreSQL 14" } },
	{ "bash", "Bash", "sh", { "bash 5.2", "bash on Ubuntu 22.04", "bash 5.1 in an Alpine container" } },
	{ "yaml", "YAML", "yml", { "GitHub Actions", "Kubernetes 1.30", "EKS with Kubernetes 1.29" } },
	{ "dockerfile", "Docker", "docker", { "Docker 27 with BuildKit", "Docker Desktop 4.34", "Docker 26" } },
};

static const struct lang_info *lang_find(const char *name)
{
	for (size_t i = 0; i < NELEM(langs); i++)
		if (!strcmp(langs[i].name, name))
			return &langs[i];
	return &langs[0];
}

/* ------------------------------------------------------------------ */
/* topics: one realistic problem each, with the user's code, the error, */
/* explanations, the fix, side notes and a few short answers           */

struct topic {
	const char *id;
	const char *lang;      /* canonical language */
	const char *fw;        /* framework, "" when none */
	const char *code_tag;  /* fence tag of the user's code (NULL: lang) */
	const char *fix_tag;   /* fence tag of the fix (NULL: lang) */
	const char *asks[3];
	const char *code;      /* NULL when the user shows none */
	const char *error;     /* NULL when there is no error output */
	const char *explains[3];
	const char *fix;
	const char *notes[5];
	const char *shorts[3]; /* under 50 code points once expanded */
};

static const struct topic topics[] = {
{
	.id = "fastapi-cors", .lang = "python", .fw = "fastapi",
	.asks = {
		"My React frontend on http://localhost:$[port] calls our FastAPI backend and the browser blocks every request with a CORS error. The endpoint works fine from curl and from the /docs page. I added CORSMiddleware but the preflight OPTIONS request still comes back 400.",
		"I'm getting CORS errors when my SPA calls `POST /$[es]` on our FastAPI $[svc] service. GET requests work, but anything with a JSON body fails in the browser.",
	},
	.code =
		"from fastapi import FastAPI\n"
		"from fastapi.middleware.cors import CORSMiddleware\n"
		"\n"
		"app = FastAPI()\n"
		"\n"
		"@app.post(\"/$[es]\")\n"
		"async def create_$[e](payload: $[E]In):\n"
		"    return await $[e]_service.create(payload)\n"
		"\n"
		"app.add_middleware(\n"
		"    CORSMiddleware,\n"
		"    allow_origins=[\"http://localhost:$[port]/\"],\n"
		"    allow_methods=[\"GET\"],\n"
		")\n",
	.error =
		"Access to fetch at 'http://localhost:8000/$[es]' from origin 'http://localhost:$[port]' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n",
	.explains = {
		"Two things are wrong in the middleware config. First, the origin must match exactly what the browser sends in the `Origin` header: scheme, host and port, with no trailing slash, so `\"http://localhost:$[port]/\"` never matches. Second, `allow_methods=[\"GET\"]` makes the middleware reject the preflight for `POST`, and a JSON body (`Content-Type: application/json`) always triggers a preflight, so the request headers must be allowed too.",
		"The browser sends an `OPTIONS` preflight before any request with a JSON body. `CORSMiddleware` answers it only if the origin, the method and the requested headers are all allowed. Your origin has a trailing slash (the `Origin` header never has one) and only `GET` is allowed, so the preflight fails and the browser never sends the real `POST`.",
	},
	.fix =
		"from fastapi import FastAPI\n"
		"from fastapi.middleware.cors import CORSMiddleware\n"
		"\n"
		"app = FastAPI()\n"
		"\n"
		"app.add_middleware(\n"
		"    CORSMiddleware,\n"
		"    allow_origins=[\"http://localhost:$[port]\"],  # no trailing slash\n"
		"    allow_credentials=True,\n"
		"    allow_methods=[\"GET\", \"POST\", \"PUT\", \"DELETE\"],\n"
		"    allow_headers=[\"Content-Type\", \"Authorization\"],\n"
		")\n"
		"\n"
		"@app.post(\"/$[es]\")\n"
		"async def create_$[e](payload: $[E]In):\n"
		"    return await $[e]_service.create(payload)\n",
	.notes = {
		"Don't combine `allow_origins=[\"*\"]` with `allow_credentials=True`; browsers refuse a wildcard when cookies are sent.",
		"Read the allowed origins from settings so staging and production can differ.",
		"If nginx sits in front of the app, make sure it doesn't answer `OPTIONS` itself.",
		"In the Network tab the failing request is the `OPTIONS` one, not the `POST`.",
	},
	.shorts = {
		"Remove the trailing slash from the origin.",
		"Allow `POST` in `allow_methods`, not just `GET`.",
	},
},
{
	.id = "fastapi-sqlalchemy-greenlet", .lang = "python", .fw = "fastapi",
	.asks = {
		"After switching our FastAPI app to SQLAlchemy 2.0 async sessions, returning $[ae] from an endpoint blows up with `MissingGreenlet`. The query itself works.",
		"I load $[ae] with `await session.get($[E], $[e]_id)` and return it; serialising `$[e].items` in the response model raises MissingGreenlet. Why would reading an attribute do IO?",
	},
	.code =
		"@router.get(\"/$[es]/{$[e]_id}\", response_model=$[E]Out)\n"
		"async def read_$[e]($[e]_id: int, session: AsyncSession = Depends(get_session)):\n"
		"    $[e] = await session.get($[E], $[e]_id)\n"
		"    if $[e] is None:\n"
		"        raise HTTPException(status_code=404, detail=\"$[E] not found\")\n"
		"    return $[e]\n",
	.error =
		"Traceback (most recent call last):\n"
		"  File \"/srv/$[svc]/$[dir]/routes/$[es].py\", line $[line], in read_$[e]\n"
		"    return $[e]\n"
		"  File \"/usr/local/lib/python3.12/site-packages/fastapi/routing.py\", line $[line2], in serialize_response\n"
		"sqlalchemy.exc.MissingGreenlet: greenlet_spawn has not been called; can't call await_only() here. Was IO attempted in an unexpected place?\n",
	.explains = {
		"`session.get()` loads only the columns of `$[E]`; the `items` relationship is lazy. When the response model reads `$[e].items`, SQLAlchemy tries a synchronous lazy load outside the async context and refuses. Load the relationship eagerly in the query instead.",
		"With async sessions every lazy load is an error, because attribute access can't `await`. Your endpoint returns the ORM object, Pydantic walks its relationships while building the response, and the first unloaded one (`items`) triggers IO. Tell the query which relationships the response needs.",
	},
	.fix =
		"from sqlalchemy import select\n"
		"from sqlalchemy.orm import selectinload\n"
		"\n"
		"@router.get(\"/$[es]/{$[e]_id}\", response_model=$[E]Out)\n"
		"async def read_$[e]($[e]_id: int, session: AsyncSession = Depends(get_session)):\n"
		"    stmt = (\n"
		"        select($[E])\n"
		"        .where($[E].id == $[e]_id)\n"
		"        .options(selectinload($[E].items))\n"
		"    )\n"
		"    $[e] = (await session.execute(stmt)).scalar_one_or_none()\n"
		"    if $[e] is None:\n"
		"        raise HTTPException(status_code=404, detail=\"$[E] not found\")\n"
		"    return $[e]\n",
	.notes = {
		"Set `lazy=\"raise\"` on relationships so accidental lazy loads fail loudly in development.",
		"`expire_on_commit=False` on the session factory avoids the same error right after `commit()`.",
		"For many-to-one relationships `joinedload` is usually cheaper than `selectinload`.",
	},
	.shorts = {
		"Eager-load it with `selectinload`.",
		"Add `.options(selectinload(...))` to the query.",
	},
},
{
	.id = "django-migration-conflict", .lang = "python", .fw = "django",
	.asks = {
		"After merging `main` into my branch, `python manage.py migrate` refuses to run and complains about conflicting migrations in the `$[es]` app. Both branches added a migration.",
		"CI fails on `migrate` with a conflict in `$[es]/migrations`. A colleague added a `$[f]` field while I added an index on `created_at`. How do we fix this properly without losing either change?",
	},
	.code = NULL,
	.error =
		"CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: ($[mig]_add_$[e]_$[f], $[mig]_$[e]_created_idx in $[es]).\n"
		"To fix them run 'python manage.py makemigrations --merge'\n",
	.explains = {
		"Both migrations depend on the same parent, so Django sees two leaf nodes and can't decide in which order to apply them. As long as the two changes don't touch the same column, a merge migration is the right fix: it depends on both leaves and contains no operations. `makemigrations --merge` writes it for you.",
		"Each branch created migration `$[mig]` on top of the same predecessor. Django needs a single leaf, so you add a merge migration that depends on both. Because one adds a field and the other an index, the order doesn't matter and the merge has no operations of its own.",
	},
	.fix =
		"# $[es]/migrations/$[mig2]_merge.py (what makemigrations --merge generates)\n"
		"from django.db import migrations\n"
		"\n"
		"\n"
		"class Migration(migrations.Migration):\n"
		"    dependencies = [\n"
		"        (\"$[es]\", \"$[mig]_add_$[e]_$[f]\"),\n"
		"        (\"$[es]\", \"$[mig]_$[e]_created_idx\"),\n"
		"    ]\n"
		"\n"
		"    operations = []\n",
	.notes = {
		"Run `python manage.py makemigrations --check --dry-run` in CI to catch missing migrations early.",
		"If both branches changed the same field, rewrite one of the migrations instead of merging.",
		"Never edit a migration that has already run in production; add a new one.",
	},
	.shorts = {
		"Run `python manage.py makemigrations --merge`.",
	},
},
{
	.id = "django-n-plus-one", .lang = "python", .fw = "django",
	.asks = {
		"Our `/api/$[es]/` endpoint takes $[ms] ms for only 50 rows. Django Debug Toolbar shows hundreds of nearly identical queries.",
		"Why does listing $[es] with Django REST Framework run one query per row? The serializer only adds the owner name and the tags.",
	},
	.code =
		"class $[E]ListView(ListAPIView):\n"
		"    serializer_class = $[E]Serializer\n"
		"\n"
		"    def get_queryset(self):\n"
		"        return $[E].objects.filter(is_active=True)\n"
		"\n"
		"\n"
		"class $[E]Serializer(serializers.ModelSerializer):\n"
		"    owner_name = serializers.CharField(source=\"owner.name\")\n"
		"    tags = TagSerializer(many=True)\n"
		"\n"
		"    class Meta:\n"
		"        model = $[E]\n"
		"        fields = [\"id\", \"$[f]\", \"owner_name\", \"tags\"]\n",
	.error =
		"(0.002) SELECT \"accounts_user\".\"id\", \"accounts_user\".\"name\" FROM \"accounts_user\" WHERE \"accounts_user\".\"id\" = 41 LIMIT 21\n"
		"(0.002) SELECT \"accounts_user\".\"id\", \"accounts_user\".\"name\" FROM \"accounts_user\" WHERE \"accounts_user\".\"id\" = 42 LIMIT 21\n"
		"(0.001) SELECT \"tags_tag\".\"id\", \"tags_tag\".\"name\" FROM \"tags_tag\" INNER JOIN ...\n"
		"... repeated for every row\n",
	.explains = {
		"This is the classic N+1 query problem. The queryset loads the $[es] in one query, then the serializer touches `owner` and `tags` on each row, and each access runs its own query. Tell the ORM up front which relations you need: `select_related` joins foreign keys into the main query, `prefetch_related` loads many-to-many relations in one extra query.",
		"Every `owner.name` and every `tags` access is a lazy database hit, so 50 rows cost 1 + 50 + 50 queries. Eager loading brings that down to two queries no matter how many rows you return.",
	},
	.fix =
		"class $[E]ListView(ListAPIView):\n"
		"    serializer_class = $[E]Serializer\n"
		"\n"
		"    def get_queryset(self):\n"
		"        return (\n"
		"            $[E].objects.filter(is_active=True)\n"
		"            .select_related(\"owner\")\n"
		"            .prefetch_related(\"tags\")\n"
		"            .order_by(\"-created_at\")\n"
		"        )\n",
	.notes = {
		"`select_related` is for foreign keys and one-to-one relations (SQL JOIN); `prefetch_related` for many-to-many and reverse relations.",
		"Lock the query count in a test with `self.assertNumQueries(2)` so it can't regress.",
		"If you only need the owner's name, `annotate(owner_name=F(\"owner__name\"))` avoids loading the whole user row.",
	},
	.shorts = {
		"Add `.select_related(\"owner\")` to the queryset.",
		"Use `select_related` and `prefetch_related`.",
	},
},
{
	.id = "flask-app-context", .lang = "python", .fw = "flask",
	.asks = {
		"I moved my Flask database setup into a separate module and now a background job that runs `$[v]_$[es]()` crashes with 'Working outside of application context'.",
		"Our scheduler calls a Flask-SQLAlchemy query every $[n] minutes and it fails with a RuntimeError about the application context, although the same code works inside a view.",
	},
	.code =
		"# jobs.py\n"
		"from $[dir].models import db, $[E]\n"
		"\n"
		"def $[v]_$[es]():\n"
		"    stale = $[E].query.filter_by($[f]=None).all()\n"
		"    for $[e] in stale:\n"
		"        $[e].$[f] = compute_$[f]($[e])\n"
		"    db.session.commit()\n",
	.error =
		"Traceback (most recent call last):\n"
		"  File \"/srv/$[svc]/jobs.py\", line $[line], in $[v]_$[es]\n"
		"    stale = $[E].query.filter_by($[f]=None).all()\n"
		"RuntimeError: Working outside of application context.\n",
	.explains = {
		"Flask-SQLAlchemy needs an application context to know which app, and so which database, the session belongs to. During a request Flask pushes one for you; in a scheduler thread or a plain script nothing does. Push one explicitly around the job.",
		"The view works because Flask pushes an application context for every request. Your job runs outside any request, so `db` has no app to bind to. Create the app once and wrap the job body in `app.app_context()`.",
	},
	.fix =
		"from $[dir] import create_app\n"
		"from $[dir].models import db, $[E]\n"
		"\n"
		"app = create_app()\n"
		"\n"
		"def $[v]_$[es]():\n"
		"    with app.app_context():\n"
		"        stale = $[E].query.filter_by($[f]=None).all()\n"
		"        for $[e] in stale:\n"
		"            $[e].$[f] = compute_$[f]($[e])\n"
		"        db.session.commit()\n",
	.notes = {
		"If the job is a CLI command, register it with `@app.cli.command()` and Flask pushes the context for you.",
		"Push one context per job run; don't share one across threads.",
		"With Celery, a Task base class whose `__call__` enters `app.app_context()` does this once for every task.",
	},
	.shorts = {
		"Wrap the job in `with app.app_context():`.",
	},
},
{
	.id = "python-mutable-default", .lang = "python", .fw = "",
	.asks = {
		"I have a helper that collects the $[f] values of $[es]. The first call is fine, but every later call also returns the values from previous calls. Nothing is global as far as I can tell.",
		"Weird bug: a function returns more and more items each time our $[svc] worker calls it, as if a list survives between calls.",
	},
	.code =
		"def collect_$[f]s(batch, seen=[]):\n"
		"    for item in batch:\n"
		"        if item.$[f] not in seen:\n"
		"            seen.append(item.$[f])\n"
		"    return seen\n",
	.error =
		">>> collect_$[f]s(first_batch)\n"
		"['a1', 'b2']\n"
		">>> collect_$[f]s(second_batch)\n"
		"['a1', 'b2', 'c3']\n",
	.explains = {
		"Default values are evaluated once, when the `def` statement runs, not on every call. `seen=[]` creates a single list that every call without a `seen` argument shares, so it keeps growing. Use `None` as the default and create the list inside the function.",
		"The list in `seen=[]` is created once and stored on the function object (`collect_$[f]s.__defaults__`). Each call that relies on the default mutates that same list.",
	},
	.fix =
		"def collect_$[f]s(batch, seen=None):\n"
		"    if seen is None:\n"
		"        seen = []\n"
		"    known = set(seen)\n"
		"    for item in batch:\n"
		"        if item.$[f] not in known:\n"
		"            known.add(item.$[f])\n"
		"            seen.append(item.$[f])\n"
		"    return seen\n",
	.notes = {
		"The same applies to `{}` and `set()` defaults, and to dataclass fields (use `field(default_factory=list)`).",
		"Pylint reports this as `dangerous-default-value` (W0102); Ruff as B006.",
		"I also added a set for the membership test: `in` on a list is O(n).",
	},
	.shorts = {
		"Don't use `[]` as a default; use `None`.",
	},
},
{
	.id = "python-asyncio-sequential", .lang = "python", .fw = "",
	.asks = {
		"I'm calling the $[svc] API for about $[N] ids with asyncio and it's barely faster than the synchronous version. I also see a RuntimeWarning about a coroutine that was never awaited.",
		"Why is my async httpx code as slow as plain requests? It fetches $[es] one by one.",
	},
	.code =
		"async def fetch_all(client, ids):\n"
		"    results = []\n"
		"    for $[e]_id in ids:\n"
		"        resp = await client.get(f\"/$[es]/{$[e]_id}\")\n"
		"        results.append(resp.json())\n"
		"        asyncio.sleep(0.1)  # be nice to the API\n"
		"    return results\n",
	.error =
		"RuntimeWarning: coroutine 'sleep' was never awaited\n"
		"  asyncio.sleep(0.1)  # be nice to the API\n",
	.explains = {
		"Awaiting inside the `for` loop runs the requests one after another, so there is no concurrency at all. Create the coroutines first and run them with `asyncio.gather`, with a semaphore to cap how many are in flight. The warning is a separate bug: `asyncio.sleep()` returns a coroutine that does nothing unless you `await` it.",
		"`async` doesn't make a loop concurrent by itself: each `await client.get(...)` waits for its response before the next request starts. Start them together and limit concurrency explicitly.",
	},
	.fix =
		"import asyncio\n"
		"\n"
		"async def fetch_all(client, ids, limit=$[n]):\n"
		"    sem = asyncio.Semaphore(limit)\n"
		"\n"
		"    async def fetch_one($[e]_id):\n"
		"        async with sem:\n"
		"            resp = await client.get(f\"/$[es]/{$[e]_id}\", timeout=10)\n"
		"            resp.raise_for_status()\n"
		"            return resp.json()\n"
		"\n"
		"    return await asyncio.gather(*(fetch_one(i) for i in ids))\n",
	.notes = {
		"Pass `return_exceptions=True` to `gather` if one failure shouldn't cancel the rest.",
		"On Python 3.11+ `asyncio.TaskGroup` gives you structured cancellation.",
		"Reuse one `httpx.AsyncClient` so connections are pooled.",
		"The semaphore is the polite version of your `sleep`: it bounds the load on the API.",
	},
	.shorts = {
		"You forgot to `await asyncio.sleep(0.1)`.",
		"Use `asyncio.gather` with a semaphore.",
	},
},
{
	.id = "pytest-patch-target", .lang = "python", .fw = "pytest",
	.asks = {
		"My pytest test patches `requests.post` but the real HTTP call still goes out when I test `$[v]_$[e]`. What am I doing wrong?",
		"`mock_post.assert_called_once()` fails with 'Called 0 times' although the code definitely calls `post`. I'm patching `requests.post`.",
	},
	.code =
		"# $[dir]/notify.py\n"
		"from requests import post\n"
		"\n"
		"def $[v]_$[e]($[e]):\n"
		"    return post(WEBHOOK_URL, json={\"id\": $[e].id, \"$[f]\": $[e].$[f]}, timeout=5)\n"
		"\n"
		"\n"
		"# tests/test_notify.py\n"
		"from unittest.mock import patch\n"
		"from $[dir].notify import $[v]_$[e]\n"
		"\n"
		"@patch(\"requests.post\")\n"
		"def test_$[v]_$[e](mock_post):\n"
		"    $[v]_$[e](make_$[e]())\n"
		"    mock_post.assert_called_once()\n",
	.error =
		"E       AssertionError: Expected 'post' to have been called once. Called 0 times.\n"
		"\n"
		"tests/test_notify.py:$[line]: AssertionError\n",
	.explains = {
		"`patch` replaces a name where it is looked up, not where it is defined. `notify.py` did `from requests import post`, so it holds its own reference, `$[dir].notify.post`, which still points at the real function. Patch that name instead.",
		"Because of `from requests import post`, the module under test looks up `post` in its own namespace. Patching `requests.post` changes the attribute on the `requests` module, which `notify.py` never reads again.",
	},
	.fix =
		"from unittest.mock import patch\n"
		"from $[dir].notify import $[v]_$[e]\n"
		"\n"
		"@patch(\"$[dir].notify.post\", autospec=True)\n"
		"def test_$[v]_$[e](mock_post):\n"
		"    mock_post.return_value.status_code = 204\n"
		"    $[e] = make_$[e](id=$[n])\n"
		"    $[v]_$[e]($[e])\n"
		"    mock_post.assert_called_once()\n"
		"    assert mock_post.call_args.kwargs[\"json\"][\"id\"] == $[n]\n",
	.notes = {
		"Alternatively `import requests` in the module and call `requests.post(...)`; then patching `requests.post` works.",
		"`responses` or `respx` mock at the transport level and don't care how the module imports things.",
		"`autospec=True` makes the mock fail when it's called with the wrong signature.",
	},
	.shorts = {
		"Patch `$[dir].notify.post`, not `requests.post`.",
	},
},
{
	.id = "pandas-setting-with-copy", .lang = "python", .fw = "pandas",
	.asks = {
		"pandas keeps printing SettingWithCopyWarning when I normalise a column in a filtered DataFrame of $[es], and sometimes the change doesn't stick.",
		"How do I get rid of SettingWithCopyWarning? I filter active $[es] and then clean up the `$[f]` column.",
	},
	.code =
		"active = df[df[\"status\"] == \"active\"]\n"
		"active[\"$[f]\"] = active[\"$[f]\"].str.strip().str.lower()\n",
	.error =
		"SettingWithCopyWarning:\n"
		"A value is trying to be set on a copy of a slice from a DataFrame.\n",
	.explains = {
		"`df[mask]` may return a view or a copy, and pandas can't tell whether you meant to modify `df` or a new frame. Say which one you want: assign through `.loc` on the original, or take an explicit `.copy()`.",
		"The warning is pandas telling you the assignment may not reach `df`. Filtering with a boolean mask produces a new object that may or may not share memory with the original; make the intent explicit.",
	},
	.fix =
		"# modify the original frame\n"
		"mask = df[\"status\"] == \"active\"\n"
		"df.loc[mask, \"$[f]\"] = df.loc[mask, \"$[f]\"].str.strip().str.lower()\n"
		"\n"
		"# or work on an explicit copy\n"
		"active = df[df[\"status\"] == \"active\"].copy()\n"
		"active[\"$[f]\"] = active[\"$[f]\"].str.strip().str.lower()\n",
	.notes = {
		"pandas 3.0 makes copy-on-write the default, which removes this ambiguity.",
		"On pandas 2.x you can opt in with `pd.options.mode.copy_on_write = True`.",
		"Chained indexing like `df[mask][\"$[f]\"] = ...` never modifies `df`.",
	},
	.shorts = {
		"Add `.copy()` after the filter.",
		"Assign with `df.loc[mask, \"$[f]\"] = ...`.",
	},
},
{
	.id = "react-useeffect-loop", .lang = "javascript", .fw = "react", .code_tag = "jsx", .fix_tag = "jsx",
	.asks = {
		"My React component keeps re-rendering forever and the network tab shows the `/api/$[es]` request firing nonstop. It's a simple fetch in `useEffect`.",
		"Infinite loop with useEffect: the list of $[es] flickers and the API gets hammered. I do pass a dependency array.",
	},
	.code =
		"function $[E]List({ filters }) {\n"
		"  const [$[es], set$[Es]] = useState([]);\n"
		"  const options = { ...filters, limit: $[n]0 };\n"
		"\n"
		"  useEffect(() => {\n"
		"    fetch(`/api/$[es]?${new URLSearchParams(options)}`)\n"
		"      .then((res) => res.json())\n"
		"      .then((data) => set$[Es](data.items));\n"
		"  }, [options]);\n"
		"\n"
		"  return <Table rows={$[es]} />;\n"
		"}\n",
	.error =
		"Warning: Maximum update depth exceeded.\n"
		"    at $[E]List (src/components/$[E]List.jsx:$[line]:7)\n",
	.explains = {
		"`options` is a new object on every render, so React's dependency check (`Object.is`) sees a change every time: the effect runs, `set$[Es]` triggers a render, a new `options` object is created, and the effect runs again. Depend on primitive values, or memoise the object.",
		"Dependencies are compared by identity. An object literal created during render is never identical to the previous one, so an effect that depends on it runs after every render, and yours sets state, which causes the next render.",
	},
	.fix =
		"function $[E]List({ filters }) {\n"
		"  const [$[es], set$[Es]] = useState([]);\n"
		"  const query = new URLSearchParams({ ...filters, limit: $[n]0 }).toString();\n"
		"\n"
		"  useEffect(() => {\n"
		"    const controller = new AbortController();\n"
		"    fetch(`/api/$[es]?${query}`, { signal: controller.signal })\n"
		"      .then((res) => res.json())\n"
		"      .then((data) => set$[Es](data.items))\n"
		"      .catch((err) => {\n"
		"        if (err.name !== \"AbortError\") console.error(err);\n"
		"      });\n"
		"    return () => controller.abort();\n"
		"  }, [query]);\n"
		"\n"
		"  return <Table rows={$[es]} />;\n"
		"}\n",
	.notes = {
		"The `AbortController` cleanup stops a slow, stale response from overwriting a newer one.",
		"`eslint-plugin-react-hooks` (the `exhaustive-deps` rule) points at this pattern.",
		"For real apps TanStack Query or SWR handle caching and request deduplication for you.",
	},
	.shorts = {
		"Depend on `query` (a string), not the object.",
		"Memoise `options` with `useMemo`.",
	},
},
{
	.id = "express-async-errors", .lang = "javascript", .fw = "express",
	.asks = {
		"When a database call fails inside one of my Express routes, the request hangs until the client times out, and Node logs an unhandled promise rejection. My error middleware never runs.",
		"Express error handler isn't called for errors thrown in async route handlers. Sync errors work fine.",
	},
	.code =
		"app.get(\"/$[es]/:id\", async (req, res) => {\n"
		"  const $[e] = await db.$[es].findById(req.params.id);\n"
		"  if (!$[e]) return res.status(404).json({ error: \"not found\" });\n"
		"  res.json($[e]);\n"
		"});\n"
		"\n"
		"app.use((err, req, res, next) => {\n"
		"  logger.error(err);\n"
		"  res.status(500).json({ error: \"internal error\" });\n"
		"});\n",
	.error =
		"(node:$[pid]) UnhandledPromiseRejectionWarning: Error: connect ECONNREFUSED 127.0.0.1:5432\n"
		"    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:$[line]:16)\n",
	.explains = {
		"Express 4 doesn't know about promises: when an `async` handler rejects, nobody calls `next(err)`, so the error middleware never sees the error and no response is sent. Forward rejections yourself with a small wrapper, or move to Express 5, which does it for you.",
		"Synchronous throws are caught by Express's router, but a rejected promise returned from a handler is simply ignored in Express 4. The request stays open because no code path ever sends a response.",
	},
	.fix =
		"const asyncHandler = (fn) => (req, res, next) =>\n"
		"  Promise.resolve(fn(req, res, next)).catch(next);\n"
		"\n"
		"app.get(\n"
		"  \"/$[es]/:id\",\n"
		"  asyncHandler(async (req, res) => {\n"
		"    const $[e] = await db.$[es].findById(req.params.id);\n"
		"    if (!$[e]) return res.status(404).json({ error: \"not found\" });\n"
		"    res.json($[e]);\n"
		"  })\n"
		");\n"
		"\n"
		"app.use((err, req, res, next) => {\n"
		"  logger.error({ err, path: req.path }, \"request failed\");\n"
		"  if (res.headersSent) return next(err);\n"
		"  res.status(err.status ?? 500).json({ error: \"internal error\" });\n"
		"});\n",
	.notes = {
		"Keep the error middleware last, after every route.",
		"Add `process.on(\"unhandledRejection\", ...)` to log anything that still slips through.",
		"In Express 5 async handlers just work; the wrapper becomes unnecessary.",
	},
	.shorts = {
		"Wrap the handler so rejections call `next(err)`.",
		"Upgrade to Express 5; it forwards rejections.",
	},
},
{
	.id = "node-err-require-esm", .lang = "javascript", .fw = "node",
	.asks = {
		"I upgraded `node-fetch` (and a couple of other deps) in our $[svc] service and now it crashes at startup with ERR_REQUIRE_ESM. We use CommonJS everywhere.",
		"`require(\"node-fetch\")` throws ERR_REQUIRE_ESM after `npm update`. How do I fix this without converting the whole project to ES modules?",
	},
	.code =
		"// src/$[svc]/client.js\n"
		"const fetch = require(\"node-fetch\");\n"
		"\n"
		"async function get$[E](id) {\n"
		"  const res = await fetch(`${BASE_URL}/$[es]/${id}`);\n"
		"  if (!res.ok) throw new Error(`HTTP ${res.status}`);\n"
		"  return res.json();\n"
		"}\n"
		"\n"
		"module.exports = { get$[E] };\n",
	.error =
		"Error [ERR_REQUIRE_ESM]: require() of ES Module /app/node_modules/node-fetch/src/index.js from /app/src/$[svc]/client.js not supported.\n"
		"    at Object.<anonymous> (/app/src/$[svc]/client.js:2:15) {\n"
		"  code: 'ERR_REQUIRE_ESM'\n"
		"}\n",
	.explains = {
		"node-fetch v3 is published as an ES module only, and before Node 22 `require()` cannot load ES modules. Node 18 and later ship a global `fetch`, so the simplest fix is to drop the dependency. If you must keep node-fetch, pin v2 or load it with a dynamic `import()`.",
		"Your `npm update` crossed a major version: node-fetch 3 is ESM-only. CommonJS code can still load it through `await import(\"node-fetch\")`, but on a current Node the built-in `fetch` makes the package unnecessary.",
	},
	.fix =
		"// Node 18+: fetch is built in, no import needed\n"
		"async function get$[E](id) {\n"
		"  const res = await fetch(`${process.env.BASE_URL}/$[es]/${id}`, {\n"
		"    signal: AbortSignal.timeout($[ms]),\n"
		"  });\n"
		"  if (!res.ok) throw new Error(`HTTP ${res.status} for $[e] ${id}`);\n"
		"  return res.json();\n"
		"}\n"
		"\n"
		"module.exports = { get$[E] };\n",
	.notes = {
		"Dynamic import alternative: `const { default: fetch } = await import(\"node-fetch\");` inside an async function.",
		"Pinning `node-fetch@2` works, but that line only gets security fixes.",
		"Check `\"type\"` in package.json: with `\"module\"`, every `.js` file is treated as ESM.",
	},
	.shorts = {
		"Use the built-in `fetch` (Node 18+).",
		"Pin `node-fetch@2` or use `import()`.",
	},
},
{
	.id = "vue-lost-reactivity", .lang = "javascript", .fw = "vue",
	.asks = {
		"In a Vue 3 `<script setup>` component I destructure a prop and two values from my Pinia store, and the template stops updating when they change.",
		"Pinia store values don't update in my component after I destructure them. The store itself changes (I see it in devtools).",
	},
	.code =
		"// $[E]Summary.vue, <script setup>\n"
		"import { computed } from \"vue\";\n"
		"import { use$[E]Store } from \"@/stores/$[e]\";\n"
		"\n"
		"const props = defineProps({ $[e]Id: Number });\n"
		"const { $[e]Id } = props;\n"
		"const store = use$[E]Store();\n"
		"const { selected, total } = store;\n"
		"\n"
		"const label = computed(() => `${$[e]Id}: ${total} $[es]`);\n",
	.error = NULL,
	.explains = {
		"Destructuring reads the values once, so you end up with plain values that are no longer connected to Vue's reactivity. For props, read `props.$[e]Id` (or use the reactive props destructure of Vue 3.5); for a Pinia store, use `storeToRefs`, which gives you refs that stay in sync.",
		"Reactivity in Vue 3 works through proxies: reading `store.total` is tracked, but `const { total } = store` copies the current number into a local variable, and nothing tracks a local variable.",
	},
	.fix =
		"import { computed } from \"vue\";\n"
		"import { storeToRefs } from \"pinia\";\n"
		"import { use$[E]Store } from \"@/stores/$[e]\";\n"
		"\n"
		"const props = defineProps({ $[e]Id: Number });\n"
		"const store = use$[E]Store();\n"
		"const { selected, total } = storeToRefs(store);\n"
		"\n"
		"const label = computed(() => `${props.$[e]Id}: ${total.value} $[es]`);\n",
	.notes = {
		"Actions can still be destructured directly from the store; they're plain functions.",
		"In the template refs are unwrapped, so `{{ total }}` works without `.value`.",
		"`toRefs(props)` is the equivalent for props if you really want to destructure them.",
	},
	.shorts = {
		"Use `storeToRefs(store)` instead of destructuring.",
	},
},
{
	.id = "nextjs-hydration", .lang = "typescript", .fw = "next.js", .code_tag = "tsx", .fix_tag = "tsx",
	.asks = {
		"My Next.js page shows a hydration error, only in production. The component displays when $[ae] was last updated.",
		"Getting 'Text content does not match server-rendered HTML' in Next.js on a card component for $[es]. Locally it happens only sometimes.",
	},
	.code =
		"export default function $[E]Card({ $[e] }: { $[e]: $[E] }) {\n"
		"  return (\n"
		"    <div className=\"card\">\n"
		"      <h3>{$[e].name}</h3>\n"
		"      <p>Updated {new Date($[e].updatedAt).toLocaleString()}</p>\n"
		"      {typeof window !== \"undefined\" && <Favorite id={$[e].id} />}\n"
		"    </div>\n"
		"  );\n"
		"}\n",
	.error =
		"Unhandled Runtime Error\n"
		"Error: Text content does not match server-rendered HTML.\n"
		"Warning: Text content did not match. Server: \"Updated 11/20/2026, 2:03:11 PM\" Client: \"Updated 20.11.2026, 15:03:11\"\n",
	.explains = {
		"The server renders with its own locale and time zone (usually en-US and UTC), the browser with the user's, so `toLocaleString()` produces different text on each side. The `typeof window` check has the same problem: the server renders nothing there, the first client render renders `<Favorite>`, and React finds a different tree. Anything that differs between server and browser must render after mount.",
		"Hydration expects the first client render to produce exactly the HTML the server sent. Locale-dependent formatting and `typeof window` branches both break that rule.",
	},
	.fix =
		"\"use client\";\n"
		"\n"
		"import { useEffect, useState } from \"react\";\n"
		"\n"
		"export default function $[E]Card({ $[e] }: { $[e]: $[E] }) {\n"
		"  const [mounted, setMounted] = useState(false);\n"
		"  useEffect(() => setMounted(true), []);\n"
		"\n"
		"  return (\n"
		"    <div className=\"card\">\n"
		"      <h3>{$[e].name}</h3>\n"
		"      <p>\n"
		"        Updated{\" \"}\n"
		"        <time dateTime={$[e].updatedAt} suppressHydrationWarning>\n"
		"          {new Date($[e].updatedAt).toLocaleString()}\n"
		"        </time>\n"
		"      </p>\n"
		"      {mounted && <Favorite id={$[e].id} />}\n"
		"    </div>\n"
		"  );\n"
		"}\n",
	.notes = {
		"`suppressHydrationWarning` only works one level deep and only for text; don't use it to hide real bugs.",
		"Alternatively format the date with an explicit `timeZone` and locale so both sides agree.",
		"`next/dynamic` with `{ ssr: false }` is another way to skip server rendering for `<Favorite>`.",
	},
	.shorts = {
		"Render the date only after mount.",
	},
},
{
	.id = "angular-null-injector", .lang = "typescript", .fw = "angular",
	.asks = {
		"My Angular app compiles, but opening the $[es] page throws NullInjectorError for `$[E]Service`. It's a standalone component.",
		"NullInjectorError: No provider for $[E]Service. I migrated to standalone components last week and now the service can't be injected.",
	},
	.code =
		"@Injectable()\n"
		"export class $[E]Service {\n"
		"  constructor(private http: HttpClient) {}\n"
		"\n"
		"  list(): Observable<$[E][]> {\n"
		"    return this.http.get<$[E][]>(\"/api/$[es]\");\n"
		"  }\n"
		"}\n"
		"\n"
		"@Component({\n"
		"  selector: \"app-$[e]-list\",\n"
		"  standalone: true,\n"
		"  imports: [NgFor, AsyncPipe],\n"
		"  template: `<li *ngFor=\"let item of $[es]$ | async\">{{ item.$[fc] }}</li>`,\n"
		"})\n"
		"export class $[E]ListComponent {\n"
		"  $[es]$ = inject($[E]Service).list();\n"
		"}\n",
	.error =
		"ERROR NullInjectorError: R3InjectorError(Standalone[$[E]ListComponent])[$[E]Service -> $[E]Service]:\n"
		"  NullInjectorError: No provider for $[E]Service!\n",
	.explains = {
		"`@Injectable()` without `providedIn` doesn't register the service anywhere, and with standalone components there's no NgModule `providers` array that picks it up either. Provide it in root (the usual choice for a stateless API service), and make sure `HttpClient` itself is provided in `app.config.ts`.",
		"When you dropped the NgModule, its `providers: [$[E]Service]` went with it. Standalone apps register services through `providedIn: \"root\"` or the `providers` of the component or route.",
	},
	.fix =
		"@Injectable({ providedIn: \"root\" })\n"
		"export class $[E]Service {\n"
		"  private http = inject(HttpClient);\n"
		"\n"
		"  list(): Observable<$[E][]> {\n"
		"    return this.http.get<$[E][]>(\"/api/$[es]\");\n"
		"  }\n"
		"}\n"
		"\n"
		"// app.config.ts\n"
		"export const appConfig: ApplicationConfig = {\n"
		"  providers: [provideRouter(routes), provideHttpClient(withFetch())],\n"
		"};\n",
	.notes = {
		"`providedIn: \"root\"` services are tree-shakable: unused ones don't end up in the bundle.",
		"Provide it in a route's `providers` instead if each feature needs its own instance.",
		"On Angular 17+ you can replace `*ngFor` with the built-in `@for` block.",
	},
	.shorts = {
		"Add `providedIn: \"root\"` to `@Injectable`.",
	},
},
{
	.id = "typescript-undefined-narrowing", .lang = "typescript", .fw = "",
	.asks = {
		"TypeScript complains that `$[E] | undefined` isn't assignable to `$[E]` even though I check the array length first. How do I get it to understand the value exists?",
		"Why does `.at(0)` return `T | undefined` after I've checked that the array isn't empty? strict mode is on.",
	},
	.code =
		"function latest$[E]($[es]: $[E][]): $[E] {\n"
		"  if ($[es].length === 0) {\n"
		"    throw new Error(\"no $[es]\");\n"
		"  }\n"
		"  const sorted = [...$[es]].sort((a, b) => b.updatedAt - a.updatedAt);\n"
		"  return sorted.at(0);\n"
		"}\n",
	.error =
		"src/$[dir]/$[e].ts:$[line]:3 - error TS2322: Type '$[E] | undefined' is not assignable to type '$[E]'.\n"
		"  Type 'undefined' is not assignable to type '$[E]'.\n",
	.explains = {
		"`Array.prototype.at()` is typed as returning `T | undefined`, and TypeScript doesn't connect your `length` check to a later element access: the check narrows nothing about `sorted`. Handle the `undefined` case where you read the element.",
		"Narrowing works on variables, not on facts about arrays. `$[es].length === 0` narrows `$[es].length`, but not what `.at(0)` returns, so the compiler still has to assume `undefined` is possible.",
	},
	.fix =
		"function latest$[E]($[es]: readonly $[E][]): $[E] {\n"
		"  const newest = $[es].reduce<$[E] | undefined>(\n"
		"    (best, cur) => (best === undefined || cur.updatedAt > best.updatedAt ? cur : best),\n"
		"    undefined,\n"
		"  );\n"
		"  if (newest === undefined) {\n"
		"    throw new Error(\"no $[es]\");\n"
		"  }\n"
		"  return newest;\n"
		"}\n",
	.notes = {
		"This also avoids sorting (O(n log n)) just to find the maximum.",
		"Avoid `sorted.at(0)!`: the non-null assertion silences the compiler without checking anything.",
		"With `noUncheckedIndexedAccess` on, `arr[0]` is `T | undefined` too, which catches the same class of bugs.",
	},
	.shorts = {
		"Check `if (x === undefined) throw ...` first.",
	},
},
{
	.id = "react-ts-event-types", .lang = "typescript", .fw = "react", .code_tag = "tsx", .fix_tag = "tsx",
	.asks = {
		"What's the right type for the `onChange` handler of an input in React with TypeScript? I keep getting 'implicitly has an any type' errors.",
		"Converting $[ae] search box from JS to TS. What types do the props and the change handler need?",
	},
	.code =
		"function $[E]Search({ onSearch }) {\n"
		"  const [term, setTerm] = useState();\n"
		"\n"
		"  const handleChange = (e) => {\n"
		"    setTerm(e.target.value);\n"
		"  };\n"
		"\n"
		"  return <input value={term} onChange={handleChange} placeholder=\"Search $[es]\" />;\n"
		"}\n",
	.error =
		"error TS7006: Parameter 'e' implicitly has an 'any' type.\n"
		"error TS7031: Binding element 'onSearch' implicitly has an 'any' type.\n",
	.explains = {
		"With `strict` on, every parameter needs a type. For input events use `ChangeEvent<HTMLInputElement>`, whose `target` is typed as the input element. Also give `useState` an initial value: `useState()` infers `undefined`, and a controlled input should never switch from undefined to a string.",
		"React ships event types for every DOM event. A change on an `<input>` is `ChangeEvent<HTMLInputElement>`; typing the props object takes care of the second error.",
	},
	.fix =
		"import { useState, type ChangeEvent } from \"react\";\n"
		"\n"
		"type Props = {\n"
		"  onSearch: (term: string) => void;\n"
		"};\n"
		"\n"
		"export function $[E]Search({ onSearch }: Props) {\n"
		"  const [term, setTerm] = useState(\"\");\n"
		"\n"
		"  const handleChange = (e: ChangeEvent<HTMLInputElement>) => {\n"
		"    setTerm(e.target.value);\n"
		"    onSearch(e.target.value.trim());\n"
		"  };\n"
		"\n"
		"  return <input value={term} onChange={handleChange} placeholder=\"Search $[es]\" />;\n"
		"}\n",
	.notes = {
		"Hover over `onChange` in your editor to see the expected handler type.",
		"Debounce `onSearch` if it calls an API on every keystroke.",
		"Prefer a `type Props` next to the component over `React.FC`; it handles `children` more predictably.",
	},
	.shorts = {
		"`ChangeEvent<HTMLInputElement>`.",
	},
},
{
	.id = "go-goroutine-leak", .lang = "go", .fw = "",
	.asks = {
		"Our $[svc] service's memory keeps growing and pprof shows thousands of goroutines blocked on `chan send`. It happens in a function that asks two backends and returns whichever answers first.",
		"Goroutine count climbs by a few hundred every minute in production. The profile points at a fan-out helper that races several backends for the same $[e].",
	},
	.code =
		"func (s *Server) fastest$[E](ctx context.Context, id string) (*$[E], error) {\n"
		"\tch := make(chan *$[E])\n"
		"\tfor _, b := range s.backends {\n"
		"\t\tgo func(b Backend) {\n"
		"\t\t\tv, err := b.Get$[E](ctx, id)\n"
		"\t\t\tif err == nil {\n"
		"\t\t\t\tch <- v\n"
		"\t\t\t}\n"
		"\t\t}(b)\n"
		"\t}\n"
		"\tselect {\n"
		"\tcase v := <-ch:\n"
		"\t\treturn v, nil\n"
		"\tcase <-time.After($[ms] * time.Millisecond):\n"
		"\t\treturn nil, ErrTimeout\n"
		"\t}\n"
		"}\n",
	.error =
		"goroutine profile: total $[N]\n"
		"$[N] @ 0x43a5d6 0x4079bd 0x4075d8 0x8f2c1e 0x46f6e1\n"
		"#\t0x8f2c1d\tmain.(*Server).fastest$[E].func1+0x9d\t/src/$[svc]/server.go:$[line]\n",
	.explains = {
		"The channel is unbuffered, so a send blocks until someone receives. You receive exactly once; every slower backend, and every backend that answers after the timeout, blocks forever on `ch <- v`, and those goroutines can never be collected. Give the channel room for every sender and cancel the losers through the context.",
		"Each call leaks one goroutine per backend that loses the race: they are parked on a send that nobody will ever receive. A buffered channel lets them finish, and cancelling the context stops the work they're still doing.",
	},
	.fix =
		"func (s *Server) fastest$[E](ctx context.Context, id string) (*$[E], error) {\n"
		"\tctx, cancel := context.WithTimeout(ctx, $[ms]*time.Millisecond)\n"
		"\tdefer cancel() // stops the slower backends\n"
		"\n"
		"\tch := make(chan *$[E], len(s.backends)) // a send never blocks\n"
		"\tfor _, b := range s.backends {\n"
		"\t\tgo func(b Backend) {\n"
		"\t\t\tif v, err := b.Get$[E](ctx, id); err == nil {\n"
		"\t\t\t\tch <- v\n"
		"\t\t\t}\n"
		"\t\t}(b)\n"
		"\t}\n"
		"\tselect {\n"
		"\tcase v := <-ch:\n"
		"\t\treturn v, nil\n"
		"\tcase <-ctx.Done():\n"
		"\t\treturn nil, ctx.Err()\n"
		"\t}\n"
		"}\n",
	.notes = {
		"`go.uber.org/goleak` catches this in tests: `defer goleak.VerifyNone(t)`.",
		"`time.After` inside hot paths allocates a timer per call; the context timeout avoids that.",
		"If every backend can fail, count the errors too so you return early instead of waiting for the timeout.",
	},
	.shorts = {
		"Buffer the channel: `make(chan *T, n)`.",
	},
},
{
	.id = "go-concurrent-map-writes", .lang = "go", .fw = "",
	.asks = {
		"Our Go service crashes under load with `fatal error: concurrent map writes`. It's a simple in-memory cache of $[es] keyed by id.",
		"Random crashes in production with 'concurrent map writes' from our $[e] cache. It never happens in unit tests.",
	},
	.code =
		"type $[E]Cache struct {\n"
		"\titems map[string]*$[E]\n"
		"}\n"
		"\n"
		"func (c *$[E]Cache) Get(id string) (*$[E], bool) {\n"
		"\tv, ok := c.items[id]\n"
		"\treturn v, ok\n"
		"}\n"
		"\n"
		"func (c *$[E]Cache) Put(id string, v *$[E]) {\n"
		"\tc.items[id] = v\n"
		"}\n",
	.error =
		"fatal error: concurrent map writes\n"
		"\n"
		"goroutine $[n]7 [running]:\n"
		"main.(*$[E]Cache).Put(...)\n"
		"\t/src/$[svc]/cache.go:$[line]\n"
		"main.(*Handler).serve$[E](0xc000124000, {0xa3c8e0, 0xc0001b6000}, 0xc0002a4100)\n"
		"\t/src/$[svc]/handler.go:$[line2] +0x1c5\n",
	.explains = {
		"Go maps are not safe for concurrent use; the runtime detects simultaneous writes and aborts on purpose. Every HTTP request runs in its own goroutine, so `Put` and `Get` race. Guard the map with a `sync.RWMutex` (readers can share the lock).",
		"The unit tests pass because they call the cache from one goroutine. Under real traffic `net/http` serves each request on its own goroutine, and two of them writing the map at once is a data race that the runtime turns into a fatal error.",
	},
	.fix =
		"type $[E]Cache struct {\n"
		"\tmu    sync.RWMutex\n"
		"\titems map[string]*$[E]\n"
		"}\n"
		"\n"
		"func New$[E]Cache() *$[E]Cache {\n"
		"\treturn &$[E]Cache{items: make(map[string]*$[E])}\n"
		"}\n"
		"\n"
		"func (c *$[E]Cache) Get(id string) (*$[E], bool) {\n"
		"\tc.mu.RLock()\n"
		"\tdefer c.mu.RUnlock()\n"
		"\tv, ok := c.items[id]\n"
		"\treturn v, ok\n"
		"}\n"
		"\n"
		"func (c *$[E]Cache) Put(id string, v *$[E]) {\n"
		"\tc.mu.Lock()\n"
		"\tc.items[id] = v\n"
		"\tc.mu.Unlock()\n"
		"}\n",
	.notes = {
		"Run the tests with `go test -race`; the race detector would have pointed at these two lines.",
		"`sync.Map` fits caches whose keys are written once and read many times, but a mutex-guarded map is usually simpler and as fast.",
		"The cache never evicts; add a size bound or a TTL before it grows without limit.",
	},
	.shorts = {
		"Guard the map with a `sync.RWMutex`.",
	},
},
{
	.id = "gin-required-zero", .lang = "go", .fw = "gin",
	.asks = {
		"With Gin, sending `\"quantity\": 0` fails validation with `binding:\"required\"`, but 0 is a legitimate value for $[ae]. Without `required`, a request that omits the field is accepted silently. How do I tell 'missing' from 'zero'?",
		"Gin's `ShouldBindJSON` rejects zero values for required ints. What's the idiomatic way to validate an optional-but-present number?",
	},
	.code =
		"type Create$[E]Request struct {\n"
		"\tName     string `json:\"name\" binding:\"required\"`\n"
		"\tQuantity int    `json:\"quantity\" binding:\"required\"`\n"
		"}\n"
		"\n"
		"func (h *Handler) Create$[E](c *gin.Context) {\n"
		"\tvar req Create$[E]Request\n"
		"\tif err := c.ShouldBindJSON(&req); err != nil {\n"
		"\t\tc.JSON(http.StatusBadRequest, gin.H{\"error\": err.Error()})\n"
		"\t\treturn\n"
		"\t}\n"
		"\th.store.Save(c, req)\n"
		"}\n",
	.error =
		"$ curl -s -X POST localhost:$[port]/$[es] -d '{\"name\":\"x\",\"quantity\":0}'\n"
		"{\"error\":\"Key: 'Create$[E]Request.Quantity' Error:Field validation for 'Quantity' failed on the 'required' tag\"}\n",
	.explains = {
		"The validator checks `required` against the zero value, and for an `int` the zero value is `0`, so after decoding it can't tell `0` from a missing field. Use a pointer: a missing field stays `nil`, an explicit `0` becomes a pointer to 0. Combine it with `min` to validate the range.",
		"JSON decoding into an `int` loses the information whether the key was present. A `*int` keeps it: `nil` means absent, and `required` then only rejects the absent case.",
	},
	.fix =
		"type Create$[E]Request struct {\n"
		"\tName     string `json:\"name\" binding:\"required,max=120\"`\n"
		"\tQuantity *int   `json:\"quantity\" binding:\"required,min=0\"`\n"
		"}\n"
		"\n"
		"func (h *Handler) Create$[E](c *gin.Context) {\n"
		"\tvar req Create$[E]Request\n"
		"\tif err := c.ShouldBindJSON(&req); err != nil {\n"
		"\t\tc.JSON(http.StatusBadRequest, gin.H{\"error\": err.Error()})\n"
		"\t\treturn\n"
		"\t}\n"
		"\t$[e], err := h.store.Create$[E](c.Request.Context(), req.Name, *req.Quantity)\n"
		"\tif err != nil {\n"
		"\t\tc.JSON(http.StatusInternalServerError, gin.H{\"error\": \"cannot save $[e]\"})\n"
		"\t\treturn\n"
		"\t}\n"
		"\tc.JSON(http.StatusCreated, $[e])\n"
		"}\n",
	.notes = {
		"Return the validation errors in a structured form (field, tag) instead of `err.Error()` if a frontend consumes them.",
		"The same pointer trick works for `bool` fields, where `false` is the zero value.",
	},
	.shorts = {
		"Use `*int` so missing and 0 differ.",
	},
},
{
	.id = "go-nil-interface", .lang = "go", .fw = "",
	.asks = {
		"My function returns a nil `*$[E]Error` as `error`, but the caller's `if err != nil` check is true and it logs `<nil>`. How can a nil error not be nil?",
		"Go puzzle from our $[svc] code: validation passes, yet `err != nil` and printing it shows `<nil>`.",
	},
	.code =
		"type $[E]Error struct {\n"
		"\tCode int\n"
		"}\n"
		"\n"
		"func (e *$[E]Error) Error() string { return fmt.Sprintf(\"$[e] error %d\", e.Code) }\n"
		"\n"
		"func validate$[E](x *$[E]) error {\n"
		"\tvar verr *$[E]Error\n"
		"\tif x.$[F] == \"\" {\n"
		"\t\tverr = &$[E]Error{Code: $[n]}\n"
		"\t}\n"
		"\treturn verr\n"
		"}\n",
	.error = "$[e] rejected: <nil>\n",
	.explains = {
		"An interface value is nil only when both its dynamic type and its value are nil. `return verr` converts a nil `*$[E]Error` into an `error` whose type is `*$[E]Error` and whose value is nil, which is a non-nil interface. Return the literal `nil` on the success path.",
		"`error` is an interface, i.e. a (type, value) pair. Your function always returns the pair (`*$[E]Error`, nil), and that pair is not equal to the nil interface.",
	},
	.fix =
		"func validate$[E](x *$[E]) error {\n"
		"\tif x.$[F] == \"\" {\n"
		"\t\treturn &$[E]Error{Code: $[n]}\n"
		"\t}\n"
		"\treturn nil\n"
		"}\n",
	.notes = {
		"Never declare a variable of a concrete error type just to return it; return `nil` explicitly.",
		"Callers that need the concrete type should use `errors.As(err, &target)`.",
		"The `nilnil` and `nilerr` linters in golangci-lint catch related mistakes.",
	},
	.shorts = {
		"Return a literal `nil`, not a typed nil pointer.",
	},
},
{
	.id = "go-json-unexported", .lang = "go", .fw = "",
	.asks = {
		"`json.Marshal` on my Go struct returns `{}`. All the $[e] data is missing.",
		"Why does encoding/json ignore the fields of my $[E] struct? The values are definitely set.",
	},
	.code =
		"type $[E] struct {\n"
		"\tid     int\n"
		"\tname   string\n"
		"\t$[fc] string\n"
		"}\n"
		"\n"
		"b, _ := json.Marshal($[E]{id: 1, name: \"test\", $[fc]: \"x\"})\n"
		"fmt.Println(string(b)) // {}\n",
	.error = NULL,
	.explains = {
		"`encoding/json` only sees exported fields, those starting with an upper-case letter. Lower-case fields are invisible to other packages, `encoding/json` included. Export them and use struct tags to keep the JSON names lower-case. And don't drop the error from `Marshal`.",
		"Visibility in Go is decided by the first letter. `encoding/json` uses reflection from another package, so it can't read `id`, `name` or `$[fc]`.",
	},
	.fix =
		"type $[E] struct {\n"
		"\tID   int    `json:\"id\"`\n"
		"\tName string `json:\"name\"`\n"
		"\t$[F] string `json:\"$[f],omitempty\"`\n"
		"}\n"
		"\n"
		"b, err := json.Marshal($[E]{ID: 1, Name: \"test\", $[F]: \"x\"})\n"
		"if err != nil {\n"
		"\treturn fmt.Errorf(\"encoding $[e]: %w\", err)\n"
		"}\n"
		"fmt.Println(string(b)) // {\"id\":1,\"name\":\"test\",\"$[f]\":\"x\"}\n",
	.notes = {
		"`go vet` warns about struct tags on unexported fields, which is a good hint.",
		"`omitempty` drops the field when it's the empty string; remove it if clients expect the key.",
	},
	.shorts = {
		"Export the fields (capitalise them).",
	},
},
{
	.id = "rust-e0502-push-while-iterating", .lang = "rust", .fw = "",
	.asks = {
		"Rust won't let me push to a Vec while iterating over it, and I don't understand the error. I want to add a follow-up $[e] for every overdue one.",
		"E0502 when I modify a vector inside a `for` loop over the same vector. In Python this would just work.",
	},
	.code =
		"fn schedule_followups($[es]: &mut Vec<$[E]>) {\n"
		"    for item in $[es].iter() {\n"
		"        if item.is_overdue() {\n"
		"            $[es].push(item.followup());\n"
		"        }\n"
		"    }\n"
		"}\n",
	.error =
		"error[E0502]: cannot borrow `*$[es]` as mutable because it is also borrowed as immutable\n"
		"  --> src/$[dir]/$[e].rs:$[line]:13\n"
		"   |\n"
		"   |     for item in $[es].iter() {\n"
		"   |                 ------------ immutable borrow occurs here\n"
		"   |         if item.is_overdue() {\n"
		"   |             $[es].push(item.followup());\n"
		"   |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ mutable borrow occurs here\n",
	.explains = {
		"`iter()` borrows the vector for the whole loop, and `push` needs an exclusive borrow. Rust forbids this because `push` may reallocate the buffer and leave `item` pointing at freed memory, which is exactly the bug you'd get in C++. Collect the new items first, then extend.",
		"While the loop holds `item`, a reference into the vector, the vector must not change. `push` could move the elements to a bigger allocation, so the borrow checker rejects it at compile time.",
	},
	.fix =
		"fn schedule_followups($[es]: &mut Vec<$[E]>) {\n"
		"    let followups: Vec<$[E]> = $[es]\n"
		"        .iter()\n"
		"        .filter(|item| item.is_overdue())\n"
		"        .map(|item| item.followup())\n"
		"        .collect();\n"
		"    $[es].extend(followups);\n"
		"}\n",
	.notes = {
		"If you need the new items to be visited too, loop with an index: `let mut i = 0; while i < v.len() { ... }`.",
		"`extend` reserves once, so it's also faster than repeated `push`.",
		"Python only appears to work: appending while iterating a list visits the new items, which is rarely what you want.",
	},
	.shorts = {
		"Collect into a new Vec, then `extend`.",
	},
},
{
	.id = "rust-tokio-not-send", .lang = "rust", .fw = "tokio",
	.asks = {
		"`tokio::spawn` rejects my async function with 'future cannot be sent between threads safely'. It holds a std `MutexGuard` while awaiting an HTTP call.",
		"How do I update shared state after an async fetch in tokio? The compiler says my future is not `Send`.",
	},
	.code =
		"async fn refresh(state: Arc<Mutex<State>>, client: Client) {\n"
		"    let mut guard = state.lock().unwrap();\n"
		"    let fresh = client.fetch_$[es]().await.unwrap_or_default();\n"
		"    guard.$[es] = fresh;\n"
		"}\n"
		"\n"
		"tokio::spawn(refresh(state.clone(), client.clone()));\n",
	.error =
		"error: future cannot be sent between threads safely\n"
		"   --> src/$[dir]/sync.rs:$[line]:18\n"
		"    |\n"
		"    |     tokio::spawn(refresh(state.clone(), client.clone()));\n"
		"    |                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ future returned by `refresh` is not `Send`\n"
		"    |\n"
		"    = help: within `impl Future<Output = ()>`, the trait `Send` is not implemented for `std::sync::MutexGuard<'_, State>`\n",
	.explains = {
		"`std::sync::MutexGuard` is not `Send`, and because the guard is alive across the `.await`, it becomes part of the future's state. A multi-threaded runtime may resume the task on another thread, so `tokio::spawn` requires `Send`. Don't hold the lock while awaiting: fetch first, then lock briefly to store the result.",
		"Everything alive at an `.await` point is stored in the future. Your guard is, so the future inherits its `!Send`. Shrinking the critical section fixes both the compile error and a real problem: the lock would otherwise be held for the whole HTTP round trip.",
	},
	.fix =
		"async fn refresh(state: Arc<Mutex<State>>, client: Client) {\n"
		"    let fresh = match client.fetch_$[es]().await {\n"
		"        Ok(v) => v,\n"
		"        Err(err) => {\n"
		"            tracing::warn!(%err, \"refreshing $[es] failed\");\n"
		"            return;\n"
		"        }\n"
		"    };\n"
		"    // the guard lives only inside this block, never across an await\n"
		"    {\n"
		"        let mut guard = state.lock().unwrap();\n"
		"        guard.$[es] = fresh;\n"
		"    }\n"
		"}\n",
	.notes = {
		"If you truly must hold a lock across `.await`, use `tokio::sync::Mutex`, but it's slower and usually a sign the critical section is too big.",
		"Clippy's `await_holding_lock` lint catches this pattern.",
		"`unwrap_or_default()` in the original silently replaced errors with an empty list; logging them is kinder to whoever is on call.",
	},
	.shorts = {
		"Drop the std `MutexGuard` before `.await`.",
	},
},
{
	.id = "rust-missing-lifetime", .lang = "rust", .fw = "",
	.asks = {
		"I'm writing a small parser for our $[svc] config and get E0106 'missing lifetime specifier' on a function that returns the first key of a line. I don't want to clone strings.",
		"How do I return a `&str` that points into one of two string arguments? Rust asks for a lifetime.",
	},
	.code =
		"fn first_key(line: &str, sep: &str) -> &str {\n"
		"    line.split(sep).next().unwrap_or(\"\")\n"
		"}\n",
	.error =
		"error[E0106]: missing lifetime specifier\n"
		" --> src/config.rs:$[line]:40\n"
		"  |\n"
		"  | fn first_key(line: &str, sep: &str) -> &str {\n"
		"  |                    ----       ----     ^ expected named lifetime parameter\n",
	.explains = {
		"With two reference parameters the elision rules can't guess which one the result borrows from. Tell the compiler it comes from `line`; `sep` keeps its own anonymous lifetime, so callers can still pass a temporary separator.",
		"Lifetime elision only fills in the output lifetime when there is exactly one input reference (or `&self`). Here there are two, so you name the one the result borrows from.",
	},
	.fix =
		"fn first_key<'a>(line: &'a str, sep: &str) -> &'a str {\n"
		"    line.split(sep).next().unwrap_or(\"\").trim()\n"
		"}\n"
		"\n"
		"#[cfg(test)]\n"
		"mod tests {\n"
		"    use super::*;\n"
		"\n"
		"    #[test]\n"
		"    fn returns_first_key() {\n"
		"        let line = String::from(\"$[f] = $[n]\");\n"
		"        assert_eq!(first_key(&line, \"=\"), \"$[f]\");\n"
		"    }\n"
		"}\n",
	.notes = {
		"Returning a slice of `line` costs nothing: no allocation, no copy.",
		"`line.split_once(sep)` is handy if you also need the value part.",
	},
	.shorts = {
		"Add `<'a>` and tie the return to `line`.",
	},
},
{
	.id = "spring-no-qualifying-bean", .lang = "java", .fw = "spring",
	.asks = {
		"Spring Boot fails at startup saying it can't find a bean of type `$[E]Repository`, but the interface is right there and extends JpaRepository.",
		"APPLICATION FAILED TO START: 'required a bean of type $[E]Repository that could not be found'. I moved some packages around yesterday.",
	},
	.code =
		"// com/$[org]/$[svc]/Application.java\n"
		"package com.$[org].$[svc];\n"
		"\n"
		"@SpringBootApplication\n"
		"public class Application {\n"
		"    public static void main(String[] args) {\n"
		"        SpringApplication.run(Application.class, args);\n"
		"    }\n"
		"}\n"
		"\n"
		"// com/$[org]/persistence/$[E]Repository.java\n"
		"package com.$[org].persistence;\n"
		"\n"
		"public interface $[E]Repository extends JpaRepository<$[E], Long> {\n"
		"}\n",
	.error =
		"***************************\n"
		"APPLICATION FAILED TO START\n"
		"***************************\n"
		"\n"
		"Description:\n"
		"\n"
		"Parameter 0 of constructor in com.$[org].$[svc].$[E]Service required a bean of type 'com.$[org].persistence.$[E]Repository' that could not be found.\n",
	.explains = {
		"`@SpringBootApplication` scans only its own package and the packages below it. Your application class is in `com.$[org].$[svc]`, while the repository lives in `com.$[org].persistence`, a sibling package, so Spring Data never creates it. Move the application class up to `com.$[org]`, or tell Spring where to look.",
		"Component scanning and Spring Data repository scanning both start at the package of the class annotated with `@SpringBootApplication`. After the move, `persistence` is no longer below it.",
	},
	.fix =
		"package com.$[org];\n"
		"\n"
		"@SpringBootApplication\n"
		"public class Application {\n"
		"    public static void main(String[] args) {\n"
		"        SpringApplication.run(Application.class, args);\n"
		"    }\n"
		"}\n",
	.notes = {
		"If you can't move the class, add `@EnableJpaRepositories(\"com.$[org].persistence\")` and `@EntityScan(\"com.$[org].persistence\")`.",
		"Constructor injection as you have it is the right style; no `@Autowired` needed with a single constructor.",
		"`--debug` prints the auto-configuration report, which shows why a configuration was skipped.",
	},
	.shorts = {
		"Move `Application` to the root package.",
	},
},
{
	.id = "jpa-lazy-initialization", .lang = "java", .fw = "spring",
	.asks = {
		"Calling `/api/$[es]/{id}` throws LazyInitializationException when Jackson serialises the `items` collection of $[ae].",
		"Hibernate: 'failed to lazily initialize a collection ... could not initialize proxy - no Session'. The entity loads fine, the error appears in the controller response.",
	},
	.code =
		"@Entity\n"
		"public class $[E] {\n"
		"    @Id @GeneratedValue\n"
		"    private Long id;\n"
		"\n"
		"    @OneToMany(mappedBy = \"$[e]\")\n"
		"    private List<LineItem> items = new ArrayList<>();\n"
		"}\n"
		"\n"
		"@GetMapping(\"/api/$[es]/{id}\")\n"
		"public $[E] get(@PathVariable Long id) {\n"
		"    return repository.findById(id).orElseThrow();\n"
		"}\n",
	.error =
		"org.hibernate.LazyInitializationException: failed to lazily initialize a collection of role: com.$[org].$[svc].$[E].items: could not initialize proxy - no Session\n"
		"\tat org.hibernate.collection.spi.AbstractPersistentCollection.throwLazyInitializationException(AbstractPersistentCollection.java:$[line])\n"
		"\tat com.fasterxml.jackson.databind.ser.std.CollectionSerializer.serialize(CollectionSerializer.java:$[line2])\n",
	.explains = {
		"`@OneToMany` is lazy by default. The repository call runs in its own transaction, the session closes when it returns, and Jackson later walks `items` outside of it. Fetch what the response needs inside the query, and return a DTO instead of the entity.",
		"The entity you return is detached: its `items` field is an uninitialised proxy that needs an open session to load. Serialising entities directly couples your API to your mapping, so fetch explicitly and map to a DTO.",
	},
	.fix =
		"public interface $[E]Repository extends JpaRepository<$[E], Long> {\n"
		"    @Query(\"select o from $[E] o left join fetch o.items where o.id = :id\")\n"
		"    Optional<$[E]> findWithItems(@Param(\"id\") Long id);\n"
		"}\n"
		"\n"
		"public record $[E]Dto(Long id, List<LineItemDto> items) {\n"
		"    static $[E]Dto from($[E] o) {\n"
		"        return new $[E]Dto(o.getId(), o.getItems().stream().map(LineItemDto::from).toList());\n"
		"    }\n"
		"}\n"
		"\n"
		"@GetMapping(\"/api/$[es]/{id}\")\n"
		"public $[E]Dto get(@PathVariable Long id) {\n"
		"    return repository.findWithItems(id)\n"
		"            .map($[E]Dto::from)\n"
		"            .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));\n"
		"}\n",
	.notes = {
		"Don't 'fix' it with `spring.jpa.open-in-view=true` or `FetchType.EAGER`; both hide N+1 queries.",
		"`@EntityGraph(attributePaths = \"items\")` on a repository method is an alternative to the JPQL fetch join.",
		"Returning DTOs also keeps fields like internal flags out of your JSON.",
	},
	.shorts = {
		"Use `join fetch` and return a DTO.",
	},
},
{
	.id = "java-concurrent-modification", .lang = "java", .fw = "",
	.asks = {
		"Removing expired $[es] from a list in Java throws ConcurrentModificationException, even though there's only one thread.",
		"Why do I get ConcurrentModificationException in a single-threaded cleanup job? It loops over an ArrayList and removes some elements.",
	},
	.code =
		"for ($[E] item : $[es]) {\n"
		"    if (item.isExpired(clock.instant())) {\n"
		"        $[es].remove(item);\n"
		"    }\n"
		"}\n",
	.error =
		"Exception in thread \"main\" java.util.ConcurrentModificationException\n"
		"\tat java.base/java.util.ArrayList$Itr.checkForComodification(ArrayList.java:1013)\n"
		"\tat java.base/java.util.ArrayList$Itr.next(ArrayList.java:967)\n"
		"\tat com.$[org].$[svc].$[E]Cleaner.run($[E]Cleaner.java:$[line])\n",
	.explains = {
		"The enhanced `for` loop uses an iterator, and `ArrayList`'s iterator is fail-fast: any structural change not made through the iterator itself makes the next `next()` throw. It has nothing to do with threads. Use `removeIf`, which removes in a single pass.",
		"Despite the name, the exception isn't about concurrency. The list keeps a modification counter; `remove` bumps it behind the iterator's back, and the iterator notices on its next step.",
	},
	.fix =
		"Instant now = clock.instant();\n"
		"$[es].removeIf(item -> item.isExpired(now));\n"
		"\n"
		"// or, with an explicit iterator:\n"
		"Iterator<$[E]> it = $[es].iterator();\n"
		"while (it.hasNext()) {\n"
		"    if (it.next().isExpired(now)) {\n"
		"        it.remove();\n"
		"    }\n"
		"}\n",
	.notes = {
		"`removeIf` on an `ArrayList` is O(n); removing elements one by one is O(n²).",
		"Reading the clock once also makes all removals use the same cut-off time.",
	},
	.shorts = {
		"Use `list.removeIf(...)` instead.",
	},
},
{
	.id = "spring-transactional-self-invocation", .lang = "java", .fw = "spring",
	.asks = {
		"In Spring Boot, the `@Transactional` on a helper method doesn't roll back when an exception is thrown halfway through importing $[es].",
		"Half of a batch of $[es] stays in the database after a failure, even though the save method is annotated with `@Transactional`.",
	},
	.code =
		"@Service\n"
		"public class $[E]ImportService {\n"
		"    public void importAll(List<$[E]Row> rows) {\n"
		"        for (var chunk : Lists.partition(rows, $[n]00)) {\n"
		"            saveChunk(chunk);\n"
		"        }\n"
		"    }\n"
		"\n"
		"    @Transactional\n"
		"    private void saveChunk(List<$[E]Row> chunk) {\n"
		"        chunk.forEach(row -> repository.save(row.toEntity()));\n"
		"    }\n"
		"}\n",
	.error = NULL,
	.explains = {
		"Spring applies `@Transactional` through a proxy around the bean. A call from `importAll` to `saveChunk` on `this` never goes through the proxy, and private methods can't be proxied at all, so there is no transaction: each `save` commits on its own. Move the transactional method to another bean.",
		"Self-invocation bypasses Spring's AOP proxy. The annotation is simply never seen, so every `repository.save` runs in its own short transaction and commits immediately.",
	},
	.fix =
		"@Service\n"
		"@RequiredArgsConstructor\n"
		"public class $[E]ImportService {\n"
		"    private final $[E]ChunkWriter writer;\n"
		"\n"
		"    public void importAll(List<$[E]Row> rows) {\n"
		"        for (var chunk : Lists.partition(rows, $[n]00)) {\n"
		"            writer.saveChunk(chunk);\n"
		"        }\n"
		"    }\n"
		"}\n"
		"\n"
		"@Component\n"
		"@RequiredArgsConstructor\n"
		"class $[E]ChunkWriter {\n"
		"    private final $[E]Repository repository;\n"
		"\n"
		"    @Transactional\n"
		"    public void saveChunk(List<$[E]Row> chunk) {\n"
		"        repository.saveAll(chunk.stream().map($[E]Row::toEntity).toList());\n"
		"    }\n"
		"}\n",
	.notes = {
		"Each chunk is now atomic; if the whole import must be atomic, put `@Transactional` on `importAll` in the caller's bean instead.",
		"`TransactionTemplate` is an alternative when you'd rather not split the class.",
		"Since Spring 6 class-based proxies also intercept protected and package-private methods, but private methods and calls on `this` are never intercepted.",
	},
	.shorts = {
		"Self-invocation skips the proxy; split the bean.",
	},
},
{
	.id = "c-return-local-buffer", .lang = "c", .fw = "",
	.asks = {
		"My C function that formats $[ae] label works in debug builds but prints garbage with -O2. Valgrind complains about an invalid read.",
		"Strange output from a small C helper: the label string is fine when I print it inside the function, corrupted in the caller.",
	},
	.code =
		"const char *$[e]_label(const struct $[e] *x)\n"
		"{\n"
		"\tchar buf[64];\n"
		"\tsnprintf(buf, sizeof buf, \"%s #%d\", x->name, x->id);\n"
		"\treturn buf;\n"
		"}\n",
	.error =
		"==$[pid]== Invalid read of size 1\n"
		"==$[pid]==    at 0x4849C23: strlen (vg_replace_strmem.c:505)\n"
		"==$[pid]==    by 0x48E2D2A: __vfprintf_internal (vfprintf-internal.c:1688)\n"
		"==$[pid]==    by 0x109245: print_$[es] ($[e].c:$[line])\n"
		"==$[pid]==  Address 0x1ffefffd10 is on thread 1's stack\n",
	.explains = {
		"`buf` lives in the stack frame of `$[e]_label`; when the function returns, that memory is released and the next call overwrites it. The debug build just happens not to reuse it yet. Let the caller provide the buffer.",
		"Returning the address of a local array is undefined behaviour: the array's lifetime ends with the function. With optimisation the compiler reuses that stack space immediately, hence the garbage.",
	},
	.fix =
		"/* Writes the label into out (at most outlen bytes, NUL-terminated).\n"
		" * Returns the length it needed, like snprintf. */\n"
		"int $[e]_label(const struct $[e] *x, char *out, size_t outlen)\n"
		"{\n"
		"\treturn snprintf(out, outlen, \"%s #%d\", x->name, x->id);\n"
		"}\n"
		"\n"
		"void print_$[e](const struct $[e] *x)\n"
		"{\n"
		"\tchar label[64];\n"
		"\n"
		"\tif ($[e]_label(x, label, sizeof label) >= (int)sizeof label)\n"
		"\t\tfprintf(stderr, \"label truncated\\n\");\n"
		"\tputs(label);\n"
		"}\n",
	.notes = {
		"GCC warns about this (`-Wreturn-local-addr`) when it can see it; always build with `-Wall -Wextra`.",
		"AddressSanitizer reports it as stack-use-after-return with `ASAN_OPTIONS=detect_stack_use_after_return=1`.",
		"A `static` buffer would also 'work', but it isn't thread-safe or reentrant.",
	},
	.shorts = {
		"Don't return a pointer to a local array.",
	},
},
{
	.id = "c-undefined-reference", .lang = "c", .fw = "", .code_tag = "makefile", .fix_tag = "makefile",
	.asks = {
		"Linking fails with 'undefined reference' to my own function `$[e]_$[v]` even though the header is included and the .c file compiles on its own.",
		"C beginner here: the compiler is happy, but the linker says undefined reference to `$[e]_$[v]`. What am I missing in the Makefile?",
	},
	.code =
		"CFLAGS = -Wall -O2\n"
		"\n"
		"$[svc]: main.o\n"
		"\t$(CC) -o $@ main.o -lm\n"
		"\n"
		"main.o: main.c $[e].h\n",
	.error =
		"/usr/bin/ld: main.o: in function `main':\n"
		"main.c:(.text+0x4f): undefined reference to `$[e]_$[v]'\n"
		"collect2: error: ld returned 1 exit status\n",
	.explains = {
		"Including the header only declares the function; the linker still needs the object file that defines it. Your rule links `main.o` alone, so `$[e].o` is never built or passed to the linker.",
		"Compiling and linking are separate steps. Each `.c` file compiles fine on its own, but the final link only sees the objects you list, and `$[e].o` isn't one of them.",
	},
	.fix =
		"CFLAGS = -Wall -Wextra -O2\n"
		"OBJS = main.o $[e].o\n"
		"\n"
		"$[svc]: $(OBJS)\n"
		"\t$(CC) $(LDFLAGS) -o $@ $(OBJS) -lm\n"
		"\n"
		"main.o: main.c $[e].h\n"
		"$[e].o: $[e].c $[e].h\n",
	.notes = {
		"Libraries go after the objects that use them (`-lm` last); the GNU linker resolves symbols left to right.",
		"If the function is `static` in `$[e].c`, it isn't visible to other files either.",
		"Recipe lines in a Makefile must start with a tab, not spaces.",
	},
	.shorts = {
		"Add `$[e].o` to the link line.",
	},
},
{
	.id = "cpp-iterator-invalidation", .lang = "cpp", .fw = "",
	.asks = {
		"My C++ code crashes randomly when I add elements to a `std::vector` while looping over it. Sometimes it works, sometimes it segfaults.",
		"AddressSanitizer reports heap-use-after-free in a loop that appends split $[es] to the same vector. How is that a use-after-free?",
	},
	.code =
		"for (auto it = $[es].begin(); it != $[es].end(); ++it) {\n"
		"    if (it->needs_split()) {\n"
		"        $[es].push_back(it->split());\n"
		"    }\n"
		"}\n",
	.error =
		"==$[pid]==ERROR: AddressSanitizer: heap-use-after-free on address 0x60b000000f48 at pc 0x55d4c2a1b3e2\n"
		"READ of size 8 at 0x60b000000f48 thread T0\n"
		"    #0 0x55d4c2a1b3e1 in process_$[es](std::vector<$[E], std::allocator<$[E]> >&) src/$[e].cpp:$[line]\n",
	.explains = {
		"`push_back` reallocates when the vector's capacity is exhausted, and a reallocation invalidates every iterator, pointer and reference into the vector, including `it`. It only crashes when the capacity runs out, which is why it's intermittent. Collect the new elements separately and append them after the loop.",
		"After a reallocation `it` points into the old, freed buffer, which is exactly what ASan reports. Whether a given `push_back` reallocates depends on the current capacity, hence the randomness.",
	},
	.fix =
		"std::vector<$[E]> extra;\n"
		"for (const auto& item : $[es]) {\n"
		"    if (item.needs_split()) {\n"
		"        extra.push_back(item.split());\n"
		"    }\n"
		"}\n"
		"$[es].insert($[es].end(),\n"
		"              std::make_move_iterator(extra.begin()),\n"
		"              std::make_move_iterator(extra.end()));\n",
	.notes = {
		"`reserve()` up front would also prevent reallocation, but only if you know the final size; it's fragile.",
		"Build tests with `-D_GLIBCXX_DEBUG`: the checked iterators abort right at the invalid use.",
		"Looping by index over the original size also works, if the new elements shouldn't be visited.",
	},
	.shorts = {
		"`push_back` invalidates iterators; use indices.",
	},
},
{
	.id = "cpp-unique-ptr-copy", .lang = "cpp", .fw = "",
	.asks = {
		"I get 'use of deleted function' when I put a `std::unique_ptr` into a vector. I just want the vector to own the $[es].",
		"Compiler error with `std::vector<std::unique_ptr<$[E]>>` and `push_back`. The message is 30 lines of templates.",
	},
	.code =
		"std::vector<std::unique_ptr<$[E]>> $[es];\n"
		"auto item = std::make_unique<$[E]>(\"$[f]\", $[n]);\n"
		"$[es].push_back(item);\n",
	.error =
		"error: use of deleted function 'std::unique_ptr<_Tp, _Dp>::unique_ptr(const std::unique_ptr<_Tp, _Dp>&) [with _Tp = $[E]; _Dp = std::default_delete<$[E]>]'\n",
	.explains = {
		"`unique_ptr` can't be copied, only moved; a copy would give the object two owners. `push_back(item)` tries to copy the named variable. Move it in (after which `item` is null), or construct the pointer in place.",
		"The copy constructor of `unique_ptr` is deleted on purpose. Passing an lvalue asks for a copy; `std::move` turns it into an rvalue so the move constructor is used.",
	},
	.fix =
		"std::vector<std::unique_ptr<$[E]>> $[es];\n"
		"\n"
		"auto item = std::make_unique<$[E]>(\"$[f]\", $[n]);\n"
		"$[es].push_back(std::move(item));  // item is now nullptr\n"
		"\n"
		"// or without the temporary:\n"
		"$[es].emplace_back(std::make_unique<$[E]>(\"$[f]\", $[n] + 1));\n"
		"\n"
		"for (const auto& p : $[es]) {\n"
		"    std::cout << p->name() << '\\n';\n"
		"}\n",
	.notes = {
		"Don't use `item` after the move except to assign to it again.",
		"If the $[es] don't need stable addresses or polymorphism, `std::vector<$[E]>` without pointers is simpler and faster.",
	},
	.shorts = {
		"Use `push_back(std::move(item))`.",
	},
},
{
	.id = "efcore-second-operation", .lang = "csharp", .fw = "asp.net core",
	.asks = {
		"In our ASP.NET Core API, loading $[es] in parallel throws 'A second operation was started on this context instance before a previous operation completed'.",
		"EF Core throws InvalidOperationException when I run two queries with `Task.WhenAll`. Isn't async supposed to allow that?",
	},
	.code =
		"public async Task<DashboardDto> GetDashboard(int accountId)\n"
		"{\n"
		"    var listTask = _db.$[Es].Where(x => x.AccountId == accountId).ToListAsync();\n"
		"    var countTask = _db.$[Es].CountAsync(x => x.AccountId == accountId);\n"
		"    await Task.WhenAll(listTask, countTask);\n"
		"    return new DashboardDto(listTask.Result, countTask.Result);\n"
		"}\n",
	.error =
		"System.InvalidOperationException: A second operation was started on this context instance before a previous operation completed.\n"
		"   at Microsoft.EntityFrameworkCore.Infrastructure.Internal.ConcurrencyDetector.EnterCriticalSection()\n"
		"   at $[Org].$[Svc].Services.DashboardService.GetDashboard(Int32 accountId) in /src/Services/DashboardService.cs:line $[line]\n",
	.explains = {
		"A `DbContext` is not thread-safe and supports one operation at a time; `Task.WhenAll` starts both queries on the same instance. Await them one after another (they're fast), or, if you really need parallel queries, give each its own context from an `IDbContextFactory`.",
		"Async lets the thread do other work while a query runs, but it doesn't make one `DbContext` usable by two queries at once. The context tracks a single connection and a single change tracker.",
	},
	.fix =
		"public async Task<DashboardDto> GetDashboard(int accountId, CancellationToken ct)\n"
		"{\n"
		"    var items = await _db.$[Es]\n"
		"        .AsNoTracking()\n"
		"        .Where(x => x.AccountId == accountId)\n"
		"        .ToListAsync(ct);\n"
		"    var count = await _db.$[Es].CountAsync(x => x.AccountId == accountId, ct);\n"
		"    return new DashboardDto(items, count);\n"
		"}\n",
	.notes = {
		"Here the count is just `items.Count` unless you page the list; one query beats two.",
		"For real parallelism: `AddDbContextFactory<AppDbContext>()` and `await using var db = factory.CreateDbContext();` per task.",
		"`AsNoTracking()` saves memory for read-only queries.",
	},
	.shorts = {
		"Await the two queries one after another.",
	},
},
{
	.id = "dotnet-result-deadlock", .lang = "csharp", .fw = "asp.net",
	.asks = {
		"Our legacy ASP.NET MVC app hangs forever when a controller calls `Get$[E]Async(id).Result`. No exception, the request just never finishes.",
		"Deadlock in ASP.NET (.NET Framework) when calling an async HttpClient method from a synchronous action. Works in a console app.",
	},
	.code =
		"public ActionResult Details(int id)\n"
		"{\n"
		"    var $[e] = _client.Get$[E]Async(id).Result;\n"
		"    return View($[e]);\n"
		"}\n"
		"\n"
		"public async Task<$[E]> Get$[E]Async(int id)\n"
		"{\n"
		"    var json = await _http.GetStringAsync($\"api/$[es]/{id}\");\n"
		"    return JsonSerializer.Deserialize<$[E]>(json);\n"
		"}\n",
	.error = NULL,
	.explains = {
		"Classic sync-over-async deadlock. `.Result` blocks the request thread while it holds the ASP.NET synchronization context; when `GetStringAsync` completes, the rest of `Get$[E]Async` wants to resume on that same context, which is blocked waiting for it. Neither can proceed. Make the call chain async all the way up.",
		"A console app has no synchronization context, so the continuation runs on the thread pool and nothing deadlocks. Classic ASP.NET has one, and `.Result` blocks it.",
	},
	.fix =
		"public async Task<ActionResult> Details(int id, CancellationToken ct)\n"
		"{\n"
		"    var $[e] = await _client.Get$[E]Async(id, ct);\n"
		"    return $[e] is null ? HttpNotFound() : View($[e]);\n"
		"}\n"
		"\n"
		"public async Task<$[E]?> Get$[E]Async(int id, CancellationToken ct = default)\n"
		"{\n"
		"    using var response = await _http.GetAsync($\"api/$[es]/{id}\", ct).ConfigureAwait(false);\n"
		"    if (response.StatusCode == HttpStatusCode.NotFound) return null;\n"
		"    response.EnsureSuccessStatusCode();\n"
		"    var json = await response.Content.ReadAsStringAsync().ConfigureAwait(false);\n"
		"    return JsonSerializer.Deserialize<$[E]>(json);\n"
		"}\n",
	.notes = {
		"`ConfigureAwait(false)` in library code avoids capturing the context, but it's not a substitute for not blocking.",
		"ASP.NET Core has no synchronization context, so this exact deadlock can't happen there, but blocking still starves the thread pool.",
	},
	.shorts = {
		"Don't use `.Result`; make the action async.",
	},
},
{
	.id = "laravel-mass-assignment", .lang = "php", .fw = "laravel",
	.asks = {
		"Laravel throws MassAssignmentException when I create $[ae] from the request data, even though I validated it.",
		"`$[E]::create($data)` fails with 'Add [$[f]] to fillable property'. The validation passes, so why is the data rejected?",
	},
	.code =
		"public function store(Request $request)\n"
		"{\n"
		"    $data = $request->validate([\n"
		"        '$[f]' => 'required|string|max:255',\n"
		"        'quantity' => 'required|integer|min:1',\n"
		"    ]);\n"
		"\n"
		"    $$[e] = $[E]::create($data);\n"
		"\n"
		"    return response()->json($$[e], 201);\n"
		"}\n",
	.error =
		"Illuminate\\Database\\Eloquent\\MassAssignmentException: Add [$[f]] to fillable property to allow mass assignment on [App\\Models\\$[E]].\n",
	.explains = {
		"Eloquent protects every model against mass assignment by default: `create()` only fills attributes listed in `$fillable` (or not listed in `$guarded`). Validation doesn't change that. Declare the fields that may be filled from input.",
		"Validation and mass-assignment protection are separate layers. The exception comes from the model, which hasn't been told that `$[f]` may be set in bulk.",
	},
	.fix =
		"class $[E] extends Model\n"
		"{\n"
		"    protected $fillable = ['$[f]', 'quantity'];\n"
		"}\n"
		"\n"
		"// controller\n"
		"public function store(Store$[E]Request $request)\n"
		"{\n"
		"    $$[e] = $[E]::create($request->validated());\n"
		"\n"
		"    return response()->json($$[e], 201);\n"
		"}\n",
	.notes = {
		"Use `$request->validated()` rather than `$request->all()` so unvalidated fields never reach the model.",
		"Avoid `protected $guarded = [];` on models with fields like `is_admin`.",
		"A Form Request (`php artisan make:request Store$[E]Request`) keeps the validation rules out of the controller.",
	},
	.shorts = {
		"Add the field to `$fillable` on the model.",
	},
},
{
	.id = "php-undefined-array-key", .lang = "php", .fw = "",
	.asks = {
		"After upgrading to PHP 8, our import script floods the logs with 'Undefined array key' warnings for rows where a CSV column is missing.",
		"PHP 8 warning 'Undefined array key \"notes\"' in a CSV import of $[es]. On PHP 7.4 the logs were clean.",
	},
	.code =
		"while (($row = fgetcsv($handle)) !== false) {\n"
		"    $record = array_combine($header, $row);\n"
		"    $$[f] = $record['$[f]'];\n"
		"    $notes = $record['notes'];\n"
		"    save_$[e]($$[f], $notes);\n"
		"}\n",
	.error =
		"PHP Warning:  Undefined array key \"notes\" in /var/www/$[svc]/import.php on line $[line]\n",
	.explains = {
		"PHP 8 raised 'undefined index' notices to warnings with a new message; the code was always reading missing keys, it just wasn't visible before. Use the null coalescing operator for optional columns and fail loudly for required ones. Also guard `array_combine`: a row with fewer cells than the header makes it throw a `ValueError` in PHP 8.",
		"Your PHP 7.4 setup most likely hid notices (`error_reporting` without `E_NOTICE`). PHP 8 reports the same problem as a warning, which that setting no longer hides.",
	},
	.fix =
		"$lineNo = 1;\n"
		"while (($row = fgetcsv($handle)) !== false) {\n"
		"    $lineNo++;\n"
		"    if (count($row) !== count($header)) {\n"
		"        fwrite(STDERR, \"skipping malformed line $lineNo\\n\");\n"
		"        continue;\n"
		"    }\n"
		"    $record = array_combine($header, $row);\n"
		"    $$[f] = $record['$[f]'] ?? throw new RuntimeException(\"missing $[f] on line $lineNo\");\n"
		"    $notes = $record['notes'] ?? '';\n"
		"    save_$[e]($$[f], $notes);\n"
		"}\n",
	.notes = {
		"`throw` as an expression needs PHP 8.0 or later.",
		"`SplFileObject` with the `READ_CSV` flag is more convenient for big files.",
	},
	.shorts = {
		"Use `$record['notes'] ?? ''`.",
	},
},
{
	.id = "rails-n-plus-one", .lang = "ruby", .fw = "rails", .code_tag = "erb",
	.asks = {
		"The `$[es]#index` page in our Rails app takes over $[n] seconds. The log shows one query per $[e] for the author and another for the comment count.",
		"Rails index page is slow: the development log is a wall of `Author Load` lines, one per row.",
	},
	.code =
		"# app/controllers/$[es]_controller.rb\n"
		"def index\n"
		"  @$[es] = $[E].where(published: true).order(created_at: :desc).limit(50)\n"
		"end\n"
		"\n"
		"<%# app/views/$[es]/index.html.erb %>\n"
		"<% @$[es].each do |$[e]| %>\n"
		"  <%= $[e].author.name %> · <%= $[e].comments.count %> comments\n"
		"<% end %>\n",
	.error =
		"  Author Load (0.4ms)  SELECT \"authors\".* FROM \"authors\" WHERE \"authors\".\"id\" = $1 LIMIT $2  [[\"id\", 17], [\"LIMIT\", 1]]\n"
		"  Author Load (0.3ms)  SELECT \"authors\".* FROM \"authors\" WHERE \"authors\".\"id\" = $1 LIMIT $2  [[\"id\", 23], [\"LIMIT\", 1]]\n"
		"   (0.5ms)  SELECT COUNT(*) FROM \"comments\" WHERE \"comments\".\"$[e]_id\" = $1  [[\"$[e]_id\", 41]]\n",
	.explains = {
		"Each `$[e].author` triggers its own query (N+1), and `comments.count` always runs a `COUNT(*)`, even when the association is loaded. Preload the authors with `includes` and keep a counter cache for the comments.",
		"Associations in Rails load lazily, one query per record, unless you preload them. `count` also always asks the database; `size` would use a loaded association, and a counter cache avoids the query entirely.",
	},
	.fix =
		"# db/migrate/..._add_comments_count_to_$[es].rb\n"
		"add_column :$[es], :comments_count, :integer, default: 0, null: false\n"
		"\n"
		"# app/models/comment.rb\n"
		"belongs_to :$[e], counter_cache: true\n"
		"\n"
		"# app/controllers/$[es]_controller.rb\n"
		"def index\n"
		"  @$[es] = $[E].where(published: true)\n"
		"               .includes(:author)\n"
		"               .order(created_at: :desc)\n"
		"               .limit(50)\n"
		"end\n"
		"\n"
		"# in the view: <%= $[e].comments_count %> comments\n",
	.notes = {
		"Backfill existing counts once with `$[E].find_each { |r| $[E].reset_counters(r.id, :comments) }`.",
		"The Bullet gem flags N+1 queries in development; `strict_loading` makes them raise.",
		"`includes` picks between `preload` and `eager_load` for you; use one of those explicitly if you need control.",
	},
	.shorts = {
		"Add `.includes(:author)` to the query.",
	},
},
{
	.id = "rails-strong-params", .lang = "ruby", .fw = "rails",
	.asks = {
		"Updating $[ae] from a form raises ActiveModel::ForbiddenAttributesError in my Rails controller.",
		"Rails: ForbiddenAttributesError on `update`. The form only has a few fields.",
	},
	.code =
		"def update\n"
		"  @$[e] = $[E].find(params[:id])\n"
		"  if @$[e].update(params[:$[e]])\n"
		"    redirect_to @$[e], notice: \"$[E] updated\"\n"
		"  else\n"
		"    render :edit, status: :unprocessable_entity\n"
		"  end\n"
		"end\n",
	.error =
		"ActiveModel::ForbiddenAttributesError (ActiveModel::ForbiddenAttributesError):\n"
		"\n"
		"app/controllers/$[es]_controller.rb:$[line]:in `update'\n",
	.explains = {
		"Rails refuses to mass-assign raw `params`: you have to say which attributes a user may set (strong parameters). Otherwise anyone could post `$[e][owner_id]` and change fields the form never showed.",
		"The form may only have a few fields, but the request can contain anything. Strong parameters make you list what's allowed.",
	},
	.fix =
		"def update\n"
		"  @$[e] = $[E].find(params[:id])\n"
		"  if @$[e].update($[e]_params)\n"
		"    redirect_to @$[e], notice: \"$[E] updated\"\n"
		"  else\n"
		"    render :edit, status: :unprocessable_entity\n"
		"  end\n"
		"end\n"
		"\n"
		"private\n"
		"\n"
		"def $[e]_params\n"
		"  params.require(:$[e]).permit(:$[f], :title, :status, tag_ids: [])\n"
		"end\n",
	.notes = {
		"On Rails 8, `params.expect($[e]: [:$[f], :title, :status])` does the same and also rejects malformed shapes.",
		"Array and hash attributes must be permitted explicitly, like `tag_ids: []`.",
	},
	.shorts = {
		"Use `params.require(:$[e]).permit(...)`.",
	},
},
{
	.id = "postgres-index-not-used", .lang = "sql", .fw = "postgresql",
	.asks = {
		"I added an index on `$[es].$[f]` in Postgres but the search query is still slow and EXPLAIN shows a sequential scan over about $[k] million rows.",
		"Why doesn't PostgreSQL use my B-tree index for a `LIKE '%...%'` search on $[es]?",
	},
	.code =
		"CREATE INDEX idx_$[es]_$[f] ON $[es] ($[f]);\n"
		"\n"
		"SELECT id, $[f], status\n"
		"FROM $[es]\n"
		"WHERE lower($[f]) LIKE '%$[q]%'\n"
		"  AND status = 'open'\n"
		"ORDER BY created_at DESC\n"
		"LIMIT 20;\n",
	.error =
		"Limit  (cost=0.00..48211.73 rows=20 width=52) (actual time=0.041..$[ms].4 rows=20 loops=1)\n"
		"  ->  Seq Scan on $[es]  (cost=0.00..96422.10 rows=40 width=52)\n"
		"        Filter: ((status = 'open'::text) AND (lower($[f]) ~~ '%$[q]%'::text))\n"
		"        Rows Removed by Filter: $[N]$[n]1\n",
	.explains = {
		"A B-tree index on `$[f]` can't help here for two reasons: the query filters on `lower($[f])`, an expression the index doesn't contain, and a pattern with a leading `%` can't use a B-tree prefix search at all. For substring search, use a trigram index on the same expression.",
		"B-tree indexes answer equality and prefix questions. `LIKE '%$[q]%'` asks for a substring anywhere, and on top of that the index is on `$[f]` while the query uses `lower($[f])`.",
	},
	.fix =
		"CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
		"\n"
		"CREATE INDEX CONCURRENTLY idx_$[es]_$[f]_trgm\n"
		"    ON $[es] USING gin (lower($[f]) gin_trgm_ops);\n"
		"\n"
		"-- and for the status filter plus the sort:\n"
		"CREATE INDEX CONCURRENTLY idx_$[es]_open_created\n"
		"    ON $[es] (created_at DESC)\n"
		"    WHERE status = 'open';\n"
		"\n"
		"ANALYZE $[es];\n",
	.notes = {
		"`CONCURRENTLY` avoids blocking writes while the index builds, but it can't run inside a transaction.",
		"Trigram indexes need at least three characters in the pattern to be useful.",
		"Check the plan again with `EXPLAIN (ANALYZE, BUFFERS)` afterwards.",
	},
	.shorts = {
		"A leading `%` can't use a B-tree index.",
	},
},
{
	.id = "postgres-upsert", .lang = "sql", .fw = "postgresql",
	.asks = {
		"Our nightly import into `$[es]` fails halfway with a duplicate key error. I want new rows inserted and existing ones updated in one statement.",
		"How do I do an upsert in Postgres? The import of $[es] from the staging table dies on the first existing `external_id`.",
	},
	.code =
		"INSERT INTO $[es] (external_id, $[f], updated_at)\n"
		"SELECT external_id, $[f], now()\n"
		"FROM staging_$[es];\n",
	.error =
		"ERROR:  duplicate key value violates unique constraint \"$[es]_external_id_key\"\n"
		"DETAIL:  Key (external_id)=(EXT-$[N]) already exists.\n",
	.explains = {
		"A plain `INSERT` fails as soon as one row collides. `INSERT ... ON CONFLICT` turns it into an upsert; the conflict target must match a unique index or constraint. If the staging table contains the same `external_id` twice, de-duplicate it first, or the statement fails with 'cannot affect row a second time'.",
		"PostgreSQL has had native upserts since 9.5: `ON CONFLICT (column) DO UPDATE`. The `EXCLUDED` pseudo-table holds the row you tried to insert.",
	},
	.fix =
		"INSERT INTO $[es] (external_id, $[f], updated_at)\n"
		"SELECT DISTINCT ON (external_id) external_id, $[f], now()\n"
		"FROM staging_$[es]\n"
		"ORDER BY external_id, loaded_at DESC\n"
		"ON CONFLICT (external_id) DO UPDATE\n"
		"SET $[f] = EXCLUDED.$[f],\n"
		"    updated_at = EXCLUDED.updated_at\n"
		"WHERE $[es].$[f] IS DISTINCT FROM EXCLUDED.$[f];\n",
	.notes = {
		"The `WHERE` clause skips updates that wouldn't change anything, which saves WAL and keeps `updated_at` meaningful.",
		"MySQL's equivalent is `INSERT ... ON DUPLICATE KEY UPDATE`; SQLite supports `ON CONFLICT ... DO UPDATE` too.",
		"For very large loads, `MERGE` (PostgreSQL 15+) is another option.",
	},
	.shorts = {
		"Use `INSERT ... ON CONFLICT DO UPDATE`.",
	},
},
{
	.id = "bash-spaces-in-filenames", .lang = "bash", .fw = "",
	.asks = {
		"My bash script that compresses old $[e] exports breaks on files with spaces in their names: it tries to gzip each word separately.",
		"Shell loop over `find` output splits 'Q3 report.csv' into two arguments. How do I loop over file names safely?",
	},
	.code =
		"#!/bin/bash\n"
		"for f in $(find /data/$[es] -name \"*.csv\" -mtime +$[n]); do\n"
		"  gzip $f\n"
		"  echo \"compressed $f\"\n"
		"done\n",
	.error =
		"gzip: /data/$[es]/Q3: No such file or directory\n"
		"gzip: report.csv: No such file or directory\n",
	.explains = {
		"`$(find ...)` is split on whitespace (and glob-expanded) before the loop sees it, so `Q3 report.csv` becomes two words. Let `find` run the command itself, or read NUL-separated names. And quote every variable expansion.",
		"Command substitution output goes through word splitting, and an unquoted `$f` is split again. File names can contain anything except `/` and NUL, so NUL is the only safe separator.",
	},
	.fix =
		"#!/usr/bin/env bash\n"
		"set -euo pipefail\n"
		"\n"
		"find /data/$[es] -name '*.csv' -mtime +$[n] -print0 |\n"
		"  while IFS= read -r -d '' f; do\n"
		"    gzip -- \"$f\"\n"
		"    printf 'compressed %s\\n' \"$f\"\n"
		"  done\n",
	.notes = {
		"Simpler if you don't need the message: `find /data/$[es] -name '*.csv' -mtime +$[n] -exec gzip -- {} +`.",
		"ShellCheck flags the unquoted `$f` (SC2086) and the loop over `find` output (SC2044).",
		"`--` protects against file names that start with a dash.",
	},
	.shorts = {
		"Quote `\"$f\"` and use `find -print0`.",
	},
},
{
	.id = "bash-cron-path", .lang = "bash", .fw = "cron",
	.asks = {
		"A backup script for our $[svc] database works when I run it by hand but does nothing from cron. The log file stays empty.",
		"Why does my script fail only under cron? It dumps Postgres and uploads the file to S3.",
	},
	.code =
		"# crontab -e\n"
		"0 3 * * * ~/bin/backup_$[svc].sh >> ~/backup.log\n"
		"\n"
		"# ~/bin/backup_$[svc].sh\n"
		"pg_dump $[svc] | gzip > /backups/$[svc]-$(date +%F).sql.gz\n"
		"aws s3 cp /backups/$[svc]-$(date +%F).sql.gz s3://$[org]-backups/\n",
	.error =
		"/home/deploy/bin/backup_$[svc].sh: line 3: aws: command not found\n",
	.explains = {
		"Cron runs jobs with a minimal environment: `PATH` is usually just `/usr/bin:/bin`, so `aws` (in `/usr/local/bin` or `~/.local/bin`) isn't found. You also redirect only stdout, so the error went to cron's mail instead of your log.",
		"Your interactive shell loads your profile; cron doesn't. Set `PATH` in the script, and send stderr to the log too.",
	},
	.fix =
		"#!/usr/bin/env bash\n"
		"set -euo pipefail\n"
		"export PATH=/usr/local/bin:/usr/bin:/bin:$HOME/.local/bin\n"
		"\n"
		"stamp=$(date +%F)\n"
		"out=\"/backups/$[svc]-${stamp}.sql.gz\"\n"
		"pg_dump --no-owner $[svc] | gzip > \"$out\"\n"
		"aws s3 cp \"$out\" \"s3://$[org]-backups/\" --only-show-errors\n"
		"\n"
		"# crontab:\n"
		"# 0 3 * * * /home/deploy/bin/backup_$[svc].sh >> /home/deploy/backup.log 2>&1\n",
	.notes = {
		"`2>&1` sends errors to the same log file.",
		"In a crontab line `%` is special; keep `date +%F` inside the script, not in the crontab.",
		"`set -o pipefail` makes the script fail when `pg_dump` fails, not only when `gzip` does.",
	},
	.shorts = {
		"Cron's PATH lacks `aws`; set PATH in the script.",
	},
},
{
	.id = "github-actions-yaml", .lang = "yaml", .fw = "github actions",
	.asks = {
		"Our GitHub Actions workflow fails to parse after I added a Node version matrix, and the dependency cache never hits anyway.",
		"GitHub says 'Invalid workflow file' on the line with `node-version`. I copied the step from another repo.",
	},
	.code =
		"name: ci\n"
		"on: [push, pull_request]\n"
		"jobs:\n"
		"  test:\n"
		"    runs-on: ubuntu-latest\n"
		"    strategy:\n"
		"      matrix:\n"
		"        node: [18, 20, 22]\n"
		"    steps:\n"
		"      - uses: actions/checkout@v4\n"
		"      - uses: actions/setup-node@v4\n"
		"        with:\n"
		"        node-version: ${{ matrix.node }}\n"
		"      - uses: actions/cache@v4\n"
		"        with:\n"
		"          path: node_modules\n"
		"          key: deps-${{ hashFiles('package.json') }}\n"
		"      - run: npm ci\n"
		"      - run: npm test\n",
	.error =
		"Invalid workflow file: .github/workflows/ci.yml#L13\n"
		"The workflow is not valid. .github/workflows/ci.yml (Line: 13, Col: 9): Unexpected value 'node-version'\n",
	.explains = {
		"`node-version` is at the same indentation as `with:`, so YAML reads it as another key of the step instead of an input. Indent it under `with`. About the cache: `npm ci` deletes `node_modules` before installing, so caching that directory never helps, and keying on `package.json` instead of the lockfile misses dependency updates. `setup-node` can cache npm's download cache for you.",
		"In YAML, indentation is structure. With `node-version` aligned with `with`, the step gets an unknown key and `with` becomes empty.",
	},
	.fix =
		"name: ci\n"
		"on: [push, pull_request]\n"
		"jobs:\n"
		"  test:\n"
		"    runs-on: ubuntu-latest\n"
		"    strategy:\n"
		"      fail-fast: false\n"
		"      matrix:\n"
		"        node: [18, 20, 22]\n"
		"    steps:\n"
		"      - uses: actions/checkout@v4\n"
		"      - uses: actions/setup-node@v4\n"
		"        with:\n"
		"          node-version: ${{ matrix.node }}\n"
		"          cache: npm\n"
		"      - run: npm ci\n"
		"      - run: npm test\n",
	.notes = {
		"`fail-fast: false` lets the other Node versions finish when one fails, which makes failures easier to read.",
		"`actionlint` validates workflow files locally before you push.",
	},
	.shorts = {
		"Indent `node-version` under `with:`.",
	},
},
{
	.id = "k8s-crashloop-probes", .lang = "yaml", .fw = "kubernetes",
	.asks = {
		"Our $[svc] pod on Kubernetes goes into CrashLoopBackOff right after deploy. The app takes about $[n]0 seconds to warm up and the events say it's being killed while starting.",
		"Liveness probe keeps killing a slow-starting Java service before it's ready. What's the right probe setup?",
	},
	.code =
		"containers:\n"
		"  - name: $[svc]\n"
		"    image: registry.internal/$[svc]:$[ver]\n"
		"    ports:\n"
		"      - containerPort: $[port]\n"
		"    livenessProbe:\n"
		"      httpGet:\n"
		"        path: /healthz\n"
		"        port: $[port]\n"
		"      initialDelaySeconds: 5\n"
		"      periodSeconds: 5\n"
		"      failureThreshold: 3\n",
	.error =
		"Warning  Unhealthy  12s (x3 over 22s)  kubelet  Liveness probe failed: Get \"http://10.42.1.17:$[port]/healthz\": dial tcp 10.42.1.17:$[port]: connect: connection refused\n"
		"Normal   Killing    12s                kubelet  Container $[svc] failed liveness probe, will be restarted\n"
		"Warning  BackOff    2s (x4 over 1m)    kubelet  Back-off restarting failed container $[svc] in pod $[svc]-7d9f8c6b5-x2kqp\n",
	.explains = {
		"The liveness probe starts after 5 s and kills the container after three failures, so about 20 s in, before your app has finished starting. Don't stretch the liveness delay; add a `startupProbe`, which holds the liveness probe off until the app has answered once, and a readiness probe so traffic only arrives when it's ready.",
		"Liveness answers 'is it stuck?', readiness 'can it take traffic?', startup 'has it finished booting?'. You only have the first, tuned for an app that starts in seconds.",
	},
	.fix =
		"containers:\n"
		"  - name: $[svc]\n"
		"    image: registry.internal/$[svc]:$[ver]\n"
		"    ports:\n"
		"      - containerPort: $[port]\n"
		"    startupProbe:\n"
		"      httpGet:\n"
		"        path: /healthz\n"
		"        port: $[port]\n"
		"      periodSeconds: 5\n"
		"      failureThreshold: 24   # up to 2 minutes to start\n"
		"    readinessProbe:\n"
		"      httpGet:\n"
		"        path: /ready\n"
		"        port: $[port]\n"
		"      periodSeconds: 10\n"
		"    livenessProbe:\n"
		"      httpGet:\n"
		"        path: /healthz\n"
		"        port: $[port]\n"
		"      periodSeconds: 10\n"
		"      failureThreshold: 3\n",
	.notes = {
		"Keep the liveness check cheap and independent of the database; otherwise a DB outage restarts every pod.",
		"`kubectl describe pod` shows the probe events; `kubectl logs --previous` shows the log of the killed container.",
	},
	.shorts = {
		"Add a `startupProbe` with a higher threshold.",
	},
},
{
	.id = "docker-layer-caching", .lang = "dockerfile", .fw = "docker",
	.asks = {
		"Every `docker build` of our Python $[svc] service reinstalls all dependencies, even when I change a single line of code. The build takes $[n] minutes in CI.",
		"How do I stop Docker from re-running `pip install` on every build? Only our source code changes, not requirements.txt.",
	},
	.code =
		"FROM python:3.12-slim\n"
		"WORKDIR /app\n"
		"COPY . .\n"
		"RUN pip install -r requirements.txt\n"
		"CMD [\"uvicorn\", \"$[dir].main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"$[port]\"]\n",
	.error = NULL,
	.explains = {
		"Docker caches layers in order and invalidates everything after the first changed layer. `COPY . .` copies your source code, so any code change invalidates it and the `pip install` after it. Copy only the requirements file first, install, then copy the rest. In CI you also need to give BuildKit a cache to reuse, because runners start empty.",
		"Layer order matters: put what changes rarely (dependencies) before what changes often (code).",
	},
	.fix =
		"# syntax=docker/dockerfile:1\n"
		"FROM python:3.12-slim\n"
		"WORKDIR /app\n"
		"\n"
		"COPY requirements.txt .\n"
		"RUN --mount=type=cache,target=/root/.cache/pip \\\n"
		"    pip install -r requirements.txt\n"
		"\n"
		"COPY . .\n"
		"USER nobody\n"
		"CMD [\"uvicorn\", \"$[dir].main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"$[port]\"]\n",
	.notes = {
		"Add a `.dockerignore` with `.git`, `__pycache__` and `.venv`, so they don't invalidate the cache either.",
		"In GitHub Actions, `docker/build-push-action` with `cache-from: type=gha` and `cache-to: type=gha,mode=max` keeps layers between runs.",
		"Pin the base image by digest if you need reproducible builds.",
	},
	.shorts = {
		"Copy requirements.txt before the code.",
	},
},
};

/* ------------------------------------------------------------------ */
/* fragments shared by all topics                                      */

static const char *const system_prompts[] = {
	"You are Cerberus Coder, an AI assistant for software developers. Give correct, concise answers with working code. Use Markdown and fenced code blocks.",
	"You are a senior $[Lang] engineer helping a colleague. Explain the root cause before giving the fix, and keep the fix minimal.",
	"You are a coding assistant inside the user's IDE. The workspace is a $[Lang] project ($[env]). Prefer small, reviewable changes.",
	"You are an expert software engineer. Answer in Markdown. When you show code, make it complete enough to run.",
	"You help developers debug production issues. Be direct, mention trade-offs, and never invent APIs.",
};

static const char *const openers[] = {
	"", "", "", "", "Hi! ", "Hey! ", "Quick question: ", "Hello. ",
	"Stuck on this since this morning. ", "Can you help me debug this? ",
	"Need a second pair of eyes. ", "Hi there. ", "Urgent-ish: ",
};

static const char *const contexts[] = {
	"I'm on $[env].",
	"This is $[env], in case it matters.",
	"It works locally but fails in CI.",
	"It started after a dependency upgrade last week.",
	"We deploy this with Docker on Kubernetes.",
	"I'm fairly new to $[Lang], so sorry if this is obvious.",
	"The code lives in `$[dir]/` of our $[svc] service.",
	"It only happens for some $[es], maybe one in $[n]0.",
	"Nothing changed on our side as far as I know.",
	"Our staging environment shows the same thing.",
};

static const char *const code_intros[] = {
	"Here's the code:", "Relevant part:", "This is what I have:",
	"Simplified version:", "Code:", "Minimal example:",
};

static const char *const error_intros[] = {
	"And the error:", "This is what I get:", "Output:", "The log says:",
	"Full error:", "Here's the error:",
};

static const char *const closers[] = {
	"", "", "", "Any idea what's wrong?", "What am I missing?",
	"How do I fix this properly?", "Thanks!", "Thanks in advance 🙏",
	"What's the idiomatic way to handle this?", "Is this a bug in the library?",
};

static const char *const answer_intros[] = {
	"", "", "", "", "Good catch. ", "This one trips up a lot of people. ",
	"Short version: it's not a bug in the library. ", "Good question. ",
};

static const char *const fix_intros[] = {
	"Here's a corrected version:", "Fixed version:", "Try this:",
	"Something like this should work:", "Here's how I'd write it:",
	"The fix:",
};

static const char *const notes_intros[] = {
	"A few more things:", "Some notes:", "Also worth knowing:", "Notes:",
	"While you're at it:",
};

static const char *const outros[] = {
	"", "", "", "Let me know if the error persists after that.",
	"If it still fails, paste the full output and I'll take another look.",
	"Hope that helps!", "That should do it.",
	"Happy to go through the tests for this too if you want.",
};

/* A follow-up turn that asks for a test or a check, per language. */
struct followup {
	const char *lang;
	const char *tag;
	const char *intro;
	const char *code;
	const char *after;
};

static const char *const followup_asks[] = {
	"Thanks, that fixed it! How would I write a test that catches this regression?",
	"That works. Could you show me a test for it?",
	"Makes sense, thanks. What's a good way to check this in CI so it doesn't come back?",
	"Perfect. Can you add a quick test?",
};

static const struct followup followups[] = {
	{ "python", "python", "Sure. With pytest:",
	  "import pytest\n"
	  "\n"
	  "def test_$[v]_$[es]_handles_empty_input():\n"
	  "    assert $[v]_$[es]([]) == []\n"
	  "\n"
	  "@pytest.mark.parametrize(\"count\", [1, $[n], 100])\n"
	  "def test_$[v]_$[es]_keeps_order(count):\n"
	  "    items = [make_$[e](i) for i in range(count)]\n"
	  "    assert [x.id for x in $[v]_$[es](items)] == list(range(count))\n",
	  "Run it with `pytest -q tests/test_$[es].py`; add `-x` to stop at the first failure." },
	{ "javascript", "js", "Here's a Vitest version (Jest is almost identical):",
	  "import { describe, it, expect, vi } from \"vitest\";\n"
	  "import { $[v]$[Es] } from \"../src/$[e].js\";\n"
	  "\n"
	  "describe(\"$[v]$[Es]\", () => {\n"
	  "  it(\"returns an empty list for no input\", async () => {\n"
	  "    expect(await $[v]$[Es]([])).toEqual([]);\n"
	  "  });\n"
	  "\n"
	  "  it(\"calls the API once per batch\", async () => {\n"
	  "    const api = { post: vi.fn().mockResolvedValue({ ok: true }) };\n"
	  "    await $[v]$[Es](Array.from({ length: $[n] }, (_, i) => ({ id: i })), api);\n"
	  "    expect(api.post).toHaveBeenCalledTimes(1);\n"
	  "  });\n"
	  "});\n",
	  "`npx vitest run` runs it once; plain `npx vitest` watches." },
	{ "typescript", "ts", "With Vitest:",
	  "import { describe, expect, it } from \"vitest\";\n"
	  "import { $[v]$[Es] } from \"./$[e]\";\n"
	  "\n"
	  "describe(\"$[v]$[Es]\", () => {\n"
	  "  it(\"handles an empty list\", () => {\n"
	  "    expect($[v]$[Es]([])).toEqual([]);\n"
	  "  });\n"
	  "\n"
	  "  it(\"keeps the order of equal $[fc] values\", () => {\n"
	  "    const input = [{ id: 1, $[fc]: \"a\" }, { id: 2, $[fc]: \"a\" }];\n"
	  "    expect($[v]$[Es](input).map((x) => x.id)).toEqual([1, 2]);\n"
	  "  });\n"
	  "});\n",
	  "Also run `tsc --noEmit` in CI; type errors are half of these regressions." },
	{ "go", "go", "A table-driven test:",
	  "func Test$[V]$[Es](t *testing.T) {\n"
	  "\ttests := []struct {\n"
	  "\t\tname string\n"
	  "\t\tin   []$[E]\n"
	  "\t\twant int\n"
	  "\t}{\n"
	  "\t\t{\"empty\", nil, 0},\n"
	  "\t\t{\"single\", []$[E]{{ID: \"a\"}}, 1},\n"
	  "\t\t{\"duplicates\", []$[E]{{ID: \"a\"}, {ID: \"a\"}}, 1},\n"
	  "\t}\n"
	  "\tfor _, tt := range tests {\n"
	  "\t\tt.Run(tt.name, func(t *testing.T) {\n"
	  "\t\t\tif got := len($[V]$[Es](tt.in)); got != tt.want {\n"
	  "\t\t\t\tt.Errorf(\"$[V]$[Es]() returned %d items, want %d\", got, tt.want)\n"
	  "\t\t\t}\n"
	  "\t\t})\n"
	  "\t}\n"
	  "}\n",
	  "Run it with `go test -race ./...`; the race detector is worth the extra time." },
	{ "rust", "rust", "Unit tests live next to the code:",
	  "#[cfg(test)]\n"
	  "mod tests {\n"
	  "    use super::*;\n"
	  "\n"
	  "    #[test]\n"
	  "    fn empty_input_gives_empty_output() {\n"
	  "        assert!($[v]_$[es](&[]).is_empty());\n"
	  "    }\n"
	  "\n"
	  "    #[test]\n"
	  "    fn keeps_every_$[e]() {\n"
	  "        let input: Vec<$[E]> = (0..$[n]).map($[E]::with_id).collect();\n"
	  "        assert_eq!($[v]_$[es](&input).len(), $[n]);\n"
	  "    }\n"
	  "}\n",
	  "`cargo test` runs them; `cargo clippy -- -D warnings` in CI catches a lot more." },
	{ "java", "java", "With JUnit 5 and Mockito:",
	  "class $[E]ServiceTest {\n"
	  "    private final $[E]Repository repository = mock($[E]Repository.class);\n"
	  "    private final $[E]Service service = new $[E]Service(repository);\n"
	  "\n"
	  "    @Test\n"
	  "    void returnsEmptyListWhenNothingMatches() {\n"
	  "        when(repository.findAll()).thenReturn(List.of());\n"
	  "        assertThat(service.$[v]All()).isEmpty();\n"
	  "    }\n"
	  "\n"
	  "    @Test\n"
	  "    void savesEach$[E]Once() {\n"
	  "        when(repository.findAll()).thenReturn(List.of(new $[E](1L), new $[E](2L)));\n"
	  "        service.$[v]All();\n"
	  "        verify(repository, times(2)).save(any($[E].class));\n"
	  "    }\n"
	  "}\n",
	  "`./mvnw test` (or `./gradlew test`) runs it." },
	{ "c", "c", "A plain test program with `assert` is enough to start:",
	  "#include <assert.h>\n"
	  "#include <string.h>\n"
	  "#include \"$[e].h\"\n"
	  "\n"
	  "static void test_label_fits(void)\n"
	  "{\n"
	  "\tstruct $[e] x = { .id = $[n], .name = \"abc\" };\n"
	  "\tchar out[32];\n"
	  "\n"
	  "\tassert($[e]_label(&x, out, sizeof out) < (int)sizeof out);\n"
	  "\tassert(strcmp(out, \"abc #$[n]\") == 0);\n"
	  "}\n"
	  "\n"
	  "int main(void)\n"
	  "{\n"
	  "\ttest_label_fits();\n"
	  "\treturn 0;\n"
	  "}\n",
	  "Build it with `-fsanitize=address,undefined -g` so memory errors fail the test too." },
	{ "cpp", "cpp", "With GoogleTest:",
	  "#include <gtest/gtest.h>\n"
	  "#include \"$[e].h\"\n"
	  "\n"
	  "TEST($[E]Test, EmptyInputStaysEmpty) {\n"
	  "    std::vector<$[E]> items;\n"
	  "    process_$[es](items);\n"
	  "    EXPECT_TRUE(items.empty());\n"
	  "}\n"
	  "\n"
	  "TEST($[E]Test, SplitsLargeItems) {\n"
	  "    std::vector<$[E]> items{$[E]{$[n]00}, $[E]{1}};\n"
	  "    process_$[es](items);\n"
	  "    EXPECT_EQ(items.size(), 3u);\n"
	  "}\n",
	  "Run the test binary under ASan in CI; that's what turns 'sometimes crashes' into a reliable failure." },
	{ "csharp", "csharp", "An xUnit test against an in-memory SQLite database:",
	  "public class $[E]ServiceTests\n"
	  "{\n"
	  "    [Fact]\n"
	  "    public async Task Returns_empty_result_for_unknown_account()\n"
	  "    {\n"
	  "        await using var db = TestDb.Create();\n"
	  "        var service = new DashboardService(db);\n"
	  "\n"
	  "        var result = await service.GetDashboard(accountId: 999, CancellationToken.None);\n"
	  "\n"
	  "        Assert.Empty(result.Items);\n"
	  "        Assert.Equal(0, result.Count);\n"
	  "    }\n"
	  "}\n",
	  "`dotnet test` runs it; `TestDb.Create()` is a small helper that opens `Data Source=:memory:` and runs `EnsureCreated()`." },
	{ "php", "php", "A Laravel feature test:",
	  "public function test_it_creates_a_$[e](): void\n"
	  "{\n"
	  "    $response = $this->postJson('/api/$[es]', [\n"
	  "        '$[f]' => 'test',\n"
	  "        'quantity' => $[n],\n"
	  "    ]);\n"
	  "\n"
	  "    $response->assertCreated();\n"
	  "    $this->assertDatabaseHas('$[es]', ['$[f]' => 'test']);\n"
	  "}\n",
	  "`php artisan test --filter=$[E]` runs just this one." },
	{ "ruby", "ruby", "A request spec with RSpec:",
	  "RSpec.describe \"$[Es]\", type: :request do\n"
	  "  it \"lists $[es] with a constant number of queries\" do\n"
	  "    create_list(:$[e], $[n])\n"
	  "    expect { get \"/$[es]\" }.to make_database_queries(count: 2..4)\n"
	  "    expect(response).to have_http_status(:ok)\n"
	  "  end\n"
	  "end\n",
	  "`make_database_queries` comes from the db-query-matchers gem." },
	{ "sql", "sql", "Check the plan with real numbers after deploying:",
	  "EXPLAIN (ANALYZE, BUFFERS)\n"
	  "SELECT id, $[f]\n"
	  "FROM $[es]\n"
	  "WHERE status = 'open'\n"
	  "ORDER BY created_at DESC\n"
	  "LIMIT 20;\n",
	  "In CI you can assert on the plan with `EXPLAIN (FORMAT JSON)` against a seeded database, but `pg_stat_statements` in production is usually the better alarm." },
	{ "bash", "bash", "Bats works well for shell scripts:",
	  "#!/usr/bin/env bats\n"
	  "\n"
	  "setup() {\n"
	  "  TMP=$(mktemp -d)\n"
	  "  touch \"$TMP/a file.csv\" \"$TMP/other.csv\"\n"
	  "}\n"
	  "\n"
	  "@test \"handles names with spaces\" {\n"
	  "  run ./compress.sh \"$TMP\"\n"
	  "  [ \"$status\" -eq 0 ]\n"
	  "  [ -f \"$TMP/a file.csv.gz\" ]\n"
	  "}\n",
	  "Also run `shellcheck` on every script in CI; it catches most quoting bugs before they ship." },
	{ "yaml", "bash", "Lint the files before they reach the cluster or GitHub:",
	  "yamllint .github/workflows/ deploy/\n"
	  "actionlint\n"
	  "kubeconform -strict -summary deploy/*.yaml\n",
	  "All three run in a few seconds, so they fit in a pre-commit hook." },
	{ "dockerfile", "bash", "Lint the Dockerfile and check which steps hit the cache:",
	  "hadolint Dockerfile\n"
	  "docker build --progress=plain -t $[svc]:test . 2>&1 | grep -E 'CACHED|RUN'\n",
	  "If the `pip install` step doesn't show `CACHED` after a code-only change, something copied before it changed." },
};

/* Follow-ups answered in prose, usable for any topic. */
static const char *const prose_asks[] = {
	"Why did the original version work on my machine, though?",
	"Would this change have any performance impact?",
	"Should we add anything to our code review checklist so this doesn't happen again?",
	"Is there a way to find other places in the codebase with the same problem?",
};

static const char *const prose_answers[] = {
	"Probably timing or environment. Locally you have one user, warm caches and a different configuration, so the failing path is rarely hit; in CI and production the load, the data and the settings are different. Bugs like this depend on conditions, not only on the code path, which is why the fix addresses the cause rather than the symptom.\n\nA good habit: reproduce with the production configuration (same versions, same environment variables) before debugging further.",
	"Not in a way you'd notice. The fix does the same work, just in the right order and in the right place. If you want to be sure, measure before and after on realistic data (a few thousand $[es]) rather than guessing; a profiler will tell you where the time really goes.",
	"A few items that would have caught this one:\n\n- Does new code follow the pattern the framework documents for this case?\n- Is there a test that exercises the failure path, not just the happy path?\n- Are warnings from the linter and the compiler treated as errors in CI?\n\nKeep the checklist short; long checklists get skipped.",
	"Yes: search for the pattern rather than the symptom. A quick `grep -rn` over the repository for the construct you just fixed usually finds a handful of candidates, and most linters have a rule for it that you can enable in CI so new occurrences fail the build.",
};

/* Looks like PII, must not be detected (see REFERENCE: classic false
 * positives). $[ver4] $[date] $[sha] $[uuid] $[priv] are drawn per use. */
static const char *const hard_negatives[] = {
	"The server listens on 127.0.0.1:$[port] and the database container is at 192.168.1.10 (I also tried 10.0.0.5).",
	"We're pinned to version $[ver4] of the client library since $[date].",
	"Last known good commit is $[sha].",
	"The request id in the logs is $[uuid].",
	"Locally I use the placeholder credentials from the docs (`AKIAIOSFODNN7EXAMPLE`, `user@example.com`) and that part works.",
	"Build $[ver4] from $[date] was still fine; the next one broke.",
	"The worker connects to $[priv] inside the VPC, so it's not a network problem.",
	"Trace id $[uuid], deployed from $[sha] on $[date].",
};

/* PII placements: $[X] is the planted value. */
static const char *const pii_email[] = {
	"If it helps, the failing job runs as `$[X]` in our CI.",
	"I set `git config user.email \"$[X]\"` on this machine, in case that matters for the pre-commit hook.",
	"Log line right before the failure:\n\n```\nINFO sending digest to $[X] (attempt 2/3)\n```",
	"Feel free to reply to $[X] if you need access to the repo.",
	"The first record of our fixture is `{\"name\": \"$[person]\", \"email\": \"$[X]\"}`, the rest are generated.",
};

static const char *const pii_phone[] = {
	"The SMS step uses Twilio, `client.messages.create(to=\"$[X]\", from_=TWILIO_NUMBER, body=msg)`, and that part works.",
	"You can reach me at $[X] if it's easier to walk through it.",
	"The failing record is a customer with phone $[X]; the other rows import fine.",
	"Log:\n\n```\nWARN sms delivery to $[X] delayed, retrying in 30s\n```",
};

static const char *const pii_ip[] = {
	"nginx access log at the moment it fails:\n\n```\n$[X] - - [$[ngdate]] \"POST /api/$[es] HTTP/1.1\" 502 157 \"-\" \"python-httpx/0.27.0\"\n```",
	"The production box is $[X] (Ubuntu 24.04); staging works fine.",
	"`curl -v http://$[X]:$[port]/health` from my laptop times out, but it works from inside the VPC.",
	"Our firewall logs show the requests coming from $[X].",
	"The app sees `X-Forwarded-For: $[X]` on those requests.",
};

static const char *const pii_card[] = {
	"The failing payload in our test looked like `{\"card_number\": \"$[X]\", \"exp\": \"$[exp]\"}`; I copied it from the support ticket.",
	"The customer says the charge on card $[X] went through twice.",
	"Log line:\n\n```\nERROR payment declined card=$[X] amount=$[amount] EUR\n```",
	"I'm testing checkout with $[X], expiry $[exp].",
};

/* Secrets: one entry per key shape. */
struct key_kind {
	const char *prefix;
	const char *alphabet;
	unsigned len;          /* random characters after the prefix */
	const char *env;       /* environment variable it usually lives in */
	const char *curl_url;  /* NULL: not called with a bearer token */
	const char *client;    /* code that passes it, NULL when none */
};

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

static const struct key_kind key_kinds[] = {
	{ "AKIA", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, "AWS_ACCESS_KEY_ID", NULL,
	  "s3 = boto3.client(\"s3\", aws_access_key_id=\"$[X]\", aws_secret_access_key=os.environ[\"AWS_SECRET_ACCESS_KEY\"])" },
	{ "ghp_", ALNUM, 36, "GITHUB_TOKEN", "https://api.github.com/user/repos", NULL },
	{ "sk_live_", ALNUM, 24, "STRIPE_SECRET_KEY", "https://api.stripe.com/v1/charges",
	  "const stripe = new Stripe(\"$[X]\", { apiVersion: \"2024-06-20\" });" },
	{ "sk-proj-", ALNUM, 40, "OPENAI_API_KEY", "https://api.openai.com/v1/models",
	  "client = OpenAI(api_key=\"$[X]\")" },
	{ "xoxb-", NULL, 0, "SLACK_BOT_TOKEN", "https://slack.com/api/auth.test",
	  "app = App(token=\"$[X]\", signing_secret=os.environ[\"SLACK_SIGNING_SECRET\"])" },
	{ "AIza", ALNUM "_-", 35, "GOOGLE_MAPS_API_KEY", NULL,
	  "const loader = new Loader({ apiKey: \"$[X]\", version: \"weekly\" });" },
	{ "hf_", ALNUM, 34, "HF_TOKEN", "https://huggingface.co/api/whoami-v2",
	  "login(token=\"$[X]\")" },
};

static const char *const pii_key[] = {
	"My `.env`:\n\n```\n$[keyenv]=$[X]\nDEBUG=true\nPORT=$[port]\n```",
	"Same result with curl: `curl -s -H \"Authorization: Bearer $[X]\" $[keyurl]`",
	"config.yaml:\n\n```yaml\n$[keyyaml]: $[X]\nregion: eu-west-1\ntimeout_seconds: 30\n```",
	"In the code: `$[keycode]`",
	"The deploy log printed this before failing:\n\n```\nexport $[keyenv]=$[X]\nError: process exited with code 1\n```",
};

static const char *const first_names[] = {
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
	"ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil",
	"trent", "victor", "wendy", "yusuf", "zoe", "mateo", "priya", "chen",
	"fatima", "lars", "ines", "kenji", "amara", "noah", "sofia", "omar",
};

static const char *const last_names[] = {
	"smith", "garcia", "muller", "rossi", "nguyen", "kowalski", "silva",
	"tanaka", "okafor", "johansson", "dubois", "novak", "haddad", "fischer",
	"patel", "kim", "lopez", "brown", "wilson", "moreau", "schulz", "costa",
	"ivanova", "larsen", "murphy", "sato", "bianchi", "horvat", "weber",
	"santos", "kaur", "andersen",
};

static const char *const person_names[] = {
	"José Álvarez", "Zoë Müller", "Priya Raman", "Łukasz Nowak", "Chen Wei",
	"Amara Okafor", "Søren Nielsen", "Fatima Haddad", "Grace Kim", "Mateo Rossi",
};

static const char *const email_domains[] = {
	"acme-corp.com", "northwind.io", "globex.net", "initech.dev",
	"umbrella-labs.com", "hooli.xyz", "tailspin.co.uk", "fabrikam.de",
	"gmail.com", "outlook.com", "proton.me", "yahoo.fr",
};

static const char *const clients[] = { "vscode", "jetbrains", "neovim", "web", "cli" };

static const char *const models[] = {
	"cerberus-coder-7b", "cerberus-coder-7b", "cerberus-coder-7b",
	"cerberus-coder-13b", "cerberus-coder-13b", "cerberus-coder-7b-ft-2026-10",
};

static const char *const comments_high[] = {
	"Exactly what I needed, thanks.", "Worked on the first try.",
	"Clear explanation of the root cause.", "The code snippet fixed it.",
	"Helpful, though I had to adapt the imports.", "Saved me hours!",
	"Perfect.", "Good answer, the notes were useful too.", "👍",
	"Nice, didn't know about that option.",
};

static const char *const comments_mid[] = {
	"Partially helpful; the fix worked but the explanation was vague.",
	"OK but too long.", "Right idea, but the code didn't compile as-is.",
	"Had to look up the rest in the docs.", "Fine, nothing I didn't know.",
};

static const char *const comments_low[] = {
	"Wrong, this doesn't fix the error.", "Didn't answer my question.",
	"Outdated API, that method doesn't exist anymore.",
	"Made up a config option that doesn't exist.", "Too generic.",
	"The code has a bug.",
};

static const char *const comments_incomplete[] = {
	"The answer got cut off.", "No answer at all.", "Stopped in the middle of the code.",
	"Got an error instead of an answer.",
};

/* ------------------------------------------------------------------ */
/* numbers and time                                                    */

/* Write v in decimal ending just before end; return the first digit. */
static char *fmt_u64(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static void put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

/* Conversations per hour of the day (UTC): Europe's afternoon overlaps
 * America's morning. */
static const unsigned hour_weight[24] = {
	2, 1, 1, 1, 1, 2, 3, 5, 8, 10, 11, 11, 10, 11, 12, 12, 11, 10, 8, 6, 5, 4, 3, 2,
};

/* Move t within its UTC day so that times follow hour_weight. The map is
 * monotone, so a sorted input stays sorted. */
static int64_t warp_day(int64_t t)
{
	int64_t day = time_day(t);
	double x = (double)(t - day * 86400) / 86400.0, acc = 0, total = 0, y;
	unsigned h;

	for (h = 0; h < 24; h++)
		total += hour_weight[h];
	for (h = 0; h < 23; h++) {
		double w = hour_weight[h] / total;

		if (x < acc + w)
			break;
		acc += w;
	}
	y = (h + (x - acc) / (hour_weight[h] / total)) / 24.0;
	if (y > 0.99999)
		y = 0.99999;
	return day * 86400 + (int64_t)(y * 86400.0);
}

/* Growth over the window: the last day is about this much busier than
 * the first. */
#define GROWTH 3.0

static int64_t line_time(const struct synth_opts *o, uint64_t index, struct rng *r)
{
	int64_t start = o->now - (int64_t)o->days * 86400, t;
	double u = rng_unit(r), g = log(GROWTH), x;

	if (o->total > index)
		u = ((double)index + u) / (double)o->total;
	x = log1p(u * (GROWTH - 1.0)) / g;
	t = warp_day(start + (int64_t)(x * (double)o->days * 86400.0));
	if (t < start)
		t = start;
	if (t > o->now)
		t = o->now;
	return t;
}

/* ------------------------------------------------------------------ */
/* writing: JSON-escaped text straight into the buffer                 */

#ifndef SYNTH_SSE2
/* Nonzero when one of the 8 bytes of v is < 0x20, '"', '\\' or '$' (the
 * last one starts template slots). The lowest flagged byte is exact;
 * bytes above it may be false alarms. */
static inline uint64_t needs_escape8(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\'), s = v ^ (ones * '$');

	return ((v - ones * 0x20) & ~v & high) | ((q - ones) & ~q & high) |
	       ((b - ones) & ~b & high) | ((s - ones) & ~s & high);
}
#endif

/* For each byte: 0 when it is copied as is, else the letter after the
 * backslash ('u' for \u00XX). '$' is marked 1: copied, but it may start
 * a template slot. */
static const unsigned char esc_letter[256] = {
	['\0'] = 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	['"'] = '"', ['\\'] = '\\', ['$'] = 1,
};

/*
 * Append s[0..n) to b as the inside of a JSON string. Writes straight into
 * the buffer's spare room, 16 (SSE2) or 8 clean bytes at a time. With
 * stop, it returns at the first "$[" (a template slot); *used is how many
 * bytes of s it consumed (n when it reached the end).
 */
static int escape_run(struct buf *b, const char *s, size_t n, bool stop, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;
	char *d, *dend;
	int rc;

	*used = 0;
	if ((rc = buf_grow(b, n + 32)))
		return rc;
	d = b->data + b->len;
	dend = b->data + b->cap - 1;  /* keep room for the NUL */
	while (i < n) {
		unsigned char c, e;

		if ((size_t)(dend - d) < 16) {
			b->len = (size_t)(d - b->data);
			if ((rc = buf_grow(b, n - i + 32))) {
				b->data[b->len] = '\0';
				return rc;
			}
			d = b->data + b->len;
			dend = b->data + b->cap - 1;
		}
#ifdef SYNTH_SSE2
		if (i + 16 <= n) {
			const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			const __m128i ctl = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)),
							   _mm_set1_epi8(0x1f));
			const __m128i sp = _mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
				_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('$')), ctl));
			unsigned mask = (unsigned)_mm_movemask_epi8(sp);

			_mm_storeu_si128((__m128i *)(void *)d, v);
			if (!mask) {
				d += 16;
				i += 16;
				continue;
			}
			d += __builtin_ctz(mask);
			i += __builtin_ctz(mask);
		}
#else
		if (i + 8 <= n) {
			uint64_t v, m;

			memcpy(&v, s + i, 8);
			m = needs_escape8(v);
			memcpy(d, &v, 8);
			if (!m) {
				d += 8;
				i += 8;
				continue;
			}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* the lowest flagged byte is always a real match */
			d += __builtin_ctzll(m) >> 3;
			i += __builtin_ctzll(m) >> 3;
#endif
		}
#endif
		c = (unsigned char)s[i];
		e = esc_letter[c];
		if (e <= 1) {
			if (e && stop && i + 1 < n && s[i + 1] == '[')
				break;
			*d++ = (char)c;
			i++;
			continue;
		}
		i++;
		d[0] = '\\';
		d[1] = (char)e;
		if (e != 'u') {
			d += 2;
			continue;
		}
		d[2] = '0';
		d[3] = '0';
		d[4] = hex[c >> 4];
		d[5] = hex[c & 15];
		d += 6;
	}
	b->len = (size_t)(d - b->data);
	b->data[b->len] = '\0';
	*used = i;
	return BUF_OK;
}

static int json_escape(struct buf *b, const char *s, size_t n)
{
	size_t used;

	return escape_run(b, s, n, false, &used);
}

enum slot {
	S_e, S_es, S_E, S_Es, S_f, S_fc, S_F, S_v, S_V, S_n, S_N, S_k, S_port,
	S_line, S_line2, S_dir, S_svc, S_Svc, S_org, S_Org, S_ms, S_q, S_pid,
	S_mig, S_mig2, S_ver, S_env, S_Lang, S_X, S_person, S_ngdate, S_exp,
	S_amount, S_keyenv, S_keyurl, S_keyyaml, S_keycode, S_ver4, S_date,
	S_sha, S_uuid, S_priv, S_ae,
	NSLOTS
};

struct slotval {
	const char *p;
	size_t n;
};

/* One conversation being written. */
struct gen {
	struct buf *out;
	int rc;                 /* first error; later writes are skipped */
	bool raw;               /* write text without escaping (scratch) */
	struct rng *r;
	const struct topic *t;
	const struct lang_info *li;
	struct synth_props *props;
	int tag_style;          /* 0 canonical, 1 alias, 2 untagged */
	struct slotval sv[NSLOTS];
	char pool[2048];        /* backing store for formatted slot values */
	size_t pool_used;
};

static inline void put_raw(struct gen *g, const char *s, size_t n)
{
	struct buf *b = g->out;

	if (g->rc || !n)
		return;
	if (b->len + n < b->cap) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	g->rc = buf_append(b, s, n);
}

static void puts_raw(struct gen *g, const char *s)
{
	put_raw(g, s, strlen(s));
}

/* Text: escaped for JSON unless the generator writes raw. */
static inline void put_text(struct gen *g, const char *s, size_t n)
{
	struct buf *b = g->out;

	if (g->rc || !n)
		return;
	if (g->raw) {
		put_raw(g, s, n);
		return;
	}
	/* short pieces (slot values, separators): inline, when every byte
	 * fits even escaped */
	if (n <= 16 && b->len + 6 * n < b->cap) {
		char *d = b->data + b->len;

		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i], e = esc_letter[c];

			if (e <= 1) {
				*d++ = (char)c;
			} else if (e != 'u') {
				*d++ = '\\';
				*d++ = (char)e;
			} else {
				b->len = (size_t)(d - b->data);
				g->rc = json_escape(b, s + i, n - i);
				return;
			}
		}
		b->len = (size_t)(d - b->data);
		b->data[b->len] = '\0';
		return;
	}
	g->rc = json_escape(b, s, n);
}

static void put_u64(struct gen *g, uint64_t v)
{
	char tmp[24], *p = fmt_u64(tmp + sizeof tmp, v);

	put_raw(g, p, (size_t)(tmp + sizeof tmp - p));
}

/* Set a slot to a copy of s[0..n) kept in the pool. */
static void slot_copy(struct gen *g, enum slot id, const char *s, size_t n)
{
	char *p;

	if (g->pool_used + n > sizeof g->pool)
		n = 0;  /* cannot happen with the tables above */
	p = g->pool + g->pool_used;
	memcpy(p, s, n);
	g->pool_used += n;
	g->sv[id].p = p;
	g->sv[id].n = n;
}

static void slot_set(struct gen *g, enum slot id, const char *s)
{
	g->sv[id].p = s;
	g->sv[id].n = strlen(s);
}

static void slot_num(struct gen *g, enum slot id, uint64_t v)
{
	char tmp[24], *p = fmt_u64(tmp + sizeof tmp, v);

	slot_copy(g, id, p, (size_t)(tmp + sizeof tmp - p));
}

/* "due_date" -> "dueDate" (pascal: "DueDate"). */
static void slot_camel(struct gen *g, enum slot id, const char *s, bool pascal)
{
	char tmp[64];
	size_t n = 0;
	bool up = pascal;

	for (; *s && n < sizeof tmp; s++) {
		if (*s == '_') {
			up = true;
			continue;
		}
		tmp[n++] = up && *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;
		up = false;
	}
	slot_copy(g, id, tmp, n);
}

static void slot_capital(struct gen *g, enum slot id, const char *s)
{
	char tmp[64];
	size_t n = strlen(s);

	if (n > sizeof tmp)
		n = sizeof tmp;
	memcpy(tmp, s, n);
	if (n && tmp[0] >= 'a' && tmp[0] <= 'z')
		tmp[0] = (char)(tmp[0] - 32);
	slot_copy(g, id, tmp, n);
}

/* The template name of each slot ("{{port}}" is S_port). */
static const char *const slot_names[NSLOTS] = {
	[S_e] = "e",
	[S_es] = "es",
	[S_E] = "E",
	[S_Es] = "Es",
	[S_f] = "f",
	[S_fc] = "fc",
	[S_F] = "F",
	[S_v] = "v",
	[S_V] = "V",
	[S_n] = "n",
	[S_N] = "N",
	[S_k] = "k",
	[S_port] = "port",
	[S_line] = "line",
	[S_line2] = "line2",
	[S_dir] = "dir",
	[S_svc] = "svc",
	[S_Svc] = "Svc",
	[S_org] = "org",
	[S_Org] = "Org",
	[S_ms] = "ms",
	[S_q] = "q",
	[S_pid] = "pid",
	[S_mig] = "mig",
	[S_mig2] = "mig2",
	[S_ver] = "ver",
	[S_env] = "env",
	[S_Lang] = "Lang",
	[S_X] = "X",
	[S_person] = "person",
	[S_ngdate] = "ngdate",
	[S_exp] = "exp",
	[S_amount] = "amount",
	[S_keyenv] = "keyenv",
	[S_keyurl] = "keyurl",
	[S_keyyaml] = "keyyaml",
	[S_keycode] = "keycode",
	[S_ver4] = "ver4",
	[S_date] = "date",
	[S_sha] = "sha",
	[S_uuid] = "uuid",
	[S_priv] = "priv",
	[S_ae] = "ae",
};

static int slot_lookup(const char *s, size_t n)
{
	for (int i = 0; i < NSLOTS; i++)
		if (strlen(slot_names[i]) == n && !memcmp(slot_names[i], s, n))
			return i;
	return -1;
}

/* Expand a template: "$[name]" is a slot, every other byte is text. */
static void emit(struct gen *g, const char *tpl)
{
	const char *p = tpl;
	size_t n = strlen(tpl);

	while (n && !g->rc) {
		const char *end;
		size_t used;
		int id;

		if (g->raw) {
			const char *d = memchr(p, '$', n);

			used = d ? (size_t)(d - p) : n;
			put_raw(g, p, used);
		} else {
			g->rc = escape_run(g->out, p, n, true, &used);
		}
		p += used;
		n -= used;
		if (!n || g->rc)
			return;
		/* p is at a '$' */
		if (n < 3 || p[1] != '[' || !(end = memchr(p + 2, ']', n - 2)) ||
		    (id = slot_lookup(p + 2, (size_t)(end - p - 2))) < 0) {
			put_text(g, p, 1);
			p++;
			n--;
			continue;
		}
		put_text(g, g->sv[id].p, g->sv[id].n);
		n -= (size_t)(end + 1 - p);
		p = end + 1;
	}
}

static void text(struct gen *g, const char *s)
{
	put_text(g, s, strlen(s));
}

/* The tag on a fence: the topic's, an alias of it, or none. */
static const char *fence_tag(const struct gen *g, const char *tag)
{
	const struct lang_info *li;

	if (g->tag_style == 2)
		return "";
	if (g->tag_style == 1) {
		li = lang_find(tag);
		if (!strcmp(li->name, tag) && li->alias)
			return li->alias;
	}
	return tag;
}

static void fence(struct gen *g, const char *tag, const char *code)
{
	text(g, "```");
	text(g, fence_tag(g, tag));
	text(g, "\n");
	emit(g, code);
	text(g, "```");
}

/* ------------------------------------------------------------------ */
/* planted values                                                      */

/* Random characters from alphabet; letters are forced every few digits
 * so that hex ids never contain long digit runs (which could pass for
 * phone or card numbers). */
static void rand_chars(struct rng *r, char *out, unsigned n, const char *alphabet,
		       unsigned max_digit_run)
{
	size_t alen = strlen(alphabet);
	unsigned run = 0;

	for (unsigned i = 0; i < n; i++) {
		char c = alphabet[rng_below(r, (uint32_t)alen)];

		if (c >= '0' && c <= '9') {
			if (max_digit_run && ++run > max_digit_run) {
				c = (char)('a' + rng_below(r, 6));
				run = 0;
			}
		} else {
			run = 0;
		}
		out[i] = c;
	}
}

/* Luhn check digit for the n digits in d. */
static char luhn_digit(const char *d, unsigned n)
{
	unsigned sum = 0;
	bool dbl = true;  /* the rightmost payload digit gets doubled */

	for (unsigned i = n; i-- > 0; dbl = !dbl) {
		unsigned v = (unsigned)(d[i] - '0');

		if (dbl) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

static void make_card(struct rng *r, char *out)
{
	char d[16];
	unsigned i = 0, style = rng_below(r, 10);
	size_t n = 0;

	if (rng_chance(r, 0.5)) {
		d[i++] = '4';
	} else {
		d[i++] = '5';
		d[i++] = (char)('1' + rng_below(r, 5));
	}
	while (i < 15)
		d[i++] = (char)('0' + rng_below(r, 10));
	d[15] = luhn_digit(d, 15);
	for (i = 0; i < 16; i++) {
		if (i && i % 4 == 0 && style >= 5)
			out[n++] = style >= 8 ? '-' : ' ';
		out[n++] = d[i];
	}
	out[n] = '\0';
}

static void make_phone(struct rng *r, char *out, size_t cap)
{
	static const unsigned areas[] = { 415, 212, 646, 312, 206, 512, 617, 303, 718, 202 };
	unsigned area = PICK(r, areas);
	unsigned ex = rng_chance(r, 0.5) ? 555 : rng_range(r, 201, 989);
	unsigned line = rng_range(r, 100, 9999);

	switch (rng_below(r, 5)) {
	case 0:
		snprintf(out, cap, "+1 %u %u %04u", area, ex, line);
		break;
	case 1:
		snprintf(out, cap, "+44 20 7946 0%03u", line % 1000);
		break;
	case 2:
		snprintf(out, cap, "(%u) %u-%04u", area, ex, line);
		break;
	case 3:
		snprintf(out, cap, "+1-%u-%u-%04u", area, ex, line);
		break;
	default:
		snprintf(out, cap, "+33 6 %02u %02u %02u %02u", rng_below(r, 100),
			 rng_below(r, 100), rng_below(r, 100), rng_below(r, 100));
	}
}

static void make_ip(struct rng *r, char *out, size_t cap)
{
	/* first octets that are public unicast as a whole (no private,
	 * loopback, CGNAT, link-local, documentation or multicast space) */
	static const unsigned first[] = {
		3, 13, 18, 34, 35, 44, 52, 54, 63, 81, 93, 104, 138, 142, 151, 159, 185, 212,
	};

	snprintf(out, cap, "%u.%u.%u.%u", PICK(r, first), rng_below(r, 256),
		 rng_below(r, 256), rng_range(r, 1, 254));
}

static void make_email(struct rng *r, char *out, size_t cap)
{
	const char *f = PICK(r, first_names), *l = PICK(r, last_names);
	const char *dom = PICK(r, email_domains);

	switch (rng_below(r, 5)) {
	case 0:
		snprintf(out, cap, "%s.%s@%s", f, l, dom);
		break;
	case 1:
		snprintf(out, cap, "%s_%s%u@%s", f, l, rng_range(r, 1, 99), dom);
		break;
	case 2:
		snprintf(out, cap, "%c%s@%s", f[0], l, dom);
		break;
	case 3:
		snprintf(out, cap, "%s.%s+%s@%s", f, l, PICK(r, services), dom);
		break;
	default:
		snprintf(out, cap, "%s%u@%s", f, rng_range(r, 1, 1999), dom);
	}
}

static void make_key(struct rng *r, const struct key_kind *k, char *out, size_t cap)
{
	char tmp[SYNTH_PII_LEN];
	size_t p = strlen(k->prefix);

	assert(p + (k->alphabet ? k->len : 51) < sizeof tmp);
	memcpy(tmp, k->prefix, p);
	if (!k->alphabet) {
		/* Slack: xoxb-<team digits>-<bot digits>-<24 alnum>; the digit
		 * groups start with 1-3 so they never look like card numbers */
		tmp[p++] = (char)('1' + rng_below(r, 3));
		rand_chars(r, tmp + p, 10, "0123456789", 0);
		p += 10;
		tmp[p++] = '-';
		tmp[p++] = (char)('1' + rng_below(r, 3));
		rand_chars(r, tmp + p, 12, "0123456789", 0);
		p += 12;
		tmp[p++] = '-';
		rand_chars(r, tmp + p, 24, ALNUM, 6);
		p += 24;
	} else {
		rand_chars(r, tmp + p, k->len, k->alphabet, 6);
		p += k->len;
		/* never the documented example key */
		if (p >= 7 && !memcmp(tmp + p - 7, "EXAMPLE", 7))
			tmp[p - 1] = 'Q';
	}
	tmp[p] = '\0';
	snprintf(out, cap, "%s", tmp);
}

/* ------------------------------------------------------------------ */
/* plans                                                               */

/* Content decisions, drawn from the content stream of the source line. */
struct cplan {
	unsigned topic;
	enum synth_shape shape;
	bool short_answer;
	enum synth_incomplete inc;
	unsigned turns;           /* user messages, 1..3 */
	bool system, tool, hard_negative, finish, error_first, context;
	bool with_code, with_error;
	int tag_style;
	unsigned npii;
	enum scrub_type pii[SYNTH_PII_MAX];
};

static void plan_content(const struct synth_opts *o, uint64_t src, struct rng *r,
			 struct cplan *c)
{
	static const unsigned npii_w[] = { 60, 30, 10 };
	static const unsigned type_w[SYNTH_NPII_TYPES] = {
		[SCRUB_EMAIL] = 30, [SCRUB_PHONE] = 15, [SCRUB_IP_ADDRESS] = 15,
		[SCRUB_CREDIT_CARD] = 12, [SCRUB_API_KEY] = 28,
	};
	static const unsigned inc_w[] = { 40, 20, 25, 15 };
	static const unsigned turns_w[] = { 70, 24, 6 };
	const struct topic *t;
	double u;

	memset(c, 0, sizeof *c);
	rng_seed(r, o->seed, src, STREAM_CONTENT);
	c->topic = rng_below(r, NELEM(topics));
	t = &topics[c->topic];
	if (o->shape == SYNTH_SHAPE_MIXED)
		c->shape = rng_chance(r, 0.7) ? SYNTH_SHAPE_MESSAGES : SYNTH_SHAPE_SIMPLE;
	else
		c->shape = o->shape;
	u = rng_unit(r);
	if (u < o->incomplete_rate) {
		c->inc = c->shape == SYNTH_SHAPE_SIMPLE ? SYNTH_INC_EMPTY
			: (enum synth_incomplete)(SYNTH_INC_LENGTH + rng_weighted(r, inc_w, 4));
	} else if (u < o->incomplete_rate + o->short_rate) {
		c->short_answer = true;
	}
	if (rng_chance(r, o->pii_rate)) {
		c->npii = 1 + rng_weighted(r, npii_w, NELEM(npii_w));
		for (unsigned i = 0; i < c->npii; i++)
			c->pii[i] = (enum scrub_type)rng_weighted(r, type_w, SYNTH_NPII_TYPES);
	} else {
		c->hard_negative = rng_chance(r, o->hard_negative_rate);
	}
	c->turns = 1;
	if (c->shape == SYNTH_SHAPE_MESSAGES && !c->short_answer)
		c->turns = 1 + rng_weighted(r, turns_w, NELEM(turns_w));
	c->system = c->shape == SYNTH_SHAPE_MESSAGES && rng_chance(r, 0.55);
	c->with_code = t->code && rng_chance(r, 0.8);
	c->with_error = t->error && rng_chance(r, 0.75);
	c->tool = c->shape == SYNTH_SHAPE_MESSAGES && c->with_error && !c->short_answer &&
		  c->inc != SYNTH_INC_USER_LAST && rng_chance(r, 0.08);
	c->finish = rng_chance(r, 0.8);
	c->error_first = rng_chance(r, 0.3);
	c->context = rng_chance(r, 0.5);
	u = rng_unit(r);
	c->tag_style = u < 0.82 ? 0 : u < 0.9 ? 1 : 2;
}

/* Follow the chain of duplicates of line index down to the line whose
 * content it carries. */
static uint64_t content_source(const struct synth_opts *o, uint64_t index)
{
	uint64_t k = index;
	struct rng r;

	while (k > 0 && o->dup_rate > 0) {
		uint64_t j;

		rng_seed(&r, o->seed, k, STREAM_LINE);
		if (!rng_chance(&r, o->dup_rate))
			break;
		j = (uint64_t)(rng_unit(&r) * (double)k);
		k = j < k ? j : k - 1;
	}
	return k;
}

/* Whether content index c is a near duplicate, and of which earlier
 * content (*base, never itself a near duplicate). */
static bool near_plan(const struct synth_opts *o, uint64_t c, uint64_t *base)
{
	struct rng r;
	bool near = false;

	while (c > 0 && o->near_dup_rate > 0) {
		uint64_t j;

		rng_seed(&r, o->seed, c, STREAM_NEAR);
		if (!rng_chance(&r, o->near_dup_rate))
			break;
		j = (uint64_t)(rng_unit(&r) * (double)c);
		c = content_source(o, j < c ? j : c - 1);
		near = true;
	}
	*base = c;
	return near;
}

/* Per-line decisions that don't belong to the content. */
struct lplan {
	uint64_t src;
	bool near;            /* the content of base with words replaced */
	uint64_t base;
	unsigned user;
	int64_t created_at;
	const char *client, *model;
	unsigned client_minor, client_patch, latency_ms;
};

static void plan_line(const struct synth_opts *o, uint64_t index, struct lplan *l)
{
	struct rng r;
	double u;

	l->src = content_source(o, index);
	l->near = near_plan(o, l->src, &l->base);
	rng_seed(&r, o->seed, index, STREAM_LINE);
	rng_next(&r);  /* the draws content_source made */
	rng_next(&r);
	/* zipf-like: rank k has weight about 1/(k+1) */
	u = rng_unit(&r);
	l->user = (unsigned)(exp(u * log((double)o->users + 1.0)) - 1.0);
	if (l->user >= o->users)
		l->user = o->users - 1;
	l->created_at = line_time(o, index, &r);
	l->client = PICK(&r, clients);
	l->model = PICK(&r, models);
	l->client_minor = rng_below(&r, 12);
	l->client_patch = rng_below(&r, 8);
	l->latency_ms = 300 + rng_below(&r, 2000) + rng_below(&r, 2000) * rng_below(&r, 4);
}

/* "user-0042@corp", "u_8f3k2", "dev-7731" or "alice.smith@acme-corp.com";
 * a function of the rank alone, so ids are stable across seeds. */
static size_t user_id(unsigned rank, char *out, size_t cap)
{
	static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	unsigned k = rank / 4;
	char tmp[96], *e = tmp + sizeof tmp, *p = e;
	uint64_t v;
	size_t n;

	switch (rank % 4) {
	case 0:
		p -= 5;
		memcpy(p, "@corp", 5);
		v = rank + 1u;
		for (int i = 0; i < 4 || v; i++, v /= 10)
			*--p = (char)('0' + v % 10);
		p -= 5;
		memcpy(p, "user-", 5);
		break;
	case 1:
		v = ((uint64_t)rank * 48271u + 1234567u) % 60466176u;  /* 36^5 */
		for (int i = 0; i < 5; i++, v /= 36)
			*--p = b36[v % 36];
		p -= 2;
		memcpy(p, "u_", 2);
		break;
	case 2:
		p = fmt_u64(p, 1000 + (rank * 37u) % 9000u + rank / 9000u * 10000u);
		p -= 4;
		memcpy(p, "dev-", 4);
		break;
	default: {
		int m;

		if (k < 1024)
			m = snprintf(tmp, sizeof tmp, "%s.%s@%s", first_names[k % 32], last_names[k / 32],
				     email_domains[k % 8]);
		else
			m = snprintf(tmp, sizeof tmp, "%s.%s%u@%s", first_names[k % 32],
				     last_names[k / 32 % 32], k / 1024, email_domains[k % 8]);
		p = tmp;
		e = tmp + (m < 0 ? 0 : (size_t)m);
	}
	}
	n = (size_t)(e - p);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return n;
}

/* ------------------------------------------------------------------ */
/* composing the text                                                  */

/* Fill the per-conversation slots (entities, names, numbers). */
static void fill_slots(struct gen *g)
{
	struct rng *r = g->r;
	const struct noun *e = &entities[rng_below(r, NELEM(entities))];
	const char *f = PICK(r, fields), *v = PICK(r, verbs), *org = PICK(r, orgs);
	const char *svc = PICK(r, services);
	char tmp[32];
	unsigned mig = rng_range(r, 2, 48);

	slot_set(g, S_e, e->one);
	{
		/* "an invoice", "a ticket" */
		const char *art = strchr("aeiou", e->one[0]) ? "an " : "a ";
		size_t an = strlen(art), en = strlen(e->one);
		char tmp2[40];

		assert(an + en <= sizeof tmp2);
		memcpy(tmp2, art, an);
		memcpy(tmp2 + an, e->one, en);
		slot_copy(g, S_ae, tmp2, an + en);
	}
	slot_set(g, S_es, e->many);
	slot_capital(g, S_E, e->one);
	slot_capital(g, S_Es, e->many);
	slot_set(g, S_f, f);
	slot_camel(g, S_fc, f, false);
	slot_camel(g, S_F, f, true);
	slot_set(g, S_v, v);
	slot_capital(g, S_V, v);
	slot_num(g, S_n, rng_range(r, 2, 9));
	slot_num(g, S_N, rng_range(r, 120, 9800));
	slot_num(g, S_k, rng_range(r, 2, 40));
	slot_num(g, S_port, PICK(r, ports));
	slot_num(g, S_line, rng_range(r, 12, 480));
	slot_num(g, S_line2, rng_range(r, 20, 900));
	slot_set(g, S_dir, PICK(r, dirs));
	slot_set(g, S_svc, svc);
	slot_capital(g, S_Svc, svc);
	slot_set(g, S_org, org);
	slot_capital(g, S_Org, org);
	slot_num(g, S_ms, rng_range(r, 2, 60) * 50);
	slot_set(g, S_q, PICK(r, search_words));
	slot_num(g, S_pid, rng_range(r, 1200, 98000));
	memcpy(tmp, "00", 2);
	put2(tmp + 2, mig);
	slot_copy(g, S_mig, tmp, 4);
	put2(tmp + 2, mig + 1);
	slot_copy(g, S_mig2, tmp, 4);
	{
		char *end = tmp + sizeof tmp, *p = fmt_u64(end, rng_below(r, 12));

		*--p = '.';
		p = fmt_u64(p, rng_below(r, 30));
		*--p = '.';
		p = fmt_u64(p, rng_range(r, 1, 4));
		slot_copy(g, S_ver, p, (size_t)(end - p));
	}
	slot_set(g, S_env, g->li->env[rng_below(r, 3)]);
	slot_set(g, S_Lang, g->li->display);
}

/* Draw the hard-negative slots: look-alikes that are not PII. */
static void fill_hard_negative_slots(struct gen *g)
{
	struct rng *r = g->r;
	char tmp[48];

	snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", rng_range(r, 1, 9), rng_below(r, 30),
		 rng_below(r, 20), rng_below(r, 200));
	slot_copy(g, S_ver4, tmp, strlen(tmp));
	snprintf(tmp, sizeof tmp, "%u-%02u-%02u", rng_range(r, 2023, 2026), rng_range(r, 1, 12),
		 rng_range(r, 1, 28));
	slot_copy(g, S_date, tmp, strlen(tmp));
	rand_chars(r, tmp, 40, "0123456789abcdef", 5);
	slot_copy(g, S_sha, tmp, 40);
	rand_chars(r, tmp, 36, "0123456789abcdef", 5);
	tmp[8] = tmp[13] = tmp[18] = tmp[23] = '-';
	tmp[14] = '4';
	tmp[19] = "89ab"[rng_below(r, 4)];
	slot_copy(g, S_uuid, tmp, 36);
	switch (rng_below(r, 3)) {
	case 0:
		snprintf(tmp, sizeof tmp, "10.%u.%u.%u", rng_below(r, 256), rng_below(r, 256),
			 rng_range(r, 2, 254));
		break;
	case 1:
		snprintf(tmp, sizeof tmp, "172.%u.%u.%u", rng_range(r, 16, 31), rng_below(r, 256),
			 rng_range(r, 2, 254));
		break;
	default:
		snprintf(tmp, sizeof tmp, "192.168.%u.%u", rng_below(r, 256), rng_range(r, 2, 254));
	}
	slot_copy(g, S_priv, tmp, strlen(tmp));
}

/* Plant one PII value of type ty: draw it, record it, write the
 * paragraph that carries it. */
static void plant_pii(struct gen *g, enum scrub_type ty)
{
	struct rng *r = g->r;
	struct synth_props *pr = g->props;
	struct synth_pii *pv;
	const struct key_kind *k;
	const char *tpl;
	char tmp[64];

	if (pr->npii >= SYNTH_PII_MAX)
		return;
	pv = &pr->pii[pr->npii++];
	pv->type = ty;
	pr->pii_types |= 1u << ty;
	switch (ty) {
	case SCRUB_EMAIL:
		make_email(r, pv->value, sizeof pv->value);
		slot_set(g, S_person, PICK(r, person_names));
		tpl = PICK(r, pii_email);
		break;
	case SCRUB_PHONE:
		make_phone(r, pv->value, sizeof pv->value);
		tpl = PICK(r, pii_phone);
		break;
	case SCRUB_IP_ADDRESS:
		make_ip(r, pv->value, sizeof pv->value);
		snprintf(tmp, sizeof tmp, "%02u/Nov/2026:%02u:%02u:%02u +0000", rng_range(r, 1, 28),
			 rng_below(r, 24), rng_below(r, 60), rng_below(r, 60));
		slot_copy(g, S_ngdate, tmp, strlen(tmp));
		tpl = PICK(r, pii_ip);
		break;
	case SCRUB_CREDIT_CARD:
		make_card(r, pv->value);
		snprintf(tmp, sizeof tmp, "%02u/%02u", rng_range(r, 1, 12), rng_range(r, 27, 31));
		slot_copy(g, S_exp, tmp, strlen(tmp));
		snprintf(tmp, sizeof tmp, "%u.%02u", rng_range(r, 5, 900), rng_below(r, 100));
		slot_copy(g, S_amount, tmp, strlen(tmp));
		tpl = PICK(r, pii_card);
		break;
	default:
		k = &key_kinds[rng_below(r, NELEM(key_kinds))];
		make_key(r, k, pv->value, sizeof pv->value);
		slot_set(g, S_keyenv, k->env);
		{
			size_t n = strlen(k->env), i;

			for (i = 0; i < n && i < sizeof tmp; i++)
				tmp[i] = (char)(k->env[i] >= 'A' && k->env[i] <= 'Z' ? k->env[i] + 32 : k->env[i]);
			slot_copy(g, S_keyyaml, tmp, i);
		}
		do {
			tpl = PICK(r, pii_key);
		} while ((strstr(tpl, "$[keyurl]") && !k->curl_url) ||
			 (strstr(tpl, "$[keycode]") && !k->client));
		if (k->curl_url)
			slot_set(g, S_keyurl, k->curl_url);
		slot_set(g, S_X, pv->value);
		if (k->client) {
			/* the client line itself carries the key: expand it now */
			char line[256];
			const char *src = k->client, *x = strstr(src, "$[X]");
			int n = snprintf(line, sizeof line, "%.*s%s%s", (int)(x - src), src,
					 pv->value, x + 4);

			slot_copy(g, S_keycode, line, n < 0 ? 0 : (size_t)n);
		}
	}
	slot_set(g, S_X, pv->value);
	text(g, "\n\n");
	emit(g, tpl);
}

static const char *pick_str(struct rng *r, const char *const *v, unsigned max)
{
	return v[rng_below(r, count_strs(v, max))];
}

/* The user's first message (or the "question" of the simple shape). */
static void write_question(struct gen *g, const struct cplan *c, bool code_here)
{
	struct rng *r = g->r;
	const struct topic *t = g->t;
	bool code = c->with_code && code_here;

	emit(g, PICK(r, openers));
	emit(g, pick_str(r, t->asks, 3));
	if (c->context) {
		text(g, " ");
		emit(g, PICK(r, contexts));
	}
	for (int pass = 0; pass < 2; pass++) {
		bool err_now = (pass == 0) == c->error_first;

		if (err_now && c->with_error) {
			text(g, "\n\n");
			emit(g, PICK(r, error_intros));
			text(g, "\n\n");
			text(g, "```");
			text(g, rng_chance(r, 0.6) ? "" : "text");
			text(g, "\n");
			emit(g, t->error);
			text(g, "```");
		} else if (!err_now && code) {
			text(g, "\n\n");
			emit(g, PICK(r, code_intros));
			text(g, "\n\n");
			fence(g, t->code_tag ? t->code_tag : t->lang, t->code);
		}
	}
	for (unsigned i = 0; i < c->npii; i++)
		plant_pii(g, c->pii[i]);
	if (c->hard_negative) {
		unsigned a = rng_below(r, NELEM(hard_negatives)), b;

		fill_hard_negative_slots(g);
		text(g, "\n\n");
		emit(g, hard_negatives[a]);
		if (rng_chance(r, 0.4)) {
			b = rng_below(r, NELEM(hard_negatives));
			if (b != a) {
				text(g, " ");
				emit(g, hard_negatives[b]);
			}
		}
	}
	{
		const char *cl = PICK(r, closers);

		if (*cl) {
			text(g, "\n\n");
			emit(g, cl);
		}
	}
}

/* The context field of the simple shape. */
static void write_context(struct gen *g, const struct cplan *c)
{
	if (c->with_code)
		emit(g, g->t->code);
	else
		emit(g, "$[Svc] service, $[env]");
}

static void write_notes(struct gen *g)
{
	struct rng *r = g->r;
	const struct topic *t = g->t;
	static const unsigned count_w[] = { 20, 25, 35, 20 };
	unsigned avail = count_strs(t->notes, NELEM(t->notes));
	unsigned want = rng_weighted(r, count_w, NELEM(count_w)), order[5];
	bool numbered = rng_chance(r, 0.2);

	if (want > avail)
		want = avail;
	if (!want)
		return;
	for (unsigned i = 0; i < avail; i++)
		order[i] = i;
	for (unsigned i = avail; i > 1; i--) {
		unsigned j = rng_below(r, i), tmp = order[i - 1];

		order[i - 1] = order[j];
		order[j] = tmp;
	}
	text(g, "\n\n");
	emit(g, PICK(r, notes_intros));
	text(g, "\n");
	for (unsigned i = 0; i < want; i++) {
		char num[8];

		text(g, "\n");
		if (numbered) {
			num[0] = (char)('1' + i);
			num[1] = '.';
			num[2] = ' ';
			put_text(g, num, 3);
		} else {
			text(g, "- ");
		}
		emit(g, t->notes[order[i]]);
	}
}

/* The full answer to the first question. */
static void write_answer(struct gen *g, const struct cplan *c)
{
	struct rng *r = g->r;
	const struct topic *t = g->t;
	const char *tag = t->fix_tag ? t->fix_tag : t->lang, *out;
	bool fix_first = rng_chance(r, 0.15);

	if (c->npii && g->props->pii_types & (1u << SCRUB_API_KEY) && rng_chance(r, 0.3)) {
		for (unsigned i = 0; i < g->props->npii; i++) {
			if (g->props->pii[i].type == SCRUB_API_KEY) {
				slot_set(g, S_X, g->props->pii[i].value);
				break;
			}
		}
		emit(g, "First, a warning: the key you pasted (`$[X]`) looks live. Revoke it now and load it from the environment or a secret manager instead of the code.\n\n");
	}
	if (fix_first) {
		emit(g, PICK(r, fix_intros));
		text(g, "\n\n");
		fence(g, tag, t->fix);
		text(g, "\n\nWhy: ");
		emit(g, pick_str(r, t->explains, 3));
	} else {
		emit(g, PICK(r, answer_intros));
		emit(g, pick_str(r, t->explains, 3));
		text(g, "\n\n");
		emit(g, PICK(r, fix_intros));
		text(g, "\n\n");
		fence(g, tag, t->fix);
	}
	write_notes(g);
	out = PICK(r, outros);
	if (*out) {
		text(g, "\n\n");
		emit(g, out);
	}
}

static const struct followup *followup_for(const char *lang)
{
	for (size_t i = 0; i < NELEM(followups); i++)
		if (!strcmp(followups[i].lang, lang))
			return &followups[i];
	return NULL;
}

/* Follow-up turn k (1 or 2): a request for a test, or a prose question. */
static void write_followup(struct gen *g, unsigned k, bool answer, unsigned pick)
{
	const struct followup *fu = followup_for(g->t->lang);

	if (k == 1 && fu && pick % 5 < 3) {
		if (!answer) {
			emit(g, followup_asks[pick % NELEM(followup_asks)]);
			return;
		}
		emit(g, fu->intro);
		text(g, "\n\n");
		fence(g, fu->tag, fu->code);
		text(g, "\n\n");
		emit(g, fu->after);
		return;
	}
	if (answer)
		emit(g, prose_answers[(pick + k) % NELEM(prose_answers)]);
	else
		emit(g, prose_asks[(pick + k) % NELEM(prose_asks)]);
}

/* Pick a short answer that is under 50 code points once expanded. */
static void write_short(struct gen *g, struct buf *scratch)
{
	struct rng *r = g->r;
	const struct topic *t = g->t;
	unsigned n = count_strs(t->shorts, NELEM(t->shorts)), first = rng_below(r, n);
	struct buf *saved = g->out;
	bool raw = g->raw;

	g->out = scratch;
	g->raw = true;
	for (unsigned i = 0; i < n; i++) {
		buf_reset(scratch);
		emit(g, t->shorts[(first + i) % n]);
		if (!g->rc && utf8_count(scratch->data, scratch->len) < 50)
			break;
		buf_reset(scratch);
	}
	if (!scratch->len)
		emit(g, "Restart the server after that change.");
	g->out = saved;
	g->raw = raw;
	if (!g->rc)
		put_text(g, scratch->data, scratch->len);
}

/* The answer of turn k: the fix for the first, a follow-up later. */
static void write_turn_answer(struct gen *g, const struct cplan *c, unsigned k, unsigned pick)
{
	if (k == 0)
		write_answer(g, c);
	else
		write_followup(g, k, true, pick);
}

static void write_cut(struct gen *g, const struct cplan *c, unsigned k, unsigned pick,
		      struct buf *scratch, double lo, double hi)
{
	struct buf *saved = g->out;
	bool raw = g->raw;
	size_t cut;

	g->out = scratch;
	g->raw = true;
	buf_reset(scratch);
	write_turn_answer(g, c, k, pick);
	g->out = saved;
	g->raw = raw;
	if (g->rc)
		return;
	cut = (size_t)((double)scratch->len * (lo + (hi - lo) * rng_unit(g->r)));
	while (cut > 0 && ((unsigned char)scratch->data[cut] & 0xc0) == 0x80)
		cut--;
	put_text(g, scratch->data, cut);
}

/* Write the last answer, shortened, cut or empty as planned; returns the
 * finish_reason to record, NULL for none. */
static const char *write_final(struct gen *g, const struct cplan *c, unsigned k,
			       unsigned pick, struct buf *scratch)
{
	if (c->short_answer) {
		write_short(g, scratch);
		return c->finish ? "stop" : NULL;
	}
	switch (c->inc) {
	case SYNTH_INC_LENGTH:
		write_cut(g, c, k, pick, scratch, 0.3, 0.8);
		return "length";
	case SYNTH_INC_ERROR:
		if (rng_chance(g->r, 0.5))
			write_cut(g, c, k, pick, scratch, 0.05, 0.35);
		return "error";
	case SYNTH_INC_EMPTY:
		return c->finish ? "stop" : NULL;
	default:
		write_turn_answer(g, c, k, pick);
		return c->finish ? "stop" : NULL;
	}
}

static void msg_begin(struct gen *g, const char *role, bool *first)
{
	puts_raw(g, *first ? "{\"role\":\"" : ",{\"role\":\"");
	puts_raw(g, role);
	puts_raw(g, "\",\"content\":\"");
	*first = false;
}

static void msg_end(struct gen *g, const char *finish)
{
	if (finish) {
		puts_raw(g, "\",\"finish_reason\":\"");
		puts_raw(g, finish);
	}
	puts_raw(g, "\"}");
}

static void write_messages(struct gen *g, const struct cplan *c, struct buf *scratch)
{
	struct rng *r = g->r;
	bool first = true;
	unsigned pick;

	puts_raw(g, ",\"messages\":[");
	if (c->system) {
		msg_begin(g, "system", &first);
		emit(g, PICK(r, system_prompts));
		msg_end(g, NULL);
	}
	msg_begin(g, "user", &first);
	write_question(g, c, true);
	msg_end(g, NULL);
	if (c->tool) {
		msg_begin(g, "assistant", &first);
		text(g, rng_chance(r, 0.5) ? "Let me run it first to see the full output."
					   : "I'll reproduce this before suggesting a fix.");
		msg_end(g, c->finish ? "stop" : NULL);
		msg_begin(g, "tool", &first);
		text(g, "exit status 1\n");
		emit(g, g->t->error);
		msg_end(g, NULL);
	}
	pick = rng_below(r, 20);
	for (unsigned k = 0; k < c->turns; k++) {
		bool last = k + 1 == c->turns;

		if (k > 0) {
			msg_begin(g, "user", &first);
			write_followup(g, k, false, pick);
			msg_end(g, NULL);
		}
		if (last && c->inc == SYNTH_INC_USER_LAST)
			break;
		msg_begin(g, "assistant", &first);
		if (last) {
			msg_end(g, write_final(g, c, k, pick, scratch));
		} else {
			write_turn_answer(g, c, k, pick);
			msg_end(g, c->finish ? "stop" : NULL);
		}
	}
	puts_raw(g, "]");
}

static void put_json_str(struct gen *g, const char *s)
{
	put_raw(g, "\"", 1);
	if (!g->rc)
		g->rc = json_escape(g->out, s, strlen(s));
	put_raw(g, "\"", 1);
}

static void put_conv_id(struct gen *g, const struct synth_opts *o, uint64_t index)
{
	puts_raw(g, "\"syn-");
	put_u64(g, o->seed);
	puts_raw(g, "-");
	put_u64(g, index);
	puts_raw(g, "\"");
}

static const char *const inc_names[] = {
	[SYNTH_INC_NONE] = "none", [SYNTH_INC_LENGTH] = "length",
	[SYNTH_INC_ERROR] = "error", [SYNTH_INC_USER_LAST] = "user_last",
	[SYNTH_INC_EMPTY] = "empty",
};

static const char *const pii_names[SYNTH_NPII_TYPES] = {
	[SCRUB_EMAIL] = "EMAIL", [SCRUB_PHONE] = "PHONE",
	[SCRUB_IP_ADDRESS] = "IP_ADDRESS", [SCRUB_CREDIT_CARD] = "CREDIT_CARD",
	[SCRUB_API_KEY] = "API_KEY",
};

static void write_metadata(struct gen *g, const struct synth_opts *o, const struct lplan *l,
			   const struct synth_props *p)
{
	bool first = true;

	puts_raw(g, ",\"metadata\":{\"client\":\"");
	puts_raw(g, l->client);
	puts_raw(g, "\",\"client_version\":\"1.");
	put_u64(g, l->client_minor);
	puts_raw(g, ".");
	put_u64(g, l->client_patch);
	puts_raw(g, "\",\"latency_ms\":");
	put_u64(g, l->latency_ms);
	puts_raw(g, ",\"synth\":{\"topic\":\"");
	puts_raw(g, p->topic);
	puts_raw(g, p->shape == SYNTH_SHAPE_SIMPLE ? "\",\"shape\":\"simple\",\"lang\":\""
						   : "\",\"shape\":\"messages\",\"lang\":\"");
	puts_raw(g, p->lang);
	puts_raw(g, "\",\"framework\":\"");
	puts_raw(g, p->framework);
	puts_raw(g, "\",\"pii\":[");
	for (unsigned t = 0; t < SYNTH_NPII_TYPES; t++) {
		if (!(p->pii_types & (1u << t)))
			continue;
		puts_raw(g, first ? "\"" : ",\"");
		puts_raw(g, pii_names[t]);
		puts_raw(g, "\"");
		first = false;
	}
	puts_raw(g, "],\"pii_n\":");
	put_u64(g, p->npii);
	puts_raw(g, p->short_answer ? ",\"short\":true" : ",\"short\":false");
	puts_raw(g, p->incomplete ? ",\"incomplete\":true,\"incomplete_kind\":\""
				  : ",\"incomplete\":false");
	if (p->incomplete) {
		puts_raw(g, inc_names[p->incomplete]);
		puts_raw(g, "\"");
	}
	puts_raw(g, p->hard_negative ? ",\"hard_negative\":true" : ",\"hard_negative\":false");
	puts_raw(g, ",\"turns\":");
	put_u64(g, p->turns);
	if (p->dup) {
		puts_raw(g, ",\"dup_of\":");
		put_conv_id(g, o, p->dup_of);
	}
	puts_raw(g, "}}");
}

/* ------------------------------------------------------------------ */
/* near duplicates                                                     */

/* Words (runs of ASCII letters) in s. */
static size_t count_words(const char *s)
{
	size_t n = 0;

	for (size_t i = 0; s[i]; i++)
		if (((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') && (i == 0 || !(((s[i - 1] | 32) >= 'a' && (s[i - 1] | 32) <= 'z'))))
			n++;
	return n;
}

/* A new string: s with every stride-th word (from phase) replaced by a
 * made-up word. */
static char *replace_words(const char *s, double stride, double phase, struct rng *r)
{
	struct buf b = BUF_INIT;
	size_t w = 0, i = 0;
	double next = phase;

	while (s[i]) {
		bool letter = ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z');

		if (!letter) {
			buf_putc(&b, s[i++]);
			continue;
		}
		size_t j = i;
		while (((s[j] | 32) >= 'a' && (s[j] | 32) <= 'z'))
			j++;
		if (stride > 0 && (double)w >= next) {
			static const char cons[] = "bcdfghjklmnpqrstvwxz", vow[] = "aeiou";
			unsigned len = 3 + rng_below(r, 3);

			for (unsigned k = 0; k < len; k++)
				buf_putc(&b, k % 2 ? vow[rng_below(r, 5)] : cons[rng_below(r, 20)]);
			buf_puts(&b, "q");  /* no English word ends so: never an existing word */
			next += stride;
		} else {
			buf_append(&b, s + i, j - i);
		}
		w++;
		i = j;
	}
	return buf_detach(&b);
}

/* The texts that dedup compares: user turns, the context and the final
 * answer (simple shape: question, context, answer). */
static size_t near_targets(json_t *line, json_t **t, size_t max)
{
	json_t *msgs = json_object_get(line, "messages"), *m, *last = NULL;
	size_t n = 0, i;

	if (json_is_array(msgs)) {
		json_array_foreach(msgs, i, m) {
			const char *role = json_string_value(json_object_get(m, "role"));
			if (role && !strcmp(role, "user") && n < max)
				t[n++] = m;
			if (role && !strcmp(role, "assistant"))
				last = m;
		}
		if (last && n < max)
			t[n++] = last;
		return n;
	}
	t[n++] = line;  /* the simple shape: fields of the line itself */
	return n;
}

/*
 * Turn the line written at out[start..] into a near duplicate of its base
 * content: replace evenly spaced words so that the Jaccard similarity of
 * the word 5-gram sets is about near_dup_sim. With N words and m
 * replacements at least 5 words apart, 5m shingles change on each side:
 * J = (N - 4 - 5m) / (N - 4 + 5m), so m = (N - 4)(1 - s) / (5 (1 + s)).
 */
static int near_mutate(const struct synth_opts *o, const struct lplan *l, struct buf *out, size_t start)
{
	static const char *const simple_keys[] = { "question", "context", "answer" };
	json_t *line, *t[64], *meta, *syn;
	json_error_t je;
	struct rng r;
	size_t nt, words = 0;
	double m, stride, phase;
	char *text, id[64];
	int rc = BUF_NOMEM;

	line = json_loadb(out->data + start, out->len - start, 0, &je);
	if (!line)
		return BUF_NOMEM;
	nt = near_targets(line, t, 64);
	bool simple = nt == 1 && t[0] == line;
	for (size_t k = 0; k < (simple ? 3 : nt); k++) {
		const char *v = json_string_value(json_object_get(simple ? line : t[k], simple ? simple_keys[k] : "content"));
		words += v ? count_words(v) : 0;
	}
	m = words > 4 ? (double)(words - 4) * (1.0 - o->near_dup_sim) / (5.0 * (1.0 + o->near_dup_sim)) : 0;
	stride = m >= 0.5 ? (double)words / m : 0;
	rng_seed(&r, o->seed, l->src, STREAM_NEAR + 1);
	phase = stride > 0 ? rng_unit(&r) * stride : 0;
	/* one running word position over all the texts */
	for (size_t k = 0; k < (simple ? 3 : nt) && stride > 0; k++) {
		json_t *obj = simple ? line : t[k];
		const char *key = simple ? simple_keys[k] : "content";
		const char *v = json_string_value(json_object_get(obj, key));
		size_t wn;

		if (!v)
			continue;
		wn = count_words(v);
		text = replace_words(v, stride, phase, &r);
		if (!text)
			goto out;
		json_object_set_new(obj, key, json_string(text));
		free(text);
		/* carry the phase into the next text */
		phase -= (double)wn;
		while (phase < 0)
			phase += stride;
	}
	meta = json_object_get(line, "metadata");
	syn = json_object_get(meta, "synth");
	if (syn) {
		synth_conversation_id(o, l->base, id, sizeof id);
		json_object_set_new(syn, "near_dup_of", json_string(id));
		json_object_set_new(syn, "near_dup_sim", json_real(o->near_dup_sim));
	}
	text = json_dumps(line, JSON_COMPACT);
	if (!text)
		goto out;
	out->len = start;
	rc = buf_puts(out, text);
	free(text);
out:
	json_decref(line);
	return rc;
}

/* ------------------------------------------------------------------ */
/* public API                                                          */

void synth_opts_default(struct synth_opts *o)
{
	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->total = 0;
	o->days = 30;
	o->now = 1795564800;  /* 2026-11-25T00:00:00Z */
	o->pii_rate = 0.10;
	o->short_rate = 0.08;
	o->incomplete_rate = 0.05;
	o->dup_rate = 0;
	o->near_dup_rate = 0;
	o->near_dup_sim = 0.85;
	o->hard_negative_rate = 0.20;
	o->feedback_rate = 0.60;
	o->users = 200;
	o->shape = SYNTH_SHAPE_MIXED;
}

static bool rate_ok(double x)
{
	return x >= 0 && x <= 1;  /* false for NaN */
}

int synth_opts_check(const struct synth_opts *o)
{
	const int64_t lo = -62135596800LL, hi = 253402300799LL;  /* years 1..9999 */

	if (!o || o->days < 1 || o->days > 36500 || o->users < 1 ||
	    o->shape < SYNTH_SHAPE_MIXED || o->shape > SYNTH_SHAPE_SIMPLE ||
	    !rate_ok(o->pii_rate) || !rate_ok(o->short_rate) ||
	    !rate_ok(o->incomplete_rate) || !rate_ok(o->dup_rate) || !rate_ok(o->near_dup_rate) ||
	    !(o->near_dup_sim > 0 && o->near_dup_sim <= 1) ||
	    !rate_ok(o->hard_negative_rate) || !rate_ok(o->feedback_rate) ||
	    o->now > hi || o->now - (int64_t)o->days * 86400 < lo)
		return SYNTH_BAD_OPTS;
	return SYNTH_OK;
}

void synth_conversation_id(const struct synth_opts *o, uint64_t index, char *out, size_t n)
{
	if (n)
		snprintf(out, n, "syn-%llu-%llu", (unsigned long long)o->seed,
			 (unsigned long long)index);
}

int synth_shape_from_name(const char *name)
{
	if (!strcmp(name, "mixed"))
		return SYNTH_SHAPE_MIXED;
	if (!strcmp(name, "messages"))
		return SYNTH_SHAPE_MESSAGES;
	if (!strcmp(name, "simple"))
		return SYNTH_SHAPE_SIMPLE;
	return -1;
}

int synth_conversation(const struct synth_opts *o, uint64_t index, struct buf *out,
		       struct synth_props *props)
{
	struct synth_props local;
	struct lplan l;
	struct cplan c;
	struct rng r;
	struct gen g;
	struct buf scratch = BUF_INIT;
	char tmp[96], ts[21];
	size_t start;
	int rc;

	if ((rc = synth_opts_check(o)))
		return rc;
	if (!props)
		props = &local;
	memset(props, 0, sizeof *props);
	start = out->len;
	plan_line(o, index, &l);
	plan_content(o, l.near ? l.base : l.src, &r, &c);

	memset(&g, 0, sizeof g);
	g.out = out;
	g.r = &r;
	g.t = &topics[c.topic];
	g.li = lang_find(g.t->lang);
	g.props = props;
	g.tag_style = c.tag_style;
	fill_slots(&g);

	props->index = index;
	props->dup = l.src != index;
	props->dup_of = l.src;
	props->near_dup = l.near;
	props->near_dup_of = l.base;
	props->shape = c.shape;
	props->topic = g.t->id;
	props->lang = g.t->lang;
	props->framework = g.t->fw;
	props->short_answer = c.short_answer;
	props->incomplete = c.inc;
	props->hard_negative = c.hard_negative;
	props->turns = c.turns;
	props->created_at = l.created_at;
	props->user = l.user;

	puts_raw(&g, "{\"conversation_id\":");
	put_conv_id(&g, o, index);
	puts_raw(&g, ",\"user_id\":");
	user_id(l.user, tmp, sizeof tmp);
	put_json_str(&g, tmp);
	time_format_rfc3339(l.created_at, ts);
	if (c.shape == SYNTH_SHAPE_MESSAGES) {
		uint64_t h = mix64(o->seed ^ mix64(((uint64_t)l.user << 32) ^
						   (uint64_t)(l.created_at / 10800)));
		char sid[16] = "s-";

		for (int i = 0; i < 10; i++, h >>= 5) {
			/* letters at 0, 4 and 8: no long digit runs */
			sid[2 + i] = i % 4 == 0 ? (char)('a' + h % 26) : "abcdefghjkmnpqrstuvwxyz23456789"[h % 31];
		}
		sid[12] = '\0';
		puts_raw(&g, ",\"session_id\":\"");
		puts_raw(&g, sid);
		puts_raw(&g, "\",\"created_at\":\"");
		puts_raw(&g, ts);
		puts_raw(&g, "\",\"model\":\"");
		puts_raw(&g, l.model);
		puts_raw(&g, "\"");
		write_messages(&g, &c, &scratch);
	} else {
		puts_raw(&g, ",\"question\":\"");
		write_question(&g, &c, false);
		puts_raw(&g, "\",\"answer\":\"");
		write_final(&g, &c, 0, 0, &scratch);
		puts_raw(&g, "\",\"context\":\"");
		write_context(&g, &c);
		puts_raw(&g, "\",\"language\":\"");
		puts_raw(&g, g.t->lang);
		puts_raw(&g, "\"");
		if (*g.t->fw) {
			puts_raw(&g, ",\"framework\":\"");
			puts_raw(&g, g.t->fw);
			puts_raw(&g, "\"");
		}
		puts_raw(&g, ",\"created_at\":\"");
		puts_raw(&g, ts);
		puts_raw(&g, "\"");
	}
	write_metadata(&g, o, &l, props);
	puts_raw(&g, "}");
	buf_release(&scratch);
	if (!g.rc && l.near)
		g.rc = near_mutate(o, &l, out, start);
	return g.rc;
}

/* Ratings 5, 4, 3, 2, 1 in per mille, by kind of conversation. Overall
 * (with the default rates) about 35/30/15/10/10. */
static const unsigned rating_normal[] = { 384, 314, 141, 84, 77 };
static const unsigned rating_short[] = { 200, 300, 250, 150, 100 };
static const unsigned rating_incomplete[] = { 0, 50, 150, 300, 500 };

static void write_rating(struct gen *g, const struct synth_opts *o, uint64_t index,
			 unsigned rating, const char *comment, unsigned user)
{
	char tmp[96];

	puts_raw(g, "{\"conversation_id\":");
	put_conv_id(g, o, index);
	puts_raw(g, ",\"rating\":");
	put_u64(g, rating);
	if (comment) {
		puts_raw(g, ",\"comment\":");
		put_json_str(g, comment);
	}
	puts_raw(g, ",\"user_id\":");
	user_id(user, tmp, sizeof tmp);
	put_json_str(g, tmp);
	puts_raw(g, "}\n");
}

static const char *pick_comment(struct rng *r, unsigned rating, const struct cplan *c)
{
	if (!rng_chance(r, rating <= 2 ? 0.5 : 0.25))
		return NULL;
	if (c->inc && rating <= 3)
		return PICK(r, comments_incomplete);
	if (rating >= 4)
		return PICK(r, comments_high);
	if (rating == 3)
		return PICK(r, comments_mid);
	return PICK(r, comments_low);
}

int synth_feedback(const struct synth_opts *o, uint64_t index, struct buf *out)
{
	struct lplan l;
	struct cplan c;
	struct rng r, cr;
	struct gen g;
	const unsigned *w;
	unsigned rating, rater;
	int rc;

	if ((rc = synth_opts_check(o)))
		return rc;
	rng_seed(&r, o->seed, index, STREAM_FEEDBACK);
	if (!rng_chance(&r, o->feedback_rate))
		return SYNTH_OK;
	plan_line(o, index, &l);
	plan_content(o, l.src, &cr, &c);
	memset(&g, 0, sizeof g);
	g.out = out;
	w = c.inc ? rating_incomplete : c.short_answer ? rating_short : rating_normal;
	rating = 5 - rng_weighted(&r, w, 5);
	rater = l.user;
	if (o->users > 1 && rng_chance(&r, 0.1))
		rater = (l.user + 1 + rng_below(&r, o->users - 1)) % o->users;
	write_rating(&g, o, index, rating, pick_comment(&r, rating, &c), rater);
	if (o->users > 1 && rng_chance(&r, 0.08)) {
		static const int delta[] = { -1, 0, 0, 1 };
		int r2 = (int)rating + PICK(&r, delta);
		unsigned other = (rater + 1 + rng_below(&r, o->users - 1)) % o->users;

		if (r2 < 1)
			r2 = 1;
		if (r2 > 5)
			r2 = 5;
		write_rating(&g, o, index, (unsigned)r2,
			     rng_chance(&r, 0.15) ? pick_comment(&r, (unsigned)r2, &c) : NULL, other);
	}
	return g.rc;
}
