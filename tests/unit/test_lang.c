/*
 * Unit tests for core/lang: fence parsing, info strings and aliases, the
 * untagged-block heuristic for each language, framework detection from code
 * and prose (and its refusal on look-alike English), lookups, and safety on
 * hostile input (NUL bytes, invalid UTF-8, megabytes of backticks).
 * Only the public API (lang.h) is used.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/lang.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct lang_result detect_n(const char *s, size_t n)
{
	struct lang_result r = { 0, 0 };

	lang_detect(s, n, &r);
	return r;
}

static struct lang_result detect(const char *s)
{
	return detect_n(s, strlen(s));
}

static uint64_t lang_bit(const char *name)
{
	int i = lang_lookup(name, strlen(name));

	cr_assert(i >= 0, "unknown language '%s'", name);
	return UINT64_C(1) << i;
}

static uint64_t fw_bit(const char *name)
{
	int i = framework_lookup(name, strlen(name));

	cr_assert(i >= 0, "unknown framework '%s'", name);
	return UINT64_C(1) << i;
}

/* Comma-separated names of the set bits, for failure messages. */
static const char *lang_list(uint64_t bits, char *buf, size_t cap)
{
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < 64; i++) {
		const char *name = lang_name(i);
		int n;

		if (!(bits & (UINT64_C(1) << i)))
			continue;
		n = snprintf(buf + used, cap - used, "%s%s", used ? "," : "",
			     name ? name : "?");
		if (n < 0 || (size_t)n >= cap - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

static const char *fw_list(uint64_t bits, char *buf, size_t cap)
{
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < 64; i++) {
		const char *name = framework_name(i);
		int n;

		if (!(bits & (UINT64_C(1) << i)))
			continue;
		n = snprintf(buf + used, cap - used, "%s%s", used ? "," : "",
			     name ? name : "?");
		if (n < 0 || (size_t)n >= cap - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

/* "```" + info + "\n" + body + "\n```\n" into buf. */
static const char *fenced(char *buf, size_t cap, const char *info, const char *body)
{
	int n = snprintf(buf, cap, "Here you go:\n\n```%s\n%s\n```\n\nHope it helps.\n",
			 info, body);

	cr_assert(n > 0 && (size_t)n < cap, "test buffer too small");
	return buf;
}

/* ---------------------------------------------------------------- lookups */

Test(lang_lookup, names_are_canonical_and_round_trip)
{
	unsigned i, n = lang_count();

	cr_assert(n >= 28 && n <= LANG_MAX, "lang_count() = %u", n);
	for (i = 0; i < n; i++) {
		const char *name = lang_name(i);
		const char *c;

		cr_assert_not_null(name, "lang_name(%u)", i);
		for (c = name; *c; c++)
			cr_expect(!(*c >= 'A' && *c <= 'Z'), "'%s' not lowercase", name);
		cr_expect_eq(lang_lookup(name, strlen(name)), (int)i, "lookup '%s'", name);
	}
	cr_expect_null(lang_name(n));
	cr_expect_null(lang_name(64));
	cr_expect_null(lang_name((unsigned)-1));
}

Test(lang_lookup, required_languages_exist)
{
	static const char *const want[] = {
		"python", "javascript", "typescript", "java", "go", "rust", "c",
		"cpp", "csharp", "php", "ruby", "swift", "kotlin", "scala", "sql",
		"bash", "powershell", "html", "css", "json", "yaml", "dockerfile",
		"r", "dart", "lua", "perl", "haskell", "elixir",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		int id = lang_lookup(want[i], strlen(want[i]));

		cr_expect(id >= 0, "'%s' missing", want[i]);
		if (id >= 0)
			cr_expect_str_eq(lang_name((unsigned)id), want[i]);
	}
}

Test(lang_lookup, aliases_any_case)
{
	static const struct {
		const char *alias, *lang;
	} cases[] = {
		{ "py", "python" }, { "python3", "python" }, { "PY3", "python" },
		{ "Python", "python" }, { "js", "javascript" },
		{ "node", "javascript" }, { "JSX", "javascript" },
		{ "mjs", "javascript" }, { "ts", "typescript" },
		{ "tsx", "typescript" }, { "golang", "go" }, { "rs", "rust" },
		{ "c++", "cpp" }, { "C++", "cpp" }, { "cc", "cpp" },
		{ "cxx", "cpp" }, { "hpp", "cpp" }, { "h", "c" }, { "C", "c" },
		{ "cs", "csharp" }, { "c#", "csharp" }, { "C#", "csharp" },
		{ "dotnet", "csharp" }, { "rb", "ruby" }, { "sh", "bash" },
		{ "shell", "bash" }, { "zsh", "bash" }, { "console", "bash" },
		{ "shell-session", "bash" }, { "ps1", "powershell" },
		{ "pwsh", "powershell" }, { "yml", "yaml" }, { "kt", "kotlin" },
		{ "docker", "dockerfile" }, { "Dockerfile", "dockerfile" },
		{ "postgres", "sql" }, { "postgresql", "sql" }, { "mysql", "sql" },
		{ "sqlite", "sql" }, { "plsql", "sql" }, { "R", "r" },
		{ "hs", "haskell" }, { "ex", "elixir" }, { "pl", "perl" },
		{ "objective-c", "objectivec" }, { "tf", "hcl" },
		{ "f#", "fsharp" }, { "proto", "protobuf" }, { "md", "markdown" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int id = lang_lookup(cases[i].alias, strlen(cases[i].alias));

		cr_expect(id >= 0 && strcmp(lang_name((unsigned)id), cases[i].lang) == 0,
			  "lang_lookup('%s') = %s, want %s", cases[i].alias,
			  id >= 0 ? lang_name((unsigned)id) : "-1", cases[i].lang);
	}
}

Test(lang_lookup, unknown_and_edge_inputs)
{
	cr_expect_eq(lang_lookup("text", 4), -1);
	cr_expect_eq(lang_lookup("plaintext", 9), -1);
	cr_expect_eq(lang_lookup("mermaid", 7), -1);
	cr_expect_eq(lang_lookup("pythonic", 8), -1);
	cr_expect_eq(lang_lookup("", 0), -1);
	cr_expect_eq(lang_lookup(NULL, 0), -1);
	cr_expect_eq(lang_lookup(NULL, 5), -1);
	/* len bounds the name: no NUL needed, trailing bytes ignored */
	cr_expect_eq(lang_lookup("pythonXYZ", 6), lang_lookup("python", 6));
	cr_expect_eq(lang_lookup("go\0lang", 2), lang_lookup("go", 2));
	cr_expect_eq(lang_lookup("py\0", 3), -1);
}

Test(framework_lookup, names_round_trip_any_case)
{
	unsigned i, n = framework_count();
	char upper[64];

	cr_assert(n >= 30 && n <= LANG_MAX, "framework_count() = %u", n);
	for (i = 0; i < n; i++) {
		const char *name = framework_name(i);
		size_t j, len;

		cr_assert_not_null(name, "framework_name(%u)", i);
		len = strlen(name);
		cr_assert(len < sizeof(upper));
		cr_expect_eq(framework_lookup(name, len), (int)i, "lookup '%s'", name);
		for (j = 0; j < len; j++)
			upper[j] = (name[j] >= 'a' && name[j] <= 'z') ? (char)(name[j] - 32) : name[j];
		cr_expect_eq(framework_lookup(upper, len), (int)i, "lookup '%.*s'",
			     (int)len, upper);
	}
	cr_expect_null(framework_name(n));
	cr_expect_null(framework_name(63));
	cr_expect_null(framework_name((unsigned)-1));
}

Test(framework_lookup, aliases_and_unknown)
{
	cr_expect_eq(framework_lookup("nextjs", 6), framework_lookup("Next.js", 7));
	cr_expect_eq(framework_lookup("sklearn", 7), framework_lookup("scikit-learn", 12));
	cr_expect_eq(framework_lookup("ASP.NET", 7), framework_lookup(".NET", 4));
	cr_expect_eq(framework_lookup("Spring Boot", 11), framework_lookup("Spring", 6));
	cr_expect_eq(framework_lookup("fastapi", 7), framework_lookup("FastAPI", 7));
	cr_expect_eq(framework_lookup("jquery", 6), framework_lookup("jQuery", 6));
	cr_expect_eq(framework_lookup("Ruby on Rails", 13), framework_lookup("Rails", 5));
	cr_expect_eq(framework_lookup("cobol-on-wheels", 15), -1);
	cr_expect_eq(framework_lookup("", 0), -1);
	cr_expect_eq(framework_lookup(NULL, 3), -1);
	cr_expect_eq(framework_lookup("DjangoX", 6), framework_lookup("Django", 6));
}

/* ---------------------------------------------------------------- fences */

Test(lang_fence, every_language_from_a_tagged_fence)
{
	char buf[256], got[512];
	unsigned i;

	for (i = 0; i < lang_count(); i++) {
		struct lang_result r = detect(fenced(buf, sizeof(buf), lang_name(i), "x"));

		cr_expect_eq(r.langs, UINT64_C(1) << i, "```%s gave {%s}", lang_name(i),
			     lang_list(r.langs, got, sizeof(got)));
	}
}

Test(lang_fence, tilde_fences_and_aliases)
{
	static const struct {
		const char *text, *lang;
	} cases[] = {
		{ "~~~py\nx = 1\n~~~\n", "python" },
		{ "~~~~golang\nx\n~~~~\n", "go" },
		{ "```c++\nint x;\n```\n", "cpp" },
		{ "```C#\nvar x = 1;\n```\n", "csharp" },
		{ "```shell-session\n$ ls\n```\n", "bash" },
		{ "```console\n$ make\n```\n", "bash" },
		{ "```PowerShell\nls\n```\n", "powershell" },
		{ "```yml\na: 1\n```\n", "yaml" },
		{ "```Dockerfile\nFROM x\n```\n", "dockerfile" },
		{ "```postgresql\nselect 1;\n```\n", "sql" },
		{ "```tsx\n<A />\n```\n", "typescript" },
		{ "```\xef\xbb\xbfpython\nx\n```\n", "" },  /* BOM: not a name */
	};
	char got[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct lang_result r = detect(cases[i].text);
		uint64_t want = cases[i].lang[0] ? lang_bit(cases[i].lang) : 0;

		cr_expect_eq(r.langs, want, "case %zu: want {%s} got {%s}", i,
			     cases[i].lang, lang_list(r.langs, got, sizeof(got)));
	}
}

Test(lang_fence, info_string_forms)
{
	static const struct {
		const char *text, *lang;
	} cases[] = {
		{ "```python title=\"app.py\"\nx = 1\n```\n", "python" },
		{ "```{python}\nx = 1\n```\n", "python" },
		{ "```{.python .numberLines}\nx = 1\n```\n", "python" },
		{ "```{r setup, include=FALSE}\nx <- 1\n```\n", "r" },
		{ "``` rust\nfn x() {}\n```\n", "rust" },
		{ "```js:src/app.js\nx\n```\n", "javascript" },
		{ "```ts {1,3-4}\nx\n```\n", "typescript" },
		{ "```main.rs\nx\n```\n", "rust" },
		{ "```src/server.go\nx\n```\n", "go" },
		{ "```docker-compose.yml\nx\n```\n", "yaml" },
		{ "```Python3\nx\n```\n", "python" },
		{ "```json5\n{}\n```\n", "json" },
		{ "  ```bash\nls\n  ```\n", "bash" },  /* indented up to 3 */
		{ "   ```bash\nls\n   ```\n", "bash" },
		{ "```bash\r\nls\r\n```\r\n", "bash" },  /* CRLF */
	};
	char got[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct lang_result r = detect(cases[i].text);

		cr_expect_eq(r.langs, lang_bit(cases[i].lang), "case %zu: want %s got {%s}",
			     i, cases[i].lang, lang_list(r.langs, got, sizeof(got)));
	}
}

Test(lang_fence, unknown_info_strings_are_ignored)
{
	static const char *const infos[] = {
		"text", "plaintext", "output", "mermaid", "diff", "log", "csv",
		"pythonic", "foo.bar", "x{", "averyveryveryverylongwordthatisnolanguageatall",
	};
	/* bodies that the untagged heuristic would recognise */
	static const char *const body = "def main():\n    import os\n    print(os.getcwd())\n";
	char buf[512], got[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(infos); i++) {
		struct lang_result r = detect(fenced(buf, sizeof(buf), infos[i], body));

		cr_expect_eq(r.langs, 0, "```%s gave {%s}", infos[i],
			     lang_list(r.langs, got, sizeof(got)));
	}
	/* control: the same body untagged is python */
	cr_expect_eq(detect(fenced(buf, sizeof(buf), "", body)).langs, lang_bit("python"));
}

Test(lang_fence, multiple_blocks_give_multiple_bits)
{
	const char *text =
		"First the server:\n\n```go\npackage main\n```\n\n"
		"then the client:\n\n~~~typescript\nlet x: number = 1;\n~~~\n\n"
		"and an untagged one:\n\n```\nSELECT id FROM users WHERE id = 1;\n```\n"
		"and a shell line:\n```sh\nmake\n```\n";
	struct lang_result r = detect(text);
	char got[512];

	cr_expect_eq(r.langs, lang_bit("go") | lang_bit("typescript") | lang_bit("sql") |
			      lang_bit("bash"),
		     "got {%s}", lang_list(r.langs, got, sizeof(got)));
}

Test(lang_fence, result_bits_are_or_ed_in)
{
	struct lang_result r = { UINT64_C(1) << 63, UINT64_C(1) << 62 };

	lang_detect("```rust\nfn main() {}\n```\n", 26, &r);
	cr_expect_eq(r.langs, (UINT64_C(1) << 63) | lang_bit("rust"));
	cr_expect_eq(r.frameworks, UINT64_C(1) << 62);
}

Test(lang_fence, fence_rules)
{
	static const struct {
		const char *text, *lang;  /* "" = no language */
	} cases[] = {
		/* four spaces: an indented code block, not a fence */
		{ "    ```python\n    x\n    ```\n", "" },
		/* a tab is four columns too */
		{ "\t```python\nx\n```\n", "" },
		/* two fence characters are not enough */
		{ "``python\nx\n``\n", "" },
		/* a backtick in a backtick fence's info string: inline code */
		{ "```python```\n", "" },
		{ "Use ```rust``` fences.\n", "" },
		/* ...but allowed after tildes */
		{ "~~~python `x`\nx\n~~~\n", "python" },
		/* the fence must start the line */
		{ "see ```python\nx\n```\n", "" },
		/* a shorter run does not close: the go fence stays content */
		{ "````markdown\n```go\nx\n```\n````\n", "markdown" },
		{ "````python\nx\n```\nmore\n````\n```go\ny\n```\n", "python,go" },
		/* a longer run closes */
		{ "```python\nx\n`````\n```go\ny\n```\n", "python,go" },
		/* tildes do not close a backtick fence */
		{ "```\n~~~python\n~~~\n```\n", "" },
		/* a closing fence takes no info string: ```js stays content */
		{ "```python\nx\n```js\n", "python" },
		/* after a close, a new fence opens */
		{ "```python\nx\n```\n```ruby\ny\n```\n", "python,ruby" },
	};
	char got[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct lang_result r = detect(cases[i].text);
		uint64_t want = 0;
		const char *s = cases[i].lang;

		while (*s) {
			size_t len = strcspn(s, ",");
			int id = lang_lookup(s, len);

			cr_assert(id >= 0, "bad test language '%.*s'", (int)len, s);
			want |= UINT64_C(1) << id;
			s += len + (s[len] == ',');
		}
		cr_expect_eq(r.langs, want, "case %zu: want {%s} got {%s}", i,
			     cases[i].lang, lang_list(r.langs, got, sizeof(got)));
	}
}

Test(lang_fence, unterminated_fence_runs_to_the_end)
{
	struct lang_result r;

	r = detect("Start:\n```\n#include <stdio.h>\nint main(void) { printf(\"hi\"); }\n");
	cr_expect_eq(r.langs, lang_bit("c"));
	r = detect("```kotlin\nfun main() {}");
	cr_expect_eq(r.langs, lang_bit("kotlin"));
	/* the fence's content is not prose: a later fence-looking line is content */
	r = detect("```\nimport os\n```python\ndef f(self):\n    return self.x\n");
	cr_expect_eq(r.langs, lang_bit("python"));
}

/* ---------------------------------------------------------------- heuristic */

static const struct {
	const char *lang, *code;
} UNTAGGED[] = {
	{ "python",
	  "import os\n\ndef greet(name):\n    if name is None:\n        return \"hi\"\n"
	  "    print(f\"Hello {name}\")\n" },
	{ "python",
	  "class Cache:\n    def __init__(self, size):\n        self.size = size\n" },
	{ "javascript",
	  "const items = [1, 2, 3];\nconst doubled = items.map((x) => x * 2);\n"
	  "console.log(doubled);\n" },
	{ "javascript",
	  "function add(a, b) {\n  if (typeof a === 'undefined') return b;\n  return a + b;\n}\n"
	  "module.exports = add;\n" },
	{ "typescript",
	  "interface User {\n  name: string;\n  age: number;\n}\n\n"
	  "function greet(u: User): void {\n  console.log(u.name);\n}\n" },
	{ "java",
	  "public class Main {\n    public static void main(String[] args) {\n"
	  "        System.out.println(\"Hello\");\n    }\n}\n" },
	{ "go",
	  "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tx := 42\n\tfmt.Println(x)\n}\n" },
	{ "rust",
	  "fn main() {\n    let mut v = Vec::new();\n    v.push(1);\n    println!(\"{:?}\", v);\n}\n" },
	{ "c",
	  "#include <stdio.h>\n#include <stdlib.h>\n\nint main(void) {\n    char *buf = malloc(16);\n"
	  "    printf(\"%s\\n\", buf);\n    free(buf);\n    return 0;\n}\n" },
	{ "cpp",
	  "#include <iostream>\n#include <vector>\n\nint main() {\n"
	  "    std::vector<int> v = {1, 2, 3};\n"
	  "    for (auto x : v) std::cout << x << std::endl;\n}\n" },
	{ "csharp",
	  "using System;\n\nnamespace Demo\n{\n    class Program\n    {\n"
	  "        static void Main(string[] args)\n        {\n"
	  "            Console.WriteLine(\"Hello\");\n        }\n    }\n}\n" },
	{ "php",
	  "<?php\nclass User {\n    public function __construct(private string $name) {}\n"
	  "    public function name(): string { return $this->name; }\n}\n" },
	{ "ruby",
	  "class Greeter\n  attr_reader :name\n\n  def initialize(name)\n    @name = name\n  end\n\n"
	  "  def greet\n    puts \"Hello #{name}\"\n  end\nend\n" },
	{ "swift",
	  "import SwiftUI\n\nstruct ContentView: View {\n    var body: some View {\n"
	  "        Text(\"Hello\")\n    }\n}\n" },
	{ "kotlin",
	  "data class User(val name: String)\n\nfun main() {\n    val u = User(\"a\")\n"
	  "    println(u.name)\n}\n" },
	{ "scala",
	  "object Main extends App {\n  case class Point(x: Int, y: Int)\n  val p = Point(1, 2)\n"
	  "  println(p)\n}\n" },
	{ "sql",
	  "SELECT u.id, u.name\nFROM users u\nJOIN orders o ON o.user_id = u.id\n"
	  "WHERE o.total > 100;\n" },
	{ "sql", "create table users (id integer primary key, name varchar(80));\n" },
	{ "sql", "insert into users (name) values ('x');\n" },
	{ "bash",
	  "#!/bin/bash\nsudo apt-get update\nexport PATH=\"$HOME/bin:$PATH\"\necho \"done\"\n" },
	{ "bash", "$ npm install\n$ npm run build\n" },
	{ "bash", "pip install -r requirements.txt\n" },
	{ "bash", "$ ls -la\n$ pwd\n" },
	{ "powershell",
	  "Get-ChildItem -Path C:\\logs | Where-Object { $_.Length -gt 1MB } | Remove-Item\n"
	  "Write-Host \"Cleaned\"\n" },
	{ "html",
	  "<!DOCTYPE html>\n<html>\n  <head><title>Hi</title></head>\n  <body>\n"
	  "    <div class=\"main\"><p>Hello</p></div>\n  </body>\n</html>\n" },
	{ "css",
	  ".container {\n  display: flex;\n  margin: 0 auto;\n  color: #333;\n}\n" },
	{ "json",
	  "{\n  \"name\": \"cerberus\",\n  \"version\": \"1.0.0\",\n  \"private\": true\n}\n" },
	{ "json", "[{\"id\": 1}, {\"id\": 2}]\n" },
	{ "json",  /* an excerpt, without its outer braces */
	  "  \"name\": \"cerberus\",\n  \"version\": \"1.0.0\",\n  \"scripts\": {\n"
	  "    \"test\": \"make test\"\n  }," },
	{ "xml",
	  "<config>\n  <server host=\"a\" port=\"80\"/>\n  <user\n    name=\"x\"\n"
	  "    role=\"admin\"/>\n</config>\n" },
	{ "bash",
	  "set -euo pipefail\nNAME=cerberus\nif [ -z \"$1\" ]; then\n  exit 1\nfi\n" },
	{ "python",
	  "for item in items:\n    if item.ready:\n        process(item)\n    else:\n"
	  "        skip(item)\n" },
	{ "python",
	  "import numpy as np\nimport matplotlib.pyplot as plt\n\nx = np.linspace(0, 1)\n"
	  "plt.plot(x, x ** 2)\nplt.show()\n" },
	{ "python", "from pathlib import Path\nfrom typing import List\n" },
	{ "perl",
	  "sub new {\n    my ($class, %args) = @_;\n    my $self = bless {}, $class;\n"
	  "    return $self;\n}\n" },
	{ "yaml",
	  "version: \"3.8\"\nservices:\n  web:\n    image: nginx:latest\n    ports:\n"
	  "      - \"80:80\"\n" },
	{ "yaml",
	  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n" },
	{ "dockerfile",
	  "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
	  "RUN pip install -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n" },
	{ "r",
	  "library(ggplot2)\ndf <- data.frame(x = c(1, 2, 3), y = c(4, 5, 6))\n"
	  "ggplot(df, aes(x, y)) + geom_point()\n" },
	{ "dart",
	  "import 'package:flutter/material.dart';\n\nclass MyApp extends StatelessWidget {\n"
	  "  @override\n  Widget build(BuildContext context) {\n    return Text('Hi');\n  }\n}\n" },
	{ "lua",
	  "local function greet(name)\n  print(\"Hello \" .. name)\nend\n\n"
	  "for i, v in ipairs(items) do\n  greet(v)\nend\n" },
	{ "perl",
	  "use strict;\nuse warnings;\n\nmy $name = \"world\";\nprint \"Hello, $name\\n\";\n" },
	{ "haskell", "module Main where\n\nmain :: IO ()\nmain = putStrLn \"Hello\"\n" },
	{ "elixir",
	  "defmodule Greeter do\n  def hello(name) do\n    IO.puts(\"Hello #{name}\")\n  end\nend\n" },
	{ "toml",
	  "[package]\nname = \"cerberus\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n" },
	{ "xml", "<?xml version=\"1.0\"?>\n<note><to>Tove</to></note>\n" },
	{ "makefile", ".PHONY: all\nall:\n\t$(CC) $(CFLAGS) -o app main.c\n" },
	{ "graphql", "query {\n  user(id: 1) {\n    name\n  }\n}\n\nmutation {\n  logout\n}\n" },
	{ "hcl",
	  "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\n"
	  "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n" },
	{ "julia", "mutable struct Point\n    x::Float64\nend\n" },
	{ "zig",
	  "const std = @import(\"std\");\n\npub fn main() void {\n    comptime var x = 1;\n}\n" },
	{ "clojure", "(ns app.core)\n\n(defn greet [name]\n  (str \"Hello \" name))\n" },
	{ "erlang", "-module(hello).\n-export([start/0]).\n\nstart() -> io:format(\"hi~n\").\n" },
	{ "ocaml", "let rec fact n =\n  if n = 0 then 1 else n * fact (n - 1)\n;;\n"
		   "Printf.printf \"%d\" (fact 5)\n" },
	{ "fsharp", "open System\n\nlet mutable count = 0\nprintfn \"%d\" count\n" },
	{ "groovy",
	  "apply plugin: 'java'\n\nrepositories {\n    mavenCentral()\n}\n\n"
	  "dependencies {\n    implementation 'com.google.guava:guava:32.0'\n}\n" },
	{ "objectivec",
	  "#import <Foundation/Foundation.h>\n\n@interface Person : NSObject\n"
	  "@property (nonatomic, strong) NSString *name;\n@end\n" },
	{ "matlab", "clc\nx = linspace(0, 1, 10);\ndisp(x)\n" },
	{ "protobuf",
	  "syntax = \"proto3\";\n\nmessage User {\n  string name = 1;\n  repeated string tags = 2;\n}\n" },
	{ "solidity",
	  "pragma solidity ^0.8.0;\n\ncontract Token {\n    mapping(address => uint256) balances;\n}\n" },
	{ "scss",
	  "@mixin center {\n  display: flex;\n}\n.card {\n  @include center;\n"
	  "  &:hover {\n    color: red;\n  }\n}\n" },
	{ "assembly",
	  "section .text\nglobal _start\n_start:\n    mov rax, 60\n    xor rdi, rdi\n    syscall\n" },
};

Test(lang_untagged, each_language_from_an_untagged_fence)
{
	char buf[1024], got[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(UNTAGGED); i++) {
		struct lang_result r = detect(fenced(buf, sizeof(buf), "", UNTAGGED[i].code));

		cr_expect_eq(r.langs, lang_bit(UNTAGGED[i].lang), "case %zu: want %s got {%s}",
			     i, UNTAGGED[i].lang, lang_list(r.langs, got, sizeof(got)));
	}
}

Test(lang_untagged, every_required_language_has_an_untagged_case)
{
	static const char *const want[] = {
		"python", "javascript", "typescript", "java", "go", "rust", "c",
		"cpp", "csharp", "php", "ruby", "swift", "kotlin", "scala", "sql",
		"bash", "powershell", "html", "css", "json", "yaml", "dockerfile",
		"r", "dart", "lua", "perl", "haskell", "elixir",
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		for (j = 0; j < ARRAY_SIZE(UNTAGGED); j++)
			if (strcmp(UNTAGGED[j].lang, want[i]) == 0)
				break;
		cr_expect(j < ARRAY_SIZE(UNTAGGED), "no untagged case for %s", want[i]);
	}
}

Test(lang_untagged, weak_or_no_evidence_gives_nothing)
{
	static const char *const bodies[] = {
		"hello world",
		"x = 1",
		"foo(bar)",
		"Error: file not found\nWarning: disk almost full",
		"Total: 3 items\nElapsed: 2s",
		"42",
		"{}",
		"[1, 2, 3]",
		"The function returns a list.",
		"  File \"x\", line 1\n",
		/* command names mid-sentence are not commands */
		"Then run the installer with sudo and cd into the folder; git and npm too.",
		/* a tie is no verdict: func is both Go and Swift */
		"func a\nfunc b",
	};
	char buf[512], got[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bodies); i++) {
		struct lang_result r = detect(fenced(buf, sizeof(buf), "", bodies[i]));

		cr_expect_eq(r.langs, 0, "case %zu ('%s') gave {%s}", i, bodies[i],
			     lang_list(r.langs, got, sizeof(got)));
	}
}

Test(lang_untagged, prose_without_code_gives_no_language)
{
	const char *text =
		"To define a function in Python you write def, then the name. Import the "
		"module first. In SQL you SELECT columns FROM a table WHERE a condition holds;\n"
		"in Go, func main() is the entry point and fmt.Println prints. Use const and "
		"let in JavaScript, and console.log to debug. #include <stdio.h> in C.\n"
		"$ this line merely starts with a dollar sign\n"
		"    indented prose is not a fence either\n";
	struct lang_result r = detect(text);
	char got[512];

	cr_expect_eq(r.langs, 0, "got {%s}", lang_list(r.langs, got, sizeof(got)));
}

Test(lang_untagged, typescript_needs_its_own_evidence)
{
	char buf[512];

	cr_expect_eq(detect(fenced(buf, sizeof(buf), "",
				   "const a = 1;\nlet b = a + 1;\nconsole.log(b);")).langs,
		     lang_bit("javascript"));
	cr_expect_eq(detect(fenced(buf, sizeof(buf), "",
				   "const a: number = 1;\nlet b: string = 'x';\nconsole.log(b);")).langs,
		     lang_bit("typescript"));
	cr_expect_eq(detect(fenced(buf, sizeof(buf), "",
				   "#include <stdio.h>\nint main(void) { return 0; }")).langs,
		     lang_bit("c"));
}

/* ---------------------------------------------------------------- frameworks */

static const struct {
	const char *fw, *text;
} FW_CODE[] = {
	{ "FastAPI", "from fastapi import FastAPI\n\napp = FastAPI()\n" },
	{ "FastAPI", "I'm building the backend with FastAPI." },
	{ "Django", "from django.db import models\n\nclass Post(models.Model):\n    pass\n" },
	{ "Django", "python manage.py migrate" },
	{ "Flask", "from flask import Flask\napp = Flask(__name__)\n" },
	{ "Flask", "We use Flask for the admin panel." },
	{ "React", "import React, { useState } from 'react';\n" },
	{ "React", "const [n, setN] = useState(0);" },
	{ "React", "How do I memoise a React component?" },
	{ "Vue", "import { createApp } from 'vue'\ncreateApp(App).mount('#app')\n" },
	{ "Vue", "Open src/components/HelloWorld.vue and edit the template." },
	{ "Vue", "<template>\n  <div>{{ msg }}</div>\n</template>\n<script>\nexport default {\n  data() { return { msg: 'hi' } }\n}\n</script>\n" },
	{ "Angular", "import { Component } from '@angular/core';\n\n@Component({\n  selector: 'app-root',\n})\n" },
	{ "Angular", "My Angular app fails to build." },
	{ "Svelte", "<script>\n  import { onMount } from 'svelte';\n</script>\n" },
	{ "Svelte", "Is Svelte faster than React?" },
	{ "Express", "const express = require('express');\nconst app = express();\n" },
	{ "Express", "import express from \"express\";\n" },
	{ "Express", "An Express server with app.get('/', handler) and app.listen(3000)." },
	{ "Express", "I'm writing an Express middleware for Node." },
	{ "Next.js", "import { useRouter } from 'next/router';\n" },
	{ "Next.js", "export async function getServerSideProps(ctx) { return { props: {} } }" },
	{ "Next.js", "How do I deploy a Next.js app?" },
	{ "Nuxt", "// nuxt.config.ts\nexport default defineNuxtConfig({ ssr: true })\n" },
	{ "NestJS", "import { Controller, Get } from '@nestjs/common';\n" },
	{ "Spring", "@SpringBootApplication\npublic class App {\n  public static void main(String[] a) {\n    SpringApplication.run(App.class, a);\n  }\n}\n" },
	{ "Spring", "import org.springframework.web.bind.annotation.RestController;" },
	{ "Spring", "Our Spring Boot service times out." },
	{ "Spring", "spring.datasource.url=jdbc:postgresql://localhost/db" },
	{ "Rails", "class UsersController < ApplicationController\n  def index\n  end\nend\n" },
	{ "Rails", "Rails.application.routes.draw do\nend\n" },
	{ "Rails", "$ rails new blog --database=postgresql" },
	{ "Rails", "I have a Ruby on Rails app." },
	{ "Laravel", "use Illuminate\\Support\\Facades\\Route;\n" },
	{ "Laravel", "php artisan migrate" },
	{ "Laravel", "Deploying Laravel on a VPS" },
	{ ".NET", "var builder = WebApplication.CreateBuilder(args);\n" },
	{ ".NET", "using Microsoft.AspNetCore.Mvc;\n" },
	{ ".NET", "Should I port this to .NET 8?" },
	{ ".NET", "An ASP.NET Core controller" },
	{ "Gin", "import \"github.com/gin-gonic/gin\"\n\nr := gin.Default()\n" },
	{ "Echo", "import \"github.com/labstack/echo/v4\"\n\ne := echo.New()\n" },
	{ "Actix", "use actix_web::{web, App, HttpServer};\n" },
	{ "Axum", "use axum::{routing::get, Router};\n" },
	{ "Rocket", "#[macro_use] extern crate rocket;\n" },
	{ "Rocket", "rocket::build().mount(\"/\", routes![index])" },
	{ "Tokio", "#[tokio::main]\nasync fn main() {}\n" },
	{ "Pandas", "import pandas as pd\ndf = pd.read_csv('data.csv')\n" },
	{ "Pandas", "Load the CSV into a DataFrame with pandas." },
	{ "NumPy", "import numpy as np\na = np.zeros(3)\n" },
	{ "PyTorch", "import torch\nx = torch.tensor([1.0])\n" },
	{ "PyTorch", "Training loop in PyTorch" },
	{ "TensorFlow", "import tensorflow as tf\nmodel = tf.keras.Sequential()\n" },
	{ "scikit-learn", "from sklearn.linear_model import LinearRegression\n" },
	{ "SQLAlchemy", "from sqlalchemy import create_engine\n" },
	{ "Celery", "from celery import Celery\napp = Celery('tasks', broker='redis://')\n" },
	{ "Celery", "@shared_task\ndef add(x, y):\n    return x + y\n" },
	{ "Prisma", "import { PrismaClient } from '@prisma/client'\nconst prisma = new PrismaClient()\n" },
	{ "Prisma", "Run npx prisma migrate dev first." },
	{ "Tailwind", "npm install -D tailwindcss postcss" },
	{ "Tailwind", "Styled with Tailwind CSS utility classes." },
	{ "jQuery", "$(document).ready(function() { $('#x').hide(); });\n" },
	{ "Symfony", "use Symfony\\Component\\HttpFoundation\\Response;\n" },
	{ "Phoenix", "defmodule MyAppWeb.Router do\n  use Phoenix.Router\nend\n" },
	{ "Phoenix", "mix phx.new hello" },
	{ "Flutter", "import 'package:flutter/material.dart';\n" },
	{ "Flutter", "My Flutter app crashes on iOS." },
	{ "Pydantic", "from pydantic import BaseModel\n" },
	{ "Redux", "import { createSlice } from '@reduxjs/toolkit';\n" },
	{ "Matplotlib", "import matplotlib.pyplot as plt\nplt.show()\n" },
	{ "Streamlit", "import streamlit as st\nst.title('x')\n" },
};

Test(lang_framework, each_framework_from_code_and_prose)
{
	char got[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(FW_CODE); i++) {
		struct lang_result r = detect(FW_CODE[i].text);

		cr_expect(r.frameworks & fw_bit(FW_CODE[i].fw), "case %zu: want %s got {%s}",
			  i, FW_CODE[i].fw, fw_list(r.frameworks, got, sizeof(got)));
	}
}

Test(lang_framework, every_framework_has_a_case)
{
	unsigned i;
	size_t j;

	for (i = 0; i < framework_count(); i++) {
		for (j = 0; j < ARRAY_SIZE(FW_CODE); j++)
			if (strcmp(FW_CODE[j].fw, framework_name(i)) == 0)
				break;
		cr_expect(j < ARRAY_SIZE(FW_CODE), "no case for %s", framework_name(i));
	}
}

Test(lang_framework, also_inside_fences_and_from_fence_tags)
{
	struct lang_result r;

	r = detect("```python\nfrom fastapi import FastAPI\n```\n");
	cr_expect_eq(r.frameworks, fw_bit("FastAPI"));
	cr_expect_eq(r.langs, lang_bit("python"));
	r = detect("```vue\n<template><p>x</p></template>\n```\n");
	cr_expect(r.frameworks & fw_bit("Vue"));
	r = detect("```jsx\nconst x = <p />;\n```\n");
	cr_expect(r.frameworks & fw_bit("React"));
	cr_expect_eq(r.langs, lang_bit("javascript"));
}

Test(lang_framework, tricky_prose_detects_nothing)
{
	static const char *const prose[] = {
		"I'll react to that later.",
		"How should I react when the build fails?",
		"We met in the spring of 2021.",
		"The spring in the valve is broken.",
		"I want to express my gratitude.",
		"Express yourself clearly.",
		"next, run make and then make install.",
		"What comes next? Next, we test.",
		"Hold the rails of the fence.",
		"The train left the rails.",
		"Spring is here and the flowers bloom.",
		"The pandas at the zoo eat bamboo.",
		"Celery sticks and a flask of water.",
		"I lit the torch. The rocket launched.",
		"A gin and tonic, please.",
		"Just echo the value back.",
		"A strong tailwind helped the plane.",
		"The phoenix rose from the ashes.",
		"Butterflies flutter by.",
		"The angular momentum is conserved.",
		"That view is svelte and elegant.",
		"Point de vue: the network is down.",
		"the prisma of light",
		"He spoke with an express purpose.",
		"Rails are made of steel.",
		"I'll get back to you next week with the results.",
		"Echo chamber effects in social media.",
		"He works at NET Corp in an office.",
		"Click Next to continue.",
		"Connect to /tmp/echo.sock and edit tf.vim or gin.txt; express.sock too.",
	};
	char got[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prose); i++) {
		struct lang_result r = detect(prose[i]);

		cr_expect_eq(r.frameworks, 0, "'%s' gave {%s}", prose[i],
			     fw_list(r.frameworks, got, sizeof(got)));
		cr_expect_eq(r.langs, 0, "'%s' gave a language", prose[i]);
	}
}

Test(lang_framework, weak_names_need_support)
{
	cr_expect_eq(detect("Express is great.").frameworks, 0);
	cr_expect_eq(detect("Express is great with Node.").frameworks, fw_bit("Express"));
	cr_expect_eq(detect("Spring came early.").frameworks, 0);
	cr_expect_eq(detect("Spring with Java and Maven.").frameworks, fw_bit("Spring"));
	cr_expect_eq(detect("Rails").frameworks, 0);
	cr_expect_eq(detect("Rails with Ruby").frameworks, fw_bit("Rails"));
	cr_expect_eq(detect("Gin").frameworks, 0);
	cr_expect_eq(detect("Gin in Go").frameworks, fw_bit("Gin"));
	/* support alone is nothing */
	cr_expect_eq(detect("app.get('/x', h); Node and npm").frameworks, 0);
}

Test(lang_framework, imports_in_any_quote)
{
	cr_expect(detect("import x from `react`").frameworks & fw_bit("React"));
	cr_expect(detect("require(\"react-dom\")").frameworks & fw_bit("React"));
	cr_expect(detect("import { writable } from 'svelte/store'").frameworks & fw_bit("Svelte"));
	cr_expect(detect("import Link from \"next/link\"").frameworks & fw_bit("Next.js"));
}

/* ---------------------------------------------------------------- hostile input */

Test(lang_input, empty_and_null)
{
	struct lang_result r = { 0, 0 };

	lang_detect("", 0, &r);
	cr_expect_eq(r.langs, 0);
	cr_expect_eq(r.frameworks, 0);
	lang_detect(NULL, 0, &r);
	lang_detect(NULL, 100, &r);
	cr_expect_eq(r.langs, 0);
	cr_expect_eq(r.frameworks, 0);
	/* len is honoured: the fence lies past it */
	r = detect_n("hello\n```python\nx\n```\n", 6);
	cr_expect_eq(r.langs, 0);
}

Test(lang_input, nul_bytes_and_invalid_utf8)
{
	static const char text[] =
		"pre\0amble \xff\xfe\xc0\x80 React\0\n```rust\nfn \0main() {}\n```\n"
		"\x80```python\n"  /* not at line start: no fence */
		"```\n\xed\xa0\x80 import os\n\0\ndef f(self):\n    return self.x\n```\n";
	struct lang_result r = detect_n(text, sizeof(text) - 1);
	char got[512];

	cr_expect_eq(r.langs, lang_bit("rust") | lang_bit("python"), "got {%s}",
		     lang_list(r.langs, got, sizeof(got)));
	cr_expect_eq(r.frameworks, fw_bit("React"));
}

static double seconds_since(clock_t t0)
{
	return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

Test(lang_input, huge_inputs_in_linear_time, .timeout = 60)
{
	static const char after_run[] = "\n```\n```go\nx\n```\n";
	size_t n = 10u << 20, i;
	char *big = malloc(n + 64);
	struct lang_result r;
	clock_t t0;

	cr_assert_not_null(big);

	/* 10 MB of backticks on one line: one untagged, empty block */
	memset(big, '`', n);
	t0 = clock();
	r = detect_n(big, n);
	cr_expect_eq(r.langs, 0);
	cr_expect(seconds_since(t0) < 5.0, "backticks took %.2fs", seconds_since(t0));

	/* lines of only ``` : open, close, open, ... */
	for (i = 0; i + 4 <= n; i += 4)
		memcpy(big + i, "```\n", 4);
	t0 = clock();
	r = detect_n(big, i);
	cr_expect_eq(r.langs, 0);
	cr_expect(seconds_since(t0) < 5.0, "fence lines took %.2fs", seconds_since(t0));

	/* one 10 MB untagged python block, then a tagged fence after it */
	memcpy(big, "```\n", 4);
	for (i = 4; i + 17 <= n - 32; i += 17)
		memcpy(big + i, "    self.x = 1\n\n\n", 17);
	memcpy(big + i, "```\n```go\nx\n```\n", 16);
	i += 16;
	t0 = clock();
	r = detect_n(big, i);
	cr_expect_eq(r.langs, lang_bit("python") | lang_bit("go"));
	cr_expect(seconds_since(t0) < 5.0, "python block took %.2fs", seconds_since(t0));

	/* 10 MB of prose words with a framework name at the very end */
	for (i = 0; i + 6 <= n - 32; i += 6)
		memcpy(big + i, "spring", 6);
	memcpy(big + i, " Django", 7);
	i += 7;
	t0 = clock();
	r = detect_n(big, i);
	cr_expect_eq(r.frameworks, fw_bit("Django"));
	cr_expect(seconds_since(t0) < 5.0, "prose took %.2fs", seconds_since(t0));

	/* a block holding a long backtick run that closes nothing */
	memcpy(big, "```\nx", 5);
	memset(big + 5, '`', 4u << 20);
	i = 5 + (4u << 20);
	memcpy(big + i, after_run, sizeof(after_run) - 1);
	t0 = clock();
	r = detect_n(big, i + sizeof(after_run) - 1);
	cr_expect_eq(r.langs, lang_bit("go"));
	cr_expect(seconds_since(t0) < 5.0, "backtick run took %.2fs", seconds_since(t0));

	free(big);
}

/* The scanner reads 64 bytes at a time: words cut by, ending on or
 * starting at a block boundary, or the end of the text, all count. */
Test(lang_input, block_boundaries)
{
	char buf[300];
	size_t pad;

	for (pad = 0; pad < 200; pad++) {
		struct lang_result r;

		memset(buf, ' ', pad);
		memcpy(buf + pad, "Django", 6);
		r = detect_n(buf, pad + 6);  /* ends the text */
		cr_expect_eq(r.frameworks, fw_bit("Django"), "at %zu, at the end", pad);
		memcpy(buf + pad + 6, " x", 2);
		r = detect_n(buf, pad + 8);
		cr_expect_eq(r.frameworks, fw_bit("Django"), "at %zu", pad);
		/* a word glued on either side is another word */
		buf[pad + 6] = 's';
		r = detect_n(buf, pad + 8);
		cr_expect_eq(r.frameworks, 0, "Djangos at %zu", pad);
	}
	/* a 100-byte word over two boundaries, then a keyword */
	memset(buf, 'a', 100);
	memcpy(buf + 100, " Django", 7);
	cr_expect_eq(detect_n(buf, 107).frameworks, fw_bit("Django"));
	memcpy(buf + 100, "Django", 6);
	cr_expect_eq(detect_n(buf, 106).frameworks, 0);
}
