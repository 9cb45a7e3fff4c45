#!/usr/bin/env python3
"""A held-out, span-labelled corpus for the scrubber, scored like eval_scrub.py.

Usage: scrub_holdout.py CERBERUS [--seed N] [--rounds N] [--check] [--show-errors]
       scrub_holdout.py --dump FILE      (write the corpus text, labels to stdout)

Written independently of src/core/scrub_rules.c and tools/scrub_corpus.py:
the positives follow the providers' and standards' documented formats
(E.164 and national phone layouts, RFC 4291/5952 addresses, ISO 13616 IBANs,
vendor token layouts) inside realistic developer text (code, .env, YAML,
JSON, shell, curl, HTTP logs, stack traces); the hard negatives are what such
text is full of and a scrubber must leave alone (versions, hashes, UUIDs,
lockfile integrity strings, data URIs, placeholders, documentation and
private addresses, test cards, timestamps, numeric ids, identifiers, CSS,
Kubernetes names).

Metric (same as eval_scrub.py): a label is found when a finding of the same
type overlaps it; a finding is correct when it overlaps a label of its type.
Precision, recall and F2 per type and overall. --check exits 1 unless
overall recall >= 0.97, precision >= 0.95 and every type's recall >= 0.90
(or the --min-type-recall given). The corpus lives only in a temporary
directory and is removed afterwards.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import string
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval_scrub  # noqa: E402  (the shared scoring rule and report)

R = None  # random.Random, set by build()

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
FIRST = ["alice", "bob", "carol", "dmitri", "emma", "farid", "grace", "hiro",
         "ingrid", "jorge", "kavya", "liam", "mei", "nadia", "oskar", "priya",
         "quentin", "rosa", "sven", "tomas", "uma", "vikram", "wen", "yusuf"]
LAST = ["smith", "mueller", "dubois", "sharma", "silva", "tanaka", "kowalski",
        "okafor", "nguyen", "garcia", "rossi", "jensen", "haddad", "oconnor"]


def rs(alphabet, n):
    return "".join(R.choice(alphabet) for _ in range(n))


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


class Doc:
    """Text built from plain strings and labelled spans; offsets in bytes."""

    def __init__(self):
        self.parts = []
        self.labels = []
        self.pos = 0

    def add(self, s, typ=None):
        n = len(s.encode("utf-8"))
        if typ:
            self.labels.append({"type": typ, "start": self.pos, "end": self.pos + n})
        self.parts.append(s)
        self.pos += n

    def line(self, *pieces):
        """pieces: strings, or (type, value) tuples for labelled spans."""
        for p in pieces:
            if isinstance(p, tuple):
                self.add(p[1], p[0])
            else:
                self.add(p)
        self.add("\n")


# ---------------------------------------------------------------- positives

def person():
    return R.choice(FIRST), R.choice(LAST)


def email():
    f, l = person()
    local = R.choice([f, f + "." + l, f[0] + l, f + "+" + R.choice(["ci", "news", "github"]),
                      f + "_" + l + str(R.randint(1, 99)), "josé.garcía", "müller.jürgen",
                      "zoë", "ñandú", "renée+work", "o.brien", "δοκιμή", "用户"])
    dom = R.choice(["gmail.com", "outlook.com", "proton.me", "fastmail.fm", "acme-corp.io",
                    "mail.eng.bigco.co.uk", "dev.internal.globex.com", "uni-heidelberg.de",
                    "correo.es", "yandex.ru", "naver.com", "mail.tsinghua.edu.cn",
                    "münchen-gmbh.de", "startup.ai", "corp.example-industries.net"])
    return local + "@" + dom


def ctx_email(d):
    e = email()
    f, l = person()
    form = R.randrange(8)
    if form == 0:
        d.line("Author: %s %s <" % (f.title(), l.title()), ("EMAIL", e), ">")
    elif form == 1:
        d.line('    "maintainer": "', ("EMAIL", e), '",')
    elif form == 2:
        d.line("git config --global user.email ", ("EMAIL", e))
    elif form == 3:
        d.line("2026-11-26 10:14:02,118 INFO auth: login ok for user=", ("EMAIL", e), " ip=10.0.3.7")
    elif form == 4:
        d.line("<a href=\"mailto:", ("EMAIL", e), "\">contact</a>")
    elif form == 5:
        d.line("Signed-off-by: %s %s <" % (f.title(), l.title()), ("EMAIL", e), ">")
    elif form == 6:
        d.line("can you cc ", ("EMAIL", e), " on the PR? they own the billing service")
    else:
        d.line("ADMIN_EMAIL=", ("EMAIL", e))


def phone():
    """(text, needs_context) in documented national/international layouts."""
    c = R.choice(["uk", "de", "fr", "in", "br", "jp", "us"])
    d = lambda n: rs(string.digits, n)
    nz = lambda: str(R.randint(2, 9))
    if c == "uk":
        return R.choice([
            "+44 20 %s %s" % (nz() + d(3), d(4)),
            "+44 7%s %s" % (d(3), d(6)),
            "+44 (0)161 %s %s" % (nz() + d(2), d(4)),
            "020 %s %s" % (nz() + d(3), d(4)),
            "07%s %s" % (d(3), d(6)),
        ])
    if c == "de":
        return R.choice([
            "+49 30 %s" % (nz() + d(7)),
            "+49 (0)89 %s %s" % (nz() + d(3), d(4)),
            "+49 151 %s" % (nz() + d(7)),
            "030 %s" % (nz() + d(7)),
            "0171-%s" % (nz() + d(6)),
        ])
    if c == "fr":
        p = lambda: " ".join(d(2) for _ in range(4))
        return R.choice([
            "+33 1 " + p(), "+33 6 " + p(), "+33 (0)7 " + p(),
            "01 " + p(), "06 " + p(), "06.%s.%s.%s.%s" % (d(2), d(2), d(2), d(2)),
        ])
    if c == "in":
        m = str(R.randint(6, 9)) + d(4)
        return R.choice([
            "+91 %s %s" % (m, d(5)), "+91-%s-%s" % (m, d(5)), "+91 %s%s" % (m, d(5)),
            "0%s %s" % (m, d(5)),
        ])
    if c == "br":
        ddd = str(R.randint(11, 99))
        return R.choice([
            "+55 %s 9%s-%s" % (ddd, d(4), d(4)), "+55 (%s) 9%s-%s" % (ddd, d(4), d(4)),
            "(%s) 9%s-%s" % (ddd, d(4), d(4)), "+55 %s 3%s-%s" % (ddd, d(3), d(4)),
        ])
    if c == "jp":
        return R.choice([
            "+81 3-%s-%s" % (d(4), d(4)), "+81 90-%s-%s" % (d(4), d(4)),
            "03-%s-%s" % (d(4), d(4)), "090-%s-%s" % (d(4), d(4)),
            "+81 (0)6 %s %s" % (d(4), d(4)),
        ])
    a = str(R.randint(2, 9)) + d(2)
    x = str(R.randint(2, 9)) + d(2)
    return R.choice([
        "(%s) %s-%s" % (a, x, d(4)), "%s-%s-%s" % (a, x, d(4)), "+1 %s %s %s" % (a, x, d(4)),
        "%s.%s.%s" % (a, x, d(4)), "+1-%s-%s-%s" % (a, x, d(4)),
    ])


def ctx_phone(d):
    p = phone()
    form = R.randrange(8)
    pre = ["Tel: ", "phone: ", "call me on ", "Mobile: ", "Telefon: ", "tél : ",
           '"phone_number": "', "WhatsApp "][form]
    post = '",' if form == 6 else ""
    d.line(pre, ("PHONE", p), post)


def pub_ipv4():
    while True:
        a = R.choice([3, 8, 13, 18, 23, 31, 34, 35, 37, 45, 46, 51, 52, 54, 62, 77, 78, 81,
                      85, 89, 91, 94, 104, 109, 138, 142, 146, 151, 157, 159, 162, 176, 178,
                      185, 188, 193, 195, 199, 212, 213, 217])
        ip = "%d.%d.%d.%d" % (a, R.randint(0, 255), R.randint(0, 255), R.randint(1, 254))
        if not ip.startswith(("8.8.", "1.1.")):
            return ip


def pub_ipv6():
    g = [R.choice(["2a00", "2a01", "2a02", "2a03", "2a05", "2604", "2605", "2607", "2800", "2c0f", "2406"])]
    g.append("%x" % R.randint(0x100, 0xffff))
    g.append("%x" % R.randint(0x1, 0xffff))
    form = R.randrange(3)
    if form == 0:
        return ":".join(g + ["%x" % R.randint(1, 0xffff)]) + "::" + "%x" % R.randint(1, 0xffff)
    if form == 1:
        return ":".join(g + ["%x" % R.randint(0, 0xffff) for _ in range(5)])
    return ":".join(g) + "::%x:%x" % (R.randint(1, 0xffff), R.randint(1, 0xffff))


def ctx_ip(d):
    v6 = R.random() < 0.4
    ip = pub_ipv6() if v6 else pub_ipv4()
    form = R.randrange(7)
    if form == 0:
        d.line(("IP_ADDRESS", ip), ' - - [26/Nov/2026:10:00:%02d +0000] "GET /api/v1/users HTTP/1.1" 200 512 "-" "curl/8.4.0"' % R.randint(0, 59))
    elif form == 1:
        if v6:
            d.line("curl -v http://[", ("IP_ADDRESS", ip), "]:8443/healthz")
        else:
            d.line("curl -v http://", ("IP_ADDRESS", ip), ":8443/healthz")
    elif form == 2:
        if v6:
            d.line("ERROR connect ECONNREFUSED [", ("IP_ADDRESS", ip), "]:5432")
        else:
            d.line("Error: connect ECONNREFUSED ", ("IP_ADDRESS", ip), ":5432")
    elif form == 3:
        d.line("ssh -i ~/.ssh/id_ed25519 ubuntu@", ("IP_ADDRESS", ip))
    elif form == 4:
        d.line('  "remote_addr": "', ("IP_ADDRESS", ip), '",')
    elif form == 5:
        d.line("Nov 26 10:02:11 web1 sshd[2231]: Failed password for root from ", ("IP_ADDRESS", ip), " port 52144 ssh2")
    else:
        d.line("X-Forwarded-For: ", ("IP_ADDRESS", ip))


def luhn_complete(prefix, n):
    s = prefix + rs(string.digits, n - len(prefix) - 1)
    tot = 0
    for i, ch in enumerate(reversed(s)):
        k = int(ch)
        if i % 2 == 0:
            k *= 2
            if k > 9:
                k -= 9
        tot += k
    return s + str((10 - tot % 10) % 10)


def card():
    kind = R.randrange(4)
    if kind == 0:
        n = luhn_complete("4" + rs("0123456789", 1), 16)
    elif kind == 1:
        n = luhn_complete(R.choice(["51", "52", "53", "54", "55", "2221", "2720"]), 16)
    elif kind == 2:
        n = luhn_complete(R.choice(["34", "37"]), 15)
        return R.choice([n, "%s %s %s" % (n[:4], n[4:10], n[10:]), "%s-%s-%s" % (n[:4], n[4:10], n[10:])])
    else:
        n = luhn_complete(R.choice(["6011", "65"]), 16)
    g = [n[i:i + 4] for i in range(0, 16, 4)]
    return R.choice([n, " ".join(g), "-".join(g)])


def ctx_card(d):
    c = card()
    form = R.randrange(5)
    if form == 0:
        d.line("customer says card ", ("CREDIT_CARD", c), " was charged twice")
    elif form == 1:
        d.line('{"pan": "', ("CREDIT_CARD", c), '", "exp": "0%d/2%d"}' % (R.randint(1, 9), R.randint(7, 9)))
    elif form == 2:
        d.line("WARN payment.declined card=", ("CREDIT_CARD", c), " reason=insufficient_funds")
    elif form == 3:
        d.line("    card_number = \"", ("CREDIT_CARD", c), "\"")
    else:
        d.line("| ", ("CREDIT_CARD", c), " | 12/28 | declined |")


IBAN_LAYOUT = {  # country: BBAN as (alphabet, length) pieces, from the ISO 13616 registry
    "DE": [("d", 18)], "GB": [("A", 4), ("d", 14)], "FR": [("d", 23)], "NL": [("A", 4), ("d", 10)],
    "ES": [("d", 20)], "IT": [("A", 1), ("d", 22)], "BE": [("d", 12)], "CH": [("d", 17)],
    "AT": [("d", 16)], "PL": [("d", 24)], "SE": [("d", 20)], "IE": [("A", 4), ("d", 14)],
}


def iban():
    cc = R.choice(sorted(IBAN_LAYOUT))
    bban = "".join(rs(string.digits if a == "d" else string.ascii_uppercase, n) for a, n in IBAN_LAYOUT[cc])
    num = "".join(str(int(ch, 36)) for ch in bban + cc + "00")
    chk = "%02d" % (98 - int(num) % 97)
    s = cc + chk + bban
    if R.random() < 0.5:
        s = " ".join(s[i:i + 4] for i in range(0, len(s), 4))
    return s


def ctx_iban(d):
    v = iban()
    pre = R.choice(["IBAN: ", "please wire it to ", '"iban": "', "Kontoinhaber: M. Weber, IBAN ", "beneficiary_account="])
    d.line(pre, ("IBAN", v), '",' if pre.startswith('"') else "")


def ssn():
    while True:
        a = R.randint(1, 899)
        if a != 666:
            return "%03d-%02d-%04d" % (a, R.randint(1, 99), R.randint(1, 9999))


def ctx_ssn(d):
    d.line(R.choice(["SSN: ", "applicant ssn=", '"ssn": "', "employee SSN ", "tax id (SSN) "]), ("US_SSN", ssn()))


def mac():
    b = [R.randint(0, 255) for _ in range(6)]
    b[0] &= 0xfe
    sep = R.choice([":", "-"])
    s = sep.join("%02x" % x for x in b)
    return s.upper() if R.random() < 0.4 else s


def ctx_mac(d):
    m = mac()
    form = R.randrange(4)
    if form == 0:
        d.line("    link/ether ", ("MAC_ADDRESS", m), " brd ff:ff:ff:ff:ff:ff")
    elif form == 1:
        d.line("DHCPACK on 10.0.0.12 to ", ("MAC_ADDRESS", m), " via eth0")
    elif form == 2:
        d.line('  "mac": "', ("MAC_ADDRESS", m), '",')
    else:
        d.line("ether ", ("MAC_ADDRESS", m), "  txqueuelen 1000  (Ethernet)")


def host():
    return R.choice(["db.prod.internal", "pg-main.c7x2.eu-west-1.rds.amazonaws.com", "mongo0.acme.io",
                     "redis.cache.svc.cluster.local", "mysql-primary", "10.0.4.12"])


def ctx_urlcred(d):
    u = R.choice(["admin", "app_user", "svc-billing", "postgres", "deploy", "root"])
    pw = rs(ALNUM, R.randint(10, 20)) + R.choice(["", "!", "%40x", "-9"])
    scheme = R.choice(["postgres", "postgresql", "mysql", "mongodb+srv", "redis", "amqp", "https"])
    form = R.randrange(4)
    s = "%s://" % scheme
    cred = "%s:%s" % (u, pw)
    tail = "@%s:%d/%s" % (host(), R.choice([5432, 3306, 6379, 5672, 27017]), R.choice(["app", "orders", "0", "vhost"]))
    if form == 0:
        d.line("DATABASE_URL=" + s, ("URL_CREDENTIALS", cred), tail)
    elif form == 1:
        d.line("  url: \"" + s, ("URL_CREDENTIALS", cred), tail + "\"")
    elif form == 2:
        d.line("sqlalchemy.exc.OperationalError: could not connect to " + s, ("URL_CREDENTIALS", cred), tail)
    else:
        d.line("git clone https://", ("URL_CREDENTIALS", "%s:%s" % (u, pw)), "@gitlab.acme.io/team/app.git")


def pem(kind):
    body = base64.b64encode(bytes(R.getrandbits(8) for _ in range(R.randint(300, 900)))).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (kind, "\n".join(lines), kind)


def ctx_pem(d):
    kind = R.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"])
    k = pem(kind)
    form = R.randrange(3)
    if form == 0:
        d.line("$ cat ~/.ssh/id_rsa")
        d.line(("PRIVATE_KEY", k))
    elif form == 1:
        d.line("tls:")
        d.line("  key: |")
        ind = "\n".join("    " + x for x in k.split("\n"))
        d.line("    ", ("PRIVATE_KEY", ind[4:]))
    else:
        d.line('  "private_key": "', ("PRIVATE_KEY", k.replace("\n", "\\n")), '\\n",')


def jwt():
    h = b64url(json.dumps({"alg": R.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}).encode())
    p = b64url(json.dumps({"sub": str(R.randint(10**5, 10**9)), "name": " ".join(person()),
                           "iat": 1732600000 + R.randint(0, 10**6)}).encode())
    s = b64url(bytes(R.getrandbits(8) for _ in range(R.choice([32, 64, 256]))))
    return "%s.%s.%s" % (h, p, s)


def ctx_jwt(d):
    t = jwt()
    form = R.randrange(4)
    if form == 0:
        d.line("const session = \"", ("JWT", t), "\";")
    elif form == 1:
        d.line("Set-Cookie: session=", ("JWT", t), "; Path=/; HttpOnly")
    elif form == 2:
        d.line("jwt.exceptions.ExpiredSignatureError: Signature has expired (token=", ("JWT", t), ")")
    else:
        d.line("https://app.acme.io/callback#id_token=", ("JWT", t), "&state=af0ifjsldkj")


def password_value():
    return R.choice([rs(ALNUM, R.randint(10, 18)), rs(ALNUM + "!@#$%^&*", R.randint(12, 20)),
                     R.choice(["Summer2024!", "Tr0ub4dor&3", "hunter2hunter2", "P@ssw0rd-prod-77"]) + rs(string.digits, 2)])


def ctx_password(d):
    pw = password_value()
    form = R.randrange(8)
    q = pw.replace("\\", "\\\\").replace('"', '\\"')
    if form == 0:
        d.line("DB_PASSWORD=", ("PASSWORD", pw))
    elif form == 1:
        d.line("  password: \"", ("PASSWORD", q), "\"")
    elif form == 2:
        d.line("conn = psycopg2.connect(host=\"db\", user=\"app\", password=\"", ("PASSWORD", q), "\")")
    elif form == 3:
        d.line("mysql -u root -p", ("PASSWORD", pw.replace("'", "")), " orders")
    elif form == 4:
        d.line("ALTER USER app WITH PASSWORD '", ("PASSWORD", pw.replace("'", "")), "';")
    elif form == 5:
        d.line('  "password": "', ("PASSWORD", q), '",')
    elif form == 6:
        d.line("spring.datasource.password=", ("PASSWORD", pw))
    else:
        d.line("docker run -e POSTGRES_PASSWORD=", ("PASSWORD", pw.replace("'", "").replace("$", "").replace("&", "")), " postgres:16")


def aws_secret():
    return rs(ALNUM + "+/", 40)


# vendor tokens: (type, generator, env var name, curl/header style?)
def tok_generators():
    return [
        ("AWS_ACCESS_KEY", lambda: R.choice(["AKIA", "ASIA"]) + rs("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), "AWS_ACCESS_KEY_ID"),
        ("GCP_API_KEY", lambda: "AIza" + rs(B64URL, 35), "GOOGLE_MAPS_API_KEY"),
        ("GCP_OAUTH", lambda: R.choice(["GOCSPX-" + rs(B64URL, 28), "ya29.a0" + rs(B64URL, 120)]), "GOOGLE_CLIENT_SECRET"),
        ("GITHUB_TOKEN", lambda: R.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + rs(ALNUM, 36), "GITHUB_TOKEN"),
        ("GITHUB_TOKEN", lambda: "github_pat_11" + rs(string.ascii_uppercase + string.digits, 20) + "_" + rs(ALNUM, 59), "GH_TOKEN"),
        ("GITLAB_TOKEN", lambda: R.choice(["glpat-", "gldt-", "glrt-"]) + rs(B64URL, 20), "GITLAB_TOKEN"),
        ("SLACK_TOKEN", lambda: R.choice(["xoxb-", "xoxp-"]) + rs(string.digits, 12) + "-" + rs(string.digits, 13) + "-" + rs(ALNUM, 24), "SLACK_BOT_TOKEN"),
        ("SLACK_TOKEN", lambda: "xapp-1-A" + rs(string.ascii_uppercase + string.digits, 10) + "-" + rs(string.digits, 13) + "-" + rs(HEX, 64), "SLACK_APP_TOKEN"),
        ("STRIPE_KEY", lambda: R.choice(["sk_live_", "rk_live_"]) + rs(ALNUM, R.choice([24, 99])), "STRIPE_SECRET_KEY"),
        ("STRIPE_KEY", lambda: "whsec_" + rs(ALNUM, 32), "STRIPE_WEBHOOK_SECRET"),
        ("OPENAI_KEY", lambda: "sk-proj-" + rs(B64URL, 74) + "T3BlbkFJ" + rs(B64URL, 74), "OPENAI_API_KEY"),
        ("OPENAI_KEY", lambda: "sk-" + rs(ALNUM, 20) + "T3BlbkFJ" + rs(ALNUM, 20), "OPENAI_API_KEY"),
        ("OPENAI_KEY", lambda: "sk-svcacct-" + rs(B64URL, 74) + "T3BlbkFJ" + rs(B64URL, 74), "OPENAI_API_KEY"),
        ("ANTHROPIC_KEY", lambda: "sk-ant-api03-" + rs(B64URL, 93) + "AA", "ANTHROPIC_API_KEY"),
        ("HUGGINGFACE_TOKEN", lambda: "hf_" + rs(string.ascii_letters, 34), "HF_TOKEN"),
        ("NPM_TOKEN", lambda: "npm_" + rs(ALNUM, 36), "NPM_TOKEN"),
        ("PYPI_TOKEN", lambda: "pypi-AgEIcHlwaS5vcmc" + rs(B64URL, R.randint(60, 160)), "TWINE_PASSWORD"),
        ("TWILIO_KEY", lambda: R.choice(["SK", "AC"]) + rs(HEX, 32), "TWILIO_API_KEY"),
        ("SENDGRID_KEY", lambda: "SG." + rs(B64URL, 22) + "." + rs(B64URL, 43), "SENDGRID_API_KEY"),
        ("MAILGUN_KEY", lambda: "key-" + rs(HEX, 32), "MAILGUN_API_KEY"),
        ("DISCORD_TOKEN", lambda: b64url(str(R.randint(10**17, 2 * 10**18)).encode()) + "." + rs(B64URL, 6) + "." + rs(B64URL, 38), "DISCORD_BOT_TOKEN"),
        ("TELEGRAM_BOT_TOKEN", lambda: str(R.randint(10**8, 10**10 - 1)) + ":AA" + rs(B64URL, 33), "TELEGRAM_BOT_TOKEN"),
        ("SHOPIFY_TOKEN", lambda: R.choice(["shpat_", "shpss_", "shpca_", "shppa_"]) + rs(HEX, 32), "SHOPIFY_ACCESS_TOKEN"),
        ("DIGITALOCEAN_TOKEN", lambda: R.choice(["dop_v1_", "doo_v1_", "dor_v1_"]) + rs(HEX, 64), "DIGITALOCEAN_TOKEN"),
        ("SENDGRID_KEY", lambda: "SG." + rs(B64URL, 22) + "." + rs(B64URL, 43), "SENDGRID_KEY"),
    ]


# Keyword-bound secrets: the value alone is just random text.
def kw_generators():
    return [
        ("AWS_SECRET_KEY", aws_secret, ["AWS_SECRET_ACCESS_KEY", "aws_secret_access_key", "secretAccessKey"]),
        ("GCP_SERVICE_ACCOUNT", lambda: rs(HEX, 40), ["private_key_id"]),
        ("AZURE_STORAGE_KEY", lambda: base64.b64encode(bytes(R.getrandbits(8) for _ in range(64))).decode(), ["AccountKey", "AZURE_STORAGE_KEY", "azure_storage_account_key"]),
        ("HEROKU_KEY", lambda: str(uuid.UUID(int=R.getrandbits(128), version=4)), ["HEROKU_API_KEY", "heroku_api_key"]),
        ("DATADOG_KEY", lambda: rs(HEX, 32), ["DD_API_KEY", "DATADOG_API_KEY", "datadog_api_key"]),
        ("DATADOG_KEY", lambda: rs(HEX, 40), ["DD_APP_KEY", "DD_APPLICATION_KEY", "datadog_app_key"]),
        ("API_KEY", lambda: rs(ALNUM, R.choice([24, 32, 40])), ["api_key", "API_KEY", "apiKey", "x-api-key", "X-Api-Key"]),
        ("GENERIC_SECRET", lambda: rs(ALNUM + "_-", R.choice([24, 32, 48])), ["client_secret", "SECRET_KEY", "JWT_SECRET", "auth_token", "webhook_secret", "session_secret", "access_token"]),
    ]


def ctx_token(d, typ, val, env):
    form = R.randrange(9)
    if form == 0:
        d.line(env + "=", (typ, val))
    elif form == 1:
        d.line("export " + env + "=", (typ, val))
    elif form == 2:
        d.line("  " + env.lower() + ": ", (typ, val))
    elif form == 3:
        d.line('  "' + env.lower() + '": "', (typ, val), '",')
    elif form == 4:
        d.line("client = Client(token=\"", (typ, val), "\")")
    elif form == 5:
        d.line("curl -H \"Authorization: token ", (typ, val), "\" https://api.vendor.com/v1/me")
    elif form == 6:
        d.line("2026-11-26T10:01:02Z DEBUG http: GET /v2/items?access_key=", (typ, val), " -> 401")
    elif form == 7:
        d.line("Traceback (most recent call last):")
        d.line('  File "/srv/app/sync.py", line 88, in push')
        d.line("    resp.raise_for_status()")
        d.line("requests.exceptions.HTTPError: 401 Client Error: Unauthorized (key ", (typ, val), ")")
    else:
        d.line("const " + env.lower().replace("_", "") + " = '", (typ, val), "';")


def ctx_kw(d, typ, val, kws):
    kw = R.choice(kws)
    form = R.randrange(5)
    if kw == "AccountKey":
        d.line("AZURE_STORAGE_CONNECTION_STRING=\"DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=",
               (typ, val), ";EndpointSuffix=core.windows.net\"")
    elif kw == "private_key_id":
        d.line('  "private_key_id": "', (typ, val), '",')
    elif kw.lower() == "x-api-key":
        d.line("curl -H '" + kw + ": ", (typ, val), "' https://api.partner.io/v3/orders")
    elif form == 0:
        d.line(kw + "=", (typ, val))
    elif form == 1:
        d.line("  " + kw + ": ", (typ, val))
    elif form == 2:
        d.line('  "' + kw + '": "', (typ, val), '",')
    elif form == 3:
        d.line(kw + " = \"", (typ, val), "\"")
    else:
        d.line("export " + kw + "='", (typ, val), "'")


def ctx_misc(d):
    form = R.randrange(10)
    if form == 0:
        sig = rs(B64, 43) + "="
        d.line("https://acmeprod.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-01T00:00:00Z&st=2026-11-26T00:00:00Z&spr=https&sig=",
               ("AZURE_SAS_TOKEN", sig.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")))
    elif form == 1:
        d.line("curl -X POST -H 'Content-type: application/json' --data '{\"text\":\"deploy done\"}' ",
               ("SLACK_WEBHOOK", "https://hooks.slack.com/services/T%s/B%s/%s" % (rs(string.ascii_uppercase + string.digits, 8), rs(string.ascii_uppercase + string.digits, 10), rs(ALNUM, 24))))
    elif form == 2:
        d.line("DISCORD_WEBHOOK_URL=", ("DISCORD_WEBHOOK", "https://discord.com/api/webhooks/%d/%s" % (R.randint(10**17, 10**18), rs(B64URL, 68))))
    elif form == 3:
        up = "%s:%s" % (R.choice(FIRST), rs(ALNUM, 14))
        d.line("Authorization: Basic ", ("BASIC_AUTH", base64.b64encode(up.encode()).decode()))
    elif form == 4:
        d.line("curl -u ", ("BASIC_AUTH", "%s:%s" % (R.choice(FIRST), rs(ALNUM, 14))), " https://registry.acme.io/v2/_catalog")
    elif form == 5:
        d.line("curl -H \"Authorization: Bearer ", ("BEARER_TOKEN", rs(B64URL, R.choice([32, 40, 64]))), "\" https://api.acme.io/v1/me")
    elif form == 6:
        d.line("> Authorization: Bearer ", ("BEARER_TOKEN", rs(ALNUM, 40)))
    elif form == 7:
        n = R.choice(FIRST) + R.choice(["", ".", "_"]) + R.choice(LAST)
        d.line("  File \"/home/", ("HOME_PATH", n), "/projects/api/app/views.py\", line 212, in get")
    elif form == 8:
        n = R.choice(FIRST) + R.choice(["", "."]) + R.choice(LAST)
        d.line("error: could not open '/Users/", ("HOME_PATH", n), "/Library/Caches/pip/wheels'")
    else:
        n = R.choice(FIRST).title() + R.choice(["", "."]) + R.choice(LAST).title()
        d.line("PS C:\\Users\\", ("HOME_PATH", n), "\\source\\repos\\Api> dotnet build")


def ctx_hard(d):
    """Harder but everyday placements of the same data."""
    f, l = person()
    form = R.randrange(27)
    if form == 0:
        d.line("name,email,plan")
        d.line("%s %s," % (f.title(), l.title()), ("EMAIL", "%s.%s@%s" % (f, l, R.choice(["gmail.com", "acme-corp.io"]))), ",pro")
    elif form == 1:
        d.line("From: \"%s %s\" <" % (f.title(), l.title()), ("EMAIL", "%s.%s@%s" % (f.upper(), l.upper(), "BIGCO.COM")), ">")
    elif form == 2:
        d.line("reach me at ", ("EMAIL", "%s@xn--mnchen-3ya.de" % f), ".")
    elif form == 3:
        d.line("X-Forwarded-For: ", ("IP_ADDRESS", pub_ipv4()), ", ", ("IP_ADDRESS", pub_ipv4()))
    elif form == 4:
        d.line("allow ", ("IP_ADDRESS", pub_ipv4()), "/32;  # office")
    elif form == 5:
        d.line("peer ::ffff:", ("IP_ADDRESS", pub_ipv4()), " closed the connection")
    elif form == 6:
        d.line('{"phone": "', ("PHONE", "+" + R.choice(["44", "49", "33", "91", "55", "81", "86"]) + str(R.randint(2, 9)) + rs(string.digits, 9)), '"}')
    elif form == 7:
        d.line(R.choice(["Tel.: ", "Mob: ", "ph. ", "Celular: ", "Fax: "]), ("PHONE", R.choice([
            "+86 138 %s %s" % (rs(string.digits, 4), rs(string.digits, 4)),
            "+33 (0)1 %s %s %s %s" % tuple(rs(string.digits, 2) for _ in range(4)),
            "+91 80 %s %s" % (rs(string.digits, 4), rs(string.digits, 4)),
            "+44 (0) 20 %s %s" % (str(R.randint(2, 9)) + rs(string.digits, 3), rs(string.digits, 4)),
            "+81-3-%s-%s" % (rs(string.digits, 4), rs(string.digits, 4))])))
    elif form == 8:
        a = str(R.randint(2, 8)) + rs(string.digits, 2)
        d.line("Support line: ", ("PHONE", "(%s) %s-%s" % (a, str(R.randint(2, 9)) + rs(string.digits, 2), rs(string.digits, 4))), " ext. 214")
    elif form == 9:
        d.line("\u96fb\u8a71: " if False else "電話: ", ("PHONE", "0%d-%s-%s" % (R.randint(3, 9), rs(string.digits, 4), rs(string.digits, 4))))
    elif form == 10:
        n = luhn_complete(R.choice(["3528", "3589"]), 16)
        d.line("<CardNumber>", ("CREDIT_CARD", n), "</CardNumber>")
    elif form == 11:
        d.line("<IBAN>", ("IBAN", iban().replace(" ", "")), "</IBAN>")
    elif form == 12:
        d.line("git remote set-url origin https://", ("GITHUB_TOKEN", "ghp_" + rs(ALNUM, 36)), "@github.com/acme/api.git")
    elif form == 13:
        d.line("//registry.npmjs.org/:_authToken=", ("NPM_TOKEN", "npm_" + rs(ALNUM, 36)))
    elif form == 14:
        d.line("SECRET_KEY = '", ("GENERIC_SECRET", "django-insecure-" + rs(string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)", 50)), "'")
    elif form == 15:
        d.line("NEXTAUTH_SECRET=", ("GENERIC_SECRET", base64.b64encode(bytes(R.getrandbits(8) for _ in range(32))).decode()))
    elif form == 16:
        d.line("sshpass -p '", ("PASSWORD", rs(ALNUM, 8) + R.choice(["!", "#", "9"]) + rs(ALNUM, 4)), "' ssh deploy@build-01")
    elif form == 17:
        d.line("redis-cli -h cache-01 -a ", ("PASSWORD", rs(ALNUM, 20)), " ping")
    elif form == 18:
        d.line('    at Object.<anonymous> (C:\\\\Users\\\\', ("HOME_PATH", f.title()), '\\\\AppData\\\\Roaming\\\\npm\\\\node_modules\\\\x\\\\cli.js:12:5)')
    elif form == 19:
        d.line("cd /mnt/c/Users/", ("HOME_PATH", f.title() + l.title()), "/Documents/dev")
    elif form == 20:
        d.line("open C:/Users/", ("HOME_PATH", f), "/AppData/Local/Temp/build.log")
    elif form == 21:
        d.line("REDIS_URL=redis://", ("URL_CREDENTIALS", ":" + rs(ALNUM, 24)), "@cache.acme.io:6379/0")
    elif form == 22:
        d.line("jdbc:postgresql://db.acme.io:5432/app?user=app&password=", ("PASSWORD", rs(ALNUM, 16)))
    elif form == 24:
        up = "%s:%s" % (R.choice(FIRST), rs(ALNUM, 16))
        d.line('    "ghcr.io": {"auth": "', ("BASIC_AUTH", base64.b64encode(up.encode()).decode()), '"},')
    elif form == 25:
        d.line("Cc: ", ("EMAIL", "%s.o'%s@%s" % (f, R.choice(["brien", "connor", "neil"]), R.choice(["corp.ie", "gmail.com"]))))
    elif form == 26:
        words = ["correct", "horse", "battery", "staple", "violet", "anchor", "quartz", "mango", "tundra", "pixel"]
        d.line('  "password": "', ("PASSWORD", " ".join(R.sample(words, 4))), '",')
    else:
        d.line("        AWS_SECRET_ACCESS_KEY: ", ("AWS_SECRET_KEY", aws_secret()), "  # TODO move to secrets")


# ---------------------------------------------------------------- negatives

def hexs(n):
    return rs(HEX, n)


def uuid4():
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


def negatives():
    """Lines a scrubber must leave alone (no labels)."""
    sri = base64.b64encode(bytes(R.getrandbits(8) for _ in range(64))).decode()
    h1 = base64.b64encode(hashlib.sha256(str(R.random()).encode()).digest()).decode()
    img = base64.b64encode(bytes(R.getrandbits(8) for _ in range(R.randint(200, 600)))).decode()
    v = lambda: "%d.%d.%d" % (R.randint(0, 20), R.randint(0, 40), R.randint(0, 30))
    ident = lambda: R.choice(["getUserPasswordHash", "passwordResetTokenExpiry", "api_key_header_name",
                              "isSecretVisible", "MAX_TOKEN_LENGTH", "validate_phone_number",
                              "stripeCustomerId", "refresh_token_ttl_seconds", "AwsSecretsManagerClient",
                              "parseCreditCardInput", "ibanValidator", "emailVerificationSentAt"])
    pods = lambda: "%s-%s-%s" % (R.choice(["api-server", "web", "worker", "ingress-nginx-controller"]), rs("bcdfghjklmnpqrstvwxz2456789", 10), rs("bcdfghjklmnpqrstvwxz2456789", 5))
    return [
        lambda: "bump react from %s to %s and typescript to %s" % (v(), v(), v()),
        lambda: "[assembly: AssemblyVersion(\"%d.%d.%d.%d\")]" % (R.randint(1, 9), R.randint(0, 9), R.randint(0, 9), R.randint(0, 9)),
        lambda: "Microsoft Windows [Version 10.0.%d.%d]" % (R.randint(17000, 22631), R.randint(100, 4000)),
        lambda: "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/%d.0.%d.%d Safari/537.36" % (R.randint(100, 131), R.randint(5000, 6800), R.randint(10, 200)),
        lambda: "commit %s" % hexs(40),
        lambda: "HEAD is now at %s fix: handle empty payload" % hexs(7),
        lambda: "Merge: %s %s" % (hexs(7), hexs(7)),
        lambda: "  \"request_id\": \"%s\"," % uuid4(),
        lambda: "INSERT INTO orders (id, customer_id) VALUES ('%s', '%s');" % (uuid4(), uuid4()),
        lambda: "      \"integrity\": \"sha512-%s\"," % sri,
        lambda: "golang.org/x/text v0.%d.0 h1:%s" % (R.randint(3, 20), h1),
        lambda: "checksum = \"%s\"" % hexs(64),
        lambda: "    --hash=sha256:%s" % hexs(64),
        lambda: "FROM node:20-alpine@sha256:%s" % hexs(64),
        lambda: "sha256sum: %s  cerberus-linux-amd64.tar.gz" % hexs(64),
        lambda: "<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg%s\" alt=\"logo\">" % img,
        lambda: "  background-image: url(data:image/svg+xml;base64,PHN2ZyB4bWxucz0i%s);" % img[:200],
        lambda: "!function(e,t){\"object\"==typeof exports&&\"undefined\"!=typeof module?module.exports=t():e.%s=t()}(this,function(){var n=/[A-Za-z0-9+/=]{4}/g;return function(r){return r.replace(n,\"\")}});" % rs(string.ascii_letters, 6),
        lambda: "var a=function(e){return e&&e.__esModule?e:{default:e}},o=a(r(%d)),i=a(r(%d));" % (R.randint(100, 999), R.randint(100, 999)),
        lambda: "API_KEY=${API_KEY}",
        lambda: "  password: {{ .Values.postgresql.auth.password }}",
        lambda: "  token: \"{{ vault_github_token }}\"",
        lambda: "OPENAI_API_KEY=<YOUR_OPENAI_KEY>",
        lambda: "export STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
        lambda: "export GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        lambda: "aws_access_key_id = AKIAXXXXXXXXXXXXXXXX",
        lambda: "password = os.environ[\"DB_PASSWORD\"]",
        lambda: "const secret = process.env.JWT_SECRET;",
        lambda: "api_key: \"your-api-key-here\"",
        lambda: "DB_PASSWORD=********",
        lambda: "token = generate_token(user.id)",
        lambda: "secret_key = settings.SECRET_KEY",
        lambda: "Contact %s@example.com or support@example.org for help" % R.choice(FIRST),
        lambda: "git config user.email %s@users.noreply.github.com" % R.choice(FIRST) if False else "assert send_mail(to=\"%s@example.net\")" % R.choice(FIRST),
        lambda: "dev@foo.test and noreply@invalid.invalid are fixtures",
        lambda: "git clone git@github.com:acme/%s.git" % R.choice(["api", "web", "infra"]),
        lambda: "npm install lodash@%s @types/node@%s" % (v(), v()),
        lambda: "<img srcset=\"logo@2x.png 2x, logo@3x.png 3x\">",
        lambda: "curl http://192.0.2.%d/ and http://198.51.100.%d:8080/" % (R.randint(1, 254), R.randint(1, 254)),
        lambda: "ping 203.0.113.%d" % R.randint(1, 254),
        lambda: "server listening on [2001:db8::%x]:443" % R.randint(1, 0xffff),
        lambda: "bind 127.0.0.1:%d; upstream 10.%d.%d.%d:8080" % (R.randint(1024, 65535), R.randint(0, 255), R.randint(0, 255), R.randint(1, 254)),
        lambda: "inet 192.168.%d.%d/24 brd 192.168.1.255 scope global; inet6 fe80::%x:%x/64" % (R.randint(0, 255), R.randint(1, 254), R.randint(1, 0xffff), R.randint(1, 0xffff)),
        lambda: "docker network: 172.%d.0.1 gateway, ::1 loopback, 0.0.0.0:3000 bind" % R.randint(16, 31),
        lambda: "Use test card %s with any CVC" % R.choice(["4242 4242 4242 4242", "4111 1111 1111 1111", "5555 5555 5555 4444", "378282246310005", "6011 1111 1111 1117", "4000 0566 5566 5556"]),
        lambda: "2026-11-26T%02d:%02d:%02d.%03dZ INFO worker started pid=%d" % (R.randint(0, 23), R.randint(0, 59), R.randint(0, 59), R.randint(0, 999), R.randint(100, 99999)),
        lambda: "\"created_at\": %d, \"updated_at_ms\": %d" % (R.randint(1600000000, 1800000000), R.randint(1600000000000, 1800000000000)),
        lambda: "[26/Nov/2026:10:%02d:%02d +0000] took %d ms" % (R.randint(0, 59), R.randint(0, 59), R.randint(1, 9999)),
        lambda: "EXPOSE %d\nports:\n  - \"%d:%d\"" % (R.randint(1000, 9999), R.randint(1000, 9999), R.randint(1000, 9999)),
        lambda: "Order #%d shipped, invoice INV-2026-%06d" % (R.randint(10**9, 10**12), R.randint(1, 999999)),
        lambda: "\"order_id\": %d, \"customer_id\": %d" % (R.randint(10**9, 10**10 - 1), R.randint(10**9, 10**10 - 1)),
        lambda: "tracking number 1Z%s%s" % (rs(string.ascii_uppercase + string.digits, 6), rs(string.digits, 10)),
        lambda: "if (%s(input)) { return %s; }" % (ident(), ident()),
        lambda: "def %s(self, %s): ..." % (ident().lower(), ident().lower()),
        lambda: "  color: #%s; background: #%s; border: 1px solid #%s;" % (hexs(6), hexs(6), hexs(3)),
        lambda: ".btn-primary{background-color:#0d6efd;border-radius:.375rem;padding:.5rem 1rem}@media (max-width:768px){.nav{display:none}}",
        lambda: "pod/%s   1/1   Running   0   %dh" % (pods(), R.randint(1, 99)),
        lambda: "kubectl -n prod describe secret/db-credentials replicaset.apps/%s" % pods()[:-6],
        lambda: "  serviceAccountName: default-token-%s" % rs("bcdfghjklmnpqrstvwxz2456789", 5),
        lambda: "ISBN 978-%d-%02d-%06d-%d" % (R.randint(0, 9), R.randint(10, 99), R.randint(0, 999999), R.randint(0, 9)),
        lambda: "matrix: [[%d, %d, %d], [%d, %d, %d]]" % tuple(R.randint(0, 999) for _ in range(6)),
        lambda: "elapsed 00:%02d:%02d.%03d, mem 12:34:56 peak" % (R.randint(0, 59), R.randint(0, 59), R.randint(0, 999)),
        lambda: "/home/user/.cache and /Users/Shared/data and ~/projects/api",
        lambda: "Session %s expired" % hexs(32),
        lambda: "etag: W/\"%s\"" % hexs(40),
        lambda: "Version: %s+%d" % (v(), R.randint(20100101000000, 20261231235959)),
        lambda: "tag v%s-rc.%d+build.%s" % (v(), R.randint(1, 9), hexs(7)),
        lambda: "<path d=\"M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2z\"/>",
        lambda: "\"size\": %d, \"bytes_in\": %d" % (R.randint(10**6, 10**9), R.randint(10**9, 10**10)),
        lambda: "    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:%d:%d)" % (R.randint(1, 400), R.randint(1, 40)),
        lambda: "https://x.com/acme/status/%d" % R.randint(10**18, 2 * 10**18),
        lambda: "snowflake id %d joined guild %d" % (R.randint(10**17, 2 * 10**18), R.randint(10**17, 2 * 10**18)),
        lambda: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        lambda: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        lambda: "api_key = None",
        lambda: "password: null",
        lambda: "token: \"\"",
        lambda: "Authorization: Bearer $TOKEN",
        lambda: "OPENAI_API_KEY=sk-...",
        lambda: "password=[REDACTED] token=*** secret=<redacted>",
        lambda: "  \"token_type\": \"Bearer\", \"expires_in\": 3599",
        lambda: "  csrf_token: \"{{ csrf_token() }}\"",
        lambda: "  tokenizer: \"bert-base-uncased\"\n  max_tokens: 4096",
        lambda: "      secretKeyRef:\n        name: db-credentials\n        key: password",
        lambda: "          key: ${{ runner.os }}-node-${{ hashFiles('**/package-lock.json') }}",
        lambda: "  \"public_key\": \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%s %s@laptop\"" % (rs(B64, 43), R.choice(FIRST)) if False else "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%s deploy" % rs(B64, 43),
        lambda: "<script src=\"/static/js/main.%s.chunk.js\"></script><link href=\"/static/css/app.%s.css\">" % (hexs(8), hexs(20)),
        lambda: "CONTAINER ID   IMAGE\n%s   nginx:1.25.3-alpine" % hexs(12),
        lambda: "oid sha256:%s\nsize %d" % (hexs(64), R.randint(1000, 10**8)),
        lambda: "due 2026-11-26, shipped 26/11/2026, invoiced 11/26/2026 at 10:30:00",
        lambda: "a[1:2:3] ratio 16:9 at 10:30:45 on ::  0000: 4a 6f 68 6e",
        lambda: "<dependency>org.springframework:spring-core:6.1.%d</dependency>" % R.randint(0, 9),
        lambda: "tx_id=%s" % (lambda n: n[:-1] + str((int(n[-1]) + 1) % 10))(luhn_complete("4", 16)),
        lambda: "root@ip-10-0-%d-%d:~# uptime" % (R.randint(0, 255), R.randint(1, 254)),
        lambda: "/home/runner/work/api/api/src/index.ts and C:\\Users\\Public\\Documents and /Users/Shared",
        lambda: "@app.route(\"/users/<int:id>\")\n@dataclass(frozen=True)",
    ]


# ---------------------------------------------------------------- build

def build(seed=20261127, rounds=30):
    global R
    R = random.Random(seed)
    d = Doc()
    toks = tok_generators()
    kws = kw_generators()
    negs = negatives()
    plain = [ctx_email, ctx_phone, ctx_ip, ctx_card, ctx_iban, ctx_ssn, ctx_mac,
             ctx_urlcred, ctx_pem, ctx_jwt, ctx_password]
    for _ in range(rounds):
        jobs = []
        for f in plain:
            jobs += [f] * (3 if f in (ctx_email, ctx_phone, ctx_ip) else 1)
        for typ, gen, env in toks:
            jobs.append(lambda t=typ, g=gen, e=env: ctx_token(d, t, g(), e))
        for typ, gen, k in kws:
            jobs.append(lambda t=typ, g=gen, k=k: ctx_kw(d, t, g(), k))
        jobs += [ctx_misc] * 5 + [ctx_hard] * 12
        jobs += [None] * 70  # hard negatives
        R.shuffle(jobs)
        for j in jobs:
            if j is None:
                d.line(R.choice(negs)())
            elif j in plain or j in (ctx_misc, ctx_hard):
                j(d)
            else:
                j()
    return "".join(d.parts), d.labels


# ---------------------------------------------------------------- run

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cerberus", nargs="?")
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--min-type-recall", type=float, default=0.90)
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--dump")
    a = ap.parse_args()
    text, labels = build(a.seed, a.rounds)
    data = text.encode("utf-8")
    if a.dump:
        with open(a.dump, "wb") as f:
            f.write(data)
        json.dump(labels, sys.stdout)
        return 0
    if not a.cerberus:
        ap.error("CERBERUS binary required")
    found = eval_scrub.run_scrub(a.cerberus, data, "holdout.txt")
    if found is None:
        return 2
    rows = eval_scrub.score(data, labels, found, a.show_errors)
    ok = eval_scrub.report(rows, "holdout: %d bytes, seed %d" % (len(data), a.seed), a.min_type_recall)
    if a.check and not ok:
        print("scrub-holdout: targets NOT met", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
