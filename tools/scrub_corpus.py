#!/usr/bin/env python3
"""Generate the scrubber's evaluation corpus: span-labelled samples.

Each sample is a piece of realistic developer text (Python, JavaScript, Go,
YAML, .env, JSON, shell sessions, stack traces, HTTP logs, SQL, prose) with
one planted value of one type, mixed with hard negatives (versions, hashes,
git SHAs, UUIDs, test fixtures, example.com, ${VAR} placeholders,
identifiers, base64 images, minified JS, private addresses, ...). Some
samples are hard negatives only.

Output (stdout or --out DIR): corpus.txt, the samples joined by a separator
line, and labels.jsonl, one {"type", "start", "end"} per planted value with
byte offsets into corpus.txt. The same seed gives the same corpus, byte for
byte. Standard library only. Values are random and fake; card numbers,
IBANs and tokens are only shaped like real ones.
"""
import argparse
import base64
import json
import os
import random
import string
import sys

SEP = "\n\n----- sample -----\n\n"
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B32 = string.ascii_uppercase + "234567"
B64 = ALNUM + "+/"
TOK = ALNUM + "_-"

FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj",
         "olivia", "peggy", "rupert", "sybil", "trent", "victor", "wendy", "yusuf", "zoe", "mateo", "priya",
         "chen", "fatima", "lars", "ines", "kenji", "amara", "noah", "sofia", "omar", "josé", "zoë", "łukasz"]
LAST = ["smith", "garcia", "muller", "rossi", "nguyen", "kowalski", "silva", "tanaka", "okafor", "johansson",
        "dubois", "novak", "haddad", "fischer", "patel", "kim", "lopez", "brown", "wilson", "moreau", "schulz"]
WORDS = ["acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne", "tyrell", "cyberdyne",
         "soylent", "massive", "dunder", "prestige", "wonka", "gringotts", "oscorp", "aperture", "blackmesa"]
TLDS = ["com", "io", "de", "fr", "co.uk", "net", "org", "dev", "ai", "es", "nl", "ch"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def s(self, alphabet, n):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def pick(self, seq):
        return self.r.choice(seq)

    def rand_secret(self, n):
        # random with at least one digit, lower and upper letter
        while True:
            v = self.s(ALNUM, n)
            if any(c.isdigit() for c in v) and any(c.islower() for c in v) and any(c.isupper() for c in v):
                return v

    def password(self):
        w = self.pick(["Tr0ub4dor", "s3cr3t", "Winter", "P@ssw0rd", "hunter", "Sunshine", "dragon", "Qwerty"])
        return w + self.pick(["&", "!", "#", "-", "_", "."]) + str(self.r.randint(10, 99999)) + self.s(ALNUM, 3)

    def name(self):
        return self.pick(FIRST), self.pick(LAST)

    # ---- value generators: each returns the exact text to plant ----
    def email(self):
        f, l = self.name()
        local = self.pick([f + "." + l, f, f + l[0], f + "+" + self.pick(["ci", "dev", "news"]), f[0] + l,
                           f + "_" + l + str(self.r.randint(1, 99))])
        return local + "@" + self.pick(WORDS) + self.pick(["", "-corp", "-labs", "mail"]) + "." + self.pick(TLDS)

    def phone(self):
        k = self.r.randint(0, 6)
        d = lambda n: self.s(string.digits, n)
        n2 = lambda: str(self.r.randint(2, 9)) + d(2)
        if k == 0:
            return "+44 20 %s %s" % (d(4), d(4))
        if k == 1:
            return "+49 30 %s" % d(8)
        if k == 2:
            return "+33 6 %s %s %s %s" % (d(2), d(2), d(2), d(2))
        if k == 3:
            return "(%s) %s-%s" % (n2(), n2(), d(4))
        if k == 4:
            return "%s-%s-%s" % (n2(), n2(), d(4))
        if k == 5:
            return "+1 %s %s %s" % (n2(), n2(), d(4))
        return "+91 %s %s" % (str(self.r.randint(7, 9)) + d(4), d(5))

    def ipv4(self):
        while True:
            o = [self.r.randint(11, 223), self.r.randint(0, 255), self.r.randint(0, 255), self.r.randint(1, 254)]
            if o[0] in (100, 127, 169, 172, 192, 198, 203):
                continue
            return ".".join(map(str, o))

    def ipv6(self):
        g = [self.pick(["2a03", "2a00", "2600", "2604", "2a02", "2001:4860:a0"]).split(":")[0]]
        g += ["%x" % self.r.randint(1, 0xffff) for _ in range(7)]
        if self.r.random() < 0.5:
            return ":".join(g)
        return ":".join(g[:3]) + "::" + ":".join(g[6:])

    def ip(self):
        return self.ipv4() if self.r.random() < 0.7 else self.ipv6()

    def luhn(self, prefix, n):
        while True:
            body = prefix + self.s(string.digits, n - len(prefix) - 1)
            for c in string.digits:
                num = body + c
                tot = 0
                for i, ch in enumerate(reversed(num)):
                    v = int(ch)
                    if i % 2:
                        v = v * 2 - 9 if v * 2 > 9 else v * 2
                    tot += v
                if tot % 10 == 0:
                    return num

    def card(self):
        k = self.r.randint(0, 3)
        if k == 3:
            n = self.luhn(self.pick(["34", "37"]), 15)
            return self.pick([n, n[:4] + " " + n[4:10] + " " + n[10:]])
        n = self.luhn(self.pick(["4", "51", "52", "53", "54", "55"]), 16)
        sep = self.pick(["", " ", "-"])
        return sep.join([n[0:4], n[4:8], n[8:12], n[12:16]]) if sep else n

    def iban(self):
        cc, bban = self.pick([("DE", lambda: self.s(string.digits, 18)), ("GB", lambda: "WEST" + self.s(string.digits, 14)),
                              ("FR", lambda: self.s(string.digits, 23)), ("NL", lambda: "ABNA" + self.s(string.digits, 10)),
                              ("ES", lambda: self.s(string.digits, 20))])
        b = bban()
        num = "".join(str(int(c, 36)) for c in b + cc + "00")
        chk = 98 - int(num) % 97
        iban = "%s%02d%s" % (cc, chk, b)
        if self.r.random() < 0.5:
            return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
        return iban

    def ssn(self):
        while True:
            a = self.r.randint(1, 899)
            if a != 666:
                return "%03d-%02d-%04d" % (a, self.r.randint(1, 99), self.r.randint(1, 9999))

    def mac(self):
        sep = self.pick([":", "-"])
        return sep.join("%02x" % self.r.randint(0, 255) for _ in range(6))

    def jwt(self):
        enc = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")
        h = enc(json.dumps({"alg": self.pick(["HS256", "RS256"]), "typ": "JWT"}).encode())
        p = enc(json.dumps({"sub": str(self.r.randint(1000, 99999)), "name": " ".join(self.name()),
                            "iat": self.r.randint(1600000000, 1800000000)}).encode())
        return h + "." + p + "." + self.s(TOK, 43)

    def pem(self):
        kind = self.pick(["RSA ", "EC ", "OPENSSH ", "", "ENCRYPTED "])
        lines = [self.s(B64, 64) for _ in range(self.r.randint(3, 8))] + [self.s(B64, 20) + "=="]
        return "-----BEGIN %sPRIVATE KEY-----\n%s\n-----END %sPRIVATE KEY-----" % (kind, "\n".join(lines), kind)

    def sas(self):
        return "sig=" + self.s(ALNUM, 40) + self.pick(["%2B", "%2F", ""]) + self.s(ALNUM, 3) + "%3D"

    def uuid(self):
        return "%s-%s-4%s-%s%s-%s" % (self.s(HEX, 8), self.s(HEX, 4), self.s(HEX, 3), self.pick("89ab"), self.s(HEX, 3),
                                       self.s(HEX, 12))

    def discord(self):
        uid = str(self.r.randint(10 ** 17, 10 ** 18 - 1))
        return base64.b64encode(uid.encode()).decode() + "." + self.s(TOK, 6) + "." + self.s(TOK, 38)


# ---- hard negatives: lines that look like PII to naive scanners ----------
def negatives(g):
    ver = "%d.%d.%d.%d" % (g.r.randint(1, 9), g.r.randint(0, 20), g.r.randint(0, 20), g.r.randint(0, 99))
    sha = g.s(HEX, 40)
    return [
        "version %s" % ver,
        "requests==2.31.0\nurllib3>=1.26.%d" % g.r.randint(0, 18),
        "commit %s\nAuthor: CI Bot <noreply@example.com>" % sha,
        "git checkout %s" % sha[:7],
        "request_id = \"%s\"" % g.uuid(),
        "\"integrity\": \"sha512-%s==\"" % g.s(B64, 86),
        "sha256sum: %s  app.tar.gz" % g.s(HEX, 64),
        "stripe test card 4242 4242 4242 4242, exp 12/34, cvc 123",
        "contact user@example.com or admin@example.org for access",
        "DATABASE_URL=${DATABASE_URL}\nAPI_KEY=${API_KEY}",
        "password: {{ vault_db_password }}",
        "api_key = os.environ[\"API_KEY\"]",
        "const token = process.env.GITHUB_TOKEN;",
        "secret = get_secret(\"prod/db/password\")",
        "def getUserAccountBalance(user_id, account_type):",
        "max_retry_count = parse_config_value(settings_file)",
        "<img src=\"data:image/png;base64,%s\">" % g.s(B64, 120),
        "!function(e,t){\"object\"==typeof exports?module.exports=t():e.lib=t()}(this,function(){return 1});",
        "listen 127.0.0.1:8080; upstream 10.0.3.17:5432; resolver 8.8.8.8;",
        "docs: 192.0.2.10 and 2001:db8::1 and ::1",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "API_KEY=your-api-key-here",
        "password = \"<your-password>\"",
        "File \"/home/runner/work/app/app/main.py\", line 42, in handler",
        "cd /Users/$USER/projects && ls ~/.config",
        "Date: 2026-11-24 10:32:45 +0000",
        "port 8080, pid 4242, timeout 30000 ms, size 1048576",
        "chrome/120.0.6099.109 safari/537.36",
        "let mut v: std::vec::Vec<u8> = Vec::new();",
        "std::unordered_map<std::string, int> m;",
        "time=12:30:45 offset=+0200",
        "uuid.uuid4() -> %s" % g.uuid(),
        "user_token_cache_size = 4096",
        "tokenizer: bert-base-uncased",
        "secret_name = \"prod/api/credentials\"",
        "@app.route(\"/users/<int:user_id>\")",
        "npm install lodash@4.17.21 @babel/core@7.24.0",
        "image: postgres:16.2-alpine",
        "<a href=\"mailto:support@example.net\">support</a>",
        "ISBN 978-3-16-148410-0, order 100-200-3000",
        "x = 1234567890123  # a timestamp in ms",
        "pk_live_" + g.s(ALNUM, 24) + " is the publishable key",
        "color: #a3f5c2; margin: 0 4px; z-index: 1000",
        "token = generate_token(user, expires_in=3600)",
        "password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt())",
        "api_key_header = APIKeyHeader(name=\"X-API-Key\", auto_error=False)",
        "WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\"",
        "if (!token) throw new Error('missing token');",
        "SECRET_KEY = env('DJANGO_SECRET_KEY')",
        "password: \"\"  # set via the PASSWORD env var",
        "curl -u \"$USER:$TOKEN\" https://api.github.com/user",
        "postgres://postgres:postgres@localhost:5432/test",
        "mongodb://localhost:27017/app?retryWrites=true",
        "ssh -i ~/.ssh/id_ed25519 git@github.com",
        "const secretName = 'db-credentials-prod';",
        "Authorization: Bearer <token>",
        "go.sum: github.com/stretchr/testify v1.8.4 h1:%s=" % g.s(B64, 43),
        "build 2026.11.24.3 (%s)" % g.s(HEX, 12),
        "phone_number_field = models.CharField(max_length=20)",
        "call(\"/api/v1/items/12345678\", timeout=30)",
        "0x7ffd5fbff8c0 in main () at app.c:42",
        "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)",
        "\"id\": \"%s\", \"etag\": \"W/\\\"%s\\\"\"" % (g.uuid(), g.s(HEX, 32)),
        "MAC address format is XX:XX:XX:XX:XX:XX",
        "IPv6 example 2001:db8:85a3::8a2e:370:7334",
        "docker run -p 5432:5432 -e POSTGRES_PASSWORD=$PG_PASS postgres",
        "auth_token_ttl_seconds = 86400",
        "const accessKeyId = config.aws.accessKeyId;",
    ]


def fenced(g, lang, body):
    return "```%s\n%s\n```" % (lang, body)


# Each template: (context, text with {V} where the value goes). The value is
# the labelled span. Extra slots: {ENV} env var name, {env} lower-case name.
T = {
    "EMAIL": (lambda g: g.email(), [
        "Hi, I'm the maintainer, reach me at {V} if the build breaks again.",
        "git config --global user.email \"{V}\"",
        "{\"owner\": \"{V}\", \"role\": \"admin\", \"active\": true}",
        "ADMIN_EMAIL={V}\nDEBUG=false",
        "Traceback (most recent call last):\n  File \"app.py\", line 12, in send\nSMTPRecipientsRefused: {'{V}': (550, b'mailbox unavailable')}",
        "INSERT INTO users (id, email) VALUES (42, '{V}');",
        "const to = '{V}';\nawait mailer.send({ to, subject: 'Welcome' });",
        "notify:\n  email: {V}\n  on_failure: true",
    ]),
    "PHONE": (lambda g: g.phone(), [
        "Call me at {V} tomorrow morning, it's about the outage.",
        "phone: {V}",
        "{\"name\": \"support\", \"phone\": \"{V}\"}",
        "My cell is {V} if Slack is down.",
        "customer.phone = \"{V}\"  # from the signup form",
    ]),
    "IP_ADDRESS": (lambda g: g.ip(), [
        "ssh deploy@{V} -p 22",
        "{V} - - [24/Nov/2026:10:32:45 +0000] \"GET /api/v1/users HTTP/1.1\" 200 512",
        "Connection refused from {V} while connecting to upstream",
        "ALLOWED_HOSTS = [\"{V}\", \"localhost\"]",
        "server:\n  host: {V}\n  port: 443",
        "the attacker's address was {V} according to the WAF log",
    ]),
    "CREDIT_CARD": (lambda g: g.card(), [
        "The customer's card {V} was declined with code 51.",
        "{\"card_number\": \"{V}\", \"exp\": \"09/28\"}",
        "charge = stripe.Charge.create(amount=2000, card=\"{V}\")",
        "UPDATE payments SET pan = '{V}' WHERE id = 7;",
    ]),
    "API_KEY": (lambda g: g.rand_secret(32), [
        "API_KEY={V}",
        "const apiKey = \"{V}\";",
        "curl -H \"X-API-Key: {V}\" https://api.internal.dev/v2/items",
        "weather:\n  api_key: {V}\n  units: metric",
        "client = WeatherClient(api_key=\"{V}\")",
    ]),
    "IBAN": (lambda g: g.iban(), [
        "Please wire the refund to IBAN {V} (account holder: me).",
        "{\"iban\": \"{V}\", \"bic\": \"COBADEFFXXX\"}",
        "iban = '{V}'",
    ]),
    "US_SSN": (lambda g: g.ssn(), [
        "SSN: {V}",
        "{\"ssn\": \"{V}\", \"dob\": \"1990-01-01\"}",
        "the form had her social security number {V} in plain text",
    ]),
    "MAC_ADDRESS": (lambda g: g.mac(), [
        "2: eth0: <BROADCAST,MULTICAST,UP> mtu 1500\n    link/ether {V} brd ff:ff:ff:ff:ff:ff",
        "DHCPACK on 10.0.0.12 to {V} via eth0",
        "device_mac = \"{V}\"",
    ]),
    "URL_CREDENTIALS": (lambda g: g.pick(["app", "admin", "svc_api", "postgres", "deploy"]) + ":" + g.rand_secret(8)
                        + g.pick(["-", ".", "_", "~", "%21"]) + g.s(ALNUM, 4), [
        "DATABASE_URL=postgres://{V}@db.internal:5432/prod",
        "engine = create_engine(\"mysql+pymysql://{V}@10.0.0.5/shop\")",
        "git clone https://{V}@git.company.dev/team/repo.git",
        "amqp://{V}@rabbit:5672/",
    ]),
    "PRIVATE_KEY": (lambda g: g.pem(), [
        "Here is the key from the server, is the format right?\n\n{V}\n\nssh still says permission denied.",
        "cat ~/.ssh/id_rsa\n{V}",
    ]),
    "JWT": (lambda g: g.jwt(), [
        "Authorization: Bearer {V}",
        "localStorage.setItem('token', '{V}');",
        "jwt.decode(\"{V}\", options={\"verify_signature\": False})",
    ]),
    "PASSWORD": (lambda g: g.password(), [
        "DB_PASSWORD={V}",
        "{\"username\": \"admin\", \"password\": \"{V}\"}",
        "database:\n  user: app\n  password: {V}",
        "export PGPASSWORD='{V}'",
        "conn = psycopg2.connect(host=\"db\", user=\"app\", password=\"{V}\")",
        "CREATE USER 'app'@'%' IDENTIFIED BY '{V}';",
        "mysql -u root --password={V} shop < dump.sql",
    ]),
    "AWS_ACCESS_KEY": (lambda g: "AKIA" + g.s(B32, 16), [
        "aws_access_key_id = {V}",
        "export AWS_ACCESS_KEY_ID={V}",
        "s3 = boto3.client('s3', aws_access_key_id='{V}')",
    ]),
    "AWS_SECRET_KEY": (lambda g: g.rand_secret(40), [
        "aws_secret_access_key = {V}",
        "export AWS_SECRET_ACCESS_KEY={V}",
        "s3 = boto3.client('s3', aws_secret_access_key='{V}')",
    ]),
    "GCP_API_KEY": (lambda g: "AIza" + g.s(TOK, 35).replace("-", "x"), [
        "const loader = new Loader({ apiKey: \"{V}\", version: \"weekly\" });",
        "GOOGLE_MAPS_KEY={V}",
    ]),
    "GCP_SERVICE_ACCOUNT": (lambda g: g.s(HEX, 40), [
        "{\n  \"type\": \"service_account\",\n  \"project_id\": \"prod-123\",\n  \"private_key_id\": \"{V}\",\n  \"client_id\": \"104458913357713425117\"\n}",
    ]),
    "GCP_OAUTH": (lambda g: g.pick(["GOCSPX-" + g.rand_secret(28), "ya29.a0" + g.rand_secret(60)]), [
        "GOOGLE_CLIENT_SECRET={V}",
        "creds = Credentials(token=\"{V}\")",
    ]),
    "AZURE_STORAGE_KEY": (lambda g: g.s(B64, 86) + "==", [
        "AZURE_STORAGE_CONNECTION_STRING=\"DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey={V};EndpointSuffix=core.windows.net\"",
    ]),
    "AZURE_SAS_TOKEN": (lambda g: g.sas(), [
        "az storage blob download --blob-url \"https://prodlogs.blob.core.windows.net/c/data.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-31T00:00:00Z&{V}\"",
    ]),
    "GITHUB_TOKEN": (lambda g: g.pick(["ghp_", "gho_", "ghs_"]) + g.s(ALNUM, 36), [
        "GITHUB_TOKEN={V}",
        "git remote set-url origin https://x-access-token:{V}@github.com/org/repo",
        "curl -H \"Authorization: token {V}\" https://api.github.com/user",
    ]),
    "GITLAB_TOKEN": (lambda g: "glpat-" + g.s(TOK, 20), ["PRIVATE-TOKEN: {V}", "GITLAB_TOKEN={V}"]),
    "SLACK_TOKEN": (lambda g: "xoxb-" + g.s(string.digits, 12) + "-" + g.s(string.digits, 13) + "-" + g.s(ALNUM, 24), [
        "app = App(token=\"{V}\")", "SLACK_BOT_TOKEN={V}"]),
    "SLACK_WEBHOOK": (lambda g: "https://hooks.slack.com/services/T" + g.s(string.ascii_uppercase + string.digits, 8) + "/B"
                      + g.s(string.ascii_uppercase + string.digits, 10) + "/" + g.s(ALNUM, 24), [
        "curl -X POST -d '{\"text\":\"deploy done\"}' {V}", "SLACK_WEBHOOK_URL={V}"]),
    "STRIPE_KEY": (lambda g: g.pick(["sk_live_", "rk_live_"]) + g.s(ALNUM, 24), [
        "const stripe = new Stripe(\"{V}\", { apiVersion: \"2024-06-20\" });", "STRIPE_SECRET_KEY={V}"]),
    "OPENAI_KEY": (lambda g: g.pick(["sk-proj-" + g.s(TOK, 48), "sk-" + g.s(ALNUM, 48)]), [
        "client = OpenAI(api_key=\"{V}\")", "OPENAI_API_KEY={V}"]),
    "ANTHROPIC_KEY": (lambda g: "sk-ant-api03-" + g.s(TOK, 93) + "AA", [
        "client = anthropic.Anthropic(api_key=\"{V}\")", "ANTHROPIC_API_KEY={V}"]),
    "HUGGINGFACE_TOKEN": (lambda g: "hf_" + g.s(string.ascii_letters, 34), ["login(token=\"{V}\")", "HF_TOKEN={V}"]),
    "NPM_TOKEN": (lambda g: "npm_" + g.s(ALNUM, 36), ["//registry.npmjs.org/:_authToken={V}", "NPM_TOKEN={V}"]),
    "PYPI_TOKEN": (lambda g: "pypi-AgEIcHlwaS5vcmc" + g.s(TOK, 70), ["[pypi]\nusername = __token__\npassword = {V}",
                                                                  "twine upload -p {V} dist/*"]),
    "TWILIO_KEY": (lambda g: g.pick(["SK", "AC"]) + g.s(HEX, 32), ["TWILIO_API_KEY={V}", "client = Client(\"{V}\", auth)"]),
    "SENDGRID_KEY": (lambda g: "SG." + g.s(TOK, 22) + "." + g.s(TOK, 43), ["SENDGRID_API_KEY={V}",
                                                                          "sg = SendGridAPIClient('{V}')"]),
    "MAILGUN_KEY": (lambda g: "key-" + g.s(HEX, 32), ["MAILGUN_API_KEY={V}", "auth=(\"api\", \"{V}\")"]),
    "DISCORD_TOKEN": (lambda g: g.discord(), ["client.run(\"{V}\")", "DISCORD_TOKEN={V}"]),
    "DISCORD_WEBHOOK": (lambda g: "https://discord.com/api/webhooks/" + g.s(string.digits, 19) + "/" + g.s(TOK, 68), [
        "requests.post(\"{V}\", json={\"content\": \"hi\"})"]),
    "TELEGRAM_BOT_TOKEN": (lambda g: g.s(string.digits, 10) + ":AA" + g.s(TOK, 33), [
        "bot = telebot.TeleBot(\"{V}\")", "TELEGRAM_TOKEN={V}"]),
    "SHOPIFY_TOKEN": (lambda g: "shpat_" + g.s(HEX, 32), ["X-Shopify-Access-Token: {V}"]),
    "DIGITALOCEAN_TOKEN": (lambda g: "dop_v1_" + g.s(HEX, 64), ["DIGITALOCEAN_TOKEN={V}", "doctl auth init -t {V}"]),
    "HEROKU_KEY": (lambda g: g.uuid(), ["HEROKU_API_KEY={V}", "heroku_api_key: \"{V}\""]),
    "DATADOG_KEY": (lambda g: g.s(HEX, 32), ["DD_API_KEY={V}", "datadog_api_key: {V}"]),
    "BASIC_AUTH": (lambda g: base64.b64encode((g.pick(["alice", "svc", "deploy"]) + ":" + g.password()).encode()).decode(), [
        "curl -H 'Authorization: Basic {V}' https://api.internal.dev/health",
        "GET /admin HTTP/1.1\nHost: intranet\nAuthorization: Basic {V}"]),
    "BEARER_TOKEN": (lambda g: g.rand_secret(40), [
        "curl -H \"Authorization: Bearer {V}\" https://api.internal.dev/v1/me",
        "headers = {\"Authorization\": \"Bearer {V}\"}"]),
    "HOME_PATH": (lambda g: g.pick(FIRST[:30]) + g.pick(["", ".smith", "k", "_dev"]), [
        "Traceback (most recent call last):\n  File \"/home/{V}/projects/api/app.py\", line 88, in <module>\n    main()",
        "Error: ENOENT: no such file or directory, open '/Users/{V}/code/web/package.json'",
        "PS C:\\Users\\{V}\\source\\repos\\App> dotnet build",
    ]),
    "GENERIC_SECRET": (lambda g: g.rand_secret(g.r.randint(24, 48)), [
        "SECRET_KEY = '{V}'",
        "client_secret: {V}",
        "{\"webhook_secret\": \"{V}\"}",
        "JWT_SIGNING_KEY={V}",
    ]),
}

FRAMES = [
    ("python", "import os\nimport logging\n\n{X}\n\nlogger = logging.getLogger(__name__)"),
    ("yaml", "# config\n{X}\nretries: 3"),
    ("shell", "$ {X}\n$ echo $?\n0"),
    ("prose", "I'm stuck on this, can you help?\n\n{X}\n\nThanks in advance!"),
    ("log", "2026-11-24T10:32:45Z INFO starting worker pid=4242\n{X}\n2026-11-24T10:32:46Z WARN retrying in 5s"),
    ("js", "// config.js\n{X}\nmodule.exports = { retries: 3 };"),
    ("go", "package main\n\n// {X}\nfunc main() {}"),
]


def build(seed, per_type, n_negative):
    g = Gen(seed)
    out = []        # pieces of text
    labels = []
    pos = 0

    def emit(text):
        nonlocal pos
        out.append(text)
        pos += len(text.encode("utf-8"))

    def neg_lines(k):
        return "\n".join(g.pick(negatives(g)) for _ in range(k))

    first = True
    for typ in sorted(T):
        make, templates = T[typ]
        for i in range(per_type):
            if not first:
                emit(SEP)
            first = False
            v = make(g)
            tpl = templates[i % len(templates)]
            frame_name, frame = g.pick(FRAMES)
            if frame_name == "go" and "\n" in tpl:
                frame = "{X}"
            before, after = tpl.split("{V}", 1)
            fb, fa = frame.split("{X}", 1)
            emit(neg_lines(g.r.randint(0, 2)) + "\n" + fb + before)
            labels.append({"type": typ, "start": pos, "end": pos + len(v.encode("utf-8"))})
            emit(v)
            emit(after + fa + "\n" + neg_lines(g.r.randint(0, 2)))
    for i in range(n_negative):
        emit(SEP)
        emit(neg_lines(g.r.randint(3, 8)))
    return "".join(out), labels


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--per-type", type=int, default=40)
    ap.add_argument("--negatives", type=int, default=400)
    ap.add_argument("--out", required=True, help="directory for corpus.txt and labels.jsonl")
    a = ap.parse_args()
    text, labels = build(a.seed, a.per_type, a.negatives)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "corpus.txt"), "w", encoding="utf-8", newline="") as f:
        f.write(text)
    with open(os.path.join(a.out, "labels.jsonl"), "w", encoding="utf-8") as f:
        for l in labels:
            f.write(json.dumps(l) + "\n")
    print("%d samples, %d labels, %d bytes" % (len(T) * a.per_type + a.negatives, len(labels),
                                                len(text.encode("utf-8"))), file=sys.stderr)


if __name__ == "__main__":
    main()
