# serve: the embedded dashboard, widget and demo over HTTP with curl (the
# browser tests drive them in Chromium): types, caching, CSP, CORS for the
# widget script, /dashboard.json, and --public-dashboard.
source "$ROOT/tests/e2e/serve_lib.sh"
"$CERBERUS" init > /dev/null
INGEST=$("$CERBERUS" apikey create --scope ingest 2>/dev/null)
ADMIN=$("$CERBERUS" apikey create --scope admin 2>/dev/null)
hdr() { tr -d '\r' < hdr.txt | sed -n "s/^$1: //Ip" | head -1; }

status 2 "bad --dashboard-refresh" "$CERBERUS" serve --dashboard-refresh 0
status 2 "bad --dashboard-refresh (text)" "$CERBERUS" serve --dashboard-refresh soon
serve_start --cors-origin https://app.example.com --dashboard-refresh 7 || return 0

for p in / /demo; do
	eq "GET $p" "$(req GET "$p")" 200
	eq "GET $p: type" "$(hdr content-type)" "text/html; charset=utf-8"
	contains "GET $p: html" out.json "<!doctype html>"
	lacks "GET $p: nothing from elsewhere" out.json "https://cdn"
done
contains "dashboard loads its bundle" out.json "/widget.js"
eq "GET /widget.js" "$(req GET /widget.js)" 200
eq "widget.js: type" "$(hdr content-type)" "text/javascript; charset=utf-8"
contains "widget.js: the element" out.json "cerberus-rating"
eq "GET /assets/dashboard.js" "$(req GET /assets/dashboard.js)" 200
contains "dashboard.js: Chart.js bundled in" out.json "Chart.js"
eq "GET /assets/dashboard.css" "$(req GET /assets/dashboard.css)" 200
eq "dashboard.css: type" "$(hdr content-type)" "text/css; charset=utf-8"
eq "GET /favicon.svg" "$(req GET /favicon.svg)" 200
eq "favicon: type" "$(hdr content-type)" "image/svg+xml"

# caching: ETag, revalidated; 304 when unchanged; CSP and nosniff
req GET / > /dev/null
ETAG=$(hdr etag)
eq "ETag shape" "$(printf %s "$ETAG" | grep -cE '^"[0-9a-f]{20}"$')" 1
eq "cache-control" "$(hdr cache-control)" "no-cache"
eq "nosniff" "$(hdr x-content-type-options)" "nosniff"
contains "CSP" hdr.txt "default-src 'none'; script-src 'self'"
eq "If-None-Match: 304" "$(req GET / -H "If-None-Match: $ETAG")" 304
eq "304 has no body" "$(curl -s -o /dev/null -w "%{http_code} %{size_download}" -H "If-None-Match: $ETAG" "$BASE/")" "304 0"
eq "If-None-Match in a list" "$(req GET / -H "If-None-Match: \"x\", $ETAG")" 304
eq "other ETag: 200" "$(req GET / -H 'If-None-Match: "0000"')" 200
req GET /widget.js > /dev/null
[ "$(hdr etag)" != "$ETAG" ] && ok || not_ok "each asset has its own ETag"
eq "API answers stay no-store" "$(req GET /healthz)" 200
eq "healthz cache-control" "$(hdr cache-control)" "no-store"

# gzip copies for clients that accept them, each with its own ETag
eq "gzip: 200" "$(req GET /assets/dashboard.js -H 'Accept-Encoding: gzip, deflate, br')" 200
eq "gzip: encoding" "$(hdr content-encoding)" gzip
contains "gzip: varies" hdr.txt "Vary: Accept-Encoding"
GZTAG=$(hdr etag)
gzip -dc out.json > plain.js 2> /dev/null; eq "gzip: valid gzip" $? 0
req GET /assets/dashboard.js > /dev/null
eq "no Accept-Encoding: plain" "$(hdr content-encoding)" ""
cmp -s out.json plain.js && ok || not_ok "gzip copy decompresses to the file"
[ "$GZTAG" != "$(hdr etag)" ] && ok || not_ok "gzip copy has its own ETag"
eq "gzip;q=0: plain" "$(req GET /assets/dashboard.js -H 'Accept-Encoding: gzip;q=0, *')" 200
eq "gzip;q=0: no encoding" "$(hdr content-encoding)" ""
eq "gzip revalidation" "$(req GET /assets/dashboard.js -H 'Accept-Encoding: gzip' -H "If-None-Match: $GZTAG")" 304
eq "gzip tag for the plain file: 200" "$(req GET /assets/dashboard.js -H "If-None-Match: $GZTAG")" 200

# only the embedded files; no paths outside the table
eq "unknown asset" "$(req GET /assets/nope.js)" 404
contains "unknown asset: JSON error" out.json '"code":"not_found"'
eq "traversal" "$(curl -s -o out.json -w '%{http_code}' --path-as-is "$BASE/assets/../../etc/passwd")" 404
eq "index.html is not a route" "$(req GET /index.html)" 404
eq "POST /" "$(req POST / -H 'Content-Type: application/json' --data '{}')" 405
eq "DELETE /widget.js" "$(req DELETE /widget.js)" 405

# the widget script loads cross-origin from allowed origins only
req GET /widget.js -H 'Origin: https://app.example.com' > /dev/null
eq "widget.js: CORS for an allowed origin" "$(hdr access-control-allow-origin)" "https://app.example.com"
req GET /widget.js -H 'Origin: https://evil.example' > /dev/null
eq "widget.js: no CORS for others" "$(hdr access-control-allow-origin)" ""

# /dashboard.json: interval and the scope of the key presented
eq "dashboard.json" "$(req GET /dashboard.json)" 200
eq "refresh interval" "$(jget out.json refresh_seconds)" 7
eq "not public" "$(jget out.json public_dashboard)" False
eq "no key: no scope" "$(jget out.json scope)" null
req GET /dashboard.json -H "Authorization: Bearer $ADMIN" > /dev/null
eq "admin key" "$(jget out.json scope)" admin
req GET /dashboard.json -H "Authorization: Bearer $INGEST" > /dev/null
eq "ingest key" "$(jget out.json scope)" ingest
req GET /dashboard.json -H "Authorization: Bearer cbk_$(printf '0%.0s' $(seq 64))" > /dev/null
eq "unknown key" "$(jget out.json scope)" null
req GET /dashboard.json -H "Authorization: Basic abc" > /dev/null
eq "malformed header" "$(jget out.json scope)" null
eq "stats need a key" "$(req GET /v1/stats)" 401
eq "progress need a key" "$(req GET /v1/progress)" 401
serve_stop
eq "clean stop" "$SSTATUS" 0

# --public-dashboard: the figures without a key, nothing else opened
serve_start --public-dashboard || return 0
eq "public: stats" "$(req GET /v1/stats)" 200
contains "public: stats body" out.json '"per_day"'
eq "public: progress" "$(req GET /v1/progress)" 200
contains "public: progress body" out.json '"eta_date"'
req GET /dashboard.json > /dev/null
eq "public: flag" "$(jget out.json public_dashboard)" True
eq "public: default interval" "$(jget out.json refresh_seconds)" 10
eq "public: conversations still need admin" "$(req GET /v1/conversations/x)" 401
eq "public: metrics still need a key" "$(req GET /metrics)" 401
echo '{"question":"q","answer":"a"}' > c.json
eq "public: ingest still needs a key" "$(post /v1/conversations "" c.json)" 401
serve_stop
