/*
 * lang: programming-language and framework detection (see lang.h).
 *
 * For statistics over logged conversations, not for syntax highlighting:
 * a wrong guess costs a miscounted bar in a chart, so the heuristics prefer
 * saying nothing over guessing on weak evidence. Not a Markdown parser
 * either: only fences matter here.
 *
 * Fences follow CommonMark 0.31, section 4.5 "Fenced code blocks": a run of
 * 3+ backticks or tildes indented by at most 3 spaces opens a block; a run
 * of the same character, at least as long, alone on its line, closes it;
 * an unclosed block runs to the end of the text; a backtick fence whose
 * info string holds a backtick is inline code, not a fence.
 *
 * It runs on every logged conversation, so it is built for speed: about
 * 3 us per 2 KB of chat with tagged fences, 9 us with an untagged block,
 * on a 2.3 GHz VM where a plain byte loop counting words takes 7 us:
 *  - Frameworks: one pass over the whole text. Word tokens ([A-Za-z0-9_]+)
 *    are found 64 bytes at a time from a bit mask of word bytes (SSE2, or
 *    SWAR on other targets); each token is one probe in a hash index of
 *    the keywords, built on the stack from the const tables per call.
 *  - Languages: tagged blocks cost a table lookup of the info string; the
 *    fences themselves are found by memchr on ` and ~, not line by line.
 *    Untagged blocks get a second pass with the language keywords, plus
 *    operators and line shapes (YAML "key: value" lines, CSS "prop: value;"
 *    lines, JSON '"key":', TOML sections, "$ " prompts); the best score
 *    wins if it reaches LANG_MIN_SCORE and is not tied.
 * Keywords may require context: bytes right before or after the token, a
 * quote before it, a ".member" after it, the start or end of its line.
 * No allocation, no mutable globals; linear in the input on any bytes.
 */
#include "core/lang.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#if defined(__SSE2__) && !defined(LANG_NO_SIMD)
#include <emmintrin.h>
#define LANG_SSE2 1
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- tables */

/* Languages. Indices are the bits of lang_result.langs, which callers may
 * store: append new languages at the end, never reorder. */
enum {
	L_PYTHON, L_JAVASCRIPT, L_TYPESCRIPT, L_JAVA, L_GO, L_RUST, L_C, L_CPP,
	L_CSHARP, L_PHP, L_RUBY, L_SWIFT, L_KOTLIN, L_SCALA, L_SQL, L_BASH,
	L_POWERSHELL, L_HTML, L_CSS, L_JSON, L_YAML, L_DOCKERFILE, L_R, L_DART,
	L_LUA, L_PERL, L_HASKELL, L_ELIXIR, L_TOML, L_XML, L_MARKDOWN,
	L_MAKEFILE, L_GRAPHQL, L_HCL, L_JULIA, L_ZIG, L_CLOJURE, L_ERLANG,
	L_OCAML, L_FSHARP, L_GROOVY, L_OBJECTIVEC, L_MATLAB, L_PROTOBUF,
	L_SOLIDITY, L_SCSS, L_ASSEMBLY,
	L_COUNT
};

static const char *const LANG_NAMES[] = {
	[L_PYTHON] = "python", [L_JAVASCRIPT] = "javascript",
	[L_TYPESCRIPT] = "typescript", [L_JAVA] = "java", [L_GO] = "go",
	[L_RUST] = "rust", [L_C] = "c", [L_CPP] = "cpp", [L_CSHARP] = "csharp",
	[L_PHP] = "php", [L_RUBY] = "ruby", [L_SWIFT] = "swift",
	[L_KOTLIN] = "kotlin", [L_SCALA] = "scala", [L_SQL] = "sql",
	[L_BASH] = "bash", [L_POWERSHELL] = "powershell", [L_HTML] = "html",
	[L_CSS] = "css", [L_JSON] = "json", [L_YAML] = "yaml",
	[L_DOCKERFILE] = "dockerfile", [L_R] = "r", [L_DART] = "dart",
	[L_LUA] = "lua", [L_PERL] = "perl", [L_HASKELL] = "haskell",
	[L_ELIXIR] = "elixir", [L_TOML] = "toml", [L_XML] = "xml",
	[L_MARKDOWN] = "markdown", [L_MAKEFILE] = "makefile",
	[L_GRAPHQL] = "graphql", [L_HCL] = "hcl", [L_JULIA] = "julia",
	[L_ZIG] = "zig", [L_CLOJURE] = "clojure", [L_ERLANG] = "erlang",
	[L_OCAML] = "ocaml", [L_FSHARP] = "fsharp", [L_GROOVY] = "groovy",
	[L_OBJECTIVEC] = "objectivec", [L_MATLAB] = "matlab",
	[L_PROTOBUF] = "protobuf", [L_SOLIDITY] = "solidity", [L_SCSS] = "scss",
	[L_ASSEMBLY] = "assembly",
};

_Static_assert(ARRAY_SIZE(LANG_NAMES) == L_COUNT, "a language has no name");
_Static_assert(L_COUNT <= LANG_MAX, "too many languages for a 64-bit mask");

/* Frameworks and libraries. Same rule: append only. */
enum {
	F_FASTAPI, F_DJANGO, F_FLASK, F_REACT, F_VUE, F_ANGULAR, F_SVELTE,
	F_EXPRESS, F_NEXTJS, F_NUXT, F_NESTJS, F_SPRING, F_RAILS, F_LARAVEL,
	F_DOTNET, F_GIN, F_ECHO, F_ACTIX, F_AXUM, F_ROCKET, F_TOKIO, F_PANDAS,
	F_NUMPY, F_PYTORCH, F_TENSORFLOW, F_SKLEARN, F_SQLALCHEMY, F_CELERY,
	F_PRISMA, F_TAILWIND, F_JQUERY, F_SYMFONY, F_PHOENIX, F_FLUTTER,
	F_PYDANTIC, F_REDUX, F_MATPLOTLIB, F_STREAMLIT,
	F_COUNT
};

static const char *const FW_NAMES[] = {
	[F_FASTAPI] = "FastAPI", [F_DJANGO] = "Django", [F_FLASK] = "Flask",
	[F_REACT] = "React", [F_VUE] = "Vue", [F_ANGULAR] = "Angular",
	[F_SVELTE] = "Svelte", [F_EXPRESS] = "Express", [F_NEXTJS] = "Next.js",
	[F_NUXT] = "Nuxt", [F_NESTJS] = "NestJS", [F_SPRING] = "Spring",
	[F_RAILS] = "Rails", [F_LARAVEL] = "Laravel", [F_DOTNET] = ".NET",
	[F_GIN] = "Gin", [F_ECHO] = "Echo", [F_ACTIX] = "Actix",
	[F_AXUM] = "Axum", [F_ROCKET] = "Rocket", [F_TOKIO] = "Tokio",
	[F_PANDAS] = "Pandas", [F_NUMPY] = "NumPy", [F_PYTORCH] = "PyTorch",
	[F_TENSORFLOW] = "TensorFlow", [F_SKLEARN] = "scikit-learn",
	[F_SQLALCHEMY] = "SQLAlchemy", [F_CELERY] = "Celery",
	[F_PRISMA] = "Prisma", [F_TAILWIND] = "Tailwind", [F_JQUERY] = "jQuery",
	[F_SYMFONY] = "Symfony", [F_PHOENIX] = "Phoenix", [F_FLUTTER] = "Flutter",
	[F_PYDANTIC] = "Pydantic", [F_REDUX] = "Redux",
	[F_MATPLOTLIB] = "Matplotlib", [F_STREAMLIT] = "Streamlit",
};

_Static_assert(ARRAY_SIZE(FW_NAMES) == F_COUNT, "a framework has no name");
_Static_assert(F_COUNT <= LANG_MAX, "too many frameworks for a 64-bit mask");

struct alias {
	const char *name;
	unsigned char len;
	unsigned char id;
};

#define AL(a, id) { "" a, sizeof(a) - 1, (id) }

/* Other names for languages, as met in fence info strings and file
 * extensions. Lowercase; lookups fold case. */
static const struct alias LANG_ALIASES[] = {
	AL("py", L_PYTHON), AL("python3", L_PYTHON), AL("py3", L_PYTHON),
	AL("python2", L_PYTHON), AL("py2", L_PYTHON), AL("ipython", L_PYTHON),
	AL("pyw", L_PYTHON), AL("pyi", L_PYTHON), AL("gyp", L_PYTHON),
	AL("js", L_JAVASCRIPT), AL("node", L_JAVASCRIPT),
	AL("nodejs", L_JAVASCRIPT), AL("jsx", L_JAVASCRIPT),
	AL("mjs", L_JAVASCRIPT), AL("cjs", L_JAVASCRIPT),
	AL("ecmascript", L_JAVASCRIPT), AL("es6", L_JAVASCRIPT),
	AL("javascriptreact", L_JAVASCRIPT),
	AL("ts", L_TYPESCRIPT), AL("tsx", L_TYPESCRIPT), AL("mts", L_TYPESCRIPT),
	AL("cts", L_TYPESCRIPT), AL("typescriptreact", L_TYPESCRIPT),
	AL("jsp", L_JAVA),
	AL("golang", L_GO),
	AL("rs", L_RUST),
	AL("h", L_C), AL("c89", L_C), AL("c99", L_C), AL("c11", L_C),
	AL("c17", L_C), AL("c23", L_C),
	AL("c++", L_CPP), AL("cc", L_CPP), AL("cxx", L_CPP), AL("hpp", L_CPP),
	AL("hxx", L_CPP), AL("hh", L_CPP), AL("h++", L_CPP), AL("cplusplus", L_CPP),
	AL("cu", L_CPP), AL("cuda", L_CPP),
	AL("cs", L_CSHARP), AL("c#", L_CSHARP), AL("dotnet", L_CSHARP),
	AL("csx", L_CSHARP), AL("c-sharp", L_CSHARP),
	AL("php3", L_PHP), AL("php4", L_PHP), AL("php5", L_PHP), AL("php7", L_PHP),
	AL("php8", L_PHP), AL("phtml", L_PHP),
	AL("rb", L_RUBY), AL("jruby", L_RUBY), AL("rake", L_RUBY),
	AL("gemspec", L_RUBY),
	AL("kt", L_KOTLIN), AL("kts", L_KOTLIN),
	AL("postgres", L_SQL), AL("postgresql", L_SQL), AL("psql", L_SQL),
	AL("pgsql", L_SQL), AL("plpgsql", L_SQL), AL("mysql", L_SQL),
	AL("mariadb", L_SQL), AL("sqlite", L_SQL), AL("sqlite3", L_SQL),
	AL("plsql", L_SQL), AL("tsql", L_SQL), AL("t-sql", L_SQL),
	AL("mssql", L_SQL),
	AL("sh", L_BASH), AL("shell", L_BASH), AL("zsh", L_BASH),
	AL("console", L_BASH), AL("shell-session", L_BASH),
	AL("shellsession", L_BASH), AL("terminal", L_BASH), AL("ksh", L_BASH),
	AL("fish", L_BASH), AL("shellscript", L_BASH),
	AL("ps1", L_POWERSHELL), AL("pwsh", L_POWERSHELL), AL("ps", L_POWERSHELL),
	AL("psm1", L_POWERSHELL), AL("posh", L_POWERSHELL),
	AL("htm", L_HTML), AL("xhtml", L_HTML), AL("html5", L_HTML),
	AL("less", L_CSS),
	AL("jsonc", L_JSON), AL("json5", L_JSON), AL("jsonl", L_JSON),
	AL("ndjson", L_JSON), AL("geojson", L_JSON),
	AL("yml", L_YAML),
	AL("docker", L_DOCKERFILE), AL("containerfile", L_DOCKERFILE),
	AL("rscript", L_R), AL("rlang", L_R),
	AL("luau", L_LUA),
	AL("pl", L_PERL), AL("pm", L_PERL), AL("perl5", L_PERL),
	AL("hs", L_HASKELL),
	AL("ex", L_ELIXIR), AL("exs", L_ELIXIR),
	AL("xsd", L_XML), AL("xsl", L_XML), AL("xslt", L_XML), AL("svg", L_XML),
	AL("plist", L_XML),
	AL("md", L_MARKDOWN), AL("mkd", L_MARKDOWN), AL("mdx", L_MARKDOWN),
	AL("make", L_MAKEFILE), AL("mk", L_MAKEFILE), AL("mak", L_MAKEFILE),
	AL("gql", L_GRAPHQL),
	AL("terraform", L_HCL), AL("tf", L_HCL), AL("tfvars", L_HCL),
	AL("jl", L_JULIA),
	AL("clj", L_CLOJURE), AL("cljs", L_CLOJURE), AL("cljc", L_CLOJURE),
	AL("edn", L_CLOJURE),
	AL("erl", L_ERLANG),
	AL("ml", L_OCAML),
	AL("fs", L_FSHARP), AL("f#", L_FSHARP), AL("fsx", L_FSHARP),
	AL("gradle", L_GROOVY),
	AL("objc", L_OBJECTIVEC), AL("objective-c", L_OBJECTIVEC),
	AL("obj-c", L_OBJECTIVEC), AL("objectivec++", L_OBJECTIVEC),
	AL("octave", L_MATLAB),
	AL("proto", L_PROTOBUF), AL("proto3", L_PROTOBUF),
	AL("sol", L_SOLIDITY),
	AL("sass", L_SCSS),
	AL("asm", L_ASSEMBLY), AL("nasm", L_ASSEMBLY), AL("x86asm", L_ASSEMBLY),
	AL("armasm", L_ASSEMBLY), AL("gas", L_ASSEMBLY),
};

static const struct alias FW_ALIASES[] = {
	AL("nextjs", F_NEXTJS), AL("next", F_NEXTJS),
	AL("reactjs", F_REACT), AL("react.js", F_REACT),
	AL("vuejs", F_VUE), AL("vue.js", F_VUE),
	AL("angularjs", F_ANGULAR),
	AL("sveltekit", F_SVELTE),
	AL("expressjs", F_EXPRESS), AL("express.js", F_EXPRESS),
	AL("nuxtjs", F_NUXT), AL("nuxt.js", F_NUXT),
	AL("nest", F_NESTJS),
	AL("spring boot", F_SPRING), AL("springboot", F_SPRING),
	AL("spring-boot", F_SPRING),
	AL("ruby on rails", F_RAILS), AL("ror", F_RAILS),
	AL("dotnet", F_DOTNET), AL("asp.net", F_DOTNET),
	AL("asp.net core", F_DOTNET), AL("aspnet", F_DOTNET),
	AL("aspnetcore", F_DOTNET),
	AL("gin-gonic", F_GIN),
	AL("actix-web", F_ACTIX), AL("actix_web", F_ACTIX),
	AL("torch", F_PYTORCH),
	AL("tf", F_TENSORFLOW),
	AL("sklearn", F_SKLEARN), AL("scikit_learn", F_SKLEARN),
	AL("tailwindcss", F_TAILWIND), AL("tailwind css", F_TAILWIND),
	AL("phoenix framework", F_PHOENIX),
};

/* Keyword context flags. */
enum {
	KW_FOLD = 1 << 0,        /* compare case-insensitively (word is lowercase) */
	KW_LINE_START = 1 << 1,  /* first token on the line ("$ " prompt skipped) */
	KW_LINE_END = 1 << 2,    /* nothing but blanks after it on the line */
	KW_QUOTED = 1 << 3,      /* right after a ' " or ` (import paths) */
	KW_MEMBER = 1 << 4,      /* followed by '.' and an identifier: np.array */
};

/* Framework evidence: a strong keyword is enough on its own; a weak one
 * (a name that is also an English word, capitalised) counts only together
 * with a supporting keyword of the same framework. */
enum { FW_SUPPORT, FW_WEAK, FW_STRONG };

struct kw {
	const char *word;    /* the token itself; lowercase when KW_FOLD */
	const char *before;  /* bytes that must end right before it, or "" */
	const char *after;   /* bytes that must start right after it, or "" */
	unsigned char len, blen, alen;
	unsigned char flags;
	unsigned char target;  /* language or framework index */
	unsigned char weight;  /* language score, or FW_STRONG / WEAK / SUPPORT */
};

/* The "" prefix makes a non-literal argument a compile error, so sizeof
 * is always the literal's length plus one. */
#define KWX(w, b, a, fl, t, wt) \
	{ "" w, "" b, "" a, sizeof(w) - 1, sizeof(b) - 1, sizeof(a) - 1, (fl), (t), (wt) }
#define KW(w, fl, t, wt) KWX(w, "", "", fl, t, wt)

#define FS FW_STRONG
#define FWK FW_WEAK
#define FSUP FW_SUPPORT
#define FOLD KW_FOLD
#define LS KW_LINE_START
#define LE KW_LINE_END
#define QUO KW_QUOTED
#define MEM KW_MEMBER

/*
 * Framework keywords, tried on every token of the text (prose included).
 * Case rules, chosen against false positives in prose:
 *  - distinctive names match in any case: fastapi, django, laravel, numpy,
 *    sqlalchemy, nuxt, axum, tokio, jquery, ...
 *  - names that are English words count only capitalised or in code
 *    shapes: "React" but not "react to"; "Vue", "Angular", "Svelte",
 *    "Flask", "Flutter" capitalised; lowercase react/vue/express/next/
 *    svelte/redux only as a quoted import path ('react', "next/router"),
 *    a file name (App.vue) or a call (express()).
 *  - "Express", "Spring", "Rails", "Gin", "Rocket", "Pandas", "Celery",
 *    "Prisma", "Tailwind", "Phoenix" start sentences and name other things
 *    ("Spring is here", "Phoenix, AZ"), so capitalised they are only weak
 *    and need a supporting keyword (Node, Java, Ruby, Go, Rust, Python,
 *    DataFrame, Elixir, app.get(, ...); their code shapes are strong:
 *    @SpringBootApplication, Rails.application, rails new, gin.Default().
 *  - "Next.js" needs its ".js"; ".NET" its dot; lowercase "spring",
 *    "rails", "torch" count only in code shapes; "pandas" and "celery"
 *    (animal, vegetable) are weak in any case, strong when imported.
 *  - The conventional aliases np., pd., plt., torch. count before any
 *    member; short or common ones (tf, gin, echo, express) only before
 *    members of their API, so "tf.vim" and "/tmp/echo.sock" do not.
 * Order does not matter (lookups go through an index built per call);
 * entries are grouped by framework for the reader. To add a framework,
 * append to the enum and FW_NAMES, then add its keywords here.
 */
static const struct kw FW_KW[] = {
	/* FastAPI */
	KW("APIRouter", 0, F_FASTAPI, FS),
	KW("fastapi", FOLD, F_FASTAPI, FS),
	/* Django */
	KW("django", FOLD, F_DJANGO, FS),
	KWX("manage", "", ".py", 0, F_DJANGO, FS),
	/* Flask */
	KW("Flask", 0, F_FLASK, FS),
	KWX("flask", "from ", "", 0, F_FLASK, FS),
	KWX("flask", "import ", "", 0, F_FLASK, FS),
	KWX("flask", "", " run", 0, F_FLASK, FS),
	/* React */
	KW("jsx", FOLD, F_REACT, FS),
	KW("React", 0, F_REACT, FS),
	KWX("react", "", "", QUO, F_REACT, FS),
	KW("ReactDOM", 0, F_REACT, FS),
	KW("reactjs", FOLD, F_REACT, FS),
	KWX("tsx", "```", "", 0, F_REACT, FS),
	KW("useState", 0, F_REACT, FS),
	KW("useEffect", 0, F_REACT, FS),
	/* Vue */
	KWX("createApp", "", "(", 0, F_VUE, FS),
	KWX("default", "export ", " {", 0, F_VUE, FSUP),
	KWX("template", "<", ">", 0, F_VUE, FWK),
	KW("Vue", 0, F_VUE, FS),
	KWX("vue", "", "", QUO, F_VUE, FS),
	KWX("vue", ".", "", 0, F_VUE, FS),
	KWX("vue", "```", "", 0, F_VUE, FS),
	KW("vuejs", FOLD, F_VUE, FS),
	KW("vuex", FOLD, F_VUE, FS),
	KWX("v", "", "-if=", 0, F_VUE, FSUP),
	KWX("v", "", "-for=", 0, F_VUE, FSUP),
	/* Angular */
	KW("Angular", 0, F_ANGULAR, FS),
	KW("angularjs", FOLD, F_ANGULAR, FS),
	KWX("angular", "@", "", 0, F_ANGULAR, FS),
	KWX("Component", "@", "({", 0, F_ANGULAR, FS),
	KW("NgModule", 0, F_ANGULAR, FS),
	KW("ngOnInit", 0, F_ANGULAR, FS),
	/* Svelte */
	KW("Svelte", 0, F_SVELTE, FS),
	KWX("svelte", "", "", QUO, F_SVELTE, FS),
	KWX("svelte", ".", "", 0, F_SVELTE, FS),
	KWX("svelte", "```", "", 0, F_SVELTE, FS),
	KW("sveltekit", FOLD, F_SVELTE, FS),
	/* Express */
	KWX("app", "", ".get(", 0, F_EXPRESS, FSUP),
	KWX("app", "", ".post(", 0, F_EXPRESS, FSUP),
	KWX("app", "", ".listen(", 0, F_EXPRESS, FSUP),
	KWX("app", "", ".use(", 0, F_EXPRESS, FSUP),
	KWX("express", "", "", QUO, F_EXPRESS, FS),
	KWX("express", "", "()", 0, F_EXPRESS, FS),
	KWX("express", "", ".Router(", 0, F_EXPRESS, FS),
	KWX("express", "", ".json(", 0, F_EXPRESS, FS),
	KWX("express", "", ".static(", 0, F_EXPRESS, FS),
	KWX("express", "", ".urlencoded(", 0, F_EXPRESS, FS),
	KW("expressjs", FOLD, F_EXPRESS, FS),
	KWX("express", "", ".js", FOLD, F_EXPRESS, FS),
	KW("Express", 0, F_EXPRESS, FWK),
	KW("middleware", FOLD, F_EXPRESS, FSUP),
	KW("node", FOLD, F_EXPRESS, FSUP),
	KW("npm", FOLD, F_EXPRESS, FSUP),
	/* Next.js */
	KW("getServerSideProps", 0, F_NEXTJS, FS),
	KW("getStaticProps", 0, F_NEXTJS, FS),
	KWX("next", "", "/", QUO, F_NEXTJS, FS),
	KWX("next", "", ".config", 0, F_NEXTJS, FS),
	KWX("next", "", ".js", FOLD, F_NEXTJS, FS),
	KW("nextjs", FOLD, F_NEXTJS, FS),
	/* Nuxt */
	KW("nuxt", FOLD, F_NUXT, FS),
	KW("nuxtjs", FOLD, F_NUXT, FS),
	/* NestJS */
	KW("nestjs", FOLD, F_NESTJS, FS),
	KW("NestFactory", 0, F_NESTJS, FS),
	/* Spring */
	KWX("Autowired", "@", "", 0, F_SPRING, FS),
	KWX("Bean", "@", "", 0, F_SPRING, FSUP),
	KWX("GetMapping", "@", "", 0, F_SPRING, FS),
	KW("Gradle", 0, F_SPRING, FSUP),
	KW("Java", 0, F_SPRING, FSUP),
	KW("Kotlin", 0, F_SPRING, FSUP),
	KW("Maven", 0, F_SPRING, FSUP),
	KWX("PostMapping", "@", "", 0, F_SPRING, FS),
	KWX("RestController", "@", "", 0, F_SPRING, FS),
	KWX("RequestMapping", "@", "", 0, F_SPRING, FS),
	KW("SpringBootApplication", 0, F_SPRING, FS),
	KW("SpringApplication", 0, F_SPRING, FS),
	KW("springframework", FOLD, F_SPRING, FS),
	KWX("Spring", "", " Boot", 0, F_SPRING, FS),
	KWX("spring", "", "-boot", FOLD, F_SPRING, FS),
	KWX("spring", "", "", MEM, F_SPRING, FS),
	KW("Spring", 0, F_SPRING, FWK),
	/* Rails */
	KW("ActiveRecord", 0, F_RAILS, FS),
	KW("ApplicationController", 0, F_RAILS, FS),
	KW("ActionController", 0, F_RAILS, FS),
	KW("ApplicationRecord", 0, F_RAILS, FS),
	KWX("Rails", "", "", MEM, F_RAILS, FS),
	KW("Rails", 0, F_RAILS, FWK),
	KWX("rails", "", " new", 0, F_RAILS, FS),
	KWX("rails", "", " generate", 0, F_RAILS, FS),
	KWX("rails", "", " db:", 0, F_RAILS, FS),
	KWX("rails", "", " server", 0, F_RAILS, FS),
	KWX("rails", "", " console", 0, F_RAILS, FS),
	KW("ruby", FOLD, F_RAILS, FSUP),
	/* Laravel */
	KWX("artisan", "php ", "", 0, F_LARAVEL, FS),
	KWX("Illuminate", "", "\\", 0, F_LARAVEL, FS),
	KW("laravel", FOLD, F_LARAVEL, FS),
	/* .NET */
	KW("AspNetCore", 0, F_DOTNET, FS),
	KW("Blazor", 0, F_DOTNET, FS),
	KW("csproj", FOLD, F_DOTNET, FS),
	KW("dotnet", FOLD, F_DOTNET, FS),
	KW("EntityFrameworkCore", 0, F_DOTNET, FS),
	KWX("NET", ".", "", 0, F_DOTNET, FS),
	KWX("WebApplication", "", ".CreateBuilder", 0, F_DOTNET, FS),
	/* Gin */
	KWX("gin", "", "-gonic", FOLD, F_GIN, FS),
	KWX("gin", "", ".Default()", 0, F_GIN, FS),
	KWX("gin", "", ".New()", 0, F_GIN, FS),
	KWX("gin", "", ".Context", 0, F_GIN, FS),
	KWX("gin", "", ".H{", 0, F_GIN, FS),
	KWX("gin", "", ".Engine", 0, F_GIN, FS),
	KW("Gin", 0, F_GIN, FWK),
	KW("Go", 0, F_GIN, FSUP),
	KW("golang", FOLD, F_GIN, FSUP),
	/* Echo */
	KWX("echo", "", ".New()", 0, F_ECHO, FS),
	KWX("echo", "", ".Context", 0, F_ECHO, FS),
	KWX("echo", "", ".HandlerFunc", 0, F_ECHO, FS),
	KWX("echo", "", ".Map{", 0, F_ECHO, FS),
	KW("labstack", FOLD, F_ECHO, FS),
	/* Actix */
	KW("actix", FOLD, F_ACTIX, FS),
	KW("actix_web", FOLD, F_ACTIX, FS),
	/* Axum */
	KW("axum", FOLD, F_AXUM, FS),
	/* Rocket */
	KW("crate", 0, F_ROCKET, FSUP),
	KWX("rocket", "", "::", 0, F_ROCKET, FS),
	KWX("rocket", "crate ", "", 0, F_ROCKET, FS),
	KW("Rocket", 0, F_ROCKET, FWK),
	KW("Rust", 0, F_ROCKET, FSUP),
	/* Tokio */
	KW("tokio", FOLD, F_TOKIO, FS),
	/* Pandas */
	KW("csv", FOLD, F_PANDAS, FSUP),
	KW("dataframe", FOLD, F_PANDAS, FSUP),
	KW("numpy", FOLD, F_PANDAS, FSUP),
	KWX("pandas", "import ", "", 0, F_PANDAS, FS),
	KW("pandas", FOLD, F_PANDAS, FWK),
	KWX("pd", "", "", MEM, F_PANDAS, FS),
	KW("Python", 0, F_PANDAS, FSUP),
	/* NumPy */
	KW("numpy", FOLD, F_NUMPY, FS),
	KWX("np", "", "", MEM, F_NUMPY, FS),
	/* PyTorch */
	KW("pytorch", FOLD, F_PYTORCH, FS),
	KWX("torch", "", "", MEM, F_PYTORCH, FS),
	KWX("torch", "import ", "", 0, F_PYTORCH, FS),
	/* TensorFlow */
	KW("tensorflow", FOLD, F_TENSORFLOW, FS),
	KWX("tf", "", ".keras", 0, F_TENSORFLOW, FS),
	KWX("tf", "", ".constant(", 0, F_TENSORFLOW, FS),
	KWX("tf", "", ".Variable(", 0, F_TENSORFLOW, FS),
	KWX("tf", "", ".Tensor", 0, F_TENSORFLOW, FS),
	KWX("tf", "", ".function", 0, F_TENSORFLOW, FS),
	KWX("tf", "", ".data.", 0, F_TENSORFLOW, FS),
	KWX("tf", "", ".nn.", 0, F_TENSORFLOW, FS),
	KWX("tf", "", ".float32", 0, F_TENSORFLOW, FS),
	KWX("tf", "", ".GradientTape(", 0, F_TENSORFLOW, FS),
	KWX("tf", "", ".Session(", 0, F_TENSORFLOW, FS),
	/* scikit-learn */
	KW("sklearn", FOLD, F_SKLEARN, FS),
	KW("scikit", FOLD, F_SKLEARN, FS),
	/* SQLAlchemy */
	KW("sqlalchemy", FOLD, F_SQLALCHEMY, FS),
	/* Celery */
	KWX("Celery", "", "(", 0, F_CELERY, FS),
	KWX("celery", "from ", "", 0, F_CELERY, FS),
	KWX("celery", "import ", "", 0, F_CELERY, FS),
	KWX("celery", "", " -A", 0, F_CELERY, FS),
	KW("celery", FOLD, F_CELERY, FWK),
	KW("Python", 0, F_CELERY, FSUP),
	KW("redis", FOLD, F_CELERY, FSUP),
	KW("rabbitmq", FOLD, F_CELERY, FSUP),
	KW("shared_task", 0, F_CELERY, FS),
	KWX("task", ".", "", 0, F_CELERY, FSUP),
	KW("worker", FOLD, F_CELERY, FSUP),
	/* Prisma */
	KW("node", FOLD, F_PRISMA, FSUP),
	KW("ORM", 0, F_PRISMA, FSUP),
	KW("PrismaClient", 0, F_PRISMA, FS),
	KWX("prisma", "@", "", 0, F_PRISMA, FS),
	KWX("prisma", "npx ", "", 0, F_PRISMA, FS),
	KWX("prisma", "schema.", "", 0, F_PRISMA, FS),
	KWX("prisma", "", "", MEM, F_PRISMA, FS),
	KW("Prisma", 0, F_PRISMA, FWK),
	KW("schema", FOLD, F_PRISMA, FSUP),
	/* Tailwind */
	KW("className", 0, F_TAILWIND, FSUP),
	KW("tailwindcss", FOLD, F_TAILWIND, FS),
	KWX("tailwind", "@", "", 0, F_TAILWIND, FS),
	KWX("tailwind", "", ".config", FOLD, F_TAILWIND, FS),
	KWX("Tailwind", "", " CSS", 0, F_TAILWIND, FS),
	KW("Tailwind", 0, F_TAILWIND, FWK),
	/* jQuery */
	KWX("document", "$(", "", 0, F_JQUERY, FS),
	KW("jquery", FOLD, F_JQUERY, FS),
	/* Symfony */
	KW("symfony", FOLD, F_SYMFONY, FS),
	/* Phoenix */
	KW("Elixir", 0, F_PHOENIX, FSUP),
	KW("Ecto", 0, F_PHOENIX, FSUP),
	KW("LiveView", 0, F_PHOENIX, FS),
	KWX("Phoenix", "", "", MEM, F_PHOENIX, FS),
	KW("Phoenix", 0, F_PHOENIX, FWK),
	KWX("phx", "", "", MEM, F_PHOENIX, FS),
	/* Flutter */
	KW("Flutter", 0, F_FLUTTER, FS),
	KWX("flutter", "package:", "", 0, F_FLUTTER, FS),
	KWX("flutter", "", " create", 0, F_FLUTTER, FS),
	KWX("flutter", "", " pub", 0, F_FLUTTER, FS),
	KWX("flutter", "", " run", 0, F_FLUTTER, FS),
	KW("StatelessWidget", 0, F_FLUTTER, FS),
	KW("StatefulWidget", 0, F_FLUTTER, FS),
	/* Pydantic */
	KW("pydantic", FOLD, F_PYDANTIC, FS),
	/* Redux */
	KW("createSlice", 0, F_REDUX, FS),
	KW("Redux", 0, F_REDUX, FS),
	KWX("redux", "", "", QUO, F_REDUX, FS),
	KW("reduxjs", FOLD, F_REDUX, FS),
	KW("useSelector", 0, F_REDUX, FS),
	KW("useDispatch", 0, F_REDUX, FS),
	/* Matplotlib */
	KW("matplotlib", FOLD, F_MATPLOTLIB, FS),
	KWX("plt", "", "", MEM, F_MATPLOTLIB, FS),
	/* Streamlit */
	KW("streamlit", FOLD, F_STREAMLIT, FS),
};

/* Language keywords, for untagged blocks only, grouped by language in any
 * order. Weights: 1 a hint shared by several languages, 2 a typical
 * construct, 3-4 nearly unique to the language, 5-6 unmistakable (<?php,
 * #!/bin/bash, pragma solidity). Line shapes add more in block_verdict(). */
#define LK(w, fl, t, wt) KW(w, fl, t, wt)
#define LC(w, b, a, fl, t, wt) KWX(w, b, a, fl, t, wt)

static const struct kw LANG_KW[] = {
	/* python */
	LK("__init__", 0, L_PYTHON, 3),
	LK("__name__", 0, L_PYTHON, 3),
	LK("__main__", 0, L_PYTHON, 3),
	LC("async", "", " def", 0, L_PYTHON, 3),
	LC("args", "*", "", 0, L_PYTHON, 2),
	LK("def", LS, L_PYTHON, 2),
	LK("elif", 0, L_PYTHON, 3),
	LK("except", 0, L_PYTHON, 3),
	LK("from", LS, L_PYTHON, 1),
	LC("f", "", "\"", 0, L_PYTHON, 1),
	LC("f", "", "'", 0, L_PYTHON, 1),
	LK("False", 0, L_PYTHON, 1),
	LK("import", LS, L_PYTHON, 1),
	LK("isinstance", 0, L_PYTHON, 3),
	LK("kwargs", 0, L_PYTHON, 3),
	LK("lambda", 0, L_PYTHON, 1),
	LC("len", "", "(", 0, L_PYTHON, 1),
	LK("None", 0, L_PYTHON, 1),
	LC("open", "with ", "", 0, L_PYTHON, 3),
	LC("print", "", "(", 0, L_PYTHON, 1),
	LK("pass", LS | LE, L_PYTHON, 2),
	LC("python", "env ", "", 0, L_PYTHON, 4),
	LC("python3", "env ", "", 0, L_PYTHON, 4),
	LC("property", "@", "", LS, L_PYTHON, 2),
	LK("raise", 0, L_PYTHON, 1),
	LC("range", "", "(", 0, L_PYTHON, 1),
	LK("self", MEM, L_PYTHON, 2),
	LC("self", "(", "", 0, L_PYTHON, 2),
	LK("True", 0, L_PYTHON, 1),
	LC("Traceback", "", " (most", 0, L_PYTHON, 4),
	LC("else", "", ":", LS, L_PYTHON, 1),
	LC("try", "", ":", LS, L_PYTHON, 2),
	LC("finally", "", ":", LS, L_PYTHON, 2),
	LK("np", MEM, L_PYTHON, 1),
	LK("pd", MEM, L_PYTHON, 1),
	LK("plt", MEM, L_PYTHON, 1),
	/* javascript */
	LK("__dirname", 0, L_JAVASCRIPT, 3),
	LK("addEventListener", 0, L_JAVASCRIPT, 3),
	LC("async", "", " function", 0, L_JAVASCRIPT, 2),
	LK("console", MEM, L_JAVASCRIPT, 3),
	LK("const", LS, L_JAVASCRIPT, 1),
	LK("className", 0, L_JAVASCRIPT, 2),
	LK("document", MEM, L_JAVASCRIPT, 2),
	LC("export", "", " default", 0, L_JAVASCRIPT, 2),
	LC("export", "", " const", 0, L_JAVASCRIPT, 1),
	LC("export", "", " function", 0, L_JAVASCRIPT, 1),
	LK("function", 0, L_JAVASCRIPT, 1),
	LC("import", "", " React", LS, L_JAVASCRIPT, 2),
	LC("import", "", " {", LS, L_JAVASCRIPT, 1),
	LK("JSON", MEM, L_JAVASCRIPT, 2),
	LK("let", LS, L_JAVASCRIPT, 1),
	LC("module", "", ".exports", 0, L_JAVASCRIPT, 3),
	LK("querySelector", 0, L_JAVASCRIPT, 3),
	LC("require", "", "(", 0, L_JAVASCRIPT, 2),
	LK("this", MEM, L_JAVASCRIPT, 1),
	LK("typeof", 0, L_JAVASCRIPT, 2),
	LK("undefined", 0, L_JAVASCRIPT, 2),
	LK("useState", 0, L_JAVASCRIPT, 3),
	LK("useEffect", 0, L_JAVASCRIPT, 3),
	LK("var", LS, L_JAVASCRIPT, 1),
	LK("window", MEM, L_JAVASCRIPT, 2),
	LK("prototype", MEM, L_JAVASCRIPT, 3),
	LK("exports", MEM, L_JAVASCRIPT, 2),
	LC("function", "(", "", 0, L_JAVASCRIPT, 1),
	/* typescript */
	LC("as", "", " const", 0, L_TYPESCRIPT, 3),
	LC("any", ": ", "", 0, L_TYPESCRIPT, 2),
	LC("Array", "", "<", 0, L_TYPESCRIPT, 2),
	LC("boolean", ": ", "", 0, L_TYPESCRIPT, 2),
	LC("export", "", " interface", 0, L_TYPESCRIPT, 3),
	LC("export", "", " type", 0, L_TYPESCRIPT, 2),
	LC("import", "", " type", LS, L_TYPESCRIPT, 3),
	LK("interface", LS, L_TYPESCRIPT, 2),
	LK("keyof", 0, L_TYPESCRIPT, 3),
	LC("number", ": ", "", 0, L_TYPESCRIPT, 2),
	LC("Promise", "", "<", 0, L_TYPESCRIPT, 3),
	LK("readonly", 0, L_TYPESCRIPT, 1),
	LC("Record", "", "<", 0, L_TYPESCRIPT, 2),
	LC("string", ": ", "", 0, L_TYPESCRIPT, 2),
	LC("string", ":", "", 0, L_TYPESCRIPT, 1),
	LC("void", "): ", "", 0, L_TYPESCRIPT, 2),
	/* java */
	LC("ArrayList", "new ", "", 0, L_JAVA, 3),
	LC("ArrayList", "", "<", 0, L_JAVA, 3),
	LC("HashMap", "new ", "", 0, L_JAVA, 3),
	LC("import", "", " java", LS, L_JAVA, 4),
	LC("main", "", "(String", 0, L_JAVA, 4),
	LC("Override", "@", "", 0, L_JAVA, 3),
	LC("package", "", " com.", LS, L_JAVA, 3),
	LC("public", "", " class", 0, L_JAVA, 2),
	LC("public", "", " static void", 0, L_JAVA, 2),
	LC("private", "", " final", 0, L_JAVA, 2),
	LC("static", "", " void main(", 0, L_JAVA, 3),
	LC("System", "", ".out.", 0, L_JAVA, 4),
	LC("System", "", ".err.", 0, L_JAVA, 3),
	LC("String", "", "[]", 0, L_JAVA, 2),
	LK("throws", 0, L_JAVA, 3),
	/* go */
	LK("chan", 0, L_GO, 2),
	LK("defer", 0, L_GO, 2),
	LC("err", "", " != nil", 0, L_GO, 4),
	LK("func", 0, L_GO, 2),
	LC("func", "", " main()", 0, L_GO, 3),
	LC("func", "", " (", 0, L_GO, 2),
	LK("fmt", MEM, L_GO, 3),
	LC("go", "", " func", 0, L_GO, 3),
	LC("import", "", " (", LS, L_GO, 2),
	LC("import", "", " \"", LS, L_GO, 1),
	LC("interface", "", "{}", 0, L_GO, 3),
	LC("main", "package ", "", 0, L_GO, 3),
	LK("nil", 0, L_GO, 1),
	LK("package", LS, L_GO, 1),
	LC("range", ":= ", "", 0, L_GO, 2),
	/* rust */
	LC("async", "", " fn", 0, L_RUST, 3),
	LK("crate", 0, L_RUST, 2),
	LC("derive", "#[", "", 0, L_RUST, 4),
	LK("fn", 0, L_RUST, 2),
	LC("fn", "", " main()", 0, L_RUST, 3),
	LC("HashMap", "", "::", 0, L_RUST, 2),
	LK("impl", 0, L_RUST, 3),
	LC("let", "", " mut", 0, L_RUST, 3),
	LC("mut", "&", "", 0, L_RUST, 3),
	LK("macro_rules", 0, L_RUST, 4),
	LK("mod", LS, L_RUST, 1),
	LC("Option", "", "<", 0, L_RUST, 2),
	LC("Ok", "", "(", 0, L_RUST, 1),
	LC("println", "", "!", 0, L_RUST, 4),
	LC("pub", "", " fn", 0, L_RUST, 3),
	LC("pub", "", " struct", 0, L_RUST, 3),
	LC("Result", "", "<", 0, L_RUST, 2),
	LC("self", "&", "", 0, L_RUST, 2),
	LC("Some", "", "(", 0, L_RUST, 1),
	LC("str", "&", "", 0, L_RUST, 3),
	LK("trait", LS, L_RUST, 1),
	LC("use", "", " std::", LS, L_RUST, 4),
	LC("unwrap", "", "()", 0, L_RUST, 3),
	LC("Vec", "", "<", 0, L_RUST, 2),
	LC("Vec", "", "::new", 0, L_RUST, 3),
	/* c */
	LC("char", "", " *", 0, L_C, 2),
	LC("char", "", "*", 0, L_C, 2),
	LK("fprintf", 0, L_C, 2),
	LC("free", "", "(", 0, L_C, 1),
	LC("include", "#", "", 0, L_C, 2),
	LC("define", "#", "", 0, L_C, 2),
	LC("ifndef", "#", "", 0, L_C, 1),
	LC("ifdef", "#", "", 0, L_C, 1),
	LC("endif", "#", "", 0, L_C, 1),
	LK("int", LS, L_C, 1),
	LC("main", "int ", "", 0, L_C, 3),
	LC("malloc", "", "(", 0, L_C, 3),
	LK("NULL", 0, L_C, 1),
	LC("printf", "", "(", 0, L_C, 2),
	LC("string", "", ".h", 0, L_C, 2),
	LC("sizeof", "", "(", 0, L_C, 2),
	LC("stdio", "", ".h", 0, L_C, 3),
	LC("stdlib", "", ".h", 0, L_C, 3),
	LK("struct", LS, L_C, 1),
	LC("strlen", "", "(", 0, L_C, 1),
	LK("typedef", 0, L_C, 3),
	LK("unsigned", 0, L_C, 2),
	/* cpp */
	LK("auto", LS, L_CPP, 1),
	LC("algorithm", "<", ">", 0, L_CPP, 3),
	LK("cout", 0, L_CPP, 3),
	LC("cin", "", " >>", 0, L_CPP, 3),
	LK("endl", 0, L_CPP, 3),
	LK("iostream", 0, L_CPP, 4),
	LK("namespace", LS, L_CPP, 1),
	LC("namespace", "", " std", 0, L_CPP, 4),
	LK("nullptr", 0, L_CPP, 3),
	LC("public", "", ":", LS, L_CPP, 2),
	LC("std", "", "::", 0, L_CPP, 3),
	LC("string", "<", ">", 0, L_CPP, 2),
	LK("shared_ptr", 0, L_CPP, 3),
	LC("template", "", "<", 0, L_CPP, 3),
	LC("template", "", " <", 0, L_CPP, 3),
	LK("typename", 0, L_CPP, 2),
	LC("using", "", " namespace std", LS, L_CPP, 4),
	LK("unique_ptr", 0, L_CPP, 3),
	LC("vector", "", "<", 0, L_CPP, 3),
	LC("vector", "<", ">", 0, L_CPP, 3),
	LK("virtual", 0, L_CPP, 2),
	/* csharp */
	LK("Console", MEM, L_CSHARP, 3),
	LC("Dictionary", "", "<", 0, L_CSHARP, 3),
	LC("foreach", "", " (var", 0, L_CSHARP, 3),
	LC("get", "", "; set;", 0, L_CSHARP, 4),
	LK("IEnumerable", 0, L_CSHARP, 3),
	LK("IActionResult", 0, L_CSHARP, 3),
	LK("Linq", 0, L_CSHARP, 3),
	LC("Main", "static void ", "", 0, L_CSHARP, 4),
	LK("namespace", LS, L_CSHARP, 1),
	LK("nameof", 0, L_CSHARP, 4),
	LK("override", 0, L_CSHARP, 1),
	LC("public", "", " class", 0, L_CSHARP, 1),
	LC("public", "", " static void", 0, L_CSHARP, 1),
	LK("readonly", 0, L_CSHARP, 1),
	LC("string", "", "[] args", 0, L_CSHARP, 3),
	LC("Task", "async ", "", 0, L_CSHARP, 3),
	LC("using", "", " System", LS, L_CSHARP, 4),
	LK("var", LS, L_CSHARP, 1),
	/* php */
	LK("__construct", 0, L_PHP, 4),
	LC("array", "", "(", 0, L_PHP, 1),
	LK("elseif", 0, L_PHP, 1),
	LK("echo", LS, L_PHP, 1),
	LC("foreach", "", " ($", 0, L_PHP, 3),
	LC("isset", "", "(", 0, L_PHP, 4),
	LK("mysqli", 0, L_PHP, 3),
	LC("public", "", " function", 0, L_PHP, 3),
	LC("php", "<?", "", 0, L_PHP, 5),
	LC("this", "$", "->", 0, L_PHP, 3),
	/* ruby */
	LK("attr_accessor", 0, L_RUBY, 4),
	LK("attr_reader", 0, L_RUBY, 4),
	LK("def", LS, L_RUBY, 1),
	LK("elsif", 0, L_RUBY, 3),
	LK("end", LS | LE, L_RUBY, 2),
	LK("gem", LS, L_RUBY, 2),
	LK("module", LS, L_RUBY, 1),
	LK("nil", 0, L_RUBY, 1),
	LK("puts", 0, L_RUBY, 3),
	LC("require", "", " '", 0, L_RUBY, 3),
	LC("require", "", " \"", 0, L_RUBY, 2),
	LK("raise", 0, L_RUBY, 1),
	LK("Rails", MEM, L_RUBY, 2),
	LK("unless", 0, L_RUBY, 2),
	/* swift */
	LK("defer", 0, L_SWIFT, 1),
	LK("extension", LS, L_SWIFT, 2),
	LK("func", 0, L_SWIFT, 2),
	LC("guard", "", " let", 0, L_SWIFT, 4),
	LC("import", "", " UIKit", 0, L_SWIFT, 5),
	LC("import", "", " SwiftUI", 0, L_SWIFT, 5),
	LC("import", "", " Foundation", 0, L_SWIFT, 3),
	LC("init", "", "(", LS, L_SWIFT, 2),
	LK("nil", 0, L_SWIFT, 1),
	LC("override", "", " func", 0, L_SWIFT, 3),
	LK("protocol", LS, L_SWIFT, 2),
	LC("some", "", " View", 0, L_SWIFT, 4),
	/* kotlin */
	LK("companion", 0, L_KOTLIN, 4),
	LC("data", "", " class", 0, L_KOTLIN, 4),
	LK("fun", 0, L_KOTLIN, 3),
	LK("lateinit", 0, L_KOTLIN, 5),
	LK("listOf", 0, L_KOTLIN, 3),
	LK("mutableListOf", 0, L_KOTLIN, 3),
	LK("object", LS, L_KOTLIN, 1),
	LC("override", "", " fun", 0, L_KOTLIN, 4),
	LC("println", "", "(", 0, L_KOTLIN, 1),
	LC("suspend", "", " fun", 0, L_KOTLIN, 4),
	LK("val", LS, L_KOTLIN, 2),
	/* scala */
	LC("case", "", " class", 0, L_SCALA, 4),
	LK("def", LS, L_SCALA, 1),
	LK("implicit", 0, L_SCALA, 4),
	LK("object", LS, L_SCALA, 2),
	LC("println", "", "(", 0, L_SCALA, 1),
	LC("sealed", "", " trait", 0, L_SCALA, 4),
	LC("Seq", "", "(", 0, L_SCALA, 2),
	LK("trait", LS, L_SCALA, 2),
	LK("val", LS, L_SCALA, 2),
	/* sql */
	LC("create", "", " table", FOLD, L_SQL, 4),
	LC("create", "", " index", FOLD, L_SQL, 3),
	LC("delete", "", " from", FOLD, L_SQL, 3),
	LK("FROM", 0, L_SQL, 1),
	LC("group", "", " by", FOLD, L_SQL, 3),
	LC("insert", "", " into", FOLD, L_SQL, 4),
	LK("JOIN", 0, L_SQL, 2),
	LC("order", "", " by", FOLD, L_SQL, 3),
	LC("primary", "", " key", FOLD, L_SQL, 4),
	LK("SELECT", 0, L_SQL, 1),
	LK("select", FOLD, L_SQL, 2),
	LK("UPDATE", 0, L_SQL, 1),
	LK("varchar", FOLD, L_SQL, 3),
	LK("VALUES", 0, L_SQL, 1),
	LK("WHERE", 0, L_SQL, 2),
	/* bash */
	LC("apt", "", "-get", 0, L_BASH, 3),
	LK("apt", LS, L_BASH, 3),
	LC("bash", "/bin/", "", 0, L_BASH, 5),
	LC("bash", "env ", "", 0, L_BASH, 5),
	LK("brew", LS, L_BASH, 3),
	LK("cd", LS, L_BASH, 2),
	LK("curl", LS, L_BASH, 3),
	LK("cargo", LS, L_BASH, 3),
	LK("chmod", LS, L_BASH, 3),
	LK("cp", LS, L_BASH, 2),
	LK("cat", LS, L_BASH, 2),
	LK("done", LS | LE, L_BASH, 3),
	LK("docker", LS, L_BASH, 3),
	LK("echo", LS, L_BASH, 2),
	LK("export", LS, L_BASH, 1),
	LK("esac", LS | LE, L_BASH, 4),
	LK("fi", LS | LE, L_BASH, 3),
	LK("git", LS, L_BASH, 3),
	LC("go", "", " run", LS, L_BASH, 3),
	LC("go", "", " build", LS, L_BASH, 3),
	LC("go", "", " mod", LS, L_BASH, 3),
	LC("go", "", " get", LS, L_BASH, 3),
	LK("grep", LS, L_BASH, 2),
	LK("kubectl", LS, L_BASH, 3),
	LK("ls", LS, L_BASH, 2),
	LK("mkdir", LS, L_BASH, 2),
	LK("mv", LS, L_BASH, 2),
	LK("make", LS, L_BASH, 1),
	LK("npm", LS, L_BASH, 3),
	LK("npx", LS, L_BASH, 3),
	LK("node", LS, L_BASH, 2),
	LK("pip", LS, L_BASH, 3),
	LK("pip3", LS, L_BASH, 3),
	LK("python", LS, L_BASH, 2),
	LK("python3", LS, L_BASH, 2),
	LC("rm", "", " -", LS, L_BASH, 3),
	LK("sudo", LS, L_BASH, 3),
	LK("source", LS, L_BASH, 2),
	LK("ssh", LS, L_BASH, 2),
	LK("systemctl", LS, L_BASH, 3),
	LC("sh", "/bin/", "", 0, L_BASH, 5),
	LK("then", LE, L_BASH, 1),
	LK("tar", LS, L_BASH, 2),
	LK("touch", LS, L_BASH, 2),
	LK("wget", LS, L_BASH, 3),
	LK("yarn", LS, L_BASH, 3),
	LC("if", "", " [", LS, L_BASH, 3),
	LC("elif", "", " [", LS, L_BASH, 3),
	LC("while", "", " [", LS, L_BASH, 2),
	LC("set", "", " -", LS, L_BASH, 3),
	LC("exit", "", " 0", LS, L_BASH, 2),
	LC("exit", "", " 1", LS, L_BASH, 2),
	LC("printf", "", " \"", LS, L_BASH, 2),
	LC("printf", "", " '", LS, L_BASH, 2),
	LC("case", "", " \"$", LS, L_BASH, 3),
	LK("local", LS, L_BASH, 1),
	/* powershell */
	LC("_", "$", "", MEM, L_POWERSHELL, 2),
	LC("env", "$", ":", FOLD, L_POWERSHELL, 3),
	LC("ForEach", "", "-Object", 0, L_POWERSHELL, 4),
	LC("Get", "", "-", 0, L_POWERSHELL, 2),
	LC("Import", "", "-Module", 0, L_POWERSHELL, 4),
	LC("Invoke", "", "-", 0, L_POWERSHELL, 2),
	LC("New", "", "-Object", 0, L_POWERSHELL, 3),
	LC("param", "", "(", LS, L_POWERSHELL, 2),
	LK("PSVersionTable", 0, L_POWERSHELL, 4),
	LC("PS", "", " C:", LS, L_POWERSHELL, 4),
	LC("Remove", "", "-Item", 0, L_POWERSHELL, 3),
	LC("Set", "", "-", 0, L_POWERSHELL, 2),
	LC("Select", "", "-Object", 0, L_POWERSHELL, 4),
	LC("Write", "", "-Host", 0, L_POWERSHELL, 4),
	LC("Write", "", "-Output", 0, L_POWERSHELL, 3),
	LC("Where", "", "-Object", 0, L_POWERSHELL, 4),
	/* html */
	LC("a", "<", " href", 0, L_HTML, 2),
	LC("body", "<", "", 0, L_HTML, 2),
	LC("br", "<", "", 0, L_HTML, 1),
	LC("button", "<", "", 0, L_HTML, 1),
	LC("class", "", "=\"", 0, L_HTML, 1),
	LC("div", "<", "", 0, L_HTML, 2),
	LC("div", "</", "", 0, L_HTML, 1),
	LC("doctype", "<!", "", FOLD, L_HTML, 4),
	LC("html", "<", "", FOLD, L_HTML, 3),
	LC("head", "<", "", 0, L_HTML, 2),
	LC("h1", "<", "", 0, L_HTML, 2),
	LC("h2", "<", "", 0, L_HTML, 2),
	LC("href", "", "=\"", 0, L_HTML, 1),
	LC("img", "<", "", 0, L_HTML, 2),
	LC("input", "<", "", 0, L_HTML, 1),
	LC("li", "<", "", 0, L_HTML, 1),
	LC("link", "<", " rel", 0, L_HTML, 2),
	LC("meta", "<", "", 0, L_HTML, 2),
	LC("p", "<", ">", 0, L_HTML, 1),
	LC("span", "<", "", 0, L_HTML, 1),
	LC("script", "<", "", 0, L_HTML, 1),
	LC("table", "<", "", 0, L_HTML, 1),
	LC("ul", "<", "", 0, L_HTML, 1),
	/* css */
	LC("align", "", "-items:", 0, L_CSS, 2),
	LC("border", "", ":", 0, L_CSS, 1),
	LC("background", "", ":", 0, L_CSS, 1),
	LC("box", "", "-shadow:", 0, L_CSS, 2),
	LC("color", "", ":", 0, L_CSS, 1),
	LC("cursor", "", ":", 0, L_CSS, 1),
	LC("display", "", ":", 0, L_CSS, 1),
	LC("font", "", "-size:", 0, L_CSS, 2),
	LC("font", "", "-family:", 0, L_CSS, 3),
	LC("font", "", "-weight:", 0, L_CSS, 2),
	LC("hover", ":", "", 0, L_CSS, 3),
	LC("height", "", ":", 0, L_CSS, 1),
	LC("important", "!", "", 0, L_CSS, 3),
	LC("justify", "", "-content:", 0, L_CSS, 2),
	LC("margin", "", ":", 0, L_CSS, 1),
	LC("media", "@", "", 0, L_CSS, 3),
	LC("opacity", "", ":", 0, L_CSS, 1),
	LC("overflow", "", ":", 0, L_CSS, 1),
	LC("padding", "", ":", 0, L_CSS, 1),
	LC("position", "", ":", 0, L_CSS, 1),
	LC("root", ":", " {", 0, L_CSS, 3),
	LC("transition", "", ":", 0, L_CSS, 1),
	LC("width", "", ":", 0, L_CSS, 1),
	LC("z", "", "-index:", 0, L_CSS, 2),
	/* yaml */
	LC("apiVersion", "", ":", LS, L_YAML, 3),
	LC("kind", "", ":", LS, L_YAML, 1),
	LC("services", "", ":", LS, L_YAML, 2),
	LC("steps", "", ":", LS, L_YAML, 1),
	/* dockerfile */
	LK("ADD", LS, L_DOCKERFILE, 1),
	LK("ARG", LS, L_DOCKERFILE, 2),
	LK("CMD", LS, L_DOCKERFILE, 3),
	LK("COPY", LS, L_DOCKERFILE, 3),
	LK("ENTRYPOINT", LS, L_DOCKERFILE, 4),
	LK("EXPOSE", LS, L_DOCKERFILE, 4),
	LK("ENV", LS, L_DOCKERFILE, 2),
	LC("FROM", "", " ", LS, L_DOCKERFILE, 2),
	LK("HEALTHCHECK", LS, L_DOCKERFILE, 4),
	LK("LABEL", LS, L_DOCKERFILE, 1),
	LK("RUN", LS, L_DOCKERFILE, 3),
	LK("VOLUME", LS, L_DOCKERFILE, 2),
	LK("WORKDIR", LS, L_DOCKERFILE, 4),
	/* r */
	LC("c", "", "(", 0, L_R, 1),
	LC("data", "", ".frame(", 0, L_R, 4),
	LK("dplyr", 0, L_R, 4),
	LK("FALSE", 0, L_R, 1),
	LK("ggplot", 0, L_R, 4),
	LK("ggplot2", 0, L_R, 4),
	LC("library", "", "(", 0, L_R, 3),
	LK("tidyverse", 0, L_R, 4),
	LK("TRUE", 0, L_R, 1),
	/* dart */
	LK("BuildContext", 0, L_DART, 5),
	LK("dynamic", 0, L_DART, 1),
	LC("Future", "", "<", 0, L_DART, 3),
	LC("import", "", " 'package:", LS, L_DART, 5),
	LK("late", LS, L_DART, 2),
	LC("main", "void ", "() {", 0, L_DART, 2),
	LC("required", "", " this.", 0, L_DART, 4),
	LC("setState", "", "(", 0, L_DART, 2),
	LK("StatelessWidget", 0, L_DART, 5),
	LK("StatefulWidget", 0, L_DART, 5),
	LK("Widget", 0, L_DART, 2),
	/* lua */
	LK("elseif", 0, L_LUA, 2),
	LK("end", LS | LE, L_LUA, 1),
	LK("ipairs", 0, L_LUA, 4),
	LK("local", LS, L_LUA, 2),
	LC("local", "", " function", LS, L_LUA, 2),
	LK("nil", 0, L_LUA, 1),
	LC("pairs", "", "(", 0, L_LUA, 3),
	LK("then", LE, L_LUA, 1),
	/* perl */
	LC("_", "$", "", 0, L_PERL, 1),
	LK("chomp", 0, L_PERL, 4),
	LK("elsif", 0, L_PERL, 3),
	LK("my", LS, L_PERL, 2),
	LC("print", "", " STDERR", 0, L_PERL, 4),
	LC("self", "$", "->", 0, L_PERL, 3),
	LC("shift", "", ";", 0, L_PERL, 2),
	LC("_", "@", "", 0, L_PERL, 3),
	LK("unless", 0, L_PERL, 1),
	LC("foreach", "", " my", 0, L_PERL, 3),
	LC("my", "", " $", LS, L_PERL, 3),
	LC("my", "", " @", 0, L_PERL, 3),
	LC("my", "", " %", 0, L_PERL, 3),
	LC("qw", "", "(", 0, L_PERL, 4),
	LK("sub", LS, L_PERL, 3),
	LC("use", "", " strict", LS, L_PERL, 5),
	LC("use", "", " warnings", LS, L_PERL, 5),
	/* haskell */
	LK("deriving", 0, L_HASKELL, 4),
	LK("fmap", 0, L_HASKELL, 3),
	LC("import", "", " qualified", LS, L_HASKELL, 4),
	LK("instance", LS, L_HASKELL, 2),
	LC("IO", "", " ()", 0, L_HASKELL, 4),
	LK("Just", 0, L_HASKELL, 2),
	LK("mapM_", 0, L_HASKELL, 4),
	LK("putStrLn", 0, L_HASKELL, 5),
	LK("where", LE, L_HASKELL, 2),
	/* elixir */
	LK("def", LS, L_ELIXIR, 1),
	LK("defmodule", 0, L_ELIXIR, 5),
	LK("defp", 0, L_ELIXIR, 4),
	LK("end", LS | LE, L_ELIXIR, 1),
	LK("Enum", MEM, L_ELIXIR, 3),
	LC("IO", "", ".puts", 0, L_ELIXIR, 4),
	/* toml */
	LC("dependencies", "[", "]", 0, L_TOML, 4),
	LC("package", "[", "]", 0, L_TOML, 4),
	LC("tool", "[", ".", 0, L_TOML, 4),
	/* xml */
	LC("xml", "<?", "", FOLD, L_XML, 5),
	LK("xmlns", 0, L_XML, 2),
	/* makefile */
	LC("CC", "$(", "", 0, L_MAKEFILE, 3),
	LK("CFLAGS", 0, L_MAKEFILE, 3),
	LC("PHONY", ".", ":", 0, L_MAKEFILE, 5),
	/* graphql */
	LK("fragment", LS, L_GRAPHQL, 3),
	LK("mutation", LS, L_GRAPHQL, 3),
	LK("query", LS, L_GRAPHQL, 2),
	LK("subscription", LS, L_GRAPHQL, 3),
	LC("type", "", " Query {", 0, L_GRAPHQL, 5),
	/* hcl */
	LC("module", "", " \"", LS, L_HCL, 3),
	LC("output", "", " \"", LS, L_HCL, 3),
	LC("provider", "", " \"", LS, L_HCL, 4),
	LC("resource", "", " \"", LS, L_HCL, 5),
	LC("terraform", "", " {", LS, L_HCL, 5),
	LC("variable", "", " \"", LS, L_HCL, 4),
	/* julia */
	LK("elseif", 0, L_JULIA, 1),
	LK("end", LS | LE, L_JULIA, 1),
	LK("Float64", 0, L_JULIA, 3),
	LK("Int64", 0, L_JULIA, 2),
	LC("mutable", "", " struct", 0, L_JULIA, 4),
	LC("Vector", "", "{", 0, L_JULIA, 3),
	/* zig */
	LK("comptime", 0, L_ZIG, 5),
	LK("defer", 0, L_ZIG, 1),
	LC("import", "@", "(\"std\")", 0, L_ZIG, 5),
	/* clojure */
	LC("def", "(", "", 0, L_CLOJURE, 2),
	LK("defn", 0, L_CLOJURE, 5),
	LC("let", "(", " [", 0, L_CLOJURE, 3),
	LC("ns", "(", "", 0, L_CLOJURE, 3),
	/* erlang */
	LC("export", "-", "([", 0, L_ERLANG, 5),
	LC("io", "", ":format(", 0, L_ERLANG, 4),
	LC("module", "-", "(", 0, L_ERLANG, 5),
	/* ocaml */
	LK("in", LE, L_OCAML, 1),
	LC("let", "", " rec", LS, L_OCAML, 3),
	LC("Printf", "", ".printf", 0, L_OCAML, 4),
	LK("with", LE, L_OCAML, 1),
	/* fsharp */
	LC("let", "", " mutable", 0, L_FSHARP, 4),
	LC("open", "", " System", LS, L_FSHARP, 5),
	LK("printfn", 0, L_FSHARP, 5),
	LK("with", LE, L_FSHARP, 1),
	/* groovy */
	LC("apply", "", " plugin:", 0, L_GROOVY, 5),
	LC("implementation", "", " '", 0, L_GROOVY, 4),
	LC("implementation", "", " \"", 0, L_GROOVY, 3),
	LK("mavenCentral", 0, L_GROOVY, 4),
	LC("repositories", "", " {", 0, L_GROOVY, 3),
	/* objectivec */
	LC("end", "@", "", 0, L_OBJECTIVEC, 2),
	LC("import", "#", "", 0, L_OBJECTIVEC, 3),
	LC("interface", "@", "", 0, L_OBJECTIVEC, 4),
	LC("implementation", "@", "", 0, L_OBJECTIVEC, 5),
	LK("nonatomic", 0, L_OBJECTIVEC, 5),
	LK("NSString", 0, L_OBJECTIVEC, 5),
	LK("NSLog", 0, L_OBJECTIVEC, 5),
	LC("property", "@", " (", 0, L_OBJECTIVEC, 4),
	/* matlab */
	LK("clc", LS, L_MATLAB, 4),
	LC("disp", "", "(", 0, L_MATLAB, 2),
	LK("end", LS | LE, L_MATLAB, 1),
	/* protobuf */
	LK("message", LS, L_PROTOBUF, 2),
	LK("repeated", 0, L_PROTOBUF, 3),
	LK("rpc", LS, L_PROTOBUF, 4),
	LC("syntax", "", " = \"proto", LS, L_PROTOBUF, 6),
	/* solidity */
	LC("address", "", " public", 0, L_SOLIDITY, 3),
	LK("contract", LS, L_SOLIDITY, 3),
	LK("emit", LS, L_SOLIDITY, 2),
	LC("mapping", "", "(", 0, L_SOLIDITY, 4),
	LC("msg", "", ".sender", 0, L_SOLIDITY, 5),
	LC("pragma", "", " solidity", LS, L_SOLIDITY, 6),
	LK("uint256", 0, L_SOLIDITY, 5),
	/* scss */
	LC("extend", "@", "", 0, L_SCSS, 3),
	LC("hover", "&:", "", 0, L_SCSS, 3),
	LC("include", "@", "", 0, L_SCSS, 3),
	LC("mixin", "@", "", 0, L_SCSS, 4),
	LC("use", "@", "", 0, L_SCSS, 2),
	/* assembly */
	LK("eax", 0, L_ASSEMBLY, 3),
	LK("jmp", 0, L_ASSEMBLY, 3),
	LK("lea", LS, L_ASSEMBLY, 3),
	LK("mov", LS, L_ASSEMBLY, 2),
	LK("rax", 0, L_ASSEMBLY, 3),
	LK("rsp", 0, L_ASSEMBLY, 3),
	LK("ret", LS | LE, L_ASSEMBLY, 2),
	LK("syscall", LS | LE, L_ASSEMBLY, 3),
	LC("section", "", " .", LS, L_ASSEMBLY, 2),
	LK("xor", LS, L_ASSEMBLY, 2),
};

/* A child language's code also scores for its parent (TypeScript is
 * JavaScript plus types); once the child has its own evidence it inherits
 * the parent's score, so TS with types beats plain JS and JS without types
 * stays JS. */
static const struct {
	unsigned char child, parent;
} DIALECTS[] = {
	{ L_TYPESCRIPT, L_JAVASCRIPT },
	{ L_CPP, L_C },
	{ L_OBJECTIVEC, L_C },
	{ L_SCSS, L_CSS },
	{ L_HTML, L_XML },  /* markup lines count for both; HTML tags decide */
};

#define LANG_MIN_SCORE 3  /* below this an untagged block stays unknown */
#define DIALECT_MIN 2     /* own evidence a dialect needs to inherit */
#define INFO_WORD_MAX 32  /* longer info-string words are not languages */

/* ---------------------------------------------------------------- bytes */

static unsigned char fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* [A-Za-z0-9_] as bitmaps over ASCII: bit c of LO for c < 64, bit c - 64
 * of HI for 64 <= c < 128. Bytes >= 0x80 are not word bytes. */
static bool is_word(unsigned char c)
{
	static const uint64_t LO = UINT64_C(0x03FF000000000000);
	static const uint64_t HI = UINT64_C(0x07FFFFFE87FFFFFE);

	if (c < 64)
		return (LO >> c) & 1;
	if (c < 128)
		return (HI >> (c - 64)) & 1;
	return false;
}

static bool is_ident_start(unsigned char c)
{
	return (fold(c) >= 'a' && fold(c) <= 'z') || c == '_';
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool eq_fold(const unsigned char *s, const char *lower, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fold(s[i]) != (unsigned char)lower[i])
			return false;
	return true;
}

static bool eq_bytes(const unsigned char *s, const char *t, size_t n, bool folded)
{
	return folded ? eq_fold(s, t, n) : memcmp(s, t, n) == 0;
}

/* ---------------------------------------------------------------- lookups */

static int alias_find(const char *const *names, unsigned count,
		      const struct alias *aliases, size_t naliases,
		      const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i;

	if (!name || len == 0)
		return -1;
	for (i = 0; i < count; i++)
		if (strlen(names[i]) == len && eq_fold(s, names[i], len))
			return (int)i;
	for (i = 0; i < naliases; i++)
		if (aliases[i].len == len && eq_fold(s, aliases[i].name, len))
			return aliases[i].id;
	return -1;
}

/* eq_fold() compares against a lowercase table string; display names are
 * mixed case, so frameworks compare both sides folded. */
static bool eq_fold2(const unsigned char *s, const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fold(s[i]) != fold((unsigned char)t[i]))
			return false;
	return true;
}

const char *lang_name(unsigned i)
{
	return i < L_COUNT ? LANG_NAMES[i] : NULL;
}

unsigned lang_count(void)
{
	return L_COUNT;
}

int lang_lookup(const char *name, size_t len)
{
	return alias_find(LANG_NAMES, L_COUNT, LANG_ALIASES,
			  ARRAY_SIZE(LANG_ALIASES), name, len);
}

const char *framework_name(unsigned i)
{
	return i < F_COUNT ? FW_NAMES[i] : NULL;
}

unsigned framework_count(void)
{
	return F_COUNT;
}

int framework_lookup(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i;

	if (!name || len == 0)
		return -1;
	for (i = 0; i < F_COUNT; i++)
		if (strlen(FW_NAMES[i]) == len && eq_fold2(s, FW_NAMES[i], len))
			return (int)i;
	for (i = 0; i < ARRAY_SIZE(FW_ALIASES); i++)
		if (FW_ALIASES[i].len == len && eq_fold(s, FW_ALIASES[i].name, len))
			return FW_ALIASES[i].id;
	return -1;
}

/* ---------------------------------------------------------------- keywords */

/* The bytes a keyword is matched in (the whole text, or one block). */
struct span {
	const unsigned char *p;
	size_t n;
};

/* Whether p[s] is the first non-blank byte of its line; a "$ " shell
 * prompt before it does not count. */
static bool starts_line(const unsigned char *p, size_t s)
{
	size_t i = s;

	while (i > 0 && is_blank(p[i - 1]))
		i--;
	if (i > 0 && i < s && p[i - 1] == '$') {
		i--;
		while (i > 0 && is_blank(p[i - 1]))
			i--;
	}
	return i == 0 || p[i - 1] == '\n';
}

/* Whether only blanks follow p[e - 1] on its line. */
static bool ends_line(const unsigned char *p, size_t n, size_t e)
{
	while (e < n && is_blank(p[e]))
		e++;
	return e == n || p[e] == '\n';
}

static bool kw_context(const struct kw *k, const struct span *sp, size_t s, size_t e)
{
	const unsigned char *p = sp->p;
	bool folded = k->flags & KW_FOLD;

	if (k->blen && (s < k->blen || !eq_bytes(p + s - k->blen, k->before, k->blen, folded)))
		return false;
	if (k->alen) {
		if (sp->n - e < k->alen || !eq_bytes(p + e, k->after, k->alen, folded))
			return false;
		/* "rails new" must not match "rails newline" */
		if (is_word((unsigned char)k->after[k->alen - 1]) &&
		    e + k->alen < sp->n && is_word(p[e + k->alen]))
			return false;
	}
	if ((k->flags & KW_LINE_START) && !starts_line(p, s))
		return false;
	if ((k->flags & KW_LINE_END) && !ends_line(p, sp->n, e))
		return false;
	if ((k->flags & KW_QUOTED) &&
	    (s == 0 || (p[s - 1] != '\'' && p[s - 1] != '"' && p[s - 1] != '`')))
		return false;
	if ((k->flags & KW_MEMBER) &&
	    (e + 1 >= sp->n || p[e] != '.' || !is_ident_start(p[e + 1])))
		return false;
	return true;
}

/* Whether the token p[s..e), already known to be k->len long, is k. */
static bool kw_matches(const struct kw *k, const struct span *sp, size_t s, size_t e)
{
	const unsigned char *t = sp->p + s;

	if (k->flags & KW_FOLD) {
		if (!eq_fold(t, k->word, k->len))
			return false;
	} else if (memcmp(t, k->word, k->len) != 0) {
		return false;
	}
	return kw_context(k, sp, s, e);
}

/*
 * Keyword index: a hash table over (first byte, last byte, length), case
 * folded, chaining every keyword of a table, so that a token costs one
 * probe and a word or two of comparisons. It is built on the stack from
 * the const tables at each call (under half a microsecond for the
 * framework table), which keeps the tables the one source of truth, in any
 * order, and the module free of mutable state.
 */
#define INDEX_LOG2 11
#define INDEX_MAX 1024  /* keywords per table */

_Static_assert(ARRAY_SIZE(FW_KW) < INDEX_MAX, "FW_KW too long for the index");
_Static_assert(ARRAY_SIZE(LANG_KW) < INDEX_MAX, "LANG_KW too long for the index");

struct kw_index {
	const struct kw *table;
	uint16_t head[1u << INDEX_LOG2];  /* 1 + first keyword of a chain; 0: none */
	uint16_t next[INDEX_MAX];         /* 1 + next keyword of the chain; 0: end */
};

/* Case is folded with | 0x20, which also moves '_' and digits around, but
 * the same way for keywords and tokens; long tokens wrap their length. */
static unsigned index_key(unsigned char first, unsigned char last, size_t len)
{
	uint32_t h = (uint32_t)(first | 0x20) | (uint32_t)(last | 0x20) << 8 |
		     (uint32_t)(len & 0xFF) << 16;

	return (unsigned)((h * UINT32_C(0x9E3779B1)) >> (32 - INDEX_LOG2));
}

static void index_build(struct kw_index *ix, const struct kw *table, size_t count)
{
	size_t i;

	ix->table = table;
	memset(ix->head, 0, sizeof(ix->head));
	for (i = 0; i < count; i++) {
		const struct kw *k = &table[i];
		unsigned key = index_key((unsigned char)k->word[0],
					 (unsigned char)k->word[k->len - 1], k->len);

		ix->next[i] = ix->head[key];
		ix->head[key] = (uint16_t)(i + 1);
	}
}

/* 1 + the first keyword that may be the token t[0..len), or 0. */
static unsigned index_first(const struct kw_index *ix, const unsigned char *t, size_t len)
{
	return ix->head[index_key(t[0], t[len - 1], len)];
}

/* ---------------------------------------------------------------- scanning */

/* What one call has found so far. */
struct scan {
	uint64_t langs;
	uint64_t fw_strong, fw_weak, fw_support;
	bool lang_index_ready;  /* built at the first untagged block */
	struct kw_index lang_index;
};

/* Evidence gathered inside one untagged block. */
struct evidence {
	uint64_t score[L_COUNT];
	size_t lines;          /* non-blank lines */
	size_t comments;       /* lines starting with '#' */
	size_t yaml_keys;      /* "key: value" / "key:" lines, key lowercase */
	size_t yaml_items;     /* "- item" lines */
	size_t css_props;      /* "prop: value;" lines */
	size_t toml_sections;  /* "[section]" lines at column 0 */
	size_t toml_keys;      /* "key = value" lines at column 0 */
	size_t quote_colons;   /* '":' as in JSON objects */
	size_t json_keys;      /* lines starting with a '"key":' */
	size_t brackets;       /* lines of only brackets, braces and commas */
	size_t markup;         /* lines starting with '<' */
	size_t py_colons;      /* "if x:"-like lines: compound statements */
	size_t py_imports;     /* "from x import y", "import x as y" lines */
	size_t assigns;        /* "NAME=value" lines: shell assignments */
	unsigned char first, last;  /* first and last non-blank byte */
};

/* Framework keywords that the token sp->p[s..e) may be, from chain id. */
static void fw_token(void *ctx, const struct kw_index *ix, unsigned id,
		     const struct span *sp, size_t s, size_t e)
{
	struct scan *sc = ctx;

	for (; id; id = ix->next[id - 1]) {
		const struct kw *k = &ix->table[id - 1];
		uint64_t bit;

		if (k->len != e - s || !kw_matches(k, sp, s, e))
			continue;
		bit = UINT64_C(1) << k->target;
		if (k->weight == FW_STRONG)
			sc->fw_strong |= bit;
		else if (k->weight == FW_WEAK)
			sc->fw_weak |= bit;
		else
			sc->fw_support |= bit;
	}
}

#ifdef LANG_SSE2
/* Bit i set when p[i] is [A-Za-z0-9_], for i < 64; 16 bytes per step.
 * Unsigned x - lo <= hi - lo tests a range; bytes >= 0x80 fall outside. */
static uint64_t word_mask64(const unsigned char *p)
{
	const __m128i x20 = _mm_set1_epi8(0x20), a = _mm_set1_epi8('a');
	const __m128i zero = _mm_set1_epi8('0'), under = _mm_set1_epi8('_');
	const __m128i max_alpha = _mm_set1_epi8(25), max_digit = _mm_set1_epi8(9);
	uint64_t m = 0;
	unsigned k;

	for (k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		__m128i l = _mm_sub_epi8(_mm_or_si128(x, x20), a);
		__m128i d = _mm_sub_epi8(x, zero);
		__m128i w = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(l, max_alpha), l),
					 _mm_cmpeq_epi8(_mm_min_epu8(d, max_digit), d));

		w = _mm_or_si128(w, _mm_cmpeq_epi8(x, under));
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(w) << (16 * k);
	}
	return m;
}

/* Bit i set when p[i] is one of the bytes an untagged block's line pass
 * stops at: '\n' and the first bytes of the operators match_punct()
 * knows (" % : < = |). */
static uint64_t stop_mask64(const unsigned char *p)
{
	static const char STOPS[] = "\n\"%:<=|";
	uint64_t m = 0;
	unsigned k, j;

	for (k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		__m128i hit = _mm_setzero_si128();

		for (j = 0; j + 1 < sizeof(STOPS); j++)
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8(STOPS[j])));
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << (16 * k);
	}
	return m;
}
#else
/* SWAR over 8 bytes at a time (bytes are ASCII-compared on their low 7
 * bits; 0x80 marks a byte in the result). */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
#define LOW7 UINT64_C(0x7F7F7F7F7F7F7F7F)

static uint64_t load_le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	       (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* Bytes whose low 7 bits exceed k (k < 0x80): no carry crosses a byte. */
static uint64_t bytes_above(uint64_t x, unsigned k)
{
	return ((x & LOW7) + (0x7F - k) * ONES) & HIGHS;
}

static uint64_t bytes_equal(uint64_t x, unsigned k)
{
	uint64_t t = x ^ (k * ONES);

	return ~(((t & LOW7) + LOW7) | t) & HIGHS;
}

/* [A-Za-z0-9_] bytes; the final & ~x drops bytes >= 0x80. */
static uint64_t word_bytes(uint64_t x)
{
	uint64_t lower = x | (0x20 * ONES);
	uint64_t alpha = bytes_above(lower, 'a' - 1) & ~bytes_above(lower, 'z');
	uint64_t digit = bytes_above(x, '0' - 1) & ~bytes_above(x, '9');

	return (alpha | digit | bytes_equal(x, '_')) & ~x & HIGHS;
}

/* Bit i set when p[i] is a word byte, for i < 64. The multiply gathers
 * the eight 0x80 flags of a word into its top byte, byte i to bit i. */
static uint64_t word_mask64(const unsigned char *p)
{
	uint64_t m = 0;
	unsigned k;

	for (k = 0; k < 8; k++) {
		uint64_t w = word_bytes(load_le64(p + 8 * k)) >> 7;

		m |= ((w * UINT64_C(0x0102040810204080)) >> 56) << (8 * k);
	}
	return m;
}

/* Bit i set when p[i] is '\n' or one of " % : < = | (see the SSE2 one). */
static uint64_t stop_mask64(const unsigned char *p)
{
	static const char STOPS[] = "\n\"%:<=|";
	uint64_t m = 0;
	unsigned k, j;

	for (k = 0; k < 8; k++) {
		uint64_t x = load_le64(p + 8 * k), hit = 0;

		for (j = 0; j + 1 < sizeof(STOPS); j++)
			hit |= bytes_equal(x, (unsigned char)STOPS[j]);
		m |= (((hit >> 7) * UINT64_C(0x0102040810204080)) >> 56) << (8 * k);
	}
	return m;
}
#endif

static unsigned ctz64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
	return (unsigned)__builtin_ctzll(x);
#else
	unsigned n = 0;

	while (!(x & 1)) {
		x >>= 1;
		n++;
	}
	return n;
#endif
}

/* Calls fn for every word token of p[0..n) that the index may know, with
 * the head of its chain. Tokens
 * are found 64 bytes at a time: one starts and one ends where the word
 * mask changes, so the loop runs per token rather than per byte, and
 * mispredicts about once per block rather than twice per token. */
typedef void token_fn(void *ctx, const struct kw_index *ix, unsigned id,
		      const struct span *sp, size_t s, size_t e);

static void for_each_token(const unsigned char *p, size_t n,
			   const struct kw_index *ix, token_fn *fn, void *ctx)
{
	struct span sp = { p, n };
	unsigned char tail[64];
	uint64_t carry = 0;  /* 1 when the byte before the block is a word byte */
	size_t base, start = 0;
	unsigned id;

	for (base = 0; base < n; base += 64) {
		const unsigned char *blk = p + base;
		uint64_t w, edges, starts, ends;

		if (n - base < 64) {
			memset(tail, 0, sizeof(tail));  /* NUL is no word byte */
			memcpy(tail, blk, n - base);
			blk = tail;
		}
		w = word_mask64(blk);
		edges = w ^ ((w << 1) | carry);
		starts = edges & w;
		ends = edges & ~w;
		carry = w >> 63;
		/* starts and ends alternate; a token still open from the block
		 * before has its end first */
		while (ends) {
			size_t end = base + ctz64(ends);

			ends &= ends - 1;
			if (starts && base + ctz64(starts) < end) {
				start = base + ctz64(starts);
				starts &= starts - 1;
			}
			id = index_first(ix, p + start, end - start);
			if (id)
				fn(ctx, ix, id, &sp, start, end);
		}
		if (starts)
			start = base + ctz64(starts);
	}
	if (carry && (id = index_first(ix, p + start, n - start)) != 0)
		fn(ctx, ix, id, &sp, start, n);
}

/* Frameworks: keywords anywhere in the text. */
static void fw_scan(struct scan *sc, const unsigned char *p, size_t n)
{
	struct kw_index ix;

	index_build(&ix, FW_KW, ARRAY_SIZE(FW_KW));
	for_each_token(p, n, &ix, fw_token, sc);
}

/* One line of an untagged block, without its '\n'. */
struct line {
	const unsigned char *p;
	size_t n;
	size_t first;  /* first non-blank byte */
	size_t end;    /* one past the last non-blank byte */
};

/* Operators that no word token shows, looked at in untagged blocks only. */
static void match_punct(struct evidence *ev, const struct line *ln, size_t i)
{
	const unsigned char *p = ln->p;
	size_t n = ln->n;
	unsigned char c1 = i + 1 < n ? p[i + 1] : 0;
	unsigned char c2 = i + 2 < n ? p[i + 2] : 0;

	switch (p[i]) {
	case '=':
		if (c1 == '>')
			ev->score[L_JAVASCRIPT] += 1;
		else if (c1 == '=' && c2 == '=' && (i == 0 || p[i - 1] != '='))
			ev->score[L_JAVASCRIPT] += 2;
		break;
	case ':':
		if (c1 == '=' && c2 != '=')
			ev->score[L_GO] += 2;
		break;
	case '%':
		if (c1 == '>' && c2 == '%')
			ev->score[L_R] += 3;
		break;
	case '|':
		if (c1 == '>') {
			ev->score[L_ELIXIR] += 1;
			ev->score[L_FSHARP] += 1;
		}
		break;
	case '<':
		if (c1 == '-' && c2 == ' ' && i > 0 && p[i - 1] == ' ')
			ev->score[L_R] += 1;
		break;
	case '"':
		if (c1 == ':' || (c1 == ' ' && c2 == ':'))
			ev->quote_colons++;
		break;
	default:
		break;
	}
}

/* Language keywords of an untagged block (its evidence is ctx). */
static void lang_token(void *ctx, const struct kw_index *ix, unsigned id,
		       const struct span *sp, size_t s, size_t e)
{
	struct evidence *ev = ctx;

	for (; id; id = ix->next[id - 1]) {
		const struct kw *k = &ix->table[id - 1];

		if (k->len == e - s && kw_matches(k, sp, s, e))
			ev->score[k->target] += k->weight;
	}
}

/* ---------------------------------------------------------------- shapes */

static bool is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

/* "key: value" or "key:" with a lowercase key: YAML mappings, and not
 * "Error: ..." log lines, CSS declarations or "x: 1," object literals. */
static bool yaml_key_line(const struct line *ln, size_t i)
{
	const unsigned char *p = ln->p;
	unsigned char last = p[ln->end - 1];

	if (!is_lower(p[i]))
		return false;
	while (i < ln->end && (is_word(p[i]) || p[i] == '-' || p[i] == '.'))
		i++;
	if (i >= ln->end || p[i] != ':')
		return false;
	if (i + 1 < ln->end && p[i + 1] != ' ' && p[i + 1] != '\t')
		return false;
	return last != ';' && last != '{' && last != ',' && last != '(';
}

/* "prop: value;" with a lowercase (or --custom) property name. */
static bool css_prop_line(const struct line *ln, size_t i)
{
	const unsigned char *p = ln->p;

	if (!is_lower(p[i]) && p[i] != '-')
		return false;
	while (i < ln->end && (is_lower(p[i]) || p[i] == '-' || (p[i] >= '0' && p[i] <= '9')))
		i++;
	while (i < ln->end && is_blank(p[i]))
		i++;
	return i < ln->end && p[i] == ':' && p[ln->end - 1] == ';';
}

static bool toml_section_line(const struct line *ln)
{
	const unsigned char *p = ln->p;
	size_t i;

	if (ln->first != 0 || ln->end < 3 || p[0] != '[' || p[ln->end - 1] != ']')
		return false;
	for (i = 1; i + 1 < ln->end; i++)
		if (!is_word(p[i]) && p[i] != '.' && p[i] != '-' && p[i] != '"' &&
		    p[i] != '[' && p[i] != ']')
			return false;
	return true;
}

static bool toml_key_line(const struct line *ln)
{
	const unsigned char *p = ln->p;
	size_t i = 0;

	if (ln->first != 0)
		return false;
	while (i < ln->end && (is_word(p[i]) || p[i] == '-' || p[i] == '.'))
		i++;
	if (i == 0)
		return false;
	while (i < ln->end && p[i] == ' ')
		i++;
	return i + 1 < ln->end && p[i] == '=' && p[i + 1] != '=';
}

static bool is_bracket_line(const struct line *ln, size_t i)
{
	for (; i < ln->end; i++)
		if (!strchr("{}[](),; \t", ln->p[i]) || !ln->p[i])
			return false;
	return true;
}

/* "if x:", "for a in b:", "def f(x):", "class A(B):": a line ending in
 * ':' with a space before it, and not a switch "case x:" or YAML key. */
static bool py_colon_line(const struct line *ln, size_t i)
{
	const unsigned char *p = ln->p;
	size_t n = ln->end - i;

	if (p[ln->end - 1] != ':' || (n >= 2 && p[ln->end - 2] == ':') ||
	    !memchr(p + i, ' ', n))
		return false;
	return !(n >= 5 && memcmp(p + i, "case ", 5) == 0) &&
	       !(n >= 8 && memcmp(p + i, "default:", 8) == 0);
}

static bool line_has(const struct line *ln, size_t i, const char *s)
{
	size_t n = strlen(s);

	for (; i + n <= ln->end; i++)
		if (memcmp(ln->p + i, s, n) == 0)
			return true;
	return false;
}

/* "from x import y", or "import x" / "import x as y" without what Java
 * (';'), Go and JavaScript ('"', '\'', "from", '{', '*') imports carry. */
static bool py_import_line(const struct line *ln, size_t i)
{
	const unsigned char *p = ln->p;
	size_t n = ln->end - i;

	if (n > 5 && memcmp(p + i, "from ", 5) == 0)
		return line_has(ln, i, " import ");
	if (n <= 7 || memcmp(p + i, "import ", 7) != 0)
		return false;
	for (; i < ln->end; i++)
		if (strchr(";\"'{*", p[i]) && p[i])
			return false;
	return !line_has(ln, 0, " from ");
}

/* "NAME=value" at the start of a line, no spaces around '=': 1 for a
 * shell assignment, 2 for name="value" with a lowercase name, which is far
 * more often an XML attribute on a line of its own; 0 otherwise. */
static int assign_line(const struct line *ln, size_t i)
{
	const unsigned char *p = ln->p;
	bool lower = false;

	if (!is_ident_start(p[i]))
		return 0;
	for (; i < ln->end && is_word(p[i]); i++)
		lower |= is_lower(p[i]);
	if (i + 1 >= ln->end || p[i] != '=' || p[i + 1] == '=' || p[i + 1] == ' ')
		return 0;
	return lower && p[i + 1] == '"' ? 2 : 1;
}

/* Shape counts of one non-blank line of an untagged block; i is its first
 * non-blank byte. */
static void line_shape(struct evidence *ev, const struct line *ln, size_t i)
{
	const unsigned char *p = ln->p;

	ev->lines++;
	if (!ev->first)
		ev->first = p[i];
	ev->last = p[ln->end - 1];
	if (p[i] == '$' && i + 1 < ln->end && p[i + 1] == ' ') {
		ev->score[L_BASH] += 3;  /* a shell prompt */
		return;
	}
	if (p[i] == '#') {
		ev->comments++;
		return;
	}
	if (p[i] == '-' && i + 1 < ln->end && p[i + 1] == ' ') {
		ev->yaml_items++;
		i += 2;
		while (i < ln->end && p[i] == ' ')
			i++;
		if (i < ln->end && yaml_key_line(ln, i))
			ev->yaml_keys++;
		return;
	}
	if (p[i] == '<') {
		ev->markup++;
		return;
	}
	if (p[i] == '"') {
		const unsigned char *q = memchr(p + i + 1, '"', ln->end - i - 1);

		if (q && q + 1 < p + ln->end && q[1] == ':')
			ev->json_keys++;
		return;
	}
	if (is_bracket_line(ln, i)) {
		ev->brackets++;
		return;
	}
	if (py_colon_line(ln, i))
		ev->py_colons++;
	if (py_import_line(ln, i))
		ev->py_imports++;
	switch (assign_line(ln, i)) {
	case 1:
		ev->assigns++;
		break;
	case 2:
		ev->markup++;
		return;
	default:
		break;
	}
	if (yaml_key_line(ln, i))
		ev->yaml_keys++;
	if (css_prop_line(ln, i))
		ev->css_props++;
	if (toml_section_line(ln))
		ev->toml_sections++;
	else if (toml_key_line(ln))
		ev->toml_keys++;
}

/* ---------------------------------------------------------------- blocks */

/* Index of the best language for a finished untagged block, or -1. */
static int block_verdict(struct evidence *ev)
{
	uint64_t best = 0, second = 0;
	int best_i = -1;
	size_t i;

	if (ev->yaml_keys >= 2 &&
	    (ev->yaml_keys + ev->yaml_items) * 5 >= (ev->lines - ev->comments) * 3)
		ev->score[L_YAML] += 2 * (uint64_t)ev->yaml_keys;
	ev->score[L_CSS] += ev->css_props;
	if (ev->toml_sections)
		ev->score[L_TOML] += 2 * (uint64_t)ev->toml_sections + ev->toml_keys;
	if ((ev->first == '{' || ev->first == '[') &&
	    (ev->last == '}' || ev->last == ']') && ev->quote_colons)
		ev->score[L_JSON] += 3 + 2 * (uint64_t)ev->quote_colons;
	else if (ev->json_keys >= 2 &&
		 (ev->json_keys + ev->brackets) * 5 >= ev->lines * 3)
		ev->score[L_JSON] += 2 * (uint64_t)ev->json_keys;  /* a JSON excerpt */
	if (ev->markup >= 2 && ev->markup * 5 >= (ev->lines - ev->comments) * 3)
		ev->score[L_XML] += 2 * (uint64_t)ev->markup;
	ev->score[L_PYTHON] += ev->py_colons + ev->py_imports;
	ev->score[L_BASH] += ev->assigns;

	for (i = 0; i < ARRAY_SIZE(DIALECTS); i++)
		if (ev->score[DIALECTS[i].child] >= DIALECT_MIN)
			ev->score[DIALECTS[i].child] += ev->score[DIALECTS[i].parent];

	for (i = 0; i < L_COUNT; i++) {
		if (ev->score[i] > best) {
			second = best;
			best = ev->score[i];
			best_i = (int)i;
		} else if (ev->score[i] > second) {
			second = ev->score[i];
		}
	}
	if (best < LANG_MIN_SCORE || best == second)
		return -1;
	return best_i;
}

static size_t line_end(const unsigned char *p, size_t n, size_t i)
{
	const unsigned char *nl = memchr(p + i, '\n', n - i);

	return nl ? (size_t)(nl - p) : n;
}

/* Shape counts of the line p[s..e) of an untagged block. */
static void block_line(struct evidence *ev, const unsigned char *p, size_t s, size_t e)
{
	struct line ln = { p + s, e - s, 0, e - s };

	while (ln.end > 0 && is_blank(ln.p[ln.end - 1]))
		ln.end--;
	while (ln.first < ln.end && is_blank(ln.p[ln.first]))
		ln.first++;
	if (ln.first < ln.end)
		line_shape(ev, &ln, ln.first);
}

/* The untagged block p[0..n): keywords; then, jumping from stop byte to
 * stop byte (64 at a time), operators and line shapes; then a verdict. */
static void block_untagged(struct scan *sc, const unsigned char *p, size_t n)
{
	struct line whole = { p, n, 0, n };  /* operators look around freely */
	struct evidence ev;
	unsigned char tail[64];
	size_t base, line = 0;
	int lang;

	if (!sc->lang_index_ready) {
		index_build(&sc->lang_index, LANG_KW, ARRAY_SIZE(LANG_KW));
		sc->lang_index_ready = true;
	}
	memset(&ev, 0, sizeof(ev));
	for_each_token(p, n, &sc->lang_index, lang_token, &ev);
	for (base = 0; base < n; base += 64) {
		const unsigned char *blk = p + base;
		uint64_t stops;

		if (n - base < 64) {
			memset(tail, 0, sizeof(tail));
			memcpy(tail, blk, n - base);
			blk = tail;
		}
		for (stops = stop_mask64(blk); stops; stops &= stops - 1) {
			size_t i = base + ctz64(stops);

			if (p[i] == '\n') {
				block_line(&ev, p, line, i);
				line = i + 1;
			} else {
				match_punct(&ev, &whole, i);
			}
		}
	}
	block_line(&ev, p, line, n);
	lang = block_verdict(&ev);
	if (lang >= 0)
		sc->langs |= UINT64_C(1) << lang;
}

static bool is_info_stop(unsigned char c)
{
	return is_blank(c) || c == '{' || c == '}' || c == ',' || c == ':' ||
	       c == ';' || c == '(' || c == ')' || c == '=' || c == '"' ||
	       c == '\'' || c == '[' || c == ']' || c == '`';
}

/* Language of an info string ("python", "{.py .numberLines}", "js title=x",
 * "main.rs"): LANG index, -1 for an unknown word, -2 when there is none. */
static int info_lang(const unsigned char *p, size_t n)
{
	size_t i = 0, s, dot = 0;
	int id;

	while (i < n && is_blank(p[i]))
		i++;
	if (i < n && p[i] == '{')
		i++;
	while (i < n && (p[i] == '.' || p[i] == '=' || is_blank(p[i])))
		i++;
	s = i;
	while (i < n && !is_info_stop(p[i])) {
		if (p[i] == '.')
			dot = i;
		i++;
	}
	if (i == s)
		return -2;
	if (i - s > INFO_WORD_MAX)
		return -1;
	id = lang_lookup((const char *)p + s, i - s);
	if (id < 0 && dot > s)  /* a file name: try its extension */
		id = lang_lookup((const char *)p + dot + 1, i - dot - 1);
	return id;
}

/* ---------------------------------------------------------------- fences */

/* Whether p[i] starts its line after at most three spaces. */
static bool fence_indent_ok(const unsigned char *p, size_t i)
{
	size_t k = 0;

	while (k < 3 && k < i && p[i - 1 - k] == ' ')
		k++;
	return k == i || p[i - 1 - k] == '\n';
}

static size_t run_length(const unsigned char *p, size_t n, size_t i)
{
	size_t j = i;

	while (j < n && p[j] == p[i])
		j++;
	return j - i;
}

/* The next c at or after from, remembered: asked with growing from, it
 * searches each byte of the text once. */
struct cursor {
	unsigned char c;
	size_t at;  /* n when there is none */
};

static void cursor_init(struct cursor *cur, unsigned char c,
			const unsigned char *p, size_t n)
{
	const unsigned char *q = memchr(p, c, n);

	cur->c = c;
	cur->at = q ? (size_t)(q - p) : n;
}

static size_t cursor_next(struct cursor *cur, const unsigned char *p, size_t n, size_t from)
{
	if (cur->at < from) {
		const unsigned char *q = memchr(p + from, cur->c, n - from);

		cur->at = q ? (size_t)(q - p) : n;
	}
	return cur->at;
}

/* Start of the line that closes a fence of len c's, looking from `from`;
 * n when the block runs to the end of the text. *next is where the text
 * after the closing line begins. */
static size_t find_close(const unsigned char *p, size_t n, size_t from,
			 unsigned char c, size_t len, size_t *next)
{
	size_t i = from;

	while (i < n) {
		const unsigned char *q = memchr(p + i, c, n - i);
		size_t at, run;

		if (!q)
			break;
		at = (size_t)(q - p);
		run = run_length(p, n, at);
		if (run >= len && fence_indent_ok(p, at)) {
			size_t j = at + run;

			while (j < n && is_blank(p[j]))
				j++;
			if (j == n || p[j] == '\n') {
				*next = j < n ? j + 1 : n;
				while (at > 0 && p[at - 1] == ' ')
					at--;
				return at;
			}
		}
		i = at + run;
	}
	*next = n;
	return n;
}

/* Languages: walk the fenced blocks, jumping from fence character to fence
 * character (memchr) rather than from line to line. */
static void blocks_scan(struct scan *sc, const unsigned char *p, size_t n)
{
	struct cursor ticks, tildes;
	size_t pos = 0;

	cursor_init(&ticks, '`', p, n);
	cursor_init(&tildes, '~', p, n);
	while (pos < n) {
		size_t t = cursor_next(&ticks, p, n, pos);
		size_t at = cursor_next(&tildes, p, n, pos);
		size_t run, info, eol, body, close, next;
		int id;

		if (t < at)
			at = t;
		if (at >= n)
			break;
		run = run_length(p, n, at);
		if (run < 3 || !fence_indent_ok(p, at)) {
			pos = at + run;
			continue;
		}
		info = at + run;
		eol = line_end(p, n, info);
		if (p[at] == '`' && memchr(p + info, '`', eol - info)) {
			pos = eol;  /* inline code such as ```x```, not a fence */
			continue;
		}
		id = info_lang(p + info, eol - info);
		body = eol < n ? eol + 1 : n;
		close = find_close(p, n, body, p[at], run, &next);
		if (id >= 0)
			sc->langs |= UINT64_C(1) << id;
		else if (id == -2)
			block_untagged(sc, p + body, close - body);
		pos = next;
	}
}

void lang_detect(const char *text, size_t len, struct lang_result *r)
{
	struct scan sc;

	assert(r);
	if (!text || !len)
		return;
	sc.langs = 0;
	sc.fw_strong = sc.fw_weak = sc.fw_support = 0;
	sc.lang_index_ready = false;
	fw_scan(&sc, (const unsigned char *)text, len);
	blocks_scan(&sc, (const unsigned char *)text, len);
	r->langs |= sc.langs;
	r->frameworks |= sc.fw_strong | (sc.fw_weak & sc.fw_support);
}
