# The command line: help, version, usage errors.
check "--version" "$CERBERUS" --version
"$CERBERUS" --version > v.txt; contains "version text" v.txt "cerberus 0."
"$CERBERUS" --help > h.txt; contains "main help lists log" h.txt "log"
for c in init log feedback stats progress export show synth; do
	"$CERBERUS" help $c > h1.txt; contains "help $c has an example" h1.txt "Example"
	"$CERBERUS" $c --help > h2.txt; status 0 "$c --help" "$CERBERUS" $c --help
	if cmp -s h1.txt h2.txt; then ok; else not_ok "help $c == $c --help"; fi
done
status 2 "no command" "$CERBERUS"
status 2 "unknown command" "$CERBERUS" frobnicate
status 2 "help for unknown command" "$CERBERUS" help frobnicate
status 2 "unknown option" "$CERBERUS" stats --frob
status 2 "bad --now" "$CERBERUS" stats --now yesterday
status 2 "bad --min-rating" "$CERBERUS" stats --min-rating 9
