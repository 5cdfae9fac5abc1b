#!/usr/bin/env python3
"""Build agent-dedup's benchmark data from the raw public datasets.

Reads (read-only) the raw data folder (default: ``../shared/data`` relative to the
repository root, i.e. a sibling of the repo) and writes:

  bench/data/corpus.jsonl  real tool calls (+ STS-B train sentences as a synthetic
                           text tool) for fitting an embedder's IDF weights
  bench/data/pairs.jsonl   labelled pairs of tool calls: duplicate true / false

Deterministic: fixed seeds, stable iteration order, no dependence on hash
randomisation; re-running produces byte-identical files.  Standard library only.

    python3 bench/scripts/build_data.py [--data DIR] [--out DIR]

See bench/README.md ("Benchmark data") for every rule used here.
"""

from __future__ import annotations

import argparse
import ast
import collections
import copy
import datetime as dt
import json
import os
import random
import re
import sys
from decimal import Decimal

SEED = "agent-dedup-bench-v1"

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.normpath(os.path.join(SCRIPT_DIR, "..", ".."))
DEFAULT_DATA = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data"))
DEFAULT_OUT = os.path.join(REPO_ROOT, "bench", "data")

# Splits used; no other file is opened.  The held-out splits (BFCL live_*, Seal-Tools
# out-of-domain, STS-B test) are never read (they are not even in the raw data folder).
BFCL_CORPUS_CATEGORIES = ["simple_python", "multiple"]
BFCL_PAIR_CATEGORIES = ["parallel", "parallel_multiple"]
BFCL_MULTI_TURN = ["multi_turn_base", "multi_turn_miss_param"]
SEAL_CORPUS_SPLIT = "dev.jsonl"
SEAL_PAIR_SPLIT = "test_in_domain.jsonl"

# Multi-turn API docs used by the multi_turn_base / miss_param categories (the memory_*
# docs belong to BFCL's memory categories and clash by name, so they are not loaded).
MT_DOCS = [
    "gorilla_file_system", "math_api", "message_api", "posting_api", "ticket_api",
    "trading_bot", "travel_booking", "vehicle_control", "web_search",
]
MT_FILESYSTEM_TOOLS = {
    "cat", "cd", "cp", "diff", "du", "echo", "find", "grep", "ls", "mkdir", "mv", "pwd",
    "rm", "rmdir", "sort", "tail", "touch", "wc",
}

TEXT_TOOL = "send_message"  # synthetic free-text tool for STS-B corpus sentences
TEXT_ARG = "text"

POSITIVE_CATEGORIES = [
    "exact_retry", "key_reorder", "number_format", "date_format", "email_case",
    "whitespace", "text_case", "volatile_field", "reworded_text",
]
NEGATIVE_CATEGORIES = [
    "identity_amount", "identity_id", "identity_recipient", "identity_date",
    "opposite_action", "near_miss_text", "different_tool",
]
CATEGORY_ORDER = POSITIVE_CATEGORIES + NEGATIVE_CATEGORIES

# Pair counts per category (upper bounds: categories whose real material is scarce come
# out lower).  reworded_text is sized last so that positives ~= negatives.
TARGETS = {
    "exact_retry": 180, "key_reorder": 180, "number_format": 180, "date_format": 200,
    "email_case": 150, "whitespace": 180, "volatile_field": 180,
    "identity_amount": 275, "identity_id": 275, "identity_recipient": 150,
    "identity_date": 200, "opposite_action": 200, "different_tool": 250,
}
PER_TOOL_CAP = 3        # at most this many pairs per tool name in one category
REWORDED_MIN = 150

# --------------------------------------------------------------------------- helpers


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def canon(tool: str, args: dict) -> str:
    return json.dumps([tool, args], sort_keys=True, ensure_ascii=False)


def rng_for(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")


def read_jsonl(path: str) -> list:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


WORD_RE = re.compile(r"[a-z0-9']+")


def words(s: str) -> list:
    return WORD_RE.findall(s.lower())


def jaccard(a: str, b: str) -> float:
    sa, sb = set(words(a)), set(words(b))
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def norm_text(s: str) -> str:
    return " ".join(words(s))


def is_bool(v) -> bool:
    return isinstance(v, bool)


def is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


NUM_STR_RE = re.compile(r"-?(0|[1-9]\d{0,14})(\.\d*[1-9])?")


def num_from_str(s: str):
    """Parse a plain decimal string that round-trips exactly; else None."""
    if not isinstance(s, str) or not NUM_STR_RE.fullmatch(s):
        return None
    if "." in s:
        f = float(s)
        return f if repr(f) == s else None
    return int(s)


EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# keys whose values identify an entity (exact-match semantics)
ID_KEY_RE = re.compile(
    r"(^|_)(id|ids|uuid|guid|account|acct|iban|number|num|no|code|sku|isbn|symbol|ticker|"
    r"username|user|handle|key|token|password|secret|zip|zipcode|postal|phone|version|ip|"
    r"vin|pin|cvv|serial)$|[a-z](Id|ID|Number|Code|Key|Name)$",
    re.I,
)
SECRET_KEY_RE = re.compile(r"password|secret|token|cvv|pin$|card_verification", re.I)
NAME_KEY_RE = re.compile(
    r"(^|_)(name|names|username|user|author|artist|player|team|company|city|location|"
    r"file_name|dir_name|folder|symbol|stock|country|destination|origin|customer|patient|"
    r"employee|client|brand|organization|restaurant|hotel|airport|travel_from|travel_to)$|"
    r"Name$|name\d$|_name\d?$",
    re.I,
)
# recipient-like keys ("to" alone is not one: in the data it is often a destination)
RECIP_KEY_RE = re.compile(
    r"^(recipients?|receivers?|receiver_(id|name|email)|cc|bcc|emails?|email_address|addressee|"
    r"send_to|mentioned_usernames|contact_(email|name)|contact)$|_email$",
    re.I,
)
# keys under which an e-mail address is the recipient / account (not message text)
EMAIL_KEY_RE = re.compile(r"e?mail|^to$|^cc$|^bcc$|recipient|receiver|contact|address", re.I)
DATE_KEY_RE = re.compile(
    r"date|day|time|_at$|^at$|start|end|from|until|deadline|birth|dob|historical|when|"
    r"check_?in|check_?out|departure|arrival|expir|schedule",
    re.I,
)
YEARISH_KEY_RE = re.compile(r"year|season|age$|^age|decade|century", re.I)
MESSAGE_KEY_RE = re.compile(
    r"^(message|content|comment|comments|comment_content|description|body|note|notes|review|"
    r"feedback|feedback_text|resolution|reply_text|message_content|status_text|key_message|"
    r"post|tweet|caption|announcement)$",
    re.I,
)
# tools whose free text is the object being analysed, not a message to someone
ANALYSIS_TOOL_RE = re.compile(
    r"analy|translat|classif|detect|proofread|summar|sentiment|emotion|syntax|pars|token|spell|"
    r"grammar|check|extract|recogni|evaluat|score|count|predict|identify|tag|convert|echo|grep",
    re.I,
)
TEXT_KEY_RE = re.compile(
    r"^(text|message|content|description|query|body|comment|comments|comment_content|note|"
    r"notes|review|feedback|feedback_text|caption|sentence|resolution|reply_text|"
    r"message_content|status_text|key_message|post|tweet|prompt)$",
    re.I,
)
# keys where whitespace / case may be significant or the value is not prose
WS_UNSAFE_KEY_RE = re.compile(
    r"password|secret|token|pattern|regex|path|file|dir|folder|url|uri|code|hash|formula|"
    r"expression|equation|function|sequence|smiles|data|query_string|email|key$|id$|_id|Id$",
    re.I,
)
AMOUNT_KEY_RE = re.compile(
    r"amount|price|quantity|qty|budget|cost|total|value|count|sum|limit|salary|income|"
    r"balance|fee|payment|deposit|shares|rate|percent|principal|loan|investment|revenue",
    re.I,
)
VOLATILE_KEYS = ["request_id", "trace_id", "timestamp", "nonce", "correlation_id",
                 "client_timestamp"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
MONTH_LOOKUP = {}
for _i, _m in enumerate(MONTHS, 1):
    MONTH_LOOKUP[_m.lower()] = _i
    MONTH_LOOKUP[_m[:3].lower()] = _i
MONTH_LOOKUP["sept"] = 9

ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def valid_date(y, m, d):
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def parse_date_unambiguous(s: str):
    """Return a date only when the string has a single possible reading."""
    s = s.strip()
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", s)
    if m:
        return valid_date(*m.groups())
    m = re.fullmatch(r"([A-Za-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})", s)
    if m and m.group(1).lower() in MONTH_LOOKUP:
        return valid_date(m.group(3), MONTH_LOOKUP[m.group(1).lower()], m.group(2))
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})", s)
    if m and m.group(2).lower() in MONTH_LOOKUP:
        return valid_date(m.group(3), MONTH_LOOKUP[m.group(2).lower()], m.group(1))
    m = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
        if a == b:
            return valid_date(y, a, b)
        if a > 12 >= b:
            return valid_date(y, b, a)
        if b > 12 >= a:
            return valid_date(y, a, b)
    return None  # ambiguous (e.g. 05/12/2022) or not a date


# --------------------------------------------------------------------------- loading


class Call:
    __slots__ = ("tool", "args", "source", "family", "schema")

    def __init__(self, tool, args, source, family, schema=None):
        self.tool = tool
        self.args = args
        self.source = source
        self.family = family      # "seal" | "bfcl" | "mt"
        self.schema = schema      # dict param -> spec, or None

    def obj(self, args=None, tool=None):
        return {"tool": tool or self.tool,
                "arguments": copy.deepcopy(self.args if args is None else args)}


def bfcl_first_alt(alts):
    """Value used for the base call: the first accepted alternative, except that a
    strict ISO date (YYYY-MM-DD) alternative is preferred when one is listed; an
    empty first alternative ("") means the parameter may be omitted, so it is."""
    if not alts or alts[0] == "":
        return None, False
    for a in alts:
        if isinstance(a, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", a) and parse_date_unambiguous(a):
            return a, True
    return alts[0], True


def load_bfcl(data, category):
    questions = read_jsonl(os.path.join(data, "bfcl", f"BFCL_v4_{category}.json"))
    answers = read_jsonl(os.path.join(data, "bfcl", "possible_answer", f"BFCL_v4_{category}.json"))
    qmap = {q["id"]: q for q in questions}
    calls, alt_records = [], []
    for ans in answers:
        q = qmap.get(ans["id"], {})
        schemas = {f["name"]: f.get("parameters", {}).get("properties", {})
                   for f in q.get("function", [])}
        for ci, gt in enumerate(ans["ground_truth"]):
            for tool, params in gt.items():
                args = {}
                for k, alts in params.items():
                    v, present = bfcl_first_alt(alts)
                    if present:
                        args[k] = v
                src = f"bfcl/{category}:{ans['id']}#{ci}"
                call = Call(tool, args, src, "bfcl", schemas.get(tool))
                calls.append(call)
                alt_records.append((call, params))
    return calls, alt_records, questions


def load_mt_docs(data):
    docs = {}
    for name in MT_DOCS:
        for d in read_jsonl(os.path.join(data, "bfcl", "multi_turn_func_doc", f"{name}.json")):
            if d["name"] in docs:
                raise SystemExit(f"duplicate multi-turn function {d['name']}")
            docs[d["name"]] = d
    return docs


def load_multi_turn(data, docs):
    calls = []
    for cat in BFCL_MULTI_TURN:
        for ans in read_jsonl(os.path.join(data, "bfcl", "possible_answer", f"BFCL_v4_{cat}.json")):
            for ti, turn in enumerate(ans["ground_truth"]):
                for si, s in enumerate(turn):
                    node = ast.parse(s, mode="eval").body
                    name = node.func.id
                    doc = docs[name]
                    props = doc["parameters"]["properties"]
                    order = list(props)
                    args = {}
                    for i, a in enumerate(node.args):      # positional -> doc order
                        args[order[i]] = ast.literal_eval(a)
                    for kw in node.keywords:
                        args[kw.arg] = ast.literal_eval(kw.value)
                    calls.append(Call(name, args, f"bfcl/{cat}:{ans['id']}#t{ti}.{si}", "mt", props))
    return calls


def load_seal(data, split, tools):
    calls = []
    for d in read_jsonl(os.path.join(data, "sealtools", split)):
        for ci, c in enumerate(d["calling"]):
            params = c.get("parameters", {})
            # Seal-Tools chains calls with placeholders such as "API_call_0"; those are
            # not real argument values, so such calls are skipped.
            if "API_call" in json.dumps(params):
                continue
            spec = tools.get(c["api"], {}).get("parameters")
            calls.append(Call(c["api"], params, f"sealtools/{split[:-6]}:{d['id']}#{ci}", "seal", spec))
    return calls


def load_stsb(data, fname):
    """Tab separated: genre, file, year, id, score, s1, s2[, extra source columns].
    Split on tabs only (no CSV quoting: sentences contain literal quotes)."""
    rows = []
    with open(os.path.join(data, "stsb", fname), encoding="utf-8") as fh:
        for ln, line in enumerate(fh, 1):
            f = line.rstrip("\n").rstrip("\r").split("\t")
            if len(f) < 7:
                continue
            try:
                score = float(f[4])
            except ValueError:
                continue
            s1, s2 = f[5].strip(), f[6].strip()
            if not s1 or not s2 or MOJIBAKE_RE.search(s1 + s2):
                continue   # a few raw lines carry mis-decoded UTF-8 ("BBC‚Äôs"): skipped
            rows.append({"genre": f[0], "file": f[1], "year": f[2], "id": f[3],
                         "score": score, "s1": s1, "s2": s2,
                         "src": f"stsb/{fname[:-4]}:{f[1]}/{f[2]}/{f[3]}"})
    return rows


MOJIBAKE_RE = re.compile("\u201a\u00c4|\u00c3|\u00e2\u20ac")

NEG_WORDS = {"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "cannot"}


def has_negation(s):
    return any(w in NEG_WORDS or w.endswith("n't") for w in words(s))


def numbers_in(s):
    return sorted(re.findall(r"\d+(?:[.,]\d+)*", s))


def is_paraphrase_pair(r):
    return (r["score"] >= 4.6 and norm_text(r["s1"]) != norm_text(r["s2"])
            and numbers_in(r["s1"]) == numbers_in(r["s2"])
            and has_negation(r["s1"]) == has_negation(r["s2"]))


def is_near_miss_pair(r):
    return (r["score"] <= 2.0 and jaccard(r["s1"], r["s2"]) >= 0.5
            and norm_text(r["s1"]) != norm_text(r["s2"]))


# --------------------------------------------------------------------------- pair building


class PairSet:
    def __init__(self):
        self.pairs = collections.OrderedDict((c, []) for c in CATEGORY_ORDER)
        self.seen = set()

    def add(self, cat, a, b, dup, source, rng):
        if rng.random() < 0.5:       # the modified call is not always on the same side
            a, b = b, a
        key = (cat, canon(a["tool"], a["arguments"]), canon(b["tool"], b["arguments"]))
        rkey = (cat, key[2], key[1])
        if key in self.seen or rkey in self.seen:
            return False
        self.seen.add(key)
        self.pairs[cat].append({"a": a, "b": b, "duplicate": dup, "category": cat,
                                "source": source})
        return True

    def count(self, cat):
        return len(self.pairs[cat])


def fill(ps, cat, candidates, make, target, per_tool=PER_TOOL_CAP):
    """Shuffle candidates with the category's seed, call make(call, rng) -> list of
    (a, b, source) until target pairs exist."""
    rng = rng_for(cat)
    cands = list(candidates)
    rng.shuffle(cands)
    per = collections.Counter()
    for c in cands:
        if ps.count(cat) >= target:
            break
        if per_tool and per[c.tool] >= per_tool:
            continue
        for a, b, src in make(c, rng) or []:
            if ps.count(cat) >= target:
                break
            dup = cat in POSITIVE_CATEGORIES
            if ps.add(cat, a, b, dup, src, rng):
                per[c.tool] += 1


def replace_arg(call, key, value, args=None):
    new = copy.deepcopy(call.args if args is None else args)
    new[key] = value
    return new


# ---- positives


def make_exact(c, rng):
    if not c.args:
        return []
    return [(c.obj(), c.obj(), c.source)]


def make_reorder(c, rng):
    keys = list(c.args)
    if len(keys) < 2:
        return []
    order = keys[:]
    while order == keys:
        rng.shuffle(order)
    return [(c.obj(), c.obj({k: c.args[k] for k in order}), c.source)]


def number_variants(key, v):
    if ID_KEY_RE.search(key):
        return []
    out = []
    if is_num(v):
        if isinstance(v, int):
            if abs(v) < 2 ** 53:
                out += [float(v), str(v)]
        else:
            if v.is_integer() and abs(v) < 2 ** 53:
                out += [int(v), str(int(v)), repr(v)]
            else:
                out += [repr(v)]
    elif isinstance(v, str):
        n = num_from_str(v)
        if n is not None:
            out += [n]
            if isinstance(n, int):
                out += [float(n)]
    return out


def make_number_format(c, rng):
    if c.tool in MT_FILESYSTEM_TOOLS:
        return []
    keys = [k for k, v in c.args.items() if number_variants(k, v) and not TEXT_KEY_RE.match(k)]
    if not keys:
        return []
    k = rng.choice(keys)
    alt = rng.choice(number_variants(k, c.args[k]))
    return [(c.obj(), c.obj(replace_arg(c, k, alt)), c.source)]


def date_variants(s):
    m = ISO_DATE_RE.fullmatch(s)
    if not m:
        return []
    d = valid_date(*m.groups())
    if not d:
        return []
    kinds = [[f"{MONTHS[d.month - 1]} {d.day}, {d.year}"],
             [f"{d.day} {MONTHS[d.month - 1]} {d.year}"],
             [f" {s}", f"{s} ", f" {s} "]]
    if d.day > 12:                       # only then is MM/DD/YYYY unambiguous
        kinds.append([f"{d.month:02d}/{d.day:02d}/{d.year}"])
    return kinds


def make_date_format(c, rng):
    keys = [k for k, v in c.args.items() if isinstance(v, str) and date_variants(v)
            and DATE_KEY_RE.search(k) and not ID_KEY_RE.search(k)]
    if not keys:
        return []
    k = rng.choice(keys)
    alt = rng.choice(rng.choice(date_variants(c.args[k])))
    return [(c.obj(), c.obj(replace_arg(c, k, alt)), c.source)]


def email_case_variants(v):
    m = EMAIL_RE.fullmatch(v)
    if not m:
        return []
    local, domain = v.split("@", 1)
    cands = [v.lower(),
             local[:1].upper() + local[1:] + "@" + domain[:1].upper() + domain[1:],
             local + "@" + domain.upper()]
    out = []
    for x in cands:
        if x != v and x not in out:
            out.append(x)
    return out


def make_email_case(c, rng):
    res = []
    keys = [k for k, v in c.args.items()
            if isinstance(v, str) and EMAIL_KEY_RE.search(k) and email_case_variants(v)]
    for k in keys:
        vs = email_case_variants(c.args[k])
        rng.shuffle(vs)
        for alt in vs[:2]:
            res.append((c.obj(), c.obj(replace_arg(c, k, alt)), c.source))
    return res


def ws_ok(c, k, v):
    return (isinstance(v, str) and re.search(r"[A-Za-z]", v) and v == v.strip()
            and "  " not in v and "\n" not in v and "\t" not in v
            and not WS_UNSAFE_KEY_RE.search(k) and not ID_KEY_RE.search(k)
            and not EMAIL_RE.search(v)
            and c.tool not in MT_FILESYSTEM_TOOLS and "://" not in v)


def ws_variant(v, rng):
    kinds = ["trailing", "leading", "both"]
    if " " in v:
        kinds += ["double_inner", "double_inner"]
    kind = rng.choice(kinds)
    if kind == "trailing":
        return v + rng.choice([" ", "  "])
    if kind == "leading":
        return rng.choice([" ", "  "]) + v
    if kind == "both":
        return " " + v + " "
    idx = [i for i, ch in enumerate(v) if ch == " "]
    i = rng.choice(idx)
    return v[:i] + "  " + v[i + 1:]


def make_whitespace(c, rng):
    keys = [k for k, v in c.args.items() if ws_ok(c, k, v)]
    if not keys:
        return []
    k = rng.choice(keys)
    return [(c.obj(), c.obj(replace_arg(c, k, ws_variant(c.args[k], rng))), c.source)]


def rand_hex(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def volatile_value(key, rng):
    if key == "request_id":
        return "req_" + rand_hex(rng, 16)
    if key == "trace_id":
        return rand_hex(rng, 32)
    if key == "nonce":
        return rand_hex(rng, 12)
    if key == "correlation_id":
        return f"{rand_hex(rng, 8)}-{rand_hex(rng, 4)}-4{rand_hex(rng, 3)}-a{rand_hex(rng, 3)}-{rand_hex(rng, 12)}"
    base = dt.datetime(2026, 1, 1, 0, 0, 0) + dt.timedelta(seconds=rng.randrange(0, 330 * 86400))
    if key == "timestamp":
        return base.strftime("%Y-%m-%dT%H:%M:%SZ")
    return int(base.replace(tzinfo=dt.timezone.utc).timestamp() * 1000)  # client_timestamp (ms)


def make_volatile(c, rng):
    if not c.args:
        return []
    keys = [k for k in VOLATILE_KEYS if k not in c.args and (not c.schema or k not in c.schema)]
    if not keys:
        return []
    mode = rng.choice(["both_differ", "both_differ", "one_side", "two_fields"])
    a_args, b_args = copy.deepcopy(c.args), copy.deepcopy(c.args)
    if mode == "one_side":
        k = rng.choice(keys)
        b_args[k] = volatile_value(k, rng)
    else:
        ks = rng.sample(keys, 2 if mode == "two_fields" and len(keys) >= 2 else 1)
        for k in ks:
            va = volatile_value(k, rng)
            vb = volatile_value(k, rng)
            if k in ("timestamp", "client_timestamp"):   # a retry seconds later
                if k == "timestamp":
                    t = dt.datetime.strptime(va, "%Y-%m-%dT%H:%M:%SZ") + dt.timedelta(seconds=rng.randint(1, 90))
                    vb = t.strftime("%Y-%m-%dT%H:%M:%SZ")
                else:
                    vb = va + rng.randint(500, 90000)
            a_args[k] = va
            b_args[k] = vb
    return [(c.obj(a_args), c.obj(b_args), c.source)]


def bfcl_alt_pairs(alt_records):
    """Positive pairs certified by BFCL's accepted-answer lists.  Rule: two listed
    alternatives of one parameter are used only if they are equal after
      - case folding (-> text_case), or
      - whitespace collapsing (-> whitespace), or
      - numeric parsing (-> number_format), or
      - unambiguous date parsing (-> date_format);
    anything else (abbreviations, other dates, other ids, list permutations,
    "" = omitted default) is skipped."""
    out = []
    for call, params in alt_records:
        for k, alts in params.items():
            if k not in call.args:
                continue
            base = call.args[k]
            for alt in alts:
                if alt == "" or alt == base or type(alt) is not type(base) and not (
                        is_num(alt) and is_num(base)):
                    continue
                cat = None
                if isinstance(base, str) and isinstance(alt, str):
                    if " ".join(base.split()) == " ".join(alt.split()):
                        cat = "whitespace"
                    elif base.casefold() == alt.casefold():
                        cat = "text_case"
                    elif (parse_date_unambiguous(base) and
                          parse_date_unambiguous(base) == parse_date_unambiguous(alt)):
                        cat = "date_format"
                    elif (num_from_str(base) is not None and
                          num_from_str(base) == num_from_str(alt)):
                        cat = "number_format"
                elif is_num(base) and is_num(alt) and base == alt:
                    cat = "number_format"
                if cat:
                    out.append((cat, call, k, alt))
    return out


# ---- negatives


def bump_number(v, rng, small=False):
    """A different number of the same type (numeric strings stay strings).
    small=True (years, ages, seasons): only +1 / -1."""
    if isinstance(v, str):
        n = num_from_str(v)
        if n is None:
            return None
        m = bump_number(n, rng, small)
        return None if m is None else (repr(m) if isinstance(m, float) else str(m))
    d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    ops = ["plus1"] if small else ["plus1", "times10"]
    if d >= 2:
        ops.append("minus1")
    if d >= 10 and not small:
        ops += ["plus10pct", "div10"]
    op = rng.choice(ops)
    if op == "plus1":
        r = d + 1
    elif op == "minus1":
        r = d - 1
    elif op == "times10":
        r = d * 10
    elif op == "div10":
        r = d / 10
    else:
        r = d + max(1, int(d / 10))
    if isinstance(v, int):
        if r != r.to_integral_value():
            r = d + 1
        out = int(r)
    else:
        out = float(r)
    return None if out == v else out


def make_identity_amount(c, rng):
    keys = [k for k, v in c.args.items()
            if not ID_KEY_RE.search(k) and (is_num(v) or num_from_str(v) is not None)]
    if not keys:
        return []
    pref = [k for k in keys if AMOUNT_KEY_RE.search(k)]
    k = rng.choice(pref or keys)
    v = c.args[k]
    n = num_from_str(v) if isinstance(v, str) else v
    year_like = isinstance(n, int) and 1900 <= n <= 2100 and not AMOUNT_KEY_RE.search(k)
    nv = bump_number(v, rng, small=bool(YEARISH_KEY_RE.search(k)) or year_like)
    if nv is None:
        return []
    return [(c.obj(), c.obj(replace_arg(c, k, nv)), c.source)]


def change_one_char(s, rng):
    digits = [i for i, ch in enumerate(s) if ch.isdigit()]
    if digits:
        i = digits[-1]
        return s[:i] + str((int(s[i]) + 1) % 10) + s[i + 1:]
    stem_end = s.rfind(".") if "." in s[1:] else len(s)
    letters = [i for i, ch in enumerate(s[:stem_end]) if ch.isalpha()]
    if not letters:
        return None
    i = letters[-1]
    ch = s[i]
    base = "a" if ch.islower() else "A"
    nch = chr((ord(ch.lower()) - ord("a") + 1) % 26 + ord(base)) if ch.isascii() else None
    if nch is None:
        return None
    return s[:i] + nch + s[i + 1:]


STOP_INITIALS = {"of", "the", "and", "de", "for"}


def initials(s):
    return "".join(w[0] for w in re.findall(r"[a-z]+", s.casefold()) if w not in STOP_INITIALS)


def distinct_value(a, b):
    """True when a and b clearly name different things: they differ after case and
    whitespace folding, neither contains the other ("New York" / "New York, NY"), and
    neither looks like an abbreviation of the other ("USA" / "United States",
    "NYC" / "New York", "LA" / "Los Angeles")."""
    fa, fb = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    if fa == fb or fa in fb or fb in fa:
        return False
    for x, y in ((fa, fb), (fb, fa)):
        short = re.sub(r"[^a-z]", "", x)
        if " " not in x.strip() and len(short) <= 5 and " " in y.strip():
            ini = initials(y)
            if ini and (ini.startswith(short) or short.startswith(ini)):
                return False
    return True


def random_id_like(v):
    """A generated identifier (not a word): mixed-case token of 6+ characters, or an
    all-capitals code of 3+ characters."""
    return (" " not in v and ((len(v) >= 6 and re.search(r"[a-z]", v) and re.search(r"[A-Z]", v)
                               and not re.fullmatch(r"[A-Z][a-z]+", v))
                              or re.fullmatch(r"[A-Z0-9_-]{3,}", v) is not None))


def pool_choice(c, k, v, value_pool, rng, accept=lambda x: True):
    """Another real value for key k: first from calls of the same tool, then from any
    call with the same key; must differ after case/whitespace folding and not contain
    (or be contained in) the original ("New York" vs "New York, NY" is not used)."""
    for scope in ((c.tool, k), k):
        others = [x for x in value_pool.get(scope, [])
                  if isinstance(x, str) and distinct_value(v, x) and accept(x)]
        if others:
            return rng.choice(others)
    return None


def make_identity_id_factory(value_pool):
    def make(c, rng):
        keys = []
        for k, v in c.args.items():
            if SECRET_KEY_RE.search(k) or RECIP_KEY_RE.search(k):
                continue
            if isinstance(v, str) and EMAIL_RE.search(v):
                continue
            if isinstance(v, int) and not is_bool(v):
                if re.search(r"(^|_)(id|ids)$|[a-z]Id$", k):  # numeric ids only, not "number"
                    keys.append(k)
            elif isinstance(v, str) and v.strip() and (ID_KEY_RE.search(k) or NAME_KEY_RE.search(k)):
                keys.append(k)
        if not keys:
            return []
        k = rng.choice(keys)
        v = c.args[k]
        if isinstance(v, int):
            nv = v + 1
        elif re.search(r"\d", v) and " " not in v.strip():
            nv = change_one_char(v, rng)                   # cus_42 -> cus_43
        else:
            nv = pool_choice(c, k, v, value_pool, rng)     # another real value of this key
            if nv is None and ID_KEY_RE.search(k) and random_id_like(v):
                nv = change_one_char(v, rng)               # generated id: one character
        if nv is None or nv == v:
            return []
        return [(c.obj(), c.obj(replace_arg(c, k, nv)), c.source)]
    return make


def make_identity_recipient_factory(email_pool, value_pool):
    def other_email(e, exclude, rng):
        local, domain = e.split("@", 1)
        taken = {x.casefold() for x in exclude}
        locals_ = []
        for x in email_pool:
            lx = x.split("@", 1)[0]
            if lx.casefold() != local.casefold() and (lx + "@" + domain).casefold() not in taken \
                    and lx not in locals_:
                locals_.append(lx)
        if locals_:
            return rng.choice(locals_) + "@" + domain      # another real mailbox, same domain
        return local + "2@" + domain

    def make(c, rng):
        options = []
        for k, v in c.args.items():
            if isinstance(v, str) and EMAIL_KEY_RE.search(k) and EMAIL_RE.search(v) and \
                    re.fullmatch(r"\s*[^\s,;]+@[^\s,;]+(\s*[,;]\s*[^\s,;]+@[^\s,;]+)*\s*", v):
                options.append((k, "email"))               # one address or a list of addresses
            elif RECIP_KEY_RE.search(k) and not is_bool(v) and v not in ("", None, []):
                options.append((k, "recip"))
        if not options:
            return []
        k, kind = rng.choice(options)
        v = c.args[k]
        if kind == "email":
            emails = [m.group(0) for m in EMAIL_RE.finditer(v)]
            target = rng.choice(emails)
            nv = v.replace(target, other_email(target, emails, rng), 1)
        elif isinstance(v, list):
            if not v or not all(isinstance(x, str) for x in v):
                return []
            i = rng.randrange(len(v))
            nl = list(v)
            nl[i] = pool_choice(c, k, v[i], value_pool, rng, lambda x: x not in v) \
                or change_one_char(v[i], rng)
            nv = nl
        elif isinstance(v, int):
            nv = v + 1
        elif isinstance(v, str) and re.search(r"\d", v) and " " not in v:
            nv = change_one_char(v, rng)                   # USR003 -> USR004
        elif isinstance(v, str):
            nv = pool_choice(c, k, v, value_pool, rng, lambda x: not EMAIL_RE.search(x))
        else:
            return []
        if nv is None or nv == v:
            return []
        return [(c.obj(), c.obj(replace_arg(c, k, nv)), c.source)]
    return make


def shift_date(d, rng):
    op = rng.choice(["day+1", "day-1", "week", "month", "year"])
    if op == "day+1":
        return d + dt.timedelta(days=1)
    if op == "day-1":
        return d - dt.timedelta(days=1)
    if op == "week":
        return d + dt.timedelta(days=7)
    if op == "month":
        y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
        return valid_date(y, m, d.day) or valid_date(y, m, 28)
    return valid_date(d.year + 1, d.month, d.day) or valid_date(d.year + 1, d.month, 28)


def make_identity_date(c, rng):
    keys = [k for k, v in c.args.items() if isinstance(v, str) and not ID_KEY_RE.search(k)
            and DATE_KEY_RE.search(k)
            and any(valid_date(*m.groups()) for m in ISO_DATE_RE.finditer(v))]
    if not keys:
        return []
    k = rng.choice(keys)
    v = c.args[k]
    m = next(m for m in ISO_DATE_RE.finditer(v) if valid_date(*m.groups()))
    nd = shift_date(valid_date(*m.groups()), rng)
    nv = v[:m.start()] + nd.isoformat() + v[m.end():]
    if nv == v:
        return []
    return [(c.obj(), c.obj(replace_arg(c, k, nv)), c.source)]


# opposite actions on the real multi-turn APIs (BFCL multi_turn_func_doc)
MT_ENUM_FLIPS = {
    ("place_order", "order_type"): {"Buy": "Sell", "Sell": "Buy", "buy": "sell", "sell": "buy"},
    ("lockDoors", "unlock"): {True: False, False: True},
    ("setCruiseControl", "activate"): {True: False, False: True},
    ("startEngine", "ignitionMode"): {"START": "STOP", "STOP": "START"},
    ("activateParkingBrake", "mode"): {"engage": "release", "release": "engage"},
    ("setHeadlights", "mode"): {"on": "off", "off": "on"},
}
# tool pairs with opposite effects; value: (other tool, argument renaming)
MT_TOOL_FLIPS = {
    "mkdir": ("rmdir", {}), "rmdir": ("mkdir", {}),
    "touch": ("rm", {}), "rm": ("touch", {}),
    "fund_account": ("withdraw_funds", {}), "withdraw_funds": ("fund_account", {}),
    "add_to_watchlist": ("remove_stock_from_watchlist", {"stock": "symbol"}),
    "remove_stock_from_watchlist": ("add_to_watchlist", {"symbol": "stock"}),
    "follow_user": ("unfollow_user", {"username_to_follow": "username_to_unfollow"}),
    "unfollow_user": ("follow_user", {"username_to_unfollow": "username_to_follow"}),
}
ENUM_VALUE_FLIPS = {
    "ascending": "descending", "descending": "ascending", "asc": "desc", "desc": "asc",
    "enable": "disable", "disable": "enable", "enabled": "disabled", "disabled": "enabled",
    "lock": "unlock", "unlock": "lock", "open": "close", "close": "open",
    "buy": "sell", "sell": "buy", "approve": "reject", "reject": "approve",
    "add": "remove", "remove": "add", "on": "off", "off": "on",
    "activate": "deactivate", "deactivate": "activate", "subscribe": "unsubscribe",
    "unsubscribe": "subscribe", "deposit": "withdraw", "withdraw": "deposit",
    "increase": "decrease", "decrease": "increase", "start": "stop", "stop": "start",
}
ENUM_FLIP_KEY_RE = re.compile(r"(^|_)(action|operation|op|command|order|direction|mode|"
                              r"order_type|trade_type|transaction_type|sort_order|state)$", re.I)
VERB_ANTONYMS = [("enable", "disable"), ("lock", "unlock"), ("start", "stop"), ("open", "close"),
                 ("add", "remove"), ("subscribe", "unsubscribe"), ("follow", "unfollow"),
                 ("activate", "deactivate"), ("connect", "disconnect"), ("approve", "reject"),
                 ("increase", "decrease"), ("turnOn", "turnOff"), ("buy", "sell"),
                 ("mute", "unmute"), ("block", "unblock"), ("install", "uninstall"),
                 ("create", "delete"), ("register", "unregister"), ("pause", "resume"),
                 ("encrypt", "decrypt"), ("grant", "revoke"), ("arm", "disarm")]


def match_case(src, word):
    if src.isupper():
        return word.upper()
    if src[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def make_opposite_factory(seal_tools):
    seal_lower = {n.lower(): n for n in seal_tools}

    def seal_partner(name):
        for a, b in VERB_ANTONYMS:
            for x, y in ((a, b), (b, a)):
                if name.lower().startswith(x.lower()):
                    cand = seal_lower.get((y + name[len(x):]).lower())
                    if cand:
                        return cand
        return None

    def make(c, rng):
        res = []
        if c.family == "mt":
            for (tool, key), flip in MT_ENUM_FLIPS.items():
                if c.tool == tool and key in c.args and c.args[key] in flip:
                    res.append((c.obj(), c.obj(replace_arg(c, key, flip[c.args[key]])),
                                c.source))
            if c.tool in MT_TOOL_FLIPS and c.args:
                other, ren = MT_TOOL_FLIPS[c.tool]
                res.append((c.obj(), c.obj({ren.get(k, k): v for k, v in c.args.items()}, other),
                            c.source))
        elif c.family == "seal":
            other = seal_partner(c.tool)
            if other and c.args and set(c.args) <= set(seal_tools[other].get("parameters", {})):
                res.append((c.obj(), c.obj(c.args, other), c.source))
        for k, v in c.args.items():
            if (isinstance(v, str) and v.lower() in ENUM_VALUE_FLIPS
                    and ENUM_FLIP_KEY_RE.search(k) and not (c.tool, k) in MT_ENUM_FLIPS):
                res.append((c.obj(), c.obj(replace_arg(c, k, match_case(v, ENUM_VALUE_FLIPS[v.lower()]))),
                            c.source))
        return res[:1]
    return make


NEGATABLE_RE = re.compile(
    r"\b(is|are|was|were|will|can|could|should|would|must)\b(?= (?!not\b)[A-Za-z])|"
    r"\b(has|have|had)\b(?= (been|[a-z]+ed|[a-z]+en)\b)")
WH_WORDS = {"what", "who", "where", "how", "which", "why", "when", "whom", "whose"}


def negate(s):
    """Insert 'not' after the first auxiliary verb of a declarative sentence."""
    if s.rstrip().endswith("?") or has_negation(s):
        return None
    m = NEGATABLE_RE.search(s)
    if not m or m.start() == 0:
        return None
    prev = s[:m.start()].split()
    if not prev or prev[-1].lower().strip(",") in WH_WORDS:
        return None
    return s[:m.end()] + " not" + s[m.end():]


# ---- text hosts


def text_host_key(c):
    """Free-text argument of a call (any prose key; used for the negation top-up)."""
    for k, v in c.args.items():
        if TEXT_KEY_RE.match(k) and isinstance(v, str) and len(v.split()) >= 2:
            return k
    return None


def message_host_key(c):
    """Free-text argument that is a message to people (message, post, comment, ticket
    description, ...), in a tool that sends/stores it rather than analysing it.  Only
    such calls host the STS-B sentences for reworded_text / near_miss_text: rewording a
    message keeps the action, rewording the input of a text-analysis tool may not."""
    if c.tool in MT_FILESYSTEM_TOOLS or ANALYSIS_TOOL_RE.search(c.tool):
        return None
    for k, v in c.args.items():
        if MESSAGE_KEY_RE.match(k) and isinstance(v, str) and len(v.split()) >= 2:
            return k
    return None


def text_pairs(ps, cat, rows, hosts, target, dup):
    rng = rng_for(cat)
    hs = list(hosts)
    rng.shuffle(hs)
    n = 0
    for r in rows:
        if ps.count(cat) >= target:
            break
        c, k = hs[n % len(hs)]
        n += 1
        a = c.obj(replace_arg(c, k, r["s1"]))
        b = c.obj(replace_arg(c, k, r["s2"]))
        ps.add(cat, a, b, dup, f"{r['src']} in {c.source}", rng)


# --------------------------------------------------------------------------- main


GENERIC_NAME_WORDS = {
    "get", "set", "find", "calculate", "calc", "check", "search", "fetch", "retrieve", "create",
    "update", "info", "information", "data", "details", "detail", "the", "by", "of", "to",
    "for", "and", "a", "list", "compute", "lookup", "api", "tool", "service", "estimate",
    "analyze", "generate", "perform", "request", "submit", "manage", "show", "display"}


def name_stems(name):
    """Content words of a tool name (split on . _ and camelCase), as 5-letter stems.
    different_tool only pairs tools that share none, so near-synonyms such as
    translateText / getLanguageTranslation are never labelled as different actions."""
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)
    return {p.lower()[:5] for p in parts if p.lower() not in GENERIC_NAME_WORDS}


def check_pairs(ps):
    """Invariants of the construction; a failure is a bug in this script."""
    for cat, pairs in ps.pairs.items():
        for p in pairs:
            a, b = p["a"], p["b"]
            same_text = dumps(a) == dumps(b)
            same_canon = canon(a["tool"], a["arguments"]) == canon(b["tool"], b["arguments"])
            if cat == "exact_retry":
                assert same_text, p
            elif cat == "key_reorder":
                assert same_canon and not same_text, p
            else:
                assert not same_canon, p
            assert p["duplicate"] == (cat in POSITIVE_CATEGORIES), p
            if cat not in ("different_tool", "opposite_action"):
                assert a["tool"] == b["tool"], p


def dedupe(calls, exclude=()):
    seen, out = set(exclude), []
    for c in calls:
        key = canon(c.tool, c.args)
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA, help="raw data folder (default: %(default)s)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    opts = ap.parse_args(argv)
    data = os.path.abspath(opts.data)
    if not os.path.isfile(os.path.join(data, "README.md")):
        raise SystemExit(f"raw data not found in {data} (use --data DIR)")

    # ---------------- load
    seal_tools = {}
    for t in read_jsonl(os.path.join(data, "sealtools", "tool.jsonl")):
        seal_tools.setdefault(t["api_name"], t)
    mt_docs = load_mt_docs(data)

    corpus_calls = []
    bfcl_schemas = collections.OrderedDict()
    for cat in BFCL_CORPUS_CATEGORIES:
        calls, _, questions = load_bfcl(data, cat)
        corpus_calls += calls
        for q in questions:
            for f in q.get("function", []):
                bfcl_schemas.setdefault(f["name"], f.get("parameters", {}))
    corpus_calls += load_seal(data, SEAL_CORPUS_SPLIT, seal_tools)
    corpus_calls = dedupe(corpus_calls)
    corpus_keys = {canon(c.tool, c.args) for c in corpus_calls}

    pool, alt_records = [], []
    for cat in BFCL_PAIR_CATEGORIES:
        calls, alts, questions = load_bfcl(data, cat)
        pool += calls
        alt_records += alts
        for q in questions:
            for f in q.get("function", []):
                bfcl_schemas.setdefault(f["name"], f.get("parameters", {}))
    pool += load_multi_turn(data, mt_docs)
    pool += load_seal(data, SEAL_PAIR_SPLIT, seal_tools)
    pool = dedupe(pool, exclude=corpus_keys)      # keep the pair pool disjoint from the corpus
    pool_keys = {canon(c.tool, c.args) for c in pool}
    alt_records = [(c, p) for c, p in alt_records if canon(c.tool, c.args) in pool_keys]

    sts_train = load_stsb(data, "sts-train.csv")
    sts_dev = load_stsb(data, "sts-dev.csv")

    # STS-B train pairs that qualify for the pair categories are reserved: none of their
    # sentences (nor any STS-B dev sentence) enters the corpus.
    reserved_train = [r for r in sts_train if is_paraphrase_pair(r) or is_near_miss_pair(r)]
    banned = set()
    for r in reserved_train + sts_dev:
        banned.add(r["s1"])
        banned.add(r["s2"])

    # ---------------- corpus
    corpus_lines, seen_sent = [], set()
    for c in corpus_calls:
        corpus_lines.append({"tool": c.tool, "arguments": c.args})
    for r in sts_train:
        if r in reserved_train:
            continue
        for s in (r["s1"], r["s2"]):
            if s in banned or s in seen_sent:
                continue
            seen_sent.add(s)
            corpus_lines.append({"tool": TEXT_TOOL, "arguments": {TEXT_ARG: s}})

    # ---------------- pairs
    ps = PairSet()
    with_args = [c for c in pool if c.args]

    # value pools (from the pair pool only) for realistic substitutions
    value_pool = collections.defaultdict(list)
    email_pool = []
    for c in pool:
        for k, v in c.args.items():
            vals = [v] if isinstance(v, str) else (v if isinstance(v, list) else [])
            for x in vals:
                if isinstance(x, str) and x.strip():
                    for scope in ((c.tool, k), k):
                        if x not in value_pool[scope]:
                            value_pool[scope].append(x)
            if isinstance(v, str):
                for m in EMAIL_RE.finditer(v):
                    if m.group(0) not in email_pool:
                        email_pool.append(m.group(0))
    for c in corpus_calls:   # emails are scarce: corpus-side addresses as substitutes only
        for v in c.args.values():
            if isinstance(v, str):
                for m in EMAIL_RE.finditer(v):
                    if m.group(0) not in email_pool:
                        email_pool.append(m.group(0))

    # positives certified by BFCL answer lists come first in their categories
    alt_rng = rng_for("bfcl_alternatives")
    for cat, call, k, alt in bfcl_alt_pairs(alt_records):
        ps.add(cat, call.obj(), call.obj(replace_arg(call, k, alt)), True,
               call.source + " (BFCL accepted alternative)", alt_rng)

    T = TARGETS
    fill(ps, "exact_retry", with_args, make_exact, T["exact_retry"])
    fill(ps, "key_reorder", with_args, make_reorder, T["key_reorder"])
    fill(ps, "number_format", with_args, make_number_format, T["number_format"])
    fill(ps, "date_format", with_args, make_date_format, T["date_format"], per_tool=6)
    email_calls = [c for c in with_args if any(isinstance(v, str) and EMAIL_RE.fullmatch(v)
                                               for v in c.args.values())]
    fill(ps, "email_case", email_calls, make_email_case, T["email_case"], per_tool=0)
    if ps.count("email_case") < 80:
        # top up from the corpus-side splits (Seal-Tools dev, BFCL simple/multiple):
        # real addresses are rare in the pair-side splits
        corpus_email = [c for c in corpus_calls if any(
            isinstance(v, str) and EMAIL_RE.fullmatch(v) for v in c.args.values())]
        fill(ps, "email_case", corpus_email, make_email_case, T["email_case"], per_tool=0)
    fill(ps, "whitespace", with_args, make_whitespace, T["whitespace"])
    fill(ps, "volatile_field", with_args, make_volatile, T["volatile_field"])

    fill(ps, "identity_amount", with_args, make_identity_amount, T["identity_amount"])
    fill(ps, "identity_id", with_args, make_identity_id_factory(value_pool), T["identity_id"])
    make_recipient = make_identity_recipient_factory(email_pool, value_pool)
    fill(ps, "identity_recipient", with_args, make_recipient, T["identity_recipient"], per_tool=0)
    if ps.count("identity_recipient") < 100:
        # top up from the corpus-side splits: recipients are rare in the pair-side splits
        fill(ps, "identity_recipient", [c for c in corpus_calls if c.args], make_recipient,
             T["identity_recipient"], per_tool=0)
    fill(ps, "identity_date", with_args, make_identity_date, T["identity_date"], per_tool=6)
    fill(ps, "opposite_action", with_args, make_opposite_factory(seal_tools),
         T["opposite_action"], per_tool=0)

    # text hosts: real pair-side calls with a free-text argument
    hosts = [(c, message_host_key(c)) for c in with_args if message_host_key(c)]
    any_text_hosts = [(c, text_host_key(c)) for c in with_args if text_host_key(c)]

    # opposite_action top-up: negated free text ("X is ready" vs "X is not ready"), first
    # on the hosts' own real texts, then on STS-B dev sentences
    neg_rng = rng_for("opposite_action:negation")
    neg_hosts = list(any_text_hosts)
    neg_rng.shuffle(neg_hosts)
    for c, k in neg_hosts:
        if ps.count("opposite_action") >= T["opposite_action"]:
            break
        nv = negate(c.args[k])
        if nv:
            ps.add("opposite_action", c.obj(), c.obj(replace_arg(c, k, nv)), False,
                   c.source + " (negated text)", neg_rng)
    dev_sents, seen_dev = [], set()
    for r in sts_dev:
        for s in (r["s1"], r["s2"]):
            if s not in seen_dev and negate(s):
                seen_dev.add(s)
                dev_sents.append((s, r["src"]))
    neg_rng.shuffle(dev_sents)
    i = 0
    for s, src in dev_sents:
        if ps.count("opposite_action") >= T["opposite_action"]:
            break
        c, k = neg_hosts[i % len(neg_hosts)]
        i += 1
        ps.add("opposite_action", c.obj(replace_arg(c, k, s)), c.obj(replace_arg(c, k, negate(s))),
               False, f"{src} (negated) in {c.source}", neg_rng)

    # different_tool: same arguments, another real tool of the same family whose schema
    # accepts exactly these arguments
    def params_of(family, name):
        if family == "seal":
            t = seal_tools.get(name, {})
            return set(t.get("parameters", {})), set(t.get("required", []))
        if family == "mt":
            d = mt_docs[name]["parameters"]
            return set(d.get("properties", {})), set(d.get("required", []))
        p = bfcl_schemas.get(name, {})
        return set(p.get("properties", {})), set(p.get("required", []))

    families = {"seal": sorted(seal_tools), "mt": sorted(mt_docs), "bfcl": sorted(bfcl_schemas)}

    def make_different_tool(c, rng):
        keys = set(c.args)
        cands = []
        mine = name_stems(c.tool)
        for name in families[c.family]:
            if name == c.tool or name_stems(name) & mine:
                continue
            props, req = params_of(c.family, name)
            if keys <= props and req <= keys:
                cands.append(name)
        if not cands:
            return []
        return [(c.obj(), c.obj(c.args, rng.choice(cands)), c.source)]

    fill(ps, "different_tool", with_args, make_different_tool, T["different_tool"])

    # text categories (STS-B dev first, reserved STS-B train pairs to top up)
    near_rows = [r for r in sts_dev if is_near_miss_pair(r)] + \
                [r for r in reserved_train if is_near_miss_pair(r)]
    text_pairs(ps, "near_miss_text", near_rows, hosts, 10 ** 9, False)

    n_neg = sum(ps.count(c) for c in NEGATIVE_CATEGORIES)
    n_pos = sum(ps.count(c) for c in POSITIVE_CATEGORIES)
    para_rows = [r for r in sts_dev if is_paraphrase_pair(r)] + \
                [r for r in reserved_train if is_paraphrase_pair(r)]
    text_pairs(ps, "reworded_text", para_rows, hosts, max(REWORDED_MIN, n_neg - n_pos), True)

    check_pairs(ps)

    # ---------------- write
    os.makedirs(opts.out, exist_ok=True)
    with open(os.path.join(opts.out, "corpus.jsonl"), "w", encoding="utf-8", newline="\n") as fh:
        for line in corpus_lines:
            fh.write(dumps(line) + "\n")
    n = 0
    with open(os.path.join(opts.out, "pairs.jsonl"), "w", encoding="utf-8", newline="\n") as fh:
        for cat in CATEGORY_ORDER:
            for p in ps.pairs[cat]:
                n += 1
                fh.write(dumps({"id": f"p{n}", "a": p["a"], "b": p["b"],
                                "duplicate": p["duplicate"], "category": p["category"],
                                "source": p["source"]}) + "\n")

    # ---------------- summary
    text_lines = sum(1 for l in corpus_lines if l["tool"] == TEXT_TOOL)
    print(f"data: {data}")
    print(f"corpus.jsonl: {len(corpus_lines)} lines "
          f"({len(corpus_lines) - text_lines} tool calls: BFCL {'/'.join(BFCL_CORPUS_CATEGORIES)} + "
          f"Seal-Tools dev; {text_lines} STS-B train sentences as {TEXT_TOOL})")
    print(f"pair pool: {len(pool)} distinct calls (BFCL {'/'.join(BFCL_PAIR_CATEGORIES)}, "
          f"multi_turn, Seal-Tools test_in_domain); {len(hosts)} free-text hosts")
    print(f"pairs.jsonl: {n} pairs")
    print(f"  {'category':<20} {'label':<10} {'count':>5}")
    for cat in CATEGORY_ORDER:
        label = "duplicate" if cat in POSITIVE_CATEGORIES else "distinct"
        print(f"  {cat:<20} {label:<10} {ps.count(cat):>5}")
    pos = sum(ps.count(c) for c in POSITIVE_CATEGORIES)
    neg = sum(ps.count(c) for c in NEGATIVE_CATEGORIES)
    print(f"  {'total':<20} {'duplicate':<10} {pos:>5}")
    print(f"  {'total':<20} {'distinct':<10} {neg:>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
